import Gzip
import Testing

/// Containers, multi-member input, corrupt and truncated input, and the size guards of the libdeflate decompressor.
struct GzipDecompressorTests {
    static let hello = Array("hello".utf8)
    /// zlib.compress(b"hello"): RFC 1950 header 78 9c, deflate data, Adler-32 06 2c 02 15.
    static let zlibHello: [UInt8] = [0x78, 0x9c, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x06, 0x2c, 0x02, 0x15]
    /// The same deflate data without the zlib wrapper: raw deflate, which Parquet readers reject.
    static let rawDeflateHello: [UInt8] = [0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]

    static func member(_ bytes: [UInt8], level: Int = 6) -> [UInt8] {
        try! GzipCompressor(level: level).compress(bytes)
    }

    @Test func zlibStreamIsAccepted() throws {
        let decompressor = GzipDecompressor()
        #expect(try decompressor.decompress(Self.zlibHello, count: 5) == Self.hello)
        #expect(try decompressor.decompress(Self.zlibHello, limit: 100) == Self.hello)
    }

    @Test func rawDeflateIsRejected() {
        let error = codecError { () throws(CodecError) in
            try GzipDecompressor().decompress(Self.rawDeflateHello, count: 5)
        }
        #expect(
            error
                == .corrupt(
                    codec: "zlib", code: 1,
                    detail: "libdeflate: bad data in the zlib stream at input offset 0 (zlib: incorrect header check)"))
    }

    @Test func zlibStreamWithTrailingBytesIsRejected() {
        let error = codecError { () throws(CodecError) in
            try GzipDecompressor().decompress(Self.zlibHello + [0], count: 5)
        }
        #expect(
            error
                == .corrupt(
                    codec: "zlib", code: 1, detail: "1 bytes follow the zlib stream ending at input offset 13"))
    }

    @Test func truncatedZlibStream() {
        let error = codecError { () throws(CodecError) in
            try GzipDecompressor().decompress(Array(Self.zlibHello.dropLast(2)), count: 5)
        }
        #expect(error == .truncated(codec: "zlib"))
    }

    @Test func multiMemberDecompressesToTheConcatenation() throws {
        let first = TestData.repetitive(count: 70_000)
        let second = TestData.random(count: 30_000, seed: 7)
        let input = Self.member(first) + Self.member([]) + Self.member(second, level: 1)
        let decompressor = GzipDecompressor()
        #expect(try decompressor.decompress(input, count: 100_000) == first + second)
        // Unknown size: the last member's ISIZE (30,000) underestimates, so the buffer has to grow.
        #expect(try decompressor.decompress(input, limit: 100_000) == first + second)
        #expect(
            codecError { () throws(CodecError) in try decompressor.decompress(input, limit: 99_999) }
                == .sizeLimitExceeded(codec: "gzip", limit: 99_999))
    }

    @Test func flippedByteInTheDeflateBodyIsCorrupt() {
        var input = Self.member(TestData.repetitive(count: 10_000))
        input[20] ^= 0xff
        let error = codecError { () throws(CodecError) in try GzipDecompressor().decompress(input, count: 10_000) }
        // Code 1 is LIBDEFLATE_BAD_DATA; zlib, run on the failure path, names the fault.
        #expect(
            error
                == .corrupt(
                    codec: "gzip", code: 1,
                    detail:
                        "libdeflate: bad data in the gzip stream at input offset 0 (zlib: invalid bit length repeat)"))
    }

    @Test func wrongCrcIsCorrupt() {
        var input = Self.member(Self.hello)
        input[input.count - 8] ^= 0x01
        let error = codecError { () throws(CodecError) in try GzipDecompressor().decompress(input, count: 5) }
        #expect(
            error
                == .corrupt(
                    codec: "gzip", code: 1,
                    detail: "libdeflate: bad data in the gzip stream at input offset 0 (zlib: incorrect data check)"))
    }

    @Test func corruptSecondMemberNamesItsOffset() {
        let first = Self.member(Self.hello)
        var second = Self.member(Self.hello)
        second[second.count - 1] ^= 0x01  // ISIZE
        let error = codecError { () throws(CodecError) in
            try GzipDecompressor().decompress(first + second, count: 10)
        }
        #expect(
            error
                == .corrupt(
                    codec: "gzip", code: 1,
                    detail: "libdeflate: bad data in the gzip stream at input offset \(first.count) "
                        + "(zlib: incorrect length check)"))
    }

    @Test("truncated member", arguments: [1, 4, 8, 9, 100, 1000])
    func truncatedMember(dropped: Int) {
        let full = Self.member(TestData.repetitive(count: 10_000))
        let input = Array(full.dropLast(dropped))
        let error = codecError { () throws(CodecError) in try GzipDecompressor().decompress(input, count: 10_000) }
        #expect(error == .truncated(codec: "gzip"))
    }

    @Test func truncatedSecondMember() {
        let input = Self.member(Self.hello) + Array(Self.member(Self.hello).prefix(12))
        let error = codecError { () throws(CodecError) in try GzipDecompressor().decompress(input, count: 10) }
        #expect(error == .truncated(codec: "gzip"))
    }

    @Test("empty or lone magic byte is truncated", arguments: [[], [0x1f], [0x1f, 0x8b]] as [[UInt8]])
    func tooShort(input: [UInt8]) {
        #expect(
            codecError { () throws(CodecError) in try GzipDecompressor().decompress(input, count: 0) }
                == .truncated(codec: "gzip"))
    }

    @Test func trailingZeroPaddingIsCorrupt() {
        let member = Self.member(Self.hello)
        let error = codecError { () throws(CodecError) in
            try GzipDecompressor().decompress(member + [0, 0, 0, 0], count: 5)
        }
        #expect(
            error
                == .corrupt(
                    codec: "gzip", code: 1,
                    detail: "4 bytes after the gzip member ending at input offset \(member.count) "
                        + "do not start another member (first byte 0x0)"))
    }

    @Test func exactSizeGuards() throws {
        let input = TestData.repetitive(count: 1000)
        let member = Self.member(input)
        let decompressor = GzipDecompressor()
        #expect(
            codecError { () throws(CodecError) in try decompressor.decompress(member, count: 999) }
                == .sizeLimitExceeded(codec: "gzip", limit: 999))
        #expect(
            codecError { () throws(CodecError) in try decompressor.decompress(member, count: 1001) }
                == .sizeMismatch(codec: "gzip", expected: 1001, got: 1000))
        #expect(
            codecError { () throws(CodecError) in try decompressor.decompress(Self.zlibHello, count: 4) }
                == .sizeLimitExceeded(codec: "zlib", limit: 4))
        #expect(
            codecError { () throws(CodecError) in try decompressor.decompress(Self.zlibHello, count: 6) }
                == .sizeMismatch(codec: "zlib", expected: 6, got: 5))
        // The decompressor is still usable after failures.
        #expect(try decompressor.decompress(member, count: 1000) == input)
    }

    @Test func gzipBombStopsAtTheLimit() throws {
        let bomb = GzipBomb.member
        #expect(bomb.count < 200_000)
        let decompressor = GzipDecompressor()
        #expect(
            codecError { () throws(CodecError) in try decompressor.decompress(bomb, limit: 1 << 20) }
                == .sizeLimitExceeded(codec: "gzip", limit: 1 << 20))
        #expect(
            codecError { () throws(CodecError) in try decompressor.decompress(bomb, count: 1 << 20) }
                == .sizeLimitExceeded(codec: "gzip", limit: 1 << 20))
    }

    @Test func lyingIsizeDoesNotMatter() throws {
        var input = Self.member(Self.hello)
        // Claim 4 GiB - 1: the first buffer is capped by deflate's maximum ratio, not the claim.
        input.replaceSubrange(input.count - 4..<input.count, with: [0xff, 0xff, 0xff, 0xff])
        let error = codecError { () throws(CodecError) in try GzipDecompressor().decompress(input, limit: Int.max) }
        #expect(
            error
                == .corrupt(
                    codec: "gzip", code: 1,
                    detail: "libdeflate: bad data in the gzip stream at input offset 0 (zlib: incorrect length check)"))
    }

    @Test func descriptions() {
        #expect(
            CodecError.corrupt(codec: "gzip", code: 1, detail: "libdeflate: bad data").description
                == "gzip: corrupt stream (code 1: libdeflate: bad data)")
        #expect(
            CodecError.sizeLimitExceeded(codec: "gzip", limit: 1024).description
                == "gzip: data inflates to more than the limit of 1024 bytes")
        #expect(
            CodecError.sizeMismatch(codec: "zstd", expected: 10, got: 9).description
                == "zstd: expected 10 decompressed bytes, got 9")
        #expect(
            CodecError.truncated(codec: "gzip").description
                == "gzip: truncated input (it ends inside a compressed stream)")
        #expect(
            CodecError.io(path: "/x/y.gz", errno: 2, detail: "cannot open for reading: No such file or directory")
                .description == "/x/y.gz: cannot open for reading: No such file or directory (errno 2)")
        #expect(
            CodecError.invalidLevel(13).description
                == "invalid compression level 13: expected 0...12 (libdeflate, gzip pages) or 0...9 (zlib, gzip files)")
    }
}

/// 100 MiB of zeros as one gzip member (about 100 KB), built once for the whole-buffer and streaming tests.
enum GzipBomb {
    static let size = 100 << 20
    static let member: [UInt8] = {
        let zeros = [UInt8](repeating: 0, count: size)
        return try! GzipCompressor(level: 6).compress(zeros)
    }()
}
