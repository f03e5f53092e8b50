import Foundation
import Frame
import Parquet
import TestSupport
import Testing

/// Layer 2a (STYLE 10, DESIGN §6): pyarrow and DuckDB read the files we write with exactly the
/// values, schema, codec, created_by and statistics we put in them.
struct InteropWriteTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var frame: Frame
        var options: ParquetWriteOptions
        var testDescription: String { name }
    }

    static func options(
        _ codec: ParquetWriteOptions.Codec = .gzip, level: Int = 6, rowGroupRows: Int = 1 << 20, pageRows: Int = 20_000
    ) -> ParquetWriteOptions {
        var o = ParquetWriteOptions()
        o.codec = codec
        o.compressionLevel = level
        o.rowGroupRows = rowGroupRows
        o.pageRows = pageRows
        return o
    }

    /// A string column whose largest value is over the 4096-byte statistics cap.
    static var longStrings: Frame {
        let values = ["b", SampleData.longString, "", "a", "日本"]
        return try! Frame(
            schema: Schema([Field("s", .string)]),
            columns: [Column(.string(StringArray(values + [""])), validity: [true, true, true, true, true, false])])
    }

    static var oddNames: Frame {
        let base = SampleData.mixed(rows: 6, interopSafe: true)
        let names = ["user id", "say \"hi\"", "a,b", "prix €", "日付", "x.y", "_"]
        let fields = zip(base.schema.fields, names).map { Field($1, $0.type, nullable: $0.nullable) }
        return try! Frame(schema: Schema(fields), columns: base.columns)
    }

    static let cases: [Case] = [
        Case(
            name: "special values, nulls, several row groups and pages",
            frame: SampleData.allTypes(rows: 40, mode: .someNulls, interopSafe: true),
            options: options(rowGroupRows: 16, pageRows: 5)),
        Case(
            name: "required columns, gzip level 1",
            frame: SampleData.allTypes(rows: 20, mode: .required, interopSafe: true), options: options(level: 1)),
        Case(
            name: "optional columns without nulls, gzip level 9",
            frame: SampleData.allTypes(rows: 20, mode: .noNulls, seed: 4, interopSafe: true), options: options(level: 9)
        ),
        Case(
            name: "all nulls",
            frame: SampleData.allTypes(rows: 12, mode: .allNulls, interopSafe: true),
            options: options(rowGroupRows: 5, pageRows: 2)),
        Case(name: "zero rows", frame: SampleData.allTypes(rows: 0, mode: .someNulls), options: options()),
        Case(
            name: "mixed, uncompressed", frame: SampleData.mixed(rows: 30, interopSafe: true),
            options: options(.uncompressed, rowGroupRows: 12, pageRows: 7)),
        Case(
            name: "mixed, 3000 rows, default pages", frame: SampleData.mixed(rows: 3000, seed: 12, interopSafe: true),
            options: options(rowGroupRows: 1000)),
        Case(name: "string over the statistics cap", frame: longStrings, options: options()),
        Case(name: "column names with spaces, quotes, commas and unicode", frame: oddNames, options: options()),
    ]

    /// Reads a file with pyarrow and DuckDB and prints what each saw, as one JSON object.
    static let script =
        CanonicalJSON.python + #"""
            import sys, duckdb
            import pyarrow.parquet as pq

            path = sys.argv[1]
            table = pq.read_table(path)
            pf = pq.ParquetFile(path)
            md = pf.metadata
            types = [arrow_type_name(f.type) for f in table.schema]

            def stats_line(typ, null_count, lo, hi, nan=False, nan_count=None):
                d = {'null_count': null_count, 'min': canon_value(typ, lo), 'max': canon_value(typ, hi)}
                if nan:
                    d['nan_count'] = nan_count
                return json.dumps(d, separators=(',', ':'))

            def raw(typ, v):
                return v.decode('utf-8') if typ == 'string' else v

            arrow_stats = []
            codecs = set()
            for g in range(md.num_row_groups):
                rg = md.row_group(g)
                row = []
                for c in range(rg.num_columns):
                    col = rg.column(c)
                    codecs.add(col.compression)
                    s = col.statistics
                    if s is None:
                        row.append(None)
                    elif s.has_min_max:
                        row.append(stats_line(types[c], s.null_count, raw(types[c], s.min_raw), raw(types[c], s.max_raw)))
                    else:
                        row.append(stats_line(types[c], s.null_count, None, None))
                arrow_stats.append(row)

            con = duckdb.connect()
            con.execute("SET TimeZone = 'UTC'")
            def duck_value(typ, s):
                if s is None: return None
                if typ in ('int32', 'int64'): return int(s)
                if typ == 'double': return float(s)
                if typ == 'bool': return s == 'true'
                if typ == 'string': return s
                if typ == 'timestamp': return con.execute('SELECT epoch_us(CAST(? AS TIMESTAMPTZ))', [s]).fetchone()[0]
                if typ == 'date': return con.execute("SELECT CAST(? AS DATE) - DATE '1970-01-01'", [s]).fetchone()[0]

            duck_stats = [[None] * md.num_columns for _ in range(md.num_row_groups)]
            duck_chunks = []
            for g, c, rows, nv, nulls, lo, hi, nans, codec in con.execute(
                    'SELECT row_group_id, column_id, row_group_num_rows, num_values, stats_null_count, stats_min_value, '
                    'stats_max_value, stats_nan_count, compression FROM parquet_metadata(?) ORDER BY row_group_id, column_id', [path]).fetchall():
                t = types[c]
                duck_stats[g][c] = stats_line(t, nulls, duck_value(t, lo), duck_value(t, hi), True, nans)
                duck_chunks.append([g, c, rows, nv, codec])

            print(json.dumps({
                'arrow': arrow_lines(table),
                'duckdb': duckdb_lines(con, path),
                'arrow_schema': [[f.name, str(f.type), f.nullable] for f in table.schema],
                'created_by': md.created_by,
                'row_group_rows': [md.row_group(g).num_rows for g in range(md.num_row_groups)],
                'codecs': sorted(codecs),
                'arrow_stats': arrow_stats,
                'duckdb_stats': duck_stats,
                'duckdb_chunks': duck_chunks,
            }))
            """#

    static let arrowTypeNames: [DataType: String] = [
        .int32: "int32", .int64: "int64", .double: "double", .bool: "bool", .string: "string",
        .timestamp: "timestamp[us, tz=UTC]", .date: "date32[day]",
    ]

    /// The canonical statistics line for rows `range`, as both Python readers print it.
    static func statsLine(_ column: Column, rows range: Range<Int>, withNaNCount: Bool) -> String {
        let s = ExpectedStatistics.of(column, rows: range)
        func bound(_ bytes: [UInt8]?) -> String {
            guard let bytes else { return "null" }
            func int<T: FixedWidthInteger>(_: T.Type) -> T {
                bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(as: T.self)) }
            }
            switch column.type {
            case .int32, .date: return String(int(Int32.self))
            case .int64, .timestamp: return String(int(Int64.self))
            case .double: return CanonicalJSON.doubleBits(Double(bitPattern: int(UInt64.self)))
            case .bool: return bytes == [1] ? "true" : "false"
            case .string: return CanonicalJSON.string(String(decoding: bytes, as: UTF8.self))
            }
        }
        // pyarrow reports min and max only as a pair; DuckDB withholds both from a chunk whose
        // nan_count is above 0 (it orders NaN above every number, parquet-notes §7).
        let pair = s.minValue != nil && s.maxValue != nil
        let shown = withNaNCount ? (s.nanCount ?? 0) == 0 : pair
        var line = "{\"null_count\":\(s.nullCount!),\"min\":\(bound(shown ? s.minValue : nil))"
        line += ",\"max\":\(bound(shown ? s.maxValue : nil))"
        if withNaNCount { line += ",\"nan_count\":" + (s.nanCount.map { String($0) } ?? "null") }
        return line + "}"
    }

    @Test(arguments: cases)
    func pyarrowAndDuckDBReadWhatWeWrote(_ c: Case) throws {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        let path = dir.file("ours.parquet")
        try ParquetWriter.write(c.frame, to: path, options: c.options)
        let output = try PythonScript.run(Self.script, arguments: [path])
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])

        let expectedLines = CanonicalJSON.lines(c.frame)
        #expect(seen["arrow"] as? [String] == expectedLines, "pyarrow's values")
        #expect(seen["duckdb"] as? [String] == expectedLines, "DuckDB's values")

        let schema = seen["arrow_schema"] as? [[Any]] ?? []
        #expect(schema.map { "\($0[0])" } == c.frame.schema.names)
        #expect(schema.map { "\($0[1])" } == c.frame.schema.fields.map { Self.arrowTypeNames[$0.type]! })
        #expect(schema.map { ($0[2] as? Bool) ?? false } == c.frame.schema.fields.map(\.nullable))
        let createdBy = seen["created_by"] as? String ?? ""
        #expect(createdBy.hasPrefix("bespoke version "), "created_by \(createdBy)")

        let groupRows = c.options.rowGroupRows
        let groups = (c.frame.rowCount + groupRows - 1) / groupRows
        let ranges = (0..<groups).map { $0 * groupRows..<min(($0 + 1) * groupRows, c.frame.rowCount) }
        #expect(seen["row_group_rows"] as? [Int] == ranges.map(\.count))
        let codec = c.options.codec == .gzip ? "GZIP" : "UNCOMPRESSED"
        #expect(seen["codecs"] as? [String] == (groups == 0 ? [] : [codec]))

        let arrowStats = seen["arrow_stats"] as? [[String]]
        let duckStats = seen["duckdb_stats"] as? [[String]]
        #expect(
            arrowStats == ranges.map { r in c.frame.columns.map { Self.statsLine($0, rows: r, withNaNCount: false) } },
            "pyarrow's statistics")
        #expect(
            duckStats == ranges.map { r in c.frame.columns.map { Self.statsLine($0, rows: r, withNaNCount: true) } },
            "DuckDB's statistics")
        let chunks = seen["duckdb_chunks"] as? [[Any]] ?? []
        let expectedChunks = ranges.enumerated().flatMap { g, r in
            c.frame.columns.indices.map { "\(g) \($0) \(r.count) \(r.count) \(codec)" }
        }
        #expect(
            chunks.map { $0.map { "\($0)" }.joined(separator: " ") } == expectedChunks, "DuckDB's parquet_metadata()")
    }
}
