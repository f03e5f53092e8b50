import Foundation
import Pipeline
import Testing

/// The driver through the built `bespoke` binary, with custom command stages.
@Suite struct RunDriverTests {
    @Test func secondRunExecutesNothing() throws {
        let h = try EngineHarness()
        try h.writeChain()
        let first = try h.bespoke("run", "--run", "r1")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(h.executed() == ["a", "b", "c", "d"])
        let second = try h.bespoke("run", "--run", "r1")
        #expect(second.status == 0, "\(second.stderr)")
        #expect(h.executed() == [])
        #expect(second.stderr.contains("[a] up to date"))
        let status = try h.bespoke("status", "--run", "r1")
        #expect(status.status == 0)
        #expect(status.stdout.contains("all 4 stages up to date"))
        #expect(RunFolder.latestID(in: h.root + "/runs") == "r1")
        let manifest = try #require(try StageManifest.load(h.root + "/runs/r1/a/_manifest.json"))
        #expect(manifest.counters == ["bytes_out": 2000, "inputs": 1])
        #expect(manifest.outputs.map(\.file) == ["ta.bin"])
        #expect(manifest.peakMemoryBytes > 0)
        let log = h.read(h.root + "/runs/r1/a/stage.log")
        #expect(log.contains("OUTPUT [a] stage a writing ta"))
    }

    @Test func changingOneParameterRerunsThatStageAndItsDownstream() throws {
        let h = try EngineHarness()
        try h.writeChain(b: ["k": 1])
        #expect(try h.bespoke("run", "--run", "r1").status == 0)
        _ = h.executed()
        try h.writeChain(b: ["k": 2])

        let status = try h.bespoke("status", "--run", "r1")
        #expect(status.status == 1)
        #expect(
            status.stdout == """
                run r1 (runs/r1)
                  a  up to date
                  b  stale
                       parameter 'k' changed (1 → 2)
                  c  stale
                       upstream stage 'b' runs first
                  d  up to date
                2 of 4 stages need work

                """)
        let json = try JSONParser.parse(try h.bespoke("status", "--run", "r1", "--json").stdout)
        let b = try #require(json["stages"]?.arrayValue?[1])
        #expect(b["state"] == "stale")
        #expect(b["reasons"]?.arrayValue?.first?["key"] == "k")
        #expect(b["reasons"]?.arrayValue?.first?["old"] == 1)
        #expect(b["reasons"]?.arrayValue?.first?["new"] == 2)
        #expect(json["up_to_date"] == false)

        let dry = try h.bespoke("run", "--run", "r1", "--dry-run")
        #expect(dry.status == 0)
        #expect(dry.stderr.contains("[b] would run: parameter 'k' changed (1 → 2)"))
        #expect(h.executed() == [])

        #expect(try h.bespoke("run", "--run", "r1").status == 0)
        #expect(h.executed() == ["b", "c"])
        #expect(try h.bespoke("status", "--run", "r1").status == 0)
    }

    @Test func statusNamesTheChangedInputAndAlgorithmVersion() throws {
        let h = try EngineHarness()
        try h.writeChain()
        #expect(try h.bespoke("run", "--run", "r1").status == 0)
        try "changed\n".write(toFile: h.root + "/raw.txt", atomically: true, encoding: .utf8)
        var doc = try JSONParser.parse(try String(contentsOfFile: h.pipelinePath, encoding: .utf8))
        // Give d an explicit algorithm version.
        if case .object(var top) = doc, case .array(var stages)? = doc["stages"], case .object(var d) = stages[3] {
            d.append(("version", "2"))
            stages[3] = .object(d)
            top = top.map { $0.key == "stages" ? ("stages", .array(stages)) : $0 }
            doc = .object(top)
        }
        try Pipeline.CanonicalJSON.pretty(doc).write(toFile: h.pipelinePath, atomically: true, encoding: .utf8)
        let status = try h.bespoke("status", "--run", "r1")
        #expect(status.stdout.contains("a  stale\n       input 'raw' changed (from source 'raw')\n"))
        #expect(status.stdout.contains("d  stale\n       algorithm version changed (1 → 2)\n"))
        #expect(
            status.stdout.contains(
                "c  stale\n       upstream stage 'b' runs first\n       upstream stage 'a' runs first\n"))
    }

    @Test func touchingASourceWithoutChangingItRerunsNothing() throws {
        let h = try EngineHarness()
        try h.writeChain()
        #expect(try h.bespoke("run", "--run", "r1").status == 0)
        _ = h.executed()
        // A new mtime (and a new inode, as editors write): the content hash decides.
        let raw = h.root + "/raw.txt"
        let content = try String(contentsOfFile: raw, encoding: .utf8)
        try FileManager.default.removeItem(atPath: raw)
        try content.write(toFile: raw, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(3600)], ofItemAtPath: raw)
        #expect(try h.bespoke("run", "--run", "r1").status == 0)
        #expect(h.executed() == [])
        try (content + "more\n").write(toFile: raw, atomically: false, encoding: .utf8)
        #expect(try h.bespoke("run", "--run", "r1").status == 0)
        #expect(h.executed() == ["a", "b", "c"])
    }

    @Test func sourceHashCacheAvoidsRereadingUnchangedFiles() throws {
        let dir = try EngineHarness()
        let file = dir.root + "/big.txt"
        try String(repeating: "x", count: 10_000).write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: file)
        let cachePath = dir.root + "/cache.json"
        let first = SourceHashCache(path: cachePath)
        let h1 = try first.hash(of: file)
        first.save()
        #expect(first.filesHashed == [file])
        let second = SourceHashCache(path: cachePath)
        #expect(try second.hash(of: file) == h1)
        #expect(second.filesHashed == [])
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-30)], ofItemAtPath: file)
        #expect(try second.hash(of: file) == h1)
        #expect(second.filesHashed == [file])
    }

    @Test func onlyFromAndForceSelectStages() throws {
        let h = try EngineHarness()
        try h.writeChain()
        #expect(try h.bespoke("run", "--run", "r1").status == 0)
        _ = h.executed()

        try h.writeChain(a: ["v": 2], b: ["v": 2])
        // --only c: c's own inputs have not changed yet, so it is up to date; a and b are not touched.
        #expect(try h.bespoke("run", "--run", "r1", "--only", "c").status == 0)
        #expect(h.executed() == [])
        // --from b: b and what follows it (c reruns on b's new output; d is up to date); a stays stale.
        #expect(try h.bespoke("run", "--run", "r1", "--from", "b").status == 0)
        #expect(h.executed() == ["b", "c"])
        let status = try h.bespoke("status", "--run", "r1")
        #expect(status.stdout.contains("a  stale\n       parameter 'v' added (2)\n"))
        // A partial run does not move latest to a stale state; the whole run does.
        #expect(try h.bespoke("run", "--run", "r1").status == 0)
        #expect(h.executed() == ["a", "b", "c"])
        // --force with --only: exactly the named stages rerun.
        #expect(try h.bespoke("run", "--run", "r1", "--only", "d,a", "--force").status == 0)
        #expect(h.executed() == ["a", "d"])
        #expect(try h.bespoke("run", "--run", "r1", "--force").status == 0)
        #expect(h.executed() == ["a", "b", "c", "d"])

        let unknown = try h.bespoke("run", "--run", "r1", "--only", "bb")
        #expect(unknown.status == 64)
        #expect(unknown.stderr == "bespoke: no stage 'bb' in the pipeline (did you mean 'b'?); stages: a, b, c, d\n")
    }

    @Test func failureStopsAndPrintsTheResumeCommandKeepGoingRunsIndependentStages() throws {
        let h = try EngineHarness()
        let flag = h.root + "/broken"
        try "".write(toFile: flag, atomically: true, encoding: .utf8)
        try h.writeChain(b: ["fail_if_file": .string(flag)])

        let stop = try h.bespoke("run", "--run", "r1")
        // The failed stage's own sysexits code passes through, so cron can tell bad data (65) apart.
        #expect(stop.status == 65)
        #expect(h.executed() == ["a", "b"])
        #expect(stop.stderr.contains("[b] error: stage 'b' failed (exit 65)"))
        #expect(stop.stderr.contains("planted failure"))
        #expect(stop.stderr.contains("Fix the cause, then resume with: bespoke run --run r1 --from b"))
        #expect(FileManager.default.fileExists(atPath: h.root + "/runs/r1/.b.failed.log"))
        #expect(h.read(h.root + "/runs/r1/.b.failed.log").contains("planted failure"))
        #expect(!FileManager.default.fileExists(atPath: h.root + "/runs/r1/b"))
        #expect(RunFolder.latestID(in: h.root + "/runs") == nil)

        let status = try h.bespoke("status", "--run", "r1")
        #expect(status.status == 1)
        #expect(status.stdout.contains("b  failed (exit 65)\n       stage 'b' failed (exit 65)\n"))
        #expect(status.stdout.contains("log: runs/r1/.b.failed.log"))
        #expect(status.stdout.contains("d  missing\n"))

        let keepGoing = try h.bespoke("run", "--run", "r1", "--keep-going")
        #expect(keepGoing.status == 65)
        #expect(h.executed() == ["b", "d"])
        #expect(keepGoing.stderr.contains("[c] warning: not run: upstream stage 'b' failed"))
        let record = try #require(try RunRecord.load(h.runFolder("r1")))
        #expect(record.status == .failed)
        #expect(record.stages["c"]?.status == .blocked)
        #expect(record.stages["d"]?.status == .succeeded)

        // The engineer fixes the cause and resumes with the printed command.
        try FileManager.default.removeItem(atPath: flag)
        let resume = try h.bespoke("run", "--run", "r1", "--from", "b")
        #expect(resume.status == 0, "\(resume.stderr)")
        #expect(h.executed() == ["b", "c"])
        #expect(RunFolder.latestID(in: h.root + "/runs") == "r1")
        #expect(try RunRecord.load(h.runFolder("r1"))?.status == .succeeded)
        #expect(!FileManager.default.fileExists(atPath: h.root + "/runs/r1/.b.failed.log"))
        #expect(try RunRecord.load(h.runFolder("r1"))?.stages["b"]?.log == "b/stage.log")
    }

    @Test func corruptArtifactIsDetectedAndRecomputed() throws {
        let h = try EngineHarness()
        try h.writeChain()
        #expect(try h.bespoke("run", "--run", "r1").status == 0)
        _ = h.executed()
        let good = try h.artifacts(run: "r1", stage: "a")
        let file = h.root + "/runs/r1/a/ta.bin"

        // A flipped byte: same size, different hash.
        var bytes = try #require(FileManager.default.contents(atPath: file))
        bytes[100] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: file))
        let direct = try h.bespoke("stage", "--run", "r1", "--stage", "a")
        #expect(direct.status == 74)
        #expect(direct.stderr.hasPrefix("bespoke: \(file): does not match its manifest: expected sha256 "))
        // A downstream stage refuses the corrupt input too, naming the file.
        let downstream = try h.bespoke("stage", "--run", "r1", "--stage", "b", "--force")
        #expect(downstream.status == 74)
        #expect(downstream.stderr.contains(file))
        #expect(h.executed() == [])
        let status = try h.bespoke("status", "--run", "r1")
        #expect(status.stdout.contains("output \(file) does not match its manifest"))

        let repair = try h.bespoke("run", "--run", "r1")
        #expect(repair.status == 0, "\(repair.stderr)")
        #expect(h.executed() == ["a"])
        #expect(try h.artifacts(run: "r1", stage: "a") == good)

        // A truncated file: caught by the size check.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        try handle.truncate(atOffset: 10)
        try handle.close()
        let truncated = try h.bespoke("stage", "--run", "r1", "--stage", "a")
        #expect(truncated.status == 74)
        #expect(truncated.stderr.contains("\(file): does not match its manifest: expected 2000 bytes, got 10 bytes"))
        #expect(try h.bespoke("run", "--run", "r1").status == 0)
        #expect(try h.artifacts(run: "r1", stage: "a") == good)
    }

    @Test func invalidPipelineExits78WithTheJSONPath() throws {
        let h = try EngineHarness()
        try #"{"version": 1, "stages": [{"name": "a", "command": ["x"], "outputs": ["t"], "parms": {}}]}"#
            .write(toFile: h.pipelinePath, atomically: true, encoding: .utf8)
        for args in [["validate"], ["run"], ["status"], ["dag"]] {
            let r = try h.bespoke(args)
            #expect(r.status == 78, "\(args)")
            #expect(
                r.stderr == "bespoke: pipeline.json: $.stages[0].parms: unknown key 'parms' (did you mean 'params'?)\n")
        }
        try "{\"version\": 1,\n \"stages\": [}".write(toFile: h.pipelinePath, atomically: true, encoding: .utf8)
        let syntax = try h.bespoke("validate")
        #expect(syntax.status == 78)
        #expect(syntax.stderr == "bespoke: pipeline.json:2:13: invalid JSON: expected a value, got '}'\n")
        let missing = try h.bespoke("validate", "nope.json")
        #expect(missing.status == 66)
    }

    /// `--log-format json`: stderr is one JSON object a line, with level, message and stage.
    @Test func jsonLogsAreOneObjectALine() throws {
        let h = try EngineHarness()
        try h.writeChain()
        let run = try h.bespoke("run", "--run", "r1", "--log-format", "json")
        #expect(run.status == 0)
        let lines = run.stderr.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try JSONParser.parse(String(line))
            #expect(object["level"] != nil && object["msg"] != nil && object["ts"] != nil, "\(line)")
        }
        let stages = Set(lines.compactMap { try? JSONParser.parse(String($0))["stage"]?.stringValue })
        #expect(stages == ["a", "b", "c", "d"])
    }

    @Test func dagAndRunsAndSchemaPrint() throws {
        let h = try EngineHarness()
        try h.writeChain()
        let dag = try h.bespoke("dag")
        #expect(dag.stdout.hasPrefix("a (command)\n  reads  raw ← source raw.txt\n  writes ta\nb (command)\n"))
        let dot = try h.bespoke("dag", "--dot")
        #expect(dot.stdout.contains("\"a\" -> \"c\" [label=\"ta\"];"))
        let mermaid = try h.bespoke("dag", "--mermaid")
        #expect(mermaid.stdout.contains("st_b -->|tb| st_c"))
        #expect(try h.bespoke("run", "--run", "2026-11-28").status == 0)
        let runs = try h.bespoke("runs")
        #expect(runs.stdout.contains("2026-11-28  succeeded"))
        #expect(runs.stdout.contains("4 succeeded"))
        let schema = try JSONParser.parse(try h.bespoke("schema").stdout)
        #expect(schema["properties"]?["version"]?["const"] == 1)
    }
}
