import Foundation
import Frame
import Parquet
import TestSupport
import Testing

/// Layer 1 of the format tests (STYLE 10): every type × nulls × row counts around the page and
/// row-group sizes × codec and level, written and read back with nothing changed.
struct RoundTripTests {
    enum Codec: Sendable, CustomStringConvertible {
        case gzip(level: Int)
        case uncompressed

        var description: String {
            switch self {
            case .gzip(let level): "gzip\(level)"
            case .uncompressed: "uncompressed"
            }
        }

        func options(pageRows: Int, rowGroupRows: Int) -> ParquetWriteOptions {
            var o = ParquetWriteOptions()
            switch self {
            case .gzip(let level): o.codec = .gzip; o.compressionLevel = level
            case .uncompressed: o.codec = .uncompressed
            }
            o.pageRows = pageRows
            o.rowGroupRows = rowGroupRows
            return o
        }

        var codecName: String {
            switch self {
            case .gzip: "GZIP"
            case .uncompressed: "UNCOMPRESSED"
            }
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var type: DataType
        var mode: NullMode
        var rows: Int
        var codec: Codec
        var testDescription: String { "\(type) \(mode) \(rows) rows \(codec)" }
    }

    static let pageRows = 7
    static let rowGroupRows = 10
    /// 0, 1, pageRows−1, pageRows, pageRows+1, one row group exactly, one row past it, and three
    /// row groups whose size does not divide the count.
    static let rowCounts = [0, 1, pageRows - 1, pageRows, pageRows + 1, rowGroupRows, rowGroupRows + 1, 23]
    static let codecs: [Codec] = [.gzip(level: 1), .gzip(level: 6), .gzip(level: 9), .uncompressed]

    static let cases: [Case] = DataType.allCases.flatMap { type in
        NullMode.allCases.flatMap { mode in
            rowCounts.flatMap { rows in codecs.map { Case(type: type, mode: mode, rows: rows, codec: $0) } }
        }
    }

    @Test("round trip", arguments: cases)
    func roundTrip(_ c: Case) throws {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        let column = SampleData.column(c.type, rows: c.rows, mode: c.mode, seed: UInt64(c.rows))
        let frame = try Frame(schema: Schema([Field("v", c.type, nullable: c.mode.nullable)]), columns: [column])
        let path = dir.file("t.parquet")
        try ParquetWriter.write(
            frame, to: path, options: c.codec.options(pageRows: Self.pageRows, rowGroupRows: Self.rowGroupRows))

        let reader = try ParquetReader(path: path)
        #expect(reader.schema == frame.schema)
        #expect(reader.unsupportedColumns.isEmpty)
        #expect(reader.rowCount == c.rows)
        let groups = (c.rows + Self.rowGroupRows - 1) / Self.rowGroupRows
        #expect(reader.rowGroupCount == groups)
        let back = try reader.read()
        #expect(back.schema == frame.schema)
        #expect(back == frame)

        for g in 0..<reader.rowGroupCount {
            let range = g * Self.rowGroupRows..<min((g + 1) * Self.rowGroupRows, c.rows)
            let group = reader.metadata.rowGroups[g]
            #expect(group.numRows == Int64(range.count))
            let meta = try #require(group.columns.first?.metaData)
            #expect(meta.numValues == Int64(range.count))
            #expect(CompressionCodec(rawValue: meta.codec)?.description == c.codec.codecName)
            #expect(meta.statistics == ExpectedStatistics.of(column, rows: range), "row group \(g)")
            #expect(try reader.readRowGroup(g) == frame.slice(range), "row group \(g)")
        }
    }

    /// One larger file: 100,000 rows of every type, REQUIRED and OPTIONAL, default page size,
    /// row groups that do not divide the row count, written and read on two threads.
    @Test func largeFile() throws {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        let frame = SampleData.mixed(rows: 100_000)
        var options = ParquetWriteOptions()
        options.rowGroupRows = 30_000
        options.threads = 2
        let path = dir.file("large.parquet")
        try ParquetWriter.write(frame, to: path, options: options)
        let reader = try ParquetReader(path: path)
        #expect(reader.rowGroupCount == 4)
        #expect(reader.metadata.rowGroups.map(\.numRows) == [30_000, 30_000, 30_000, 10_000])
        #expect(try reader.read(threads: 2) == frame)
        #expect(try reader.read(threads: 1) == frame)
        for (c, column) in frame.columns.enumerated() {
            for g in 0..<4 {
                let range = g * 30_000..<min((g + 1) * 30_000, 100_000)
                #expect(
                    reader.metadata.rowGroups[g].columns[c].metaData?.statistics
                        == ExpectedStatistics.of(column, rows: range),
                    "row group \(g), column \(frame.schema.fields[c].name)")
            }
        }
    }

    /// The footer carries what DESIGN §6 asks: created_by, our schema, the caller's key/values,
    /// one TYPE_ORDER per column, FileMetaData version 1.
    @Test func footerMetadata() throws {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        let frame = SampleData.mixed(rows: 5)
        var options = ParquetWriteOptions()
        options.keyValueMetadata = ["zeta": "last", "alpha": "first"]
        let path = dir.file("meta.parquet")
        try ParquetWriter.write(frame, to: path, options: options)
        let meta = try ParquetReader(path: path).metadata
        #expect(meta.version == 1)
        #expect(meta.createdBy == "bespoke version \(BespokeVersion.string) (build release)")
        #expect(meta.columnOrders == [Bool](repeating: true, count: frame.schema.count))
        #expect(meta.keyValueMetadata.map(\.key) == ["alpha", "bespoke.schema", "zeta"])
        #expect(meta.keyValueMetadata.first { $0.key == "alpha" }?.value == "first")
        let schemaJSON = try #require(meta.keyValueMetadata.first { $0.key == "bespoke.schema" }?.value)
        let decoded = try JSONDecoder().decode(Schema.self, from: Data(schemaJSON.utf8))
        #expect(decoded == frame.schema)
    }
}
