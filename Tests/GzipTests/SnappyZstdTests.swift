import Gzip
import Testing

/// Snappy and zstd decompression against bytes pyarrow and the zstd tool wrote.
struct SnappyZstdTests {
    typealias Decoder = (UnsafeRawBufferPointer, UnsafeMutableRawBufferPointer) throws(CodecError) -> Void

    /// Decompresses `input` into a buffer of `count` bytes with `decoder`.
    static func run(_ decoder: Decoder, _ input: [UInt8], count: Int) throws(CodecError) -> [UInt8] {
        var output = [UInt8](repeating: 0xAA, count: count)
        var failure: CodecError?
        input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                do throws(CodecError) { try decoder(source, target) } catch { failure = error }
            }
        }
        if let failure { throw failure }
        return output
    }

    static func snappy(_ input: [UInt8], count: Int) throws(CodecError) -> [UInt8] {
        try run(
            { (source, target) throws(CodecError) in try Snappy.decompress(source, into: target) }, input, count: count)
    }

    static func zstd(_ input: [UInt8], count: Int) throws(CodecError) -> [UInt8] {
        try run(
            { (source, target) throws(CodecError) in try Zstd.decompress(source, into: target) }, input, count: count)
    }

    // MARK: Snappy

    @Test func snappyFromPyarrow() throws {
        let fixtures = try ReferenceFixtures.shared.get()
        #expect(fixtures.data.count == 406_716)
        #expect(try Self.snappy(fixtures.snappy, count: fixtures.data.count) == fixtures.data)
    }

    @Test func snappyWrongSize() throws {
        let fixtures = try ReferenceFixtures.shared.get()
        let count = fixtures.data.count
        #expect(
            codecError { () throws(CodecError) in try Self.snappy(fixtures.snappy, count: count + 1) }
                == .sizeMismatch(codec: "snappy", expected: count + 1, got: count))
        #expect(
            codecError { () throws(CodecError) in try Self.snappy(fixtures.snappy, count: count - 1) }
                == .sizeMismatch(codec: "snappy", expected: count - 1, got: count))
    }

    @Test("snappy without a length header", arguments: [[], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]] as [[UInt8]])
    func snappyBadHeader(input: [UInt8]) {
        #expect(
            codecError { () throws(CodecError) in try Self.snappy(input, count: 10) }
                == .corrupt(
                    codec: "snappy", code: 1,
                    detail: "snappy_uncompressed_length: invalid input (no valid length header)"))
    }

    @Test func snappyTruncated() throws {
        let fixtures = try ReferenceFixtures.shared.get()
        let input = Array(fixtures.snappy.dropLast(100))
        #expect(
            codecError { () throws(CodecError) in try Self.snappy(input, count: fixtures.data.count) }
                == .corrupt(codec: "snappy", code: 1, detail: "snappy_uncompress: invalid input"))
    }

    @Test func snappyEmpty() throws {
        // Length 0 is the varint 00.
        #expect(try Self.snappy([0x00], count: 0) == [])
    }

    // MARK: Zstd

    @Test func zstdFromPyarrow() throws {
        let fixtures = try ReferenceFixtures.shared.get()
        #expect(try Self.zstd(fixtures.zstd, count: fixtures.data.count) == fixtures.data)
        #expect(try Self.zstd(fixtures.zstdTwoFrames, count: fixtures.data.count) == fixtures.data)
    }

    @Test func zstdWithoutDeclaredSize() throws {
        let fixtures = try ReferenceFixtures.shared.get()
        let count = fixtures.data.count
        #expect(try Self.zstd(fixtures.zstdUnknownSize, count: count) == fixtures.data)
        // Without a declared size, the guards come from decompression itself.
        #expect(
            codecError { () throws(CodecError) in try Self.zstd(fixtures.zstdUnknownSize, count: count - 1) }
                == .sizeLimitExceeded(codec: "zstd", limit: count - 1))
        #expect(
            codecError { () throws(CodecError) in try Self.zstd(fixtures.zstdUnknownSize, count: count + 1) }
                == .sizeMismatch(codec: "zstd", expected: count + 1, got: count))
    }

    @Test func zstdWrongSize() throws {
        let fixtures = try ReferenceFixtures.shared.get()
        let count = fixtures.data.count
        for input in [fixtures.zstd, fixtures.zstdTwoFrames] {
            #expect(
                codecError { () throws(CodecError) in try Self.zstd(input, count: count - 1) }
                    == .sizeLimitExceeded(codec: "zstd", limit: count - 1))
            #expect(
                codecError { () throws(CodecError) in try Self.zstd(input, count: count + 1) }
                    == .sizeMismatch(codec: "zstd", expected: count + 1, got: count))
        }
    }

    @Test func zstdTruncated() throws {
        let fixtures = try ReferenceFixtures.shared.get()
        for input in [Array(fixtures.zstd.dropLast(10)), Array(fixtures.zstd.prefix(3)), []] {
            #expect(
                codecError { () throws(CodecError) in try Self.zstd(input, count: fixtures.data.count) }
                    == .truncated(codec: "zstd"))
        }
    }

    @Test func zstdCorrupt() throws {
        let fixtures = try ReferenceFixtures.shared.get()
        // Byte 12 is inside the first block's header (pyarrow writes no checksum, so a flipped literal would pass).
        var flipped = fixtures.zstd
        flipped[12] ^= 0xff
        #expect(
            codecError { () throws(CodecError) in try Self.zstd(flipped, count: fixtures.data.count) }
                == .corrupt(codec: "zstd", code: 20, detail: "zstd: Data corruption detected"))
        // Bytes 5...8 hold the declared content size: a smaller claim is caught before decompressing.
        var smallerClaim = fixtures.zstd
        smallerClaim[5] ^= 0xff
        #expect(
            codecError { () throws(CodecError) in try Self.zstd(smallerClaim, count: fixtures.data.count) }
                == .sizeMismatch(codec: "zstd", expected: fixtures.data.count, got: 406_595))
        let garbage = [UInt8](repeating: 0x55, count: 64)
        #expect(
            codecError { () throws(CodecError) in try Self.zstd(garbage, count: 10) }
                == .corrupt(codec: "zstd", code: 10, detail: "zstd: Unknown frame descriptor"))
    }

    /// Zstd keeps one context per thread; decompressors are one per task. Both must hold up under concurrency.
    @Test func concurrentDecompression() async throws {
        let fixtures = try ReferenceFixtures.shared.get()
        let member = try GzipCompressor().compress(fixtures.data)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let decompressor = GzipDecompressor()
                    for _ in 0..<10 {
                        let count = fixtures.data.count
                        guard try Self.zstd(fixtures.zstd, count: count) == fixtures.data,
                            try Self.snappy(fixtures.snappy, count: count) == fixtures.data,
                            try decompressor.decompress(member, count: count) == fixtures.data
                        else { return false }
                    }
                    return true
                }
            }
            for try await matched in group { #expect(matched) }
        }
    }
}
