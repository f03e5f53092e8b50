import Foundation
import Pipeline
import TestSupport
import Testing

/// What a run says about itself (issue 12): its status agrees with `bespoke status`, `latest`
/// moves only when every stage is up to date, a stage's own sysexits code is kept, and an
/// unreadable `.parquet` output fails its stage.
@Suite struct RunOutcomeTests {
    /// Run B, then C (latest → C); change b's parameter; `run --run B --only b` leaves c stale:
    /// the run is incomplete, latest stays C, and run.json and `bespoke runs` say so.
    @Test func aRunLeavingAStageStaleIsIncompleteAndDoesNotMoveLatest() throws {
        let h = try EngineHarness()
        try h.writeChain()
        #expect(try h.bespoke("run", "--run", "B").status == 0)
        #expect(try h.bespoke("run", "--run", "C").status == 0)
        #expect(RunFolder.latestID(in: h.root + "/runs") == "C")
        _ = h.executed()

        try h.writeChain(b: ["v": 2])
        let only = try h.bespoke("run", "--run", "B", "--only", "b")
        #expect(only.status == 0, "\(only.stderr)")
        #expect(h.executed() == ["b"])
        #expect(!only.stderr.contains("latest →"))
        #expect(
            only.stderr.contains(
                "run B incomplete: 1 ran, 0 up to date; not up to date: c; latest not moved"))
        #expect(RunFolder.latestID(in: h.root + "/runs") == "C")
        #expect(try RunRecord.load(h.runFolder("B"))?.status == .incomplete)
        let status = try h.bespoke("status", "--run", "B")
        #expect(status.status == 1)
        #expect(status.stdout.contains("  c  stale\n"))
        let runs = try h.bespoke("runs")
        #expect(runs.stdout.split(separator: "\n").contains { $0.hasPrefix("B ") && $0.contains(" incomplete ") })

        // The whole run completes it: c reruns, and now latest moves.
        let whole = try h.bespoke("run", "--run", "B")
        #expect(whole.status == 0)
        #expect(h.executed() == ["c"])
        #expect(whole.stderr.contains("latest → B"))
        #expect(RunFolder.latestID(in: h.root + "/runs") == "B")
        #expect(try RunRecord.load(h.runFolder("B"))?.status == .succeeded)
    }

    /// A stage run directly (as make does) settles the run's status the same way.
    @Test func aDirectStageRunSettlesTheRunStatus() throws {
        let h = try EngineHarness()
        try h.writeChain()
        #expect(try h.bespoke("run", "--run", "r1").status == 0)
        try h.writeChain(a: ["v": 2])
        #expect(try h.bespoke("stage", "--run", "r1", "--stage", "a").status == 0)
        #expect(try RunRecord.load(h.runFolder("r1"))?.status == .incomplete)
        #expect(try h.bespoke("run", "--run", "r1").status == 0)
        #expect(try RunRecord.load(h.runFolder("r1"))?.status == .succeeded)
    }

    /// A custom stage exiting 70 (EX_SOFTWARE) makes `run` exit 70, and the message says it once.
    @Test func aStagesSysexitsCodeIsKeptAndSaidOnce() throws {
        let h = try EngineHarness()
        let flag = h.root + "/broken"
        try "".write(toFile: flag, atomically: true, encoding: .utf8)
        try h.writePipeline([
            h.stage("mk", inputs: ["raw"], outputs: ["t"], params: ["fail_if_file": .string(flag), "exit_code": 70])
        ])
        let run = try h.bespoke("run", "--run", "r1")
        #expect(run.status == 70, "\(run.stderr)")
        #expect(!run.stderr.contains("exit 1"))
        let lines = run.stderr.split(separator: "\n").filter { $0.contains("exit 70") }
        #expect(!lines.isEmpty)
        for line in lines { #expect(line.components(separatedBy: "exit 70").count == 2, "\(line)") }
        #expect(run.stderr.contains("error: stage 'mk' failed (exit 70)\n"))
        #expect(try RunRecord.load(h.runFolder("r1"))?.stages["mk"]?.exitCode == 70)
        let direct = try h.bespoke("stage", "--run", "r1", "--stage", "mk")
        #expect(direct.status == 70)
    }

    /// A command stage writing text as `out.parquet` fails with 65 naming the file; the stage's
    /// previous artifacts, manifest and `latest` stay as they were.
    @Test func anUnreadableParquetOutputFailsTheStageAndKeepsThePreviousArtifacts() throws {
        let h = try EngineHarness()
        let script = """
            if [ -e broken ]; then printf 'not parquet at all\\n' > "$BESPOKE_OUTPUT_DIR/out.parquet"; \
            else printf 'v1' > "$BESPOKE_OUTPUT_DIR/out.bin"; fi
            """
        func pipeline(_ version: Int) throws {
            try h.writePipeline([
                [
                    "name": "mk", "command": ["sh", "-c", .string(script)], "inputs": ["raw"], "outputs": ["out"],
                    "params": ["version": .number(JSONNumber(version))],
                ]
            ])
        }
        try pipeline(1)
        #expect(try h.bespoke("run", "--run", "r1").status == 0)
        let before = try h.artifacts(run: "r1", stage: "mk")
        let manifestBefore = h.read(h.root + "/runs/r1/mk/_manifest.json")

        try "".write(toFile: h.root + "/broken", atomically: true, encoding: .utf8)
        try pipeline(2)
        let run = try h.bespoke("run", "--run", "r1")
        #expect(run.status == 65, "\(run.stderr)")
        #expect(
            run.stderr.contains(
                "stage 'mk' wrote out.parquet, which is not readable Parquet: not a Parquet file: "
                    + "no PAR1 magic at the start (found 6e 6f 74 20); the stage's previous artifacts are kept"))
        #expect(try h.artifacts(run: "r1", stage: "mk") == before)
        #expect(h.read(h.root + "/runs/r1/mk/_manifest.json") == manifestBefore)
        #expect(RunFolder.latestID(in: h.root + "/runs") == "r1")
        let status = try h.bespoke("status", "--run", "r1")
        #expect(status.stdout.contains("mk  failed (exit 65)"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: h.root + "/runs/r1")
            .filter { $0.contains(".tmp-") }
        #expect(leftovers == [])
    }
}
