import Foundation
import Ingest
import TestSupport
import Testing

/// Whole-source problems: each is one exact error at open, with its exit code.
@Suite struct SourceErrorTests {
    static let options = SourceOptions(columns: [.int("id"), .string("customer_id")])

    @Test func missingFile() throws {
        let path = "/nonexistent/dir/events.csv"
        let error = IngestError.missingSource(path: path)
        #expect(throws: error) { _ = try SourceReader.open(path: path, options: Self.options, sourceName: "e") }
        #expect(error.exitCode == 66)
        #expect(error.description == "/nonexistent/dir/events.csv: source file not found")
    }

    @Test(arguments: ["empty.csv", "empty.jsonl", "empty.parquet", "empty.db"])
    func emptyFile(_ name: String) throws {
        let (path, dir) = IngestFixture.file(name, "")
        defer { dir.remove() }
        var options = Self.options
        if name.hasSuffix(".db") { options.query = "SELECT 1" }
        #expect(throws: IngestError.emptySource(path: path)) {
            _ = try SourceReader.open(path: path, options: options, sourceName: "e")
        }
        #expect(IngestError.emptySource(path: path).exitCode == 65)
    }

    @Test func onlyBlankLinesIsEmpty() throws {
        let (path, dir) = IngestFixture.file("blank.csv", "\n\r\n\n")
        defer { dir.remove() }
        #expect(throws: IngestError.emptySource(path: path)) {
            _ = try SourceReader.open(path: path, options: Self.options, sourceName: "e")
        }
    }

    @Test(arguments: ["bin.csv", "bin.jsonl", "bin.csv.gz"])
    func binaryFile(_ name: String) throws {
        var rng = SplitMix64(seed: 42)
        var bytes = (0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        bytes[0] = 0x41
        bytes[1] = 0x42
        bytes[100] = 0
        var (path, dir) = IngestFixture.file(name.replacingOccurrences(of: ".gz", with: ""), bytes: bytes)
        defer { dir.remove() }
        if name.hasSuffix(".gz") {
            let gz = dir.file(name)
            try IngestFixture.gzip([bytes], to: gz)
            path = gz
        }
        let first = bytes[0..<1024].firstIndex(of: 0)!
        let error = IngestError.binarySource(
            path: path,
            detail: "NUL byte at offset \(first)" + (name.hasSuffix(".gz") ? " of the decompressed text" : ""))
        #expect(throws: error) { _ = try SourceReader.open(path: path, options: Self.options, sourceName: "e") }
        #expect(error.exitCode == 65)
    }

    @Test func headerNotMatchingTheMapping() throws {
        let (path, dir) = IngestFixture.file("h.csv", "id,custmer_id,total\n1,2,3\n")
        defer { dir.remove() }
        let error = IngestError.headerMismatch(
            path: path, missing: ["customer_id"], available: ["id", "custmer_id", "total"])
        #expect(throws: error) { _ = try SourceReader.open(path: path, options: Self.options, sourceName: "e") }
        #expect(error.exitCode == 65)
        #expect(
            error.description
                == "\(path): header does not match the column mapping: missing 'customer_id' (did you mean 'custmer_id'?); "
                + "the source has 'id', 'custmer_id', 'total'")
    }

    @Test func headerlessPositionBeyondTheFields() throws {
        let (path, dir) = IngestFixture.file("h.csv", "1|2\n")
        defer { dir.remove() }
        let options = SourceOptions(
            delimiter: "|", header: false, columns: [.int("a", source: "1"), .int("c", source: "3")])
        #expect(throws: IngestError.headerMismatch(path: path, missing: ["3"], available: ["1", "2"])) {
            _ = try SourceReader.open(path: path, options: options, sourceName: "e")
        }
    }

    @Test func jsonLinesWithNoneOfTheMappedKeys() throws {
        let (path, dir) = IngestFixture.file("k.jsonl", "{\"a\": 1, \"b\": 2}\n")
        defer { dir.remove() }
        #expect(throws: IngestError.headerMismatch(path: path, missing: ["id", "customer_id"], available: ["a", "b"])) {
            _ = try SourceReader.open(path: path, options: Self.options, sourceName: "e")
        }
    }

    @Test func corruptGzip() throws {
        let dir = TemporaryDirectory("ingest-gz")
        defer { dir.remove() }
        let gz = dir.file("t.csv.gz")
        var text = "id,customer_id\n"
        for i in 0..<20_000 { text += "\(i),\(i * 7)\n" }
        try IngestFixture.gzip([Array(text.utf8)], to: gz)
        var bytes = Array(FileManager.default.contents(atPath: gz)!)
        bytes.removeLast(bytes.count / 2)
        FileManager.default.createFile(atPath: gz, contents: Data(bytes))
        var reader = try SourceReader.open(path: gz, options: Self.options, sourceName: "e")
        #expect(throws: IngestError.codec(path: gz, .truncated(codec: "gzip"))) { _ = try reader.readAll() }
    }

    @Test func notAParquetFile() throws {
        let (path, dir) = IngestFixture.file("x.parquet", "id,customer_id\n1,2\n")
        defer { dir.remove() }
        do {
            _ = try SourceReader.open(path: path, options: Self.options, sourceName: "e")
            Issue.record("expected an error")
        } catch {
            guard case .parquet(.notParquet(let p, _)) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(p == path)
            #expect(error.exitCode == 65)
        }
    }
}
