import Foundation
import Frame
import Parquet
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The writer's file handling: errors name the path and errno, nothing half-written is ever
/// visible under the final name, and an abandoned write leaves the folder as it was.
struct WriterFileSafetyTests {
    static func listing(_ dir: TemporaryDirectory) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
    }

    @Test func missingFolderGivesENOENTAndLeavesNothing() throws {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        let path = dir.file("missing/t.parquet")
        let frame = SampleData.mixed(rows: 3)
        #expect(throws: ParquetError.io(path: path, errno: ENOENT, operation: "create")) {
            try ParquetWriter.write(frame, to: path)
        }
        #expect(
            ParquetError.io(path: path, errno: ENOENT, operation: "create").description
                == "\(path): cannot create: No such file or directory (errno 2)")
        #expect(Self.listing(dir) == [])
    }

    @Test func abandonLeavesNoTemporaryFileAndKeepsTheDestination() throws {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        let path = dir.file("t.parquet")
        let old = SampleData.mixed(rows: 4)
        try ParquetWriter.write(old, to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        var options = ParquetWriteOptions()
        options.rowGroupRows = 10
        let writer = try ParquetWriter(path: path, schema: old.schema, options: options)
        try writer.write(SampleData.mixed(rows: 35, seed: 9))  // three row groups reach the temporary file
        #expect(Self.listing(dir).count == 2, "the temporary file sits beside the destination while writing")
        #expect(Self.listing(dir).contains { $0.hasPrefix(".t.parquet.tmp-") })
        writer.abandon()

        #expect(Self.listing(dir) == ["t.parquet"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try ParquetReader(path: path).read() == old)
    }

    @Test func droppedWriterActsAsAbandoned() throws {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        let path = dir.file("t.parquet")
        do {
            let writer = try ParquetWriter(path: path, schema: SampleData.mixed(rows: 1).schema)
            try writer.write(SampleData.mixed(rows: 5))
        }
        #expect(Self.listing(dir) == [])
    }

    @Test func closedFileAppearsCompleteUnderItsFinalName() throws {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        let path = dir.file("t.parquet")
        let frame = SampleData.mixed(rows: 30)
        var options = ParquetWriteOptions()
        options.rowGroupRows = 10
        let writer = try ParquetWriter(path: path, schema: frame.schema, options: options)
        try writer.write(frame)
        #expect(!FileManager.default.fileExists(atPath: path), "nothing under the final name before close()")
        try writer.close()
        #expect(Self.listing(dir) == ["t.parquet"], "no .tmp- file remains")
        #expect(try ParquetReader(path: path).read() == frame)

        // Replacing an existing file goes through the same rename.
        let newer = SampleData.mixed(rows: 7, seed: 11)
        try ParquetWriter.write(newer, to: path)
        #expect(Self.listing(dir) == ["t.parquet"])
        #expect(try ParquetReader(path: path).read() == newer)
    }

    @Test(arguments: [
        ("compressionLevel", 13, "compression level must be in 0...12, got 13"),
        ("compressionLevel", -1, "compression level must be in 0...12, got -1"),
        ("rowGroupRows", 0, "rowGroupRows must be >= 1, got 0"),
        ("pageRows", 0, "pageRows must be >= 1, got 0"),
        ("threads", 0, "threads must be >= 1, got 0"),
    ])
    func invalidOptionsAreRejectedBeforeAnyFileExists(_ option: String, _ value: Int, _ detail: String) throws {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        var options = ParquetWriteOptions()
        switch option {
        case "compressionLevel": options.compressionLevel = value
        case "rowGroupRows": options.rowGroupRows = value
        case "pageRows": options.pageRows = value
        default: options.threads = value
        }
        let path = dir.file("t.parquet")
        #expect(throws: ParquetError.invalidWrite(path: path, detail: detail)) {
            try ParquetWriter.write(SampleData.mixed(rows: 2), to: path, options: options)
        }
        #expect(Self.listing(dir) == [])
    }

    @Test func readerErrorsForMissingAndNonRegularFiles() throws {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        let missing = dir.file("none.parquet")
        #expect(throws: ParquetError.io(path: missing, errno: ENOENT, operation: "open")) {
            try ParquetReader(path: missing)
        }
        #expect(throws: ParquetError.notParquet(path: dir.path, detail: "not a regular file")) {
            try ParquetReader(path: dir.path)
        }
    }
}

/// A writer dropped while a row group is still being encoded in the background (the caller
/// threw without `abandon()`) releases its last reference on the encoding queue: that must
/// neither deadlock nor leave the temporary file behind.
@Test func writerDroppedWithARowGroupInFlightCleansUp() throws {
    let dir = TemporaryDirectory()
    defer { dir.remove() }
    var options = ParquetWriteOptions()
    options.rowGroupRows = 50_000
    let n = 200_000
    let frame = try Frame(
        schema: Schema([Field("x", .int64, nullable: false)]),
        columns: [Column(.int64((0..<n).map { Int64($0 &* 2_654_435_761) }))])
    for _ in 0..<5 {
        do {
            let writer = try ParquetWriter(path: dir.file("dropped.parquet"), schema: frame.schema, options: options)
            try writer.write(frame)
        }
        // The writer is gone (or going, on its queue); wait for the background encoding to finish.
        var leftovers: [String] = []
        for _ in 0..<200 {
            leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            if leftovers.isEmpty { break }
            usleep(20_000)
        }
        #expect(leftovers.isEmpty, "left behind: \(leftovers)")
    }
}
