import Foundation
import Pipeline
import TestSupport
import Testing

/// SIGKILL at random instants while stages write, fsync and rename: the run folder always holds
/// complete stages only, and the next run ends byte-identical to an uninterrupted one.
@Suite struct FaultInjectionTests {
    static let kills = 28

    func pipeline(_ h: EngineHarness, version: Int) throws {
        // Large enough outputs, fsynced in chunks, that kills land inside writes as well as
        // inside the engine's own fsync/manifest/rename steps.
        try h.writePipeline([
            h.stage(
                "a", inputs: ["raw"], outputs: ["ta", "tb"],
                params: [
                    "v": .number(JSONNumber(version)),
                    "bytes": 1_000_000, "slow": true,
                ]),
            h.stage("b", inputs: ["ta"], outputs: ["tc"], params: ["bytes": 400_000]),
        ])
    }

    /// Output file → SHA-256 of every stage in a run, read from disk.
    func snapshot(_ h: EngineHarness, run: String) throws -> [String: [String: String]] {
        ["a": try h.artifacts(run: run, stage: "a"), "b": try h.artifacts(run: run, stage: "b")]
    }

    @Test func killedStagesLeaveOldOrNewCompleteNeverPartial() throws {
        let h = try EngineHarness("faults")
        try pipeline(h, version: 1)
        var clock = Timestamp.monotonicSeconds()
        #expect(try h.bespoke("run", "--run", "ref1").status == 0)
        try pipeline(h, version: 2)
        clock = Timestamp.monotonicSeconds()
        #expect(try h.bespoke("run", "--run", "ref2").status == 0)
        let duration = Timestamp.monotonicSeconds() - clock
        let old = try snapshot(h, run: "ref1")
        let new = try snapshot(h, run: "ref2")
        #expect(old["a"] != new["a"] && old["b"] != new["b"])

        var random = SplitMix64(seed: 20_261_129)
        var outcomes: [String: Int] = [:]
        // Start from complete version 1, then alternate: each round interrupts the change from the
        // current complete version to the other one, and resumes it to completion.
        try pipeline(h, version: 1)
        #expect(try h.bespoke("run", "--run", "fi").status == 0)
        var current = (version: 1, files: old)
        for round in 0..<Self.kills {
            let target = current.version == 1 ? (version: 2, files: new) : (version: 1, files: old)
            try pipeline(h, version: target.version)
            let victim = try h.start(["run", "--run", "fi"])
            let end: ChildProcess.Termination
            if round % 4 == 3 {
                // Every fourth round completes before the kill, so "both stages new" is always
                // among the states checked, however slow the machine is today.
                end = ChildProcess.wait(victim.pid)
            } else {
                let delay = Double(random.next() % 1_000_000) / 1_000_000 * duration * 0.9
                usleep(UInt32(delay * 1_000_000))
                kill(-victim.pid, SIGKILL)
                end = ChildProcess.wait(victim.pid)
            }

            for stage in ["a", "b"] {
                let dir = h.root + "/runs/fi/" + stage
                let manifest = try #require(
                    try StageManifest.load(dir + "/_manifest.json"),
                    "round \(round): stage \(stage) has no manifest")
                #expect(try manifest.verify(in: dir) == nil, "round \(round): \(stage) does not verify")
                let files = try h.artifacts(run: "fi", stage: stage)
                #expect(
                    files == current.files[stage] || files == target.files[stage], "round \(round): \(stage) is a mix")
                #expect(Set(files.keys) == Set(manifest.outputs.map(\.file)))
                outcomes[stage + (files == target.files[stage] ? "=new" : "=old"), default: 0] += 1
            }
            outcomes[end.signal == SIGKILL ? "killed" : "finished", default: 0] += 1

            let resume = try h.bespoke("run", "--run", "fi")
            #expect(resume.status == 0, "round \(round): \(resume.stderr)")
            #expect(try snapshot(h, run: "fi") == target.files, "round \(round): not identical to an uninterrupted run")
            current = target
        }
        print("fault injection outcomes: \(outcomes)")
        // The kills did land in different places: both old and new states were seen.
        // Every fourth round runs to completion, so at most three quarters can be kills; require
        // a third of all rounds, leaving room for kills that land just after a fast finish.
        #expect(outcomes["killed", default: 0] >= Self.kills / 3, "\(outcomes)")
        #expect(outcomes["finished", default: 0] >= Self.kills / 4, "\(outcomes)")
        #expect(outcomes["a=old", default: 0] > 0 && outcomes["a=new", default: 0] > 0, "\(outcomes)")
        #expect(outcomes["b=old", default: 0] > 0 && outcomes["b=new", default: 0] > 0, "\(outcomes)")
    }
}
