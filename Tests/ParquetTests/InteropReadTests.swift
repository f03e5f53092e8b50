import Foundation
import Frame
import TestSupport
import Testing

@testable import Parquet

/// Layer 2b (STYLE 10, DESIGN §6): files pyarrow and DuckDB write, read by us with exactly the
/// values pyarrow reads from the same file. pyarrow is the oracle; each case also checks that the
/// file really holds the pages it is meant to exercise (dictionary fallback, v2 pages, RLE booleans…).
struct InteropReadTests {
    /// A fact about the pages or footer a case must exercise.
    enum Feature: Sendable, CustomStringConvertible {
        case codec(CompressionCodec)
        case dictionaryPage(column: String)
        case encoding(column: String, Encoding)
        case pageType(column: String, PageType)
        case physicalType(column: String, PhysicalType)
        case rowGroups(Int)

        var description: String {
            switch self {
            case .codec(let c): "codec \(c)"
            case .dictionaryPage(let c): "a dictionary page in column '\(c)'"
            case .encoding(let c, let e): "a \(e) page in column '\(c)'"
            case .pageType(let c, let t): "a \(t) page in column '\(c)'"
            case .physicalType(let c, let t): "column '\(c)' stored as \(t)"
            case .rowGroups(let n): "\(n) row groups"
            }
        }

        func holds(in layout: ParquetFileLayout) -> Bool {
            func pages(_ name: String) -> [ParquetFileLayout.Page] {
                layout.columnIndex(name).map { layout.pages(column: $0) } ?? []
            }
            switch self {
            case .codec(let c):
                return layout.metadata.rowGroups.flatMap(\.columns).allSatisfy { $0.metaData?.codec == c.rawValue }
            case .dictionaryPage(let column):
                return pages(column).contains { $0.header.type == PageType.dictionaryPage.rawValue }
            case .encoding(let column, let e):
                return pages(column).contains {
                    $0.header.type != PageType.dictionaryPage.rawValue && $0.encoding == e.rawValue
                }
            case .pageType(let column, let t):
                return pages(column).contains { $0.header.type == t.rawValue }
            case .physicalType(let column, let t):
                return layout.metadata.schema.contains { $0.name == column && $0.type == t }
            case .rowGroups(let n):
                return layout.metadata.rowGroups.count == n
            }
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// Python that writes the file at `path` (the base table is `t`).
        var write: String
        /// Extra keyword arguments for the oracle's `pq.read_table`.
        var oracleArguments = ""
        var features: [Feature]
        var testDescription: String { name }
    }

    /// A 5,000-row table with every Frame type, nulls, and the awkward values of each.
    static let prelude =
        CanonicalJSON.python + #"""
            import sys, math, random
            import pyarrow.parquet as pq
            path = sys.argv[1]
            rng = random.Random(20261129)
            N = 5000
            def nulls(values, every, offset=3):
                return [None if i % every == offset else v for i, v in enumerate(values)]
            def fill(specials, gen):
                return specials + [gen() for _ in range(N - len(specials))]
            i32 = fill([0, -2**31, 2**31 - 1, -1, 1], lambda: rng.randint(-2**31, 2**31 - 1))
            i64 = fill([0, -2**63, 2**63 - 1, -1], lambda: rng.randint(-2**63, 2**63 - 1))
            f64 = fill([0.0, -0.0, math.nan, math.inf, -math.inf, 5e-324, -1.7976931348623157e308],
                       lambda: rng.choice([rng.uniform(-1e6, 1e6), float(rng.randint(-100, 100))]))
            words = ['', 'a', 'h\u00e9llo w\u00f6rld', '\u65e5\u672c\u8a9e', '\U0001F600 emoji', 'tab\tnew\nline"quote\\', '\x00nul\x7f']
            words += ['w%d' % k for k in range(60)]
            ts = fill([0, -1, 1, -62135596800000000, 253402300799999999, -86400000001],
                      lambda: rng.randint(-3 * 10**15, 3 * 10**15))
            d = fill([0, -1, 1, -719162, 2932896], lambda: rng.randint(-700000, 2900000))
            t = pa.table({
                'i32': pa.array(nulls(i32, 7), pa.int32()),
                'i64': pa.array(i64, pa.int64()),
                'f64': pa.array(nulls(f64, 5), pa.float64()),
                'b': pa.array(nulls([rng.random() < 0.5 for _ in range(N)], 4), pa.bool_()),
                's': pa.array(nulls([rng.choice(words) for _ in range(N)], 6), pa.string()),
                'ts': pa.array(nulls(ts, 9), pa.timestamp('us', tz='UTC')),
                'd': pa.array(nulls(d, 8), pa.date32()),
            })

            """#

    static let duckdbTable = #"""
        import duckdb
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        con.execute('''CREATE TABLE t AS SELECT
            CASE i WHEN 0 THEN -2147483648 WHEN 1 THEN 2147483647 WHEN 2 THEN NULL
                ELSE ((i * 2654435761) % 4294967296 - 2147483648) END::INTEGER AS i32,
            CASE i WHEN 0 THEN -9223372036854775808 WHEN 1 THEN 9223372036854775807
                ELSE (hash(i) >> 1)::BIGINT - 4611686018427387904 END::BIGINT AS i64,
            CASE i WHEN 0 THEN 'nan'::DOUBLE WHEN 1 THEN 'inf'::DOUBLE WHEN 2 THEN '-inf'::DOUBLE WHEN 3 THEN '-0.0'::DOUBLE
                WHEN 4 THEN NULL ELSE (i - 2500) / 7.0 END AS f64,
            CASE i WHEN 0 THEN 'nan'::REAL WHEN 1 THEN '-0.0'::REAL WHEN 2 THEN NULL ELSE ((i - 2500) / 3.0)::REAL END AS f32,
            CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 = 0 END AS b,
            CASE i % 6 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN 'h\u00e9llo \U0001F600' ELSE 'w' || (i % 50) END AS s,
            CASE WHEN i % 9 = 3 THEN NULL ELSE make_timestamp((i - 2500) * 1234567890123)::TIMESTAMPTZ END AS ts,
            make_timestamp((i - 2500) * 987654321) AS ts_local,
            CASE WHEN i % 8 = 3 THEN NULL ELSE DATE '1970-01-01' + ((i - 2500) * 97)::INTEGER END AS d
            FROM range(5000) r(i) ORDER BY i''')

        """#

    static let cases: [Case] = [
        Case(
            name: "pyarrow defaults (snappy, dictionary, v1 pages)",
            write: "pq.write_table(t, path, row_group_size=2000, data_page_size=8192)",
            features: [
                .codec(.snappy), .rowGroups(3), .dictionaryPage(column: "s"), .encoding(column: "s", .rleDictionary),
                .encoding(column: "b", .plain),
            ]),
        Case(
            name: "pyarrow gzip without dictionary",
            write: "pq.write_table(t, path, compression='gzip', use_dictionary=False, row_group_size=3000)",
            features: [.codec(.gzip), .rowGroups(2), .encoding(column: "s", .plain)]),
        Case(
            name: "pyarrow data page v2, gzip",
            write:
                "pq.write_table(t, path, compression='gzip', data_page_version='2.0', row_group_size=2000, data_page_size=8192)",
            features: [
                .codec(.gzip), .pageType(column: "i64", .dataPageV2), .encoding(column: "b", .rle),
                .encoding(column: "s", .rleDictionary),
            ]),
        Case(
            name: "pyarrow format version 1.0 (PLAIN_DICTIONARY)",
            write: "pq.write_table(t, path, version='1.0', data_page_size=8192)",
            features: [.encoding(column: "s", .plainDictionary)]),
        Case(
            name: "pyarrow zstd", write: "pq.write_table(t, path, compression='zstd', row_group_size=2500)",
            features: [.codec(.zstd), .rowGroups(2)]),
        Case(
            name: "pyarrow uncompressed", write: "pq.write_table(t, path, compression='none', use_dictionary=['s'])",
            features: [.codec(.uncompressed), .dictionaryPage(column: "s"), .encoding(column: "i64", .plain)]),
        Case(
            name: "pyarrow page index and page checksums",
            write:
                "pq.write_table(t, path, compression='gzip', write_page_index=True, write_page_checksum=True, row_group_size=2000)",
            features: [.codec(.gzip), .rowGroups(3)]),
        Case(
            name: "pyarrow dictionary falls back to PLAIN mid-chunk (300k distinct int64)",
            write: """
                x = list({rng.getrandbits(63) - 2**62 for _ in range(300500)})[:300000]
                pq.write_table(pa.table({'x': pa.array(nulls(x, 11), pa.int64())}), path)
                """,
            features: [
                .dictionaryPage(column: "x"), .encoding(column: "x", .rleDictionary), .encoding(column: "x", .plain),
            ]),
        Case(
            name: "pyarrow booleans in v2 pages (RLE)",
            write: """
                bools = [rng.random() < 0.3 for _ in range(N)]
                pq.write_table(pa.table({
                    'some_nulls': pa.array(nulls(bools, 3), pa.bool_()),
                    'all_true': pa.array([True] * N, pa.bool_()),
                    'no_nulls': pa.array(bools, pa.bool_()),
                    'all_null': pa.array([None] * N, pa.bool_()),
                }), path, data_page_version='2.0', compression='snappy', data_page_size=512)
                """,
            features: [
                .pageType(column: "some_nulls", .dataPageV2), .encoding(column: "some_nulls", .rle),
                .encoding(column: "all_true", .rle),
            ]),
        Case(
            name: "pyarrow float32",
            write: """
                f = fill([0.0, -0.0, math.nan, math.inf, -math.inf, 1e-45, 3.4028234663852886e38, 1.1], lambda: rng.uniform(-1e5, 1e5))
                pq.write_table(pa.table({'f': pa.array(nulls(f, 6), pa.float32()),
                                         'g': pa.array(f, pa.float32())}), path, use_dictionary=False)
                """,
            features: [.physicalType(column: "f", .float)]),
        Case(
            name: "pyarrow timestamps in s, ms, us and ns, with and without a zone",
            write: """
                ns = fill([0, -1, 1, -999, -1000, -1001, 999, -9223372036854775807, 9223372036854775807],
                          lambda: rng.randint(-9 * 10**18, 9 * 10**18))
                ms = fill([0, -1, 1, -62135596800000, 253402300799999], lambda: rng.randint(-3 * 10**12, 3 * 10**12))
                sec = fill([0, -1, 1, -62135596800, 253402300799], lambda: rng.randint(-3 * 10**9, 3 * 10**9))
                pq.write_table(pa.table({
                    'ms_utc': pa.array(nulls(ms, 5), pa.timestamp('ms', tz='UTC')),
                    'us_local': pa.array(nulls(ts, 5), pa.timestamp('us')),
                    'ns_utc': pa.array(nulls(ns, 5), pa.timestamp('ns', tz='UTC')),
                    'ns_local': pa.array(ns, pa.timestamp('ns')),
                    's_utc': pa.array(nulls(sec, 5), pa.timestamp('s', tz='UTC')),
                }), path, data_page_size=8192)
                """,
            features: [.physicalType(column: "ns_utc", .int64)]),
        Case(
            name: "pyarrow int8, int16, uint8, uint16, uint32",
            write: """
                def ints(lo, hi):
                    return nulls(fill([0, lo, hi, 1], lambda: rng.randint(lo, hi)), 7)
                pq.write_table(pa.table({
                    'i8': pa.array(ints(-128, 127), pa.int8()), 'i16': pa.array(ints(-32768, 32767), pa.int16()),
                    'u8': pa.array(ints(0, 255), pa.uint8()), 'u16': pa.array(ints(0, 65535), pa.uint16()),
                    'u32': pa.array(ints(0, 2**32 - 1), pa.uint32()),
                }), path, compression='gzip', use_dictionary=['u8'])
                """,
            features: [.codec(.gzip), .physicalType(column: "u32", .int32), .dictionaryPage(column: "u8")]),
        Case(
            name: "Spark-style INT96 timestamps",
            write: """
                pq.write_table(pa.table({'ts': pa.array(nulls(ts, 4), pa.timestamp('us')),
                                         'ts_req': pa.array(ts, pa.timestamp('us'))}),
                               path, use_deprecated_int96_timestamps=True, use_dictionary=False, compression='snappy')
                """,
            oracleArguments: "coerce_int96_timestamp_unit='us'",
            features: [.physicalType(column: "ts", .int96), .physicalType(column: "ts_req", .int96)]),
        Case(
            name: "pyarrow zero rows",
            write: "pq.write_table(t.slice(0, 0), path)", features: [.rowGroups(1)]),
        Case(
            name: "pyarrow columns of nulls only",
            write: """
                pq.write_table(pa.table({'n32': pa.array([None] * 100, pa.int32()), 'ns': pa.array([None] * 100, pa.string()),
                                         'nd': pa.array([None] * 100, pa.float64()), 'nb': pa.array([None] * 100, pa.bool_())}), path)
                """,
            features: [.rowGroups(1)]),
        Case(
            name: "pyarrow non-nullable columns",
            write: """
                req = pa.schema([pa.field('i64', pa.int64(), nullable=False), pa.field('f64', pa.float64(), nullable=False),
                                 pa.field('s', pa.string(), nullable=False), pa.field('b', pa.bool_(), nullable=False),
                                 pa.field('ts', pa.timestamp('us', tz='UTC'), nullable=False),
                                 pa.field('d', pa.date32(), nullable=False), pa.field('i32', pa.int32(), nullable=True)])
                req_table = pa.table({'i64': i64, 'f64': f64, 's': [rng.choice(words) for _ in range(N)],
                                      'b': [rng.random() < 0.5 for _ in range(N)], 'ts': ts, 'd': d, 'i32': nulls(i32, 7)},
                                     schema=req)
                pq.write_table(req_table, path, row_group_size=2000, data_page_size=4096)
                """,
            features: [.rowGroups(3), .dictionaryPage(column: "s")]),
        Case(
            name: "pyarrow non-nullable columns, v2 pages",
            write: """
                req = pa.schema([pa.field('i64', pa.int64(), nullable=False), pa.field('s', pa.string(), nullable=False),
                                 pa.field('b', pa.bool_(), nullable=False)])
                pq.write_table(pa.table({'i64': i64, 's': [rng.choice(words) for _ in range(N)],
                                         'b': [rng.random() < 0.5 for _ in range(N)]}, schema=req),
                               path, row_group_size=2000, data_page_size=4096, data_page_version='2.0', compression='gzip')
                """,
            features: [
                .pageType(column: "i64", .dataPageV2), .encoding(column: "b", .rle),
                .encoding(column: "s", .rleDictionary),
            ]),
        Case(
            name: "DuckDB defaults",
            write: duckdbTable + "con.execute(\"COPY t TO '%s' (FORMAT parquet)\" % path)",
            features: [.codec(.snappy), .physicalType(column: "f32", .float), .encoding(column: "s", .plainDictionary)]),
        Case(
            name: "DuckDB gzip, small row groups",
            write: duckdbTable
                + "con.execute(\"COPY t TO '%s' (FORMAT parquet, COMPRESSION gzip, ROW_GROUP_SIZE 2048)\" % path)",
            features: [.codec(.gzip), .rowGroups(3)]),
    ]

    @Test(arguments: cases)
    func weReadWhatPyarrowReads(_ c: Case) throws {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        let path = dir.file("theirs.parquet")
        let oracle =
            "\nprint(json.dumps({'lines': arrow_lines(pq.read_table(path\(c.oracleArguments.isEmpty ? "" : ", " + c.oracleArguments)))}))\n"
        let output = try PythonScript.run(Self.prelude + c.write + "\n" + oracle, arguments: [path])
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let expected = try #require(seen["lines"] as? [String])

        let layout = try ParquetFileLayout(path: path)
        for feature in c.features {
            #expect(feature.holds(in: layout), "the file lacks \(feature)")
        }
        let reader = try ParquetReader(path: path)
        #expect(reader.unsupportedColumns.isEmpty)
        for threads in [1, 2] {
            let ours = CanonicalJSON.lines(try reader.read(threads: threads))
            #expect(ours.count == expected.count)
            for (a, b) in zip(ours, expected) {
                #expect(a == b, "column \(a.prefix(40))… differs from pyarrow (threads \(threads))")
            }
        }
        for g in 0..<reader.rowGroupCount {
            _ = try reader.readRowGroup(g)
        }
    }

    /// A millisecond timestamp beyond what microseconds hold is refused, not wrapped around.
    @Test func millisecondTimestampOutsideTheMicrosecondRange() throws {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        let path = dir.file("ms.parquet")
        try PythonScript.run(
            """
            import sys, pyarrow as pa, pyarrow.parquet as pq
            pq.write_table(pa.table({'ok': pa.array([1, 2], pa.int64()),
                                     'ms': pa.array([0, 9000000000000000000], pa.timestamp('ms', tz='UTC'))}), sys.argv[1])
            """, arguments: [path])
        let reader = try ParquetReader(path: path)
        #expect(
            try reader.read(columns: ["ok"])
                == Frame(schema: Schema([Field("ok", .int64)]), columns: [Column(.int64([1, 2]))]))
        let error = ParquetError.unsupported(
            ParquetLocation(path: path, rowGroup: 0, column: "ms"),
            feature: "TIMESTAMP(MILLIS) value 9000000000000000000 is outside the range of microsecond timestamps")
        #expect(throws: error) { try reader.read() }
        #expect(
            error.description
                == "\(path), row group 0, column 'ms': unsupported: TIMESTAMP(MILLIS) value 9000000000000000000 is outside the range of microsecond timestamps"
        )
    }

    /// Columns of types we do not convert are listed up front; the others still read.
    @Test func unsupportedColumnsAreListedAndTheRestRead() throws {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        let path = dir.file("mixed.parquet")
        try PythonScript.run(
            """
            import sys, decimal, pyarrow as pa, pyarrow.parquet as pq
            pq.write_table(pa.table({'u64': pa.array([1, 2**64 - 1], pa.uint64()),
                                     'i': pa.array([5, None], pa.int32()),
                                     'half': pa.array([1.5, None], pa.float16())}), sys.argv[1])
            """, arguments: [path])
        let reader = try ParquetReader(path: path)
        #expect(reader.schema == Schema([Field("i", .int32)]))
        #expect(reader.unsupportedColumns.map(\.name) == ["u64", "half"])
        #expect(
            reader.unsupportedColumns.map(\.reason) == [
                "UINT64 column 'u64'", "FIXED_LEN_BYTE_ARRAY(2) FLOAT16 column 'half'",
            ])
        #expect(
            try reader.read(columns: ["i"])
                == Frame(
                    schema: Schema([Field("i", .int32)]), columns: [Column(.int32([5, 0]), validity: [true, false])]))
        #expect(
            throws: ParquetError.unsupported(ParquetLocation(path: path, column: "u64"), feature: "UINT64 column 'u64'")
        ) {
            try reader.read()
        }
    }

    /// Encodings outside the read subset fail with an error naming the encoding, column and page.
    @Test(arguments: [
        ("BYTE_STREAM_SPLIT", "f", "DOUBLE", "use_dictionary=False, use_byte_stream_split=['f']"),
        ("DELTA_BINARY_PACKED", "i", "INT64", "use_dictionary=False, column_encoding={'i': 'DELTA_BINARY_PACKED'}"),
        (
            "DELTA_LENGTH_BYTE_ARRAY", "s", "BYTE_ARRAY",
            "use_dictionary=False, column_encoding={'s': 'DELTA_LENGTH_BYTE_ARRAY'}"
        ),
    ])
    func unsupportedEncodingIsNamed(_ encoding: String, _ column: String, _ physical: String, _ options: String) throws
    {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        let path = dir.file("enc.parquet")
        try PythonScript.run(
            """
            import sys, pyarrow as pa, pyarrow.parquet as pq
            pq.write_table(pa.table({'f': [1.5, -2.0, None], 'i': [1, 2, 3], 's': ['a', None, 'ccc']}), sys.argv[1], \(options))
            """, arguments: [path])
        let layout = try ParquetFileLayout(path: path)
        let index = try #require(layout.columnIndex(column))
        let page = try #require(layout.pages(column: index).first)
        #expect(page.encoding.flatMap { Encoding(rawValue: $0) }?.description == encoding)
        let reader = try ParquetReader(path: path)
        let error = ParquetError.unsupported(
            ParquetLocation(path: path, rowGroup: 0, column: column, pageOffset: page.offset),
            feature: "encoding \(encoding) for \(physical) values")
        #expect(throws: error) { try reader.read(columns: [column]) }
        #expect(
            error.description
                == "\(path), row group 0, column '\(column)', page at offset \(page.offset): unsupported: encoding \(encoding) for \(physical) values"
        )
    }

    /// pyarrow's default DECIMAL encoding (FIXED_LEN_BYTE_ARRAY, big-endian two's complement, with
    /// and without a dictionary) reads as double: the unscaled integer rounded to a double, divided
    /// by 10^scale, as INT32 and INT64 decimals are. Compared bit for bit with Python doing the same.
    @Test(arguments: [true, false])
    func fixedLengthDecimalsReadAsDouble(dictionary: Bool) throws {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        let path = dir.file("dec.parquet")
        let output = try PythonScript.run(
            """
            import sys, json, struct, decimal, pyarrow as pa, pyarrow.parquet as pq
            decimal.getcontext().prec = 80
            D = decimal.Decimal
            cols = {
                'd2': (pa.decimal128(30, 2), [D('1.50'), D('-12345678901234567890.12'), None, D('0.01'), D('1.50')]),
                'd9': (pa.decimal128(12, 9), [D('-0.000000001'), D('999.999999999'), D('0'), None, D('-1')]),
                'd38': (pa.decimal128(38, 10), [D('9999999999999999999999999999.9999999999'), D('-1.5'),
                                                D('-9999999999999999999999999999.9999999999'), D('0.0000000001'), None]),
            }
            pq.write_table(pa.table({k: pa.array(v, t) for k, (t, v) in cols.items()}), sys.argv[1],
                           use_dictionary=\(dictionary ? "True" : "False"))
            def bits(x): return struct.unpack('<Q', struct.pack('<d', x))[0]
            out = {}
            for k, (t, v) in cols.items():
                out[k] = [None if d is None else str(bits(float(int(d.scaleb(t.scale))) / float(10 ** t.scale)))
                          for d in v]
            print(json.dumps(out))
            """, arguments: [path])
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [Any]])
        let layout = try ParquetFileLayout(path: path)
        #expect(InteropReadTests.Feature.physicalType(column: "d2", .fixedLenByteArray).holds(in: layout))
        let reader = try ParquetReader(path: path)
        #expect(reader.unsupportedColumns.isEmpty)
        #expect(reader.schema == Schema([Field("d2", .double), Field("d9", .double), Field("d38", .double)]))
        let frame = try reader.read()
        for (name, column) in zip(frame.schema.names, frame.columns) {
            guard case .double(let values) = column.values else {
                Issue.record("\(name) is not double")
                continue
            }
            let ours: [UInt64?] = values.indices.map { column.isNull($0) ? nil : values[$0].bitPattern }
            let theirs: [UInt64?] = (expected[name] ?? []).map { ($0 as? String).flatMap { UInt64($0) } }
            #expect(ours == theirs, "column \(name)")
        }
        // inspect shows the statistics as exact decimals.
        let stats = ParquetSummary(reader).rowGroups[0].columns.map { "\($0.column) \($0.min ?? "-") \($0.max ?? "-")" }
        #expect(
            stats == [
                "d2 -12345678901234567890.12 1.50", "d9 -1.000000000 999.999999999",
                "d38 -9999999999999999999999999999.9999999999 9999999999999999999999999999.9999999999",
            ])
    }
}
