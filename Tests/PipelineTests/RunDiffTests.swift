import Foundation
import Pipeline
import Testing

@Suite struct RunDiffTests {
    func write(_ h: EngineHarness, params: JSONValue, declareKey: Bool = true) throws {
        let script = (Bundle.module.resourcePath ?? "") + "/Scripts/table_stage.py"
        let doc: JSONValue = [
            "version": 1, "tables": declareKey ? ["items": ["key": ["id"]]] : [:],
            "stages": [
                ["name": "make", "command": ["python3", .string(script)], "outputs": ["items"], "params": params]
            ],
        ]
        try Pipeline.CanonicalJSON.pretty(doc).write(toFile: h.pipelinePath, atomically: true, encoding: .utf8)
    }

    @Test func plantedChangesAreCountedExactly() throws {
        let h = try EngineHarness("diff")
        try write(h, params: ["n": 100])
        #expect(try h.bespoke("run", "--run", "A").status == 0)
        #expect(try h.bespoke("run", "--run", "A2").status == 0)
        try write(h, params: ["n": 100, "drop": [3, 4, 5], "add": 2, "change": [10, 20, 30, 40], "rename": [50]])
        #expect(try h.bespoke("run", "--run", "B").status == 0)

        let manifest = try #require(try StageManifest.load(h.root + "/runs/B/make/_manifest.json"))
        #expect(manifest.outputs.first?.rows == 99)
        #expect(manifest.outputs.first?.schema?.names == ["id", "value", "name"])

        let same = try h.bespoke("diff", "A", "A2", "--fail-if-diff")
        #expect(same.status == 0)
        #expect(same.stdout == "diff A → A2\nno differences\n")

        let diff = try RunDiff.compare(config: PipelineValidator().load(path: h.pipelinePath), runA: "A", runB: "B")
        let t = try #require(diff.stages.first?.tables.first)
        #expect(t.key == ["id"])
        #expect((t.rowsA, t.rowsB) == (100, 99))
        #expect((t.onlyInA, t.onlyInB, t.changed, t.unchanged) == (3, 2, 5, 92))
        let value = try #require(t.columns.first { $0.name == "value" })
        #expect(value.changed == 4)
        #expect(value.maxAbsoluteDifference == 10)
        // ids 1000 and 1001 (values 1500, 1501.5) were added; id 0 (value 0) stays the minimum.
        #expect(value.rangeA == 0...148.5 && value.rangeB == 0...1501.5)
        #expect(t.columns.first { $0.name == "name" }?.changed == 1)
        #expect(diff.stages.first?.counters == [.init(name: "rows", a: 100, b: 99)])

        let text = try h.bespoke("diff", "A", "B", "--fail-if-diff")
        #expect(text.status == 1)
        #expect(text.stdout.contains("  counter rows: 100 → 99 (-1)\n"))
        #expect(text.stdout.contains("  table items (key id)\n    rows: 100 → 99 (-1)\n"))
        #expect(text.stdout.contains("    3 only in A, 2 only in B, 5 changed, 92 unchanged\n"))
        #expect(text.stdout.contains("    column value: 4 changed, max |Δ| 10; mean "))
        #expect(text.stdout.contains("      id=10: value: 15.0 → 25.0\n"))
        #expect(text.stdout.contains("; max 148.5 → 1501.5\n"))

        // Another key, given on the command line: by name, every renamed row is one only in A and one only in B.
        let byName = try JSONParser.parse(try h.bespoke("diff", "A", "B", "--key", "name", "--json").stdout)
        let table = try #require(byName["stages"]?.arrayValue?.first?["tables"]?.arrayValue?.first)
        #expect(table["only_in_a"] == 4 && table["only_in_b"] == 3 && table["changed"] == 4)
        #expect(try h.bespoke("diff", "A", "nope").status == 66)
    }

    /// A table without a declared key is paired by a conventional key when one is given for its
    /// name (the built-in stages' tables, from the CLI), and by position otherwise.
    @Test func conventionalKeysPairRowsOfUndeclaredTables() throws {
        let h = try EngineHarness("diff-conventional")
        try write(h, params: ["n": 50], declareKey: false)
        #expect(try h.bespoke("run", "--run", "A").status == 0)
        try write(h, params: ["n": 50, "drop": [3]], declareKey: false)
        #expect(try h.bespoke("run", "--run", "B").status == 0)
        let config = try PipelineValidator().load(path: h.pipelinePath)
        let byPosition = try #require(
            try RunDiff.compare(config: config, runA: "A", runB: "B").stages.first?.tables.first)
        #expect(byPosition.key == nil)
        let keyed = try #require(
            try RunDiff.compare(
                config: config, runA: "A", runB: "B", options: .init(conventionalKeys: ["items": ["id"]])
            ).stages.first?.tables.first)
        #expect(keyed.key == ["id"])
        #expect((keyed.onlyInA, keyed.onlyInB, keyed.changed, keyed.unchanged) == (1, 0, 0, 49))
    }
}
