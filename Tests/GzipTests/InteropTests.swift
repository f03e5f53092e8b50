import Foundation
import Gzip
import Testing

/// Interoperability with the gzip command-line tool and Python's zlib.
struct InteropTests {
    static let data = TestData.repetitive(count: 300_000) + TestData.random(count: 50_000, seed: 3)

    @Test("gzip tool output decompresses", arguments: ["-1", "-6", "-9"])
    func gzipToolOutput(level: String) throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("data.csv", Self.data)
        // From a named file, gzip stores the name (FNAME) in the header; from stdin it does not.
        let named = try runTool(["gzip", level, "-c", path])
        #expect(named[3] & 0x08 == 0x08)
        let unnamed = try runTool(["gzip", level, "-c"], stdinPath: path)
        #expect(unnamed[3] == 0)
        for member in [named, unnamed] {
            #expect(try GzipDecompressor().decompress(member, count: Self.data.count) == Self.data)
            #expect(try GzipDecompressor().decompress(member, limit: 1 << 20) == Self.data)
            let gz = try folder.write("data.csv.gz", member)
            #expect(try GunzipFileReader(path: gz, chunkSize: 10_000).readAll(bufferSize: 4096) == Self.data)
        }
    }

    @Test func gzipToolMultiMember() throws {
        let folder = try TemporaryFolder()
        let first = try folder.write("a", Array(Self.data[..<100_000]))
        let second = try folder.write("b", Array(Self.data[100_000...]))
        let members = try runTool(["gzip", "-c", first]) + runTool(["gzip", "-c", second])
        #expect(try GzipDecompressor().decompress(members, count: Self.data.count) == Self.data)
        let gz = try folder.write("ab.gz", members)
        #expect(try GunzipFileReader(path: gz).readAll() == Self.data)
    }

    @Test("our output decompresses with gzip -dc", arguments: [0, 1, 6, 12])
    func ourOutputWithGzipTool(level: Int) throws {
        let folder = try TemporaryFolder()
        let member = try GzipCompressor(level: level).compress(Self.data)
        let path = try folder.write("ours.gz", member + member)
        #expect(try runTool(["gzip", "-dc", path]) == Self.data + Self.data)
        #expect(try runTool(["gzip", "-t", path]) == [])
    }

    @Test func pythonZlibStream() throws {
        let fixtures = try ReferenceFixtures.shared.get()
        #expect(Array(fixtures.zlib.prefix(2)) == [0x78, 0xda])
        #expect(try GzipDecompressor().decompress(fixtures.zlib, count: fixtures.data.count) == fixtures.data)
        #expect(try GzipDecompressor().decompress(fixtures.zlib, limit: 1 << 20) == fixtures.data)
    }
}
