import Foundation
import Pipeline
import Testing

@Suite struct PipelineValidatorTests {
    let validator = PipelineValidator(registry: testRegistry)

    func validate(_ text: String) throws -> PipelineConfig {
        let doc = try JSONParser.parse(text)
        return try validator.validate(doc, file: "/tmp/project/pipeline.json", displayName: "pipeline.json")
    }

    func issues(_ text: String) -> [String] {
        do {
            _ = try validate(text)
            return []
        } catch let e as PipelineConfigError {
            if case .invalid(_, let issues) = e { return issues.map(\.description) }
            return [e.description]
        } catch {
            return ["unexpected: \(error)"]
        }
    }

    static let valid = """
        {
          "version": 1,
          "seed": 7,
          "sources": {"events": {"path": "data/events.csv", "key": ["event_id"]}},
          "stages": [
            {"name": "collect", "uses": "collect"},
            {"name": "dedupe", "uses": "dedupe", "params": {"k": 5, "weights": {"view": 2}}},
            {"name": "score", "command": ["python3", "score.py"], "inputs": ["events"], "outputs": ["scores"],
             "params": {"top": 3}}
          ]
        }
        """

    @Test func validFileDecodesWithDefaultsFilledIn() throws {
        let config = try validate(Self.valid)
        #expect(config.seed == 7)
        #expect(config.runsDirectory == "/tmp/project/runs")
        #expect(config.sources.map(\.absolutePath) == ["/tmp/project/data/events.csv"])
        #expect(config.stages.map(\.name) == ["collect", "dedupe", "score"])
        let dedupe = config.stages[1]
        #expect(
            Pipeline.CanonicalJSON.string(dedupe.params)
                == #"{"alpha":1,"as_of":null,"columns":["id"],"k":5,"strategy":"mean","threshold":0.9,"weights":{"purchase":5,"view":2}}"#
        )
        #expect(dedupe.algorithmVersion == "3")
        #expect(dedupe.inputs == ["events"] && dedupe.outputs == ["events"])
        #expect(config.stages[0].outputs == ["events"])
        #expect(config.stages[2].kind == .command(["python3", "score.py"]))
        #expect(config.key(ofTable: "events") == ["event_id"])
        let graph = PipelineGraph(stages: config.stages, sources: ["events"])
        #expect(graph.inputs[1] == [.init(table: "events", producer: .stage(0))])
        #expect(graph.inputs[2] == [.init(table: "events", producer: .stage(1))])
        #expect(graph.inputs[0] == [.init(table: "events", producer: .source("events"))])
    }

    /// Each invalid file and the exact message it must produce.
    static let invalidCases: [(name: String, json: String, expected: [String])] = [
        (
            "unknown top-level key",
            #"{"version": 1, "seeds": 3, "stages": [{"name": "a", "command": ["x"], "outputs": ["t"]}]}"#,
            ["$.seeds: unknown key 'seeds' (did you mean 'seed'?)"]
        ),
        (
            "unknown stage key",
            #"{"version": 1, "stages": [{"name": "a", "command": ["x"], "outputs": ["t"], "parms": {}}]}"#,
            ["$.stages[0].parms: unknown key 'parms' (did you mean 'params'?)"]
        ),
        (
            "wrong type",
            #"{"version": 1, "seed": "42", "stages": [{"name": "a", "command": ["x"], "outputs": ["t"]}]}"#,
            ["$.seed: expected an integer, got string \"42\""]
        ),
        (
            "unknown stage kind", #"{"version": 1, "stages": [{"name": "a", "uses": "dedup"}]}"#,
            [
                "$.stages[0].uses: unknown stage kind 'dedup' (did you mean 'dedupe'?); known kinds: dedupe, collect, needs"
            ]
        ),
        (
            "cycle",
            #"""
            {"version": 1, "stages": [
              {"name": "a", "command": ["x"], "inputs": ["tb"], "outputs": ["ta"]},
              {"name": "b", "command": ["x"], "inputs": ["ta"], "outputs": ["tb"]}]}
            """#,
            ["$.stages: stages form a cycle: 'a' reads 'tb' from 'b', 'b' reads 'ta' from 'a'"]
        ),
        (
            "missing input",
            #"""
            {"version": 1, "sources": {"events": {"path": "e.csv"}}, "stages": [
              {"name": "a", "command": ["x"], "inputs": ["evnts"], "outputs": ["t"]}]}
            """#,
            [
                "$.stages[0].inputs[0]: table 'evnts' is neither a source nor written by any stage (did you mean 'events'?)"
            ]
        ),
        (
            "parameter below its bound",
            #"{"version": 1, "sources": {"events": {"path": "e"}}, "stages": [{"name": "d", "uses": "dedupe", "params": {"k": 0}}]}"#,
            ["$.stages[0].params.k: expected an integer in 1...1000, got 0"]
        ),
        (
            "parameter above its bound",
            #"{"version": 1, "sources": {"events": {"path": "e"}}, "stages": [{"name": "d", "uses": "dedupe", "params": {"threshold": 1.5}}]}"#,
            ["$.stages[0].params.threshold: expected a number in 0...1, got 1.5"]
        ),
        (
            "parameter not in enum",
            #"{"version": 1, "sources": {"events": {"path": "e"}}, "stages": [{"name": "d", "uses": "dedupe", "params": {"strategy": "meen"}}]}"#,
            ["$.stages[0].params.strategy: expected one of \"mean\", \"median\", got \"meen\" (did you mean 'mean'?)"]
        ),
        (
            "nested parameter bound",
            #"{"version": 1, "sources": {"events": {"path": "e"}}, "stages": [{"name": "d", "uses": "dedupe", "params": {"weights": {"view": -1}}}]}"#,
            ["$.stages[0].params.weights.view: expected a number in 0...100, got -1"]
        ),
        (
            "unknown parameter",
            #"{"version": 1, "sources": {"events": {"path": "e"}}, "stages": [{"name": "d", "uses": "dedupe", "params": {"kk": 3}}]}"#,
            [
                "$.stages[0].params.kk: unknown parameter 'kk' for kind 'dedupe' (did you mean 'k'?); its parameters: k, threshold, strategy, columns, as_of, alpha, weights"
            ]
        ),
        (
            "missing required parameter", #"{"version": 1, "stages": [{"name": "n", "uses": "needs"}]}"#,
            ["$.stages[0].params: missing required parameter 'size' (an integer in 1...10)"]
        ),
        (
            "newer version", #"{"version": 2, "stages": [], "whatever": true}"#,
            ["$.version: version 2 is newer than this bespoke supports (highest supported: 1); upgrade bespoke"]
        ),
        (
            "missing version", #"{"stages": []}"#,
            ["$: missing required key 'version' (this bespoke reads version 1)"]
        ),
        (
            "duplicate stage name",
            #"{"version": 1, "stages": [{"name": "a", "command": ["x"], "outputs": ["t"]}, {"name": "a", "command": ["y"], "outputs": ["u"]}]}"#,
            ["$.stages[1].name: duplicate stage name 'a' (first at $.stages[0])"]
        ),
        (
            "uses and command", #"{"version": 1, "stages": [{"name": "a", "uses": "dedupe", "command": ["x"]}]}"#,
            ["$.stages[0]: a stage has either 'uses' or 'command', not both"]
        ),
        (
            "custom stage without outputs", #"{"version": 1, "stages": [{"name": "a", "command": ["x"]}]}"#,
            ["$.stages[0]: missing required key 'outputs' (the tables a custom command writes)"]
        ),
        (
            "bad stage name", #"{"version": 1, "stages": [{"name": "../x", "command": ["x"], "outputs": ["t"]}]}"#,
            [
                "$.stages[0].name: stage name '../x' must be 1–64 letters, digits, '_' or '-', starting with a letter or digit"
            ]
        ),
        (
            "nullable and either parameters",
            #"{"version": 1, "sources": {"events": {"path": "e"}}, "stages": [{"name": "d", "uses": "dedupe", "params": {"as_of": 3, "alpha": [1, 20]}}]}"#,
            [
                "$.stages[0].params.as_of: expected a string or null, got 3",
                "$.stages[0].params.alpha: expected a number in 0...10 or an array of numbers with at least 1, got an array",
            ]
        ),
        (
            "empty stages", #"{"version": 1, "stages": []}"#,
            ["$.stages: expected at least one stage, got an empty array"]
        ),
        (
            "source without path",
            #"{"version": 1, "sources": {"events": {"file": "e.csv"}}, "stages": [{"name": "a", "command": ["x"], "outputs": ["t"]}]}"#,
            ["$.sources.events.file: unknown key 'file'", "$.sources.events: missing required key 'path'"]
        ),
        (
            "outputs on a built-in",
            #"{"version": 1, "sources": {"events": {"path": "e"}}, "stages": [{"name": "d", "uses": "dedupe", "outputs": ["x"]}]}"#,
            ["$.stages[0].outputs: a built-in stage's outputs are declared by its kind 'dedupe'; remove this key"]
        ),
        (
            "several problems at once",
            #"{"version": 1, "seed": 1.5, "runs": 3, "stages": [{"name": "a", "command": [], "outputs": ["t"]}]}"#,
            [
                "$.seed: expected an integer, got 1.5", "$.runs: expected a string, got 3",
                "$.stages[0].command: expected a non-empty array of strings (argv) or a shell command line, got an array",
            ]
        ),
    ]

    @Test(arguments: 0..<invalidCases.count)
    func invalidFileGivesItsExactMessage(_ i: Int) {
        let c = Self.invalidCases[i]
        #expect(issues(c.json) == c.expected, "case: \(c.name)")
    }

    @Test func nullableAndEitherParametersAcceptTheirShapes() throws {
        let text =
            #"{"version": 1, "sources": {"events": {"path": "e"}}, "stages": [{"name": "d", "uses": "dedupe", "params": {"as_of": null, "alpha": [0.5, 2]}}]}"#
        let params = try validate(text).stages[0].params
        #expect(params["as_of"] == .null)
        #expect(params["alpha"] == [0.5, 2])
        let defaults = try validate(
            #"{"version": 1, "sources": {"events": {"path": "e"}}, "stages": [{"name": "d", "uses": "dedupe", "params": {"alpha": 3}}]}"#
        ).stages[0].params
        #expect(defaults["alpha"] == 3)
    }

    @Test func syntaxErrorNamesLineAndColumn() {
        let text = "{\n  \"version\": 1,\n  \"stages\": [}\n"
        #expect(throws: JSONParser.SyntaxError.self) { try validate(text) }
        do {
            _ = try JSONParser.parse(text)
            Issue.record("parsed invalid JSON")
        } catch {
            #expect(error.description == "line 3, column 14: expected a value, got '}'")
        }
    }

    @Test func duplicateJSONKeyIsASyntaxError() {
        #expect(throws: JSONParser.SyntaxError(line: 1, column: 16, message: "duplicate key 'version'")) {
            try JSONParser.parse(#"{"version": 1, "version": 2}"#)
        }
    }

    @Test func loadReportsMissingFileAsInputMissing() {
        do {
            _ = try validator.load(path: "/nonexistent/pipeline.json")
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.exitStatus == .inputMissing)
            #expect(error.description == "/nonexistent/pipeline.json: cannot read the pipeline file: no such file")
        }
    }

    @Test func invalidPipelineMapsToExit78() throws {
        let e = PipelineConfigError.invalid(file: "p.json", issues: [PipelineIssue("$.x", "bad")])
        #expect(e.exitStatus.rawValue == 78)
        #expect(e.description == "p.json: $.x: bad")
    }

    @Test func forwardReferenceIsAllowedAndOrdered() throws {
        let config = try validate(
            #"""
            {"version": 1, "stages": [
              {"name": "late", "command": ["x"], "inputs": ["early_t"], "outputs": ["late_t"]},
              {"name": "early", "command": ["x"], "outputs": ["early_t"]}]}
            """#)
        let graph = PipelineGraph(stages: config.stages, sources: [])
        #expect(graph.order == [1, 0])
        #expect(graph.downstream(of: 1) == [0])
    }

    @Test func stringCommandRunsThroughTheShell() throws {
        let config = try validate(
            #"{"version": 1, "stages": [{"name": "a", "command": "echo hi > $BESPOKE_OUTPUT_DIR/t.txt", "outputs": ["t"]}]}"#
        )
        #expect(config.stages[0].kind == .command(["/bin/sh", "-c", "echo hi > $BESPOKE_OUTPUT_DIR/t.txt"]))
    }
}

@Suite struct JSONTests {
    @Test func canonicalFormSortsKeysAndNormalisesNumbers() throws {
        let a = try JSONParser.parse(
            #"{"b": 1.0, "a": [2e0, -0.0, 0.5, 1e300, "x\u00e9\n"], "c": {"z": null, "y": true}}"#)
        #expect(Pipeline.CanonicalJSON.string(a) == #"{"a":[2,0,0.5,1e300,"xé\n"],"b":1,"c":{"y":true,"z":null}}"#)
        let b = try JSONParser.parse(#"{"c":{"y":true,"z":null},"a":[2,0,0.5,1E+300,"xé\n"],"b":1}"#)
        #expect(a == b)
        #expect(Pipeline.CanonicalJSON.string(a) == Pipeline.CanonicalJSON.string(b))
    }

    @Test func didYouMeanUsesEditDistance() {
        #expect(DidYouMean.levenshtein("kitten", "sitting") == 3)
        #expect(DidYouMean.suggestion(for: "parms", among: ["params", "name"]) == "params")
        #expect(DidYouMean.suggestion(for: "zzz", among: ["params", "name"]) == nil)
    }
}
