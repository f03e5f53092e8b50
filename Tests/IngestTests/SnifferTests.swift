import Foundation
import Frame
import Ingest
import TestSupport
import Testing

/// One sniffing case: a file built here, what the sniffer must find, and where DuckDB's
/// `read_csv` auto-detection and pandas' `read_csv` differ from Bespoke on purpose (and why).
struct SniffCase: CustomStringConvertible, Sendable {
    var name: String
    var file: String
    var bytes: [UInt8]
    /// "delimiter quote header encoding line-ends | column:type[:format] …"
    var expected: String
    /// Extra keyword arguments for DuckDB's and pandas' readers: what they must be told.
    var told: String = ""
    /// Columns (by position) where DuckDB's type or values differ from ours, with the reason.
    var duckdbDiffers: [Int: String] = [:]
    var pandasDiffers: [Int: String] = [:]
    var description: String { name }

    init(
        _ name: String, _ file: String, _ text: String, _ expected: String, told: String = "",
        duckdb: [Int: String] = [:], pandas: [Int: String] = [:], latin1: Bool = false
    ) {
        self.name = name
        self.file = file
        bytes = latin1 ? text.unicodeScalars.map { UInt8($0.value) } : Array(text.utf8)
        self.expected = expected
        self.told = told
        duckdbDiffers = duckdb
        pandasDiffers = pandas
    }
}

enum SniffCases {
    static func rows(_ n: Int, _ row: (Int) -> String) -> String { (1...n).map(row).joined() }
    static let cities = ["São Paulo", "Zürich", "Bogotá", "Oslo", "Kraków"]
    static let pandasDates = "pandas leaves dates and times as text unless told which columns to parse"

    static let all: [SniffCase] = [
        SniffCase(
            "comma", "comma.csv", "id,name,price\n" + rows(40) { "\($0),item \($0),\(Double($0) * 1.25)\n" },
            "',' '\"' header utf-8 lf | id:int name:string price:double"),
        SniffCase(
            "semicolon", "semi.csv", "id;name;amount\n" + rows(40) { "\($0);n\($0), jr;\($0 * 7)\n" },
            "';' '\"' header utf-8 lf | id:int name:string amount:int"),
        SniffCase(
            "pipe", "pipe.txt", "id|city|score\n" + rows(40) { "\($0)|\(cities[$0 % 5])|\(Double($0) / 8)\n" },
            "'|' '\"' header utf-8 lf | id:int city:string score:double"),
        SniffCase(
            "tab", "tab.tsv", "id\tlabel\tflag\n" + rows(40) { "\($0)\tl \($0)\t\($0 % 2 == 0 ? "true" : "false")\n" },
            "'\t' '\"' header utf-8 lf | id:int label:string flag:bool"),
        SniffCase(
            "quoted fields with delimiters and newlines", "quoted.csv",
            "id,comment,qty\n" + rows(40) { "\($0),\"said \"\"hi\"\", then\nleft, \($0)\",\($0 % 9)\n" },
            "',' '\"' header utf-8 lf | id:int comment:string qty:int"),
        SniffCase(
            "CRLF line ends", "crlf.csv",
            "id,when\r\n" + rows(40) { "\($0),2024-03-\(String(format: "%02d", $0 % 28 + 1))\r\n" },
            "',' '\"' header utf-8 crlf | id:int when:date", pandas: [1: pandasDates]),
        SniffCase(
            "Latin-1", "latin1.csv", "id,city\n" + rows(40) { "\($0),\(cities[$0 % 5])\n" },
            "',' '\"' header latin-1 lf | id:int city:string", told: "encoding='latin-1'", latin1: true),
        SniffCase(
            "headerless", "headerless.csv", rows(40) { "\($0),name\($0),\(Double($0) / 2)\n" },
            "',' '\"' no-header utf-8 lf | column1:int column2:string column3:double", told: "header=False"),
        SniffCase(
            "ids with leading zeros", "codes.csv",
            "code,qty\n" + rows(40) { "\(String(format: "%05d", $0 * 37)),\($0)\n" },
            "',' '\"' header utf-8 lf | code:string qty:int",
            pandas: [0: "pandas reads 00037 as the number 37; the zeros are part of the code"]),
        SniffCase(
            "blank cells and NA", "nulls.csv",
            "id,score,label\n"
                + rows(40) {
                    "\($0),\($0 % 5 == 0 ? "NA" : $0 % 7 == 0 ? "" : String(Double($0) * 1.5)),\($0 % 3 == 0 ? "" : "x\($0)")\n"
                },
            "',' '\"' header utf-8 lf | id:int score:double label:string"),
        SniffCase(
            "day-first dates", "dayfirst.csv",
            "id,day\n" + rows(40) { "\($0),\(String(format: "%02d/%02d/2024", $0 % 28 + 1, $0 % 12 + 1))\n" },
            "',' '\"' header utf-8 lf | id:int day:date:%d/%m/%Y", pandas: [1: pandasDates]),
        SniffCase(
            "month-first dates", "monthfirst.csv",
            "id,day\n" + rows(40) { "\($0),\(String(format: "%02d/%02d/2024", $0 % 12 + 1, $0 % 28 + 1))\n" },
            "',' '\"' header utf-8 lf | id:int day:date:%m/%d/%Y", pandas: [1: pandasDates]),
        SniffCase(
            "ISO timestamps", "iso.csv",
            "id,ts\n"
                + rows(40) {
                    "\($0),2024-01-\(String(format: "%02d", $0 % 28 + 1))T10:00:\(String(format: "%02d", $0))Z\n"
                },
            "',' '\"' header utf-8 lf | id:int ts:timestamp", pandas: [1: pandasDates]),
        SniffCase(
            "epoch seconds", "epoch.csv", "id,created_at\n" + rows(40) { "\($0),\(1_700_000_000 + $0 * 3600)\n" },
            "',' '\"' header utf-8 lf | id:int created_at:timestamp:epoch_s",
            duckdb: [1: "DuckDB keeps epoch numbers as BIGINT; Bespoke reads them as times when the name says so"],
            pandas: [1: "pandas keeps epoch numbers as int64; Bespoke reads them as times when the name says so"]),
        SniffCase(
            "mostly int with one 2x", "twox.csv",
            "id,n\n" + rows(400) { "\($0),\($0 == 150 ? "2x" : String($0 * 3))\n" },
            "',' '\"' header utf-8 lf | id:int n:int",
            duckdb: [1: "DuckDB widens the column to VARCHAR; Bespoke keeps int and rejects the one '2x' row"],
            pandas: [1: "pandas widens the column to text; Bespoke keeps int and rejects the one '2x' row"]),
        // MovieLens-style ratings: epoch seconds from 1996 on.
        SniffCase(
            "ratings with 1990s epoch seconds", "ratings.csv",
            "userId,movieId,rating,timestamp\n"
                + rows(60) { "\($0 % 7 + 1),\($0 * 13),\(Double($0 % 10 + 1) / 2),\(830_000_000 + $0 * 9_000_001)\n" },
            "',' '\"' header utf-8 lf | userId:int movieId:int rating:double timestamp:timestamp:epoch_s",
            duckdb: [3: "DuckDB keeps epoch numbers as BIGINT; Bespoke reads them as times when the name says so"],
            pandas: [3: "pandas keeps epoch numbers as int64; Bespoke reads them as times when the name says so"]),
        // Identifiers tolerate no exception: one cancellation among 400 invoice numbers, one POST
        // among numeric stock codes, make both columns text (not 1 reject each).
        SniffCase(
            "identifiers with one code", "retail.csv",
            "InvoiceNo,StockCode,Quantity\n"
                + rows(400) {
                    "\($0 == 150 ? "C536150" : String(536_000 + $0)),\($0 == 9 ? "POST" : String(20_000 + $0)),\($0 % 5 + 1)\n"
                },
            "',' '\"' header utf-8 lf | InvoiceNo:string StockCode:string Quantity:int"),
    ]
}

@Suite struct SnifferTests {
    static func summary(_ r: SniffResult) -> String {
        let o = r.options
        var parts = ["'\(o.delimiter ?? ",")'", "'\(o.quote)'", o.header ? "header" : "no-header"]
        parts += [o.encoding.rawValue, r.lineEnding.rawValue, "|"]
        parts += o.columns.map { c in [c.name, c.type.rawValue, c.format].compactMap { $0 }.joined(separator: ":") }
        return parts.joined(separator: " ")
    }

    @Test(arguments: SniffCases.all) func sniffs(_ c: SniffCase) throws {
        let result = Sniffer.sniff(sample: SniffSample(bytes: c.bytes))
        #expect(Self.summary(result) == c.expected)
        // Read with what was sniffed: every row but the one '2x' is accepted.
        let (path, dir) = IngestFixture.file(c.file, bytes: c.bytes)
        defer { dir.remove() }
        var reader = try SourceReader.open(path: path, options: SourceOptions(columns: []), sourceName: "s")
        #expect(reader.sniffed.map(Self.summary) == c.expected)
        let batch = try reader.readAll()
        #expect(
            IngestFixture.rejectLines(batch)
                == (c.name.contains("2x") ? ["151: column 'n': cannot parse '2x' as int"] : []))
    }

    static let duckdbAvailable: Bool = (try? PythonScript.run("import duckdb, pandas, pyarrow")) != nil

    /// DuckDB's `read_csv` auto-detection (given only what the case says it must be told, and our
    /// null tokens) gives the same types and values, and pandas' `read_csv` (delimiter sniffed by
    /// its python engine) the same values, except where the case says why Bespoke differs.
    @Test(.enabled(if: duckdbAvailable), arguments: SniffCases.all) func agreesWithDuckDBAndPandas(_ c: SniffCase)
        throws
    {
        let (path, dir) = IngestFixture.file(c.file, bytes: c.bytes)
        defer { dir.remove() }
        var reader = try SourceReader.open(path: path, options: SourceOptions(columns: []), sourceName: "s")
        let batch = try reader.readAll()
        let ours = CanonicalJSON.lines(batch.frame).map(Self.typeAndValues)
        let header = reader.options.header ? 1 : 0
        let dropped = batch.rejects.map { String($0.line - 1 - header) }.joined(separator: ",")
        let out = try Python.run(
            script: CanonicalJSON.python + """
                import sys, json, duckdb, pandas as pd, pyarrow as pa
                path, told, dropped = sys.argv[1], eval('dict(' + sys.argv[2] + ')'), [int(x) for x in sys.argv[3].split(',') if x]
                nulls = ['', 'NULL', 'null', 'NA', 'N/A']
                opts = ''.join(', %s=%s' % (k, "'%s'" % v if isinstance(v, str) else str(v).lower()) for k, v in told.items())
                t = duckdb.sql("SELECT * FROM read_csv('%s', nullstr=%s%s)" % (path.replace("'", "''"), nulls, opts)).arrow()
                if hasattr(t, 'read_all'): t = t.read_all()
                keep = [i for i in range(t.num_rows) if i not in dropped]
                t = t.take(keep)
                for line in arrow_lines(t): print('duckdb ' + line)
                ptold = {'encoding': told['encoding']} if 'encoding' in told else {}
                if told.get('header') is False: ptold['header'] = None
                df = pd.read_csv(path, sep=None, engine='python', keep_default_na=False, na_values=nulls,
                                 dtype_backend='pyarrow', **ptold)
                t = pa.Table.from_pandas(df, preserve_index=False).take(keep)
                for line in arrow_lines(t): print('pandas ' + line)
                """, arguments: [path, c.told, dropped])
        let lines = out.split(separator: "\n").map(String.init)
        for (tool, differs) in [("duckdb", c.duckdbDiffers), ("pandas", c.pandasDiffers)] {
            let theirs = lines.filter { $0.hasPrefix(tool + " ") }.map {
                Self.typeAndValues(String($0.dropFirst(tool.count + 1)))
            }
            #expect(theirs.count == ours.count, "\(tool): column count")
            for (k, (a, b)) in zip(ours, theirs).enumerated() {
                if let why = differs[k] {
                    #expect(a != b, "\(tool) column \(k) was declared different (\(why)) but agrees")
                } else {
                    #expect(a == b, "\(tool) column \(k)")
                }
            }
        }
    }

    /// A canonical column line without its name and nullability (headerless names differ by
    /// tool, and nullability is a declaration, not a value).
    static func typeAndValues(_ line: String) -> String {
        guard let data = line.data(using: .utf8),
            let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let values = try? JSONSerialization.data(withJSONObject: o["values"] ?? [], options: [.sortedKeys])
        else { return line }
        return "\(o["type"] ?? "?") " + String(decoding: values, as: UTF8.self)
    }
}
