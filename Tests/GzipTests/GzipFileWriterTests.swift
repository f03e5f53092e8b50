import Foundation
import Gzip
import Testing

/// Streaming gzip of files with zlib, and the lifecycle of the zlib-backed objects.
struct GzipFileWriterTests {
    @Test("written file reads back", arguments: [0, 1, 6, 9])
    func roundTrip(level: Int) throws {
        let folder = try TemporaryFolder()
        let path = folder.path("out.csv.gz")
        let data = TestData.repetitive(count: 700_000) + TestData.random(count: 300_000)
        let writer = try GzipFileWriter(path: path, level: level)
        // Uneven pieces, including empty ones.
        var offset = 0
        var piece = 0
        while offset < data.count {
            let count = min([0, 1, 4093, 65_536, 300_001][piece % 5], data.count - offset)
            try writer.write(Array(data[offset..<offset + count]))
            offset += count
            piece += 1
        }
        try writer.finish()

        let file = try folder.read("out.csv.gz")
        #expect(Array(file.prefix(3)) == [0x1f, 0x8b, 0x08])
        #expect(TestData.little32(file, at: file.count - 4) == UInt32(data.count))
        #expect(try GunzipFileReader(path: path).readAll() == data)
        #expect(try runTool(["gzip", "-dc", path]) == data)
    }

    @Test func emptyFile() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("empty.gz")
        let writer = try GzipFileWriter(path: path)
        try writer.finish()
        try writer.finish()  // a second finish is harmless
        #expect(try runTool(["gzip", "-dc", path]) == [])
        #expect(try GunzipFileReader(path: path).readAll() == [])
    }

    @Test("invalid level", arguments: [-1, 10, 12])
    func invalidLevel(level: Int) throws {
        let folder = try TemporaryFolder()
        let path = folder.path("never.gz")
        #expect(
            codecError { () throws(CodecError) in try GzipFileWriter(path: path, level: level) }
                == .invalidLevel(level))
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func missingFolder() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("missing/out.gz")
        #expect(
            codecError { () throws(CodecError) in try GzipFileWriter(path: path) }
                == .io(path: path, errno: 2, detail: "cannot create for writing: No such file or directory"))
    }

    @Test func writeErrorCarriesErrno() throws {
        let writer = try GzipFileWriter(path: "/dev/full", level: 1)
        let expected = CodecError.io(path: "/dev/full", errno: 28, detail: "cannot write: No space left on device")
        // Random data does not shrink, so 1 MiB overflows the 256 KiB output buffer and reaches the device.
        #expect(codecError { () throws(CodecError) in try writer.write(TestData.random(count: 1 << 20)) } == expected)
        // The failure sticks, for writes and for finish.
        #expect(codecError { () throws(CodecError) in try writer.write([1]) } == expected)
        #expect(codecError { () throws(CodecError) in try writer.finish() } == expected)
    }

    @Test func unfinishedWriterLeavesATruncatedFile() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("unfinished.gz")
        do {
            let writer = try GzipFileWriter(path: path)
            try writer.write(TestData.random(count: 1 << 19))
        }
        #expect(
            codecError { () throws(CodecError) in try GunzipFileReader(path: path).readAll() }
                == .truncated(codec: "gzip"))
    }

    /// Creates and drops many zlib-backed objects: each must end its `z_stream` and release its memory.
    @Test func zlibStreamLifecycle() throws {
        let folder = try TemporaryFolder()
        let gz = try folder.write("small.gz", try GzipCompressor().compress(TestData.repetitive(count: 10_000)))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 100, alignment: 16)
        defer { buffer.deallocate() }
        for index in 0..<10_000 {
            let reader = try GunzipFileReader(path: gz, chunkSize: 4096)
            // Some mid-stream, some never read: both paths of deinit.
            if index % 2 == 0 { #expect(try reader.read(into: buffer) == 100) }
        }
        // /dev/null: truncating a real file 10,000 times costs seconds of ext4 writeback, not zlib time.
        for index in 0..<10_000 {
            let writer = try GzipFileWriter(path: "/dev/null", level: index % 10)
            if index % 3 == 0 { try writer.write([1, 2, 3]) }
            if index % 5 == 0 { try writer.finish() }
        }
        let out = folder.path("w.gz")
        let last = try GzipFileWriter(path: out)
        try last.write(Array("done".utf8))
        try last.finish()
        #expect(try GunzipFileReader(path: out).readAll() == Array("done".utf8))
    }
}
