import Foundation
import Frame
import Parquet
import TestSupport
import Testing

/// A STRING column is UTF-8 by definition: the writer refuses anything else, so no reader
/// (DuckDB, pyarrow, pandas) ever meets an invalid one in a file we wrote.
struct WriterUTF8Tests {
    @Test(arguments: [1, 2])
    func invalidUTF8InAStringColumnIsRefused(threads: Int) throws {
        let dir = TemporaryDirectory("bespoke-utf8")
        defer { dir.remove() }
        let path = dir.file("t.parquet")
        var bytes = Array("okcaf".utf8)
        bytes += [0xC3, 0xA9, 0xFF, 0xFE]
        let strings = StringArray(offsets: [0, 2, 7, 9], bytes: bytes)
        let frame = try Frame(
            schema: Schema([Field("id", .int64, nullable: false), Field("s", .string, nullable: false)]),
            columns: [Column(.int64([1, 2, 3])), Column(.string(strings))])
        var options = ParquetWriteOptions()
        options.threads = threads
        options.pageRows = 2
        #expect(
            throws: ParquetError.invalidWrite(
                path: path, detail: "column 's': row 2 is not valid UTF-8 (byte 0); a STRING column holds UTF-8 only")
        ) {
            try ParquetWriter.write(frame, to: path, options: options)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == [])
    }
}
