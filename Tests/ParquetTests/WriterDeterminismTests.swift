import Foundation
import Frame
import Parquet
import TestSupport
import Testing

/// DESIGN §2: the same frame gives byte-identical files on any number of threads.
struct WriterDeterminismTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var rows: Int
        var rowGroupRows: Int
        var pageRows: Int
        var codec: ParquetWriteOptions.Codec
        var testDescription: String { "\(rows) rows, groups of \(rowGroupRows), pages of \(pageRows), \(codec)" }
    }

    static let cases: [Case] = [
        Case(rows: 0, rowGroupRows: 10, pageRows: 3, codec: .gzip),
        Case(rows: 1, rowGroupRows: 10, pageRows: 3, codec: .gzip),
        Case(rows: 101, rowGroupRows: 10, pageRows: 3, codec: .gzip),
        Case(rows: 25_000, rowGroupRows: 10_000, pageRows: 1_000, codec: .gzip),
        Case(rows: 101, rowGroupRows: 40, pageRows: 7, codec: .uncompressed),
    ]

    @Test(arguments: cases)
    func threadCountDoesNotChangeBytes(_ c: Case) throws {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        let frame = SampleData.mixed(rows: c.rows)
        var files: [Int: Data] = [:]
        for threads in [1, 2, 4] {
            var options = ParquetWriteOptions()
            options.threads = threads
            options.rowGroupRows = c.rowGroupRows
            options.pageRows = c.pageRows
            options.codec = c.codec
            let path = dir.file("t\(threads).parquet")
            try ParquetWriter.write(frame, to: path, options: options)
            files[threads] = try Data(contentsOf: URL(fileURLWithPath: path))
        }
        #expect(files[1]!.count > 12)
        #expect(files[2] == files[1])
        #expect(files[4] == files[1])
        // Writing again in the same process gives the same bytes too.
        var options = ParquetWriteOptions()
        options.threads = 2
        options.rowGroupRows = c.rowGroupRows
        options.pageRows = c.pageRows
        options.codec = c.codec
        try ParquetWriter.write(frame, to: dir.file("again.parquet"), options: options)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("again.parquet"))) == files[1])
    }
}
