import Gzip
import Testing

/// Round trips, the RFC 1952 framing, and level validation of the libdeflate compressor.
struct GzipCompressorTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case random, repetitive
        var testDescription: String { rawValue }
    }

    struct Sample: CustomTestStringConvertible, Sendable {
        var kind: Kind
        var count: Int
        var testDescription: String { "\(kind) \(count) B" }

        var bytes: [UInt8] {
            switch kind {
            case .random: return count == 1 << 20 ? Self.randomMiB : TestData.random(count: count)
            case .repetitive: return TestData.repetitive(count: count)
            }
        }

        /// Generated once: five levels share it.
        private static let randomMiB = TestData.random(count: 1 << 20)
    }

    static let samples: [Sample] = Kind.allCases.flatMap { kind in
        [0, 1, 1000, 1 << 20].map { Sample(kind: kind, count: $0) }
    }

    @Test("round trip", arguments: samples, [0, 1, 6, 9, 12])
    func roundTrip(sample: Sample, level: Int) throws {
        let input = sample.bytes
        let compressor = try GzipCompressor(level: level)
        #expect(compressor.level == level)
        let member = compressor.compress(input)

        // RFC 1952: magic, CM = 8 (deflate), MTIME 0 so output never depends on the clock.
        #expect(Array(member.prefix(3)) == [0x1f, 0x8b, 0x08])
        #expect(Array(member[4..<8]) == [0, 0, 0, 0])
        let crc = input.withUnsafeBytes { crc32($0) }
        #expect(TestData.little32(member, at: member.count - 8) == crc)
        #expect(TestData.little32(member, at: member.count - 4) == UInt32(input.count))

        let decompressor = GzipDecompressor()
        #expect(try decompressor.decompress(member, count: input.count) == input)
        #expect(try decompressor.decompress(member, limit: input.count) == input)

        // Appending gives the same member after whatever the array held.
        var appended: [UInt8] = [7, 7, 7]
        let written = input.withUnsafeBytes { compressor.compress($0, appendingTo: &appended) }
        #expect(written == member.count)
        #expect(appended == [7, 7, 7] + member)
    }

    @Test func randomDataDoesNotShrinkMuchAndRepetitiveDataDoes() throws {
        let compressor = try GzipCompressor(level: 6)
        let random = compressor.compress(TestData.random(count: 100_000))
        let repetitive = compressor.compress(TestData.repetitive(count: 100_000))
        #expect(random.count > 100_000)
        #expect(random.count < 100_000 + 100)
        #expect(repetitive.count < 15_000)
    }

    @Test func sameInputGivesIdenticalBytes() throws {
        let input = TestData.repetitive(count: 50_000)
        #expect(try GzipCompressor(level: 6).compress(input) == GzipCompressor(level: 6).compress(input))
    }

    @Test func emptyInputIsAValidMember() throws {
        let member = try GzipCompressor(level: 6).compress([])
        #expect(member.count == 23)  // 10-byte header, an empty stored block (5 bytes), 8-byte trailer
        #expect(Array(member.suffix(8)) == [0, 0, 0, 0, 0, 0, 0, 0])
        #expect(try GzipDecompressor().decompress(member, count: 0) == [])
    }

    @Test("invalid level", arguments: [-1, 13, 100, Int.min])
    func invalidLevel(level: Int) {
        #expect(codecError { () throws(CodecError) in try GzipCompressor(level: level) } == .invalidLevel(level))
    }

    @Test func crc32KnownValues() {
        #expect(Array("123456789".utf8).withUnsafeBytes { crc32($0) } == 0xCBF4_3926)
        #expect([UInt8]().withUnsafeBytes { crc32($0) } == 0)
        #expect([UInt8]().withUnsafeBytes { crc32($0, seed: 0x1234_5678) } == 0x1234_5678)
        #expect(Array("The quick brown fox jumps over the lazy dog".utf8).withUnsafeBytes { crc32($0) } == 0x414F_A339)
        // Piecewise with a seed equals the whole.
        let first = Array("12345".utf8).withUnsafeBytes { crc32($0) }
        #expect(Array("6789".utf8).withUnsafeBytes { crc32($0, seed: first) } == 0xCBF4_3926)
    }
}
