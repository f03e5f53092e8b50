import Foundation
import Gzip
import Testing

/// Streaming gunzip of files with zlib: members, chunk boundaries, limits, and failures.
struct GunzipFileReaderTests {
    static func member(_ bytes: [UInt8], level: Int = 6) -> [UInt8] {
        try! GzipCompressor(level: level).compress(bytes)
    }

    static func open(_ path: String, chunkSize: Int = 1 << 16, limit: Int = .max) throws(CodecError) -> GunzipFileReader
    {
        try GunzipFileReader(path: path, chunkSize: chunkSize, limit: limit)
    }

    @Test func fiveMegabyteMultiMemberFileWithAFourKilobyteBuffer() throws {
        let folder = try TemporaryFolder()
        var original: [UInt8] = []
        var file: [UInt8] = []
        for index in 0..<5 {
            let part =
                index % 2 == 0
                ? TestData.repetitive(count: 1_000_000 + index) : TestData.random(count: 1_000_000, seed: UInt64(index))
            original += part
            file += Self.member(part, level: index + 1)
        }
        let path = try folder.write("five.gz", file)
        // A 64 KiB chunk puts member boundaries at arbitrary places inside and across chunks.
        let reader = try Self.open(path, chunkSize: 1 << 16)
        #expect(reader.path == path)
        #expect(try reader.readAll(bufferSize: 4096) == original)
        #expect(reader.compressedBytesRead == file.count)
        // At the end, reads keep returning 0.
        let extra = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 1)
        defer { extra.deallocate() }
        #expect(try reader.read(into: extra) == 0)
    }

    @Test("tiny chunks and buffers", arguments: [2, 3, 7, 64])
    func tinyChunks(chunkSize: Int) throws {
        let folder = try TemporaryFolder()
        let first = TestData.repetitive(count: 3000)
        let second = Array("second member".utf8)
        let path = try folder.write("small.gz", Self.member(first) + Self.member([]) + Self.member(second))
        #expect(try Self.open(path, chunkSize: chunkSize).readAll(bufferSize: 5) == first + second)
    }

    @Test func plainFilePassesThrough() throws {
        let folder = try TemporaryFolder()
        let text = TestData.repetitive(count: 200_000)
        let path = try folder.write("plain.csv", text)
        let reader = try Self.open(path, chunkSize: 1000)
        #expect(try reader.readAll(bufferSize: 777) == text)
        #expect(reader.compressedBytesRead == text.count)
        // A lone 1f is not gzip magic.
        #expect(try Self.open(try folder.write("one", [0x1f])).readAll() == [0x1f])
        #expect(try Self.open(try folder.write("empty", [])).readAll() == [])
    }

    @Test func missingFile() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("no-such-file.csv.gz")
        let error = codecError { () throws(CodecError) in try GunzipFileReader(path: path) }
        #expect(error == .io(path: path, errno: 2, detail: "cannot open for reading: No such file or directory"))
        #expect(error?.description.contains(path) == true)
    }

    @Test func directoryCannotBeRead() throws {
        let folder = try TemporaryFolder()
        let error = codecError { () throws(CodecError) in try GunzipFileReader(path: folder.url.path) }
        #expect(error == .io(path: folder.url.path, errno: 21, detail: "cannot read: Is a directory"))
    }

    @Test("truncated file", arguments: [1, 4, 8, 500])
    func truncatedFile(dropped: Int) throws {
        let folder = try TemporaryFolder()
        let full = Self.member(TestData.repetitive(count: 100_000))
        let path = try folder.write("cut.gz", Array(full.dropLast(dropped)))
        let reader = try Self.open(path, chunkSize: 4096)
        #expect(codecError { () throws(CodecError) in try reader.readAll() } == .truncated(codec: "gzip"))
        // The failure sticks.
        #expect(codecError { () throws(CodecError) in try reader.readAll() } == .truncated(codec: "gzip"))
    }

    @Test func truncatedSecondMemberAndLoneMagicByte() throws {
        let folder = try TemporaryFolder()
        let one = Self.member(Array("hello".utf8))
        let cut = try folder.write("cut.gz", one + Array(one.prefix(10)))
        #expect(codecError { () throws(CodecError) in try Self.open(cut).readAll() } == .truncated(codec: "gzip"))
        let lone = try folder.write("lone.gz", one + [0x1f])
        #expect(codecError { () throws(CodecError) in try Self.open(lone).readAll() } == .truncated(codec: "gzip"))
    }

    @Test func corruptData() throws {
        let folder = try TemporaryFolder()
        var bytes = Self.member(TestData.repetitive(count: 10_000))
        bytes[20] ^= 0xff
        let path = try folder.write("bad.gz", bytes)
        // Code -3 is Z_DATA_ERROR; zlib reads ahead, so the place is how far it had read.
        #expect(
            codecError { () throws(CodecError) in try Self.open(path).readAll() }
                == .corrupt(
                    codec: "gzip", code: -3,
                    detail: "zlib: invalid bit length repeat within the first 35 compressed bytes"))
    }

    @Test func wrongCrc() throws {
        let folder = try TemporaryFolder()
        var bytes = Self.member(Array("hello".utf8))
        bytes[bytes.count - 8] ^= 1
        let path = try folder.write("crc.gz", bytes)
        #expect(
            codecError { () throws(CodecError) in try Self.open(path).readAll() }
                == .corrupt(
                    codec: "gzip", code: -3, detail: "zlib: incorrect data check within the first 24 compressed bytes"))
    }

    @Test func trailingGarbageIsCorrupt() throws {
        let folder = try TemporaryFolder()
        let one = Self.member(Array("hello".utf8))
        let path = try folder.write("padded.gz", one + [0, 0, 0, 0])
        #expect(
            codecError { () throws(CodecError) in try Self.open(path).readAll() }
                == .corrupt(
                    codec: "gzip", code: -3,
                    detail: "bytes after the gzip member ending at compressed offset \(one.count) "
                        + "do not start another member (first byte 0x0)"))
    }

    @Test func gzipBombStopsAtTheLimit() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("bomb.gz", GzipBomb.member)
        let reader = try Self.open(path, limit: 1 << 20)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        var delivered = 0
        let error = codecError { () throws(CodecError) in
            while true { delivered += try reader.read(into: buffer) }
        }
        #expect(error == .sizeLimitExceeded(codec: "gzip", limit: 1 << 20))
        #expect(delivered == 1 << 20)
        // Only a small part of the 100 KB file was needed to find out.
        #expect(reader.compressedBytesRead < 20_000)
    }

    @Test func limitEqualToTheSizeIsAllowed() throws {
        let folder = try TemporaryFolder()
        let data = TestData.repetitive(count: 10_000)
        let path = try folder.write("exact.gz", Self.member(data) + Self.member([]))
        #expect(try Self.open(path, limit: 10_000).readAll(bufferSize: 3000) == data)
        #expect(
            codecError { () throws(CodecError) in try Self.open(path, limit: 9_999).readAll(bufferSize: 3000) }
                == .sizeLimitExceeded(codec: "gzip", limit: 9_999))
        let plain = try folder.write("plain.txt", data)
        #expect(try Self.open(plain, limit: 10_000).readAll() == data)
        #expect(
            codecError { () throws(CodecError) in try Self.open(plain, limit: 9_999).readAll() }
                == .sizeLimitExceeded(codec: "gzip", limit: 9_999))
    }

    @Test func emptyBufferReadsNothing() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("x.gz", Self.member(Array("abc".utf8)))
        let reader = try Self.open(path)
        #expect(try reader.read(into: UnsafeMutableRawBufferPointer(start: nil, count: 0)) == 0)
        #expect(try reader.readAll() == Array("abc".utf8))
    }
}
