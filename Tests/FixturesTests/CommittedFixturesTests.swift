import Fixtures
import Foundation
import TestSupport
import Testing

/// The committed `Fixtures/` folder is exactly what `bespoke fixtures --seed 42 --out Fixtures --gzip` writes.
@Suite struct CommittedFixturesTests {
    @Test func committedFixturesMatchAFreshGeneration() throws {
        let committed = Python.repositoryRoot + "/Fixtures"
        var options = FixtureOptions()
        options.gzip = true
        let fresh = TemporaryDirectory("fixtures-committed")
        defer { fresh.remove() }
        _ = try FixtureGenerator.generate(options, into: fresh.path)
        for name in ["customers.csv.gz", "items.csv.gz", "events.csv.gz", "truth.json"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: committed + "/" + name))
            let b = try Data(contentsOf: URL(fileURLWithPath: fresh.file(name)))
            #expect(
                a == b,
                "Fixtures/\(name) differs from a fresh generation: run `bespoke fixtures --seed 42 --out Fixtures --gzip`"
            )
        }
    }

    @Test func committedSetStaysSmall() throws {
        let committed = Python.repositoryRoot + "/Fixtures"
        var total = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: committed) {
            let attributes = try FileManager.default.attributesOfItem(atPath: committed + "/" + name)
            total += (attributes[.size] as! NSNumber).intValue
        }
        #expect(total < 5_000_000)
    }
}
