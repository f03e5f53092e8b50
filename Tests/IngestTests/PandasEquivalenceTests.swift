import Foundation
import Frame
import Ingest
import TestSupport
import Testing

/// One mixed file read by pandas (`read_csv` with the same types) and by us must agree value for value.
@Suite struct PandasEquivalenceTests {
    @Test func mixedFileMatchesPandas() throws {
        var rng = SplitMix64(seed: 7)
        var text = "id,name,price,qty,flag,day\r\n"
        let names = ["Ann", "Bob \"B\"", "Zoë, Z", "multi\nline", "", " pad "]
        for i in 0..<2000 {
            let r = rng.next()
            let name = names[Int(r % UInt64(names.count))]
            let quoted = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            let price = r % 11 == 0 ? "" : String(Double(Int64(r >> 20) % 200_000 - 100_000) / 100)
            let qty = r % 13 == 0 ? "NA" : String(Int64(r >> 40) % 5000 - 2500)
            let flag = ["true", "false", ""][Int(r >> 8) % 3]
            let day = r % 17 == 0 ? "" : "2024-0\(1 + (r >> 12) % 9)-1\((r >> 16) % 10)"
            text += "\(i),\(quoted),\(price),\(qty),\(flag),\(day)\r\n"
        }
        let (path, dir) = IngestFixture.file("mixed.csv", text)
        defer { dir.remove() }
        let options = SourceOptions(columns: [
            .int("id"), .string("name"), .double("price"), .int("qty"), ColumnMapping("flag", .bool),
            ColumnMapping("day", .date),
        ])
        let ours = try IngestFixture.read(path, options)
        #expect(ours.rejects.isEmpty)
        let theirs = try Python.run(
            script: CanonicalJSON.python + """
                import sys, pandas as pd, datetime
                df = pd.read_csv(sys.argv[1], dtype={'id': 'Int64', 'name': 'string', 'price': 'float64', 'qty': 'Int64',
                                 'flag': 'boolean'}, parse_dates=['day'], keep_default_na=False,
                                 na_values=['', 'NULL', 'null', 'NA', 'N/A'])
                def col(name, typ, conv):
                    return canon_line(name, typ, True, [None if pd.isna(v) else conv(v) for v in df[name]])
                epoch = datetime.datetime(1970, 1, 1)
                print(col('id', 'int64', int))
                print(col('name', 'string', str))
                print(col('price', 'double', float))
                print(col('qty', 'int64', int))
                print(col('flag', 'bool', bool))
                print(col('day', 'date', lambda v: (v.to_pydatetime() - epoch).days))
                """, arguments: [path])
        let expected = theirs.split(separator: "\n").map(String.init)
        #expect(expected.count == 6)
        for (got, want) in zip(CanonicalJSON.lines(ours.frame), expected) { #expect(got == want) }
    }
}
