import Foundation
import Frame
import Parquet
import Testing

/// Layer 3 (STYLE 10): a corpus of damaged files, each with the exact error it must produce.
///
/// `Corpus/expected.json` maps each file to the reader's full error `description`, with `{path}`
/// standing for the file's path, or to `OK` for files that must read back as `seed.parquet`.
/// The files come from `CorpusGenerator` (see there to regenerate).
struct CorruptCorpusTests {
    static let corpusURL: URL? = Bundle.module.url(forResource: "Corpus", withExtension: nil)

    static let expected: [String: String] = {
        guard let url = corpusURL?.appendingPathComponent("expected.json"),
            let data = try? Data(contentsOf: url),
            let map = try? JSONDecoder().decode([String: String].self, from: data)
        else { return [:] }
        return map
    }()

    static var seedValues: Frame? {
        guard let url = corpusURL?.appendingPathComponent("seed.parquet") else { return nil }
        return try? ParquetReader(path: url.path).read()
    }

    /// What reading the whole file gives: "OK" when it reads as `seed`, else the error's description.
    /// `inMemory`: the file's bytes are read first and handed to the reader, named by `path`.
    static func outcome(path: String, seed: Frame?, threads: Int = 2, inMemory: Bool = false) -> String {
        do {
            let reader =
                inMemory
                ? try ParquetReader(bytes: Array(FileManager.default.contents(atPath: path) ?? Data()), name: path)
                : try ParquetReader(path: path)
            let frame = try reader.read(threads: threads)
            for g in 0..<reader.rowGroupCount { _ = try reader.readRowGroup(g) }
            return seed.map { frame == $0 } ?? false
                ? "OK" : "read without error but not as the seed (\(frame.rowCount) rows)"
        } catch {
            return error.description
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: expected.keys.sorted())
    func corruptFileGivesItsExactError(_ name: String) throws {
        let path = try #require(Self.corpusURL).appendingPathComponent(name).path
        let want = Self.expected[name]!.replacingOccurrences(of: "{path}", with: path)
        let seed = Self.seedValues
        #expect(seed?.rowCount == 40)
        #expect(Self.outcome(path: path, seed: seed, threads: 2) == want)
        #expect(Self.outcome(path: path, seed: seed, threads: 1) == want, "the same error on one thread")
        #expect(Self.outcome(path: path, seed: seed, inMemory: true) == want, "the same error from memory")
    }

    /// Every corpus file has an expectation and every expectation has a file.
    @Test func everyCorpusFileHasAnExpectation() throws {
        let url = try #require(Self.corpusURL, "the Corpus resource folder is in the test bundle")
        let files = Set(
            try FileManager.default.contentsOfDirectory(atPath: url.path).filter {
                !$0.hasPrefix(".") && $0 != "expected.json" && $0 != "README.md"
            })
        let expected = Set(Self.expected.keys)
        #expect(expected.count >= 50, "expected.json lists the corpus")
        #expect(files.subtracting(expected).sorted() == [], "corpus files without an expected error")
        #expect(expected.subtracting(files).sorted() == [], "expectations without a corpus file")
        // Commit-sized: each file small (the two 100 MB gzip bombs need ~100 KB), the corpus under 2 MB.
        var total = 0
        for f in files {
            let size =
                try FileManager.default.attributesOfItem(atPath: url.appendingPathComponent(f).path)[.size] as? Int ?? 0
            total += size
            #expect(size <= (f.hasPrefix("gzip-bomb") ? 110_000 : 50_000), "\(f) is \(size) bytes")
        }
        #expect(total <= 2_000_000)
    }
}
