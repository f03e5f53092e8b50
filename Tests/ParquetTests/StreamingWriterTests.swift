import Foundation
import Frame
import Parquet
import TestSupport
import Testing

/// The streaming writer: many `write` calls of any size give the rows of one big write, in the
/// same row groups, and the same bytes.
struct StreamingWriterTests {
    static func options(rowGroupRows: Int = 10, pageRows: Int = 4) -> ParquetWriteOptions {
        var o = ParquetWriteOptions()
        o.rowGroupRows = rowGroupRows
        o.pageRows = pageRows
        o.threads = 1
        return o
    }

    /// Splits 0..<rows into consecutive pieces of seeded random sizes 0...max.
    static func pieces(rows: Int, max: Int, seed: UInt64) -> [Range<Int>] {
        var rng = SplitMix64(seed: seed)
        var out: [Range<Int>] = []
        var start = 0
        while start < rows {
            let n = Swift.min(Int(rng.next() % UInt64(max + 1)), rows - start)
            out.append(start..<start + n)
            start += n
        }
        return out
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var rows: Int
        var maxPiece: Int
        var mode: NullMode
        var testDescription: String { "\(rows) rows in pieces of up to \(maxPiece), \(mode)" }
    }

    static let cases: [Case] = [
        Case(rows: 57, maxPiece: 1, mode: .someNulls),
        Case(rows: 57, maxPiece: 3, mode: .someNulls),
        Case(rows: 57, maxPiece: 25, mode: .someNulls),
        Case(rows: 60, maxPiece: 7, mode: .required),
        Case(rows: 60, maxPiece: 7, mode: .allNulls),
        Case(rows: 9, maxPiece: 2, mode: .someNulls),
    ]

    @Test(arguments: cases)
    func manySmallWritesGiveTheSameFile(_ c: Case) throws {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        let frame = SampleData.allTypes(rows: c.rows, mode: c.mode, seed: 3)
        let whole = dir.file("whole.parquet"), streamed = dir.file("streamed.parquet")
        try ParquetWriter.write(frame, to: whole, options: Self.options())
        let writer = try ParquetWriter(path: streamed, schema: frame.schema, options: Self.options())
        for piece in Self.pieces(rows: c.rows, max: c.maxPiece, seed: UInt64(c.maxPiece)) {
            try writer.write(frame.slice(piece))
        }
        try writer.close()

        let reader = try ParquetReader(path: streamed)
        #expect(try reader.read() == frame)
        #expect(
            reader.metadata.rowGroups.map(\.numRows)
                == (try ParquetReader(path: whole)).metadata.rowGroups.map(\.numRows))
        #expect(reader.metadata.rowGroups.dropLast().allSatisfy { $0.numRows == 10 })
        // Fails today for the same writer bug as validityRepresentationDoesNotChangeBytes: a piece
        // without nulls is sliced to a nil mask, and a short all-valid page then gets different levels.
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: streamed)) == Data(contentsOf: URL(fileURLWithPath: whole)),
            "streamed and one-shot files differ")
    }

    /// Two frames that compare equal — one OPTIONAL column without a validity mask, one with an
    /// all-true mask — are the same data and must give the same bytes (DESIGN §2: determinism).
    /// Pages of fewer than 8 rows show whether the definition levels depend on the mask's form.
    @Test(arguments: [1, 3, 7, 8, 20])
    func validityRepresentationDoesNotChangeBytes(_ rows: Int) throws {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        let values = SampleData.values(.int64, rows: rows, seed: 5)
        let schema = Schema([Field("v", .int64)])
        let absent = try Frame(schema: schema, columns: [Column(values, validity: nil)])
        let allTrue = try Frame(
            schema: schema, columns: [Column(values, validity: [Bool](repeating: true, count: rows))])
        #expect(absent == allTrue)
        try ParquetWriter.write(absent, to: dir.file("a.parquet"), options: Self.options(pageRows: 5))
        try ParquetWriter.write(allTrue, to: dir.file("b.parquet"), options: Self.options(pageRows: 5))
        let a = try Data(contentsOf: URL(fileURLWithPath: dir.file("a.parquet")))
        let b = try Data(contentsOf: URL(fileURLWithPath: dir.file("b.parquet")))
        #expect(
            a == b,
            "equal frames wrote different bytes: the definition levels of an all-valid page depend on whether the Column has a validity mask"
        )
    }

    @Test func zeroRowWritesAndEmptyClose() throws {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        let frame = SampleData.allTypes(rows: 0, mode: .someNulls)
        let path = dir.file("empty.parquet")
        let writer = try ParquetWriter(path: path, schema: frame.schema, options: Self.options())
        try writer.write(frame)
        try writer.write(frame)
        try writer.close()
        let reader = try ParquetReader(path: path)
        #expect(reader.rowCount == 0)
        #expect(reader.rowGroupCount == 0)
        #expect(reader.schema == frame.schema)
        #expect(try reader.read() == frame)
    }

    @Test func writeAfterCloseAndSchemaMismatch() throws {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        let frame = SampleData.allTypes(rows: 3, mode: .someNulls)
        let path = dir.file("w.parquet")
        let writer = try ParquetWriter(path: path, schema: frame.schema, options: Self.options())
        let other = SampleData.allTypes(rows: 3, mode: .required)
        #expect(
            throws: ParquetError.invalidWrite(
                path: path, detail: "expected schema [\(frame.schema)], got [\(other.schema)]")
        ) {
            try writer.write(other)
        }
        try writer.write(frame)
        try writer.close()
        #expect(throws: ParquetError.invalidWrite(path: path, detail: "the writer is already closed")) {
            try writer.close()
        }
        // Rows written after close() must not vanish silently, however few they are.
        #expect(throws: ParquetError.invalidWrite(path: path, detail: "the writer is already closed")) {
            try writer.write(frame)
        }
        #expect(try ParquetReader(path: path).read() == frame)
    }
}
