import Foundation
import Pipeline
import TestSupport
import Testing

/// kill -9 at random instants while train and score rewrite their tables: every stage folder holds
/// the old complete stage or the new one, never a mix, and the resumed run ends byte-identical to
/// an uninterrupted run of the same pipeline.
@Suite struct KillResumeEndToEndTests {
    static let stages = ["train", "score"]
    /// Two versions of the pipeline that differ in one ALS hyperparameter, so both train and score
    /// (which reads `models`, with each model table's hash) produce new tables.
    static let versionA = #""iterations": 10"#
    static let versionB = #""iterations": 9"#

    static func hashes(_ w: PipelineWorkspace, _ run: String) throws -> [String: [String: String]] {
        var out: [String: [String: String]] = [:]
        for stage in stages {
            let folder = w.stageFolder(run, stage)
            for name in try FileManager.default.contentsOfDirectory(atPath: folder)
            where name != StageLog.fileName && name != StageManifest.fileName {
                out[stage, default: [:]][name] = try SHA256Hex.ofFile(folder + "/" + name).sha256
            }
        }
        return out
    }

    /// Starts `bespoke run` in its own process group (so the kill reaches the stage it runs).
    static func start(_ w: PipelineWorkspace, _ run: String) throws -> pid_t {
        let argv = [
            "/bin/sh", "-c", "exec \"$0\" \"$@\" > /dev/null 2>&1",
            BuiltExecutable.productsFolder.appendingPathComponent("bespoke").path, "run", "--pipeline", w.pipelinePath,
            "--run", run,
        ]
        return try ChildProcess.spawn(argv, environment: ProcessInfo.processInfo.environment, newProcessGroup: true).pid
    }

    @Test func killedTrainAndScoreResumeByteIdentical() throws {
        let w = try PipelineWorkspace("kill")
        let run = "k"
        // References: version A complete, then version B complete (timed: the kill window).
        #expect(try w.run(run).status == 0)
        let a = try Self.hashes(w, run)
        try w.editPipeline(replacing: Self.versionA, with: Self.versionB)
        let started = Date()
        #expect(try w.run(run).status == 0)
        let duration = Date().timeIntervalSince(started)
        let b = try Self.hashes(w, run)
        #expect(a["train"] != b["train"] && a["score"] != b["score"])

        var random = SplitMix64(seed: 20_261_202)
        var current = (text: Self.versionB, files: b)
        for round in 0..<3 {
            let target =
                current.text == Self.versionB ? (text: Self.versionA, files: a) : (text: Self.versionB, files: b)
            try w.restore()
            if target.text == Self.versionB { try w.editPipeline(replacing: Self.versionA, with: Self.versionB) }
            let victim = try Self.start(w, run)
            let delay = Double(random.next() % 1_000_000) / 1_000_000 * duration * 0.9
            usleep(UInt32(delay * 1_000_000))
            kill(-victim, SIGKILL)
            _ = ChildProcess.wait(victim)
            for stage in Self.stages {
                let dir = w.stageFolder(run, stage)
                let manifest = try #require(
                    try StageManifest.load(dir + "/" + StageManifest.fileName),
                    "round \(round): \(stage) has no manifest")
                #expect(try manifest.verify(in: dir) == nil, "round \(round): \(stage) does not verify")
                let files = try Self.hashes(w, run)[stage]
                #expect(
                    files == current.files[stage] || files == target.files[stage], "round \(round): \(stage) is a mix")
            }
            let resumed = try w.run(run)
            #expect(resumed.status == 0, "round \(round): \(resumed.stderr)")
            #expect(try Self.hashes(w, run) == target.files, "round \(round): not identical to an uninterrupted run")
            current = target
        }

        // The domain diff: the other version as a second run changes recommendations (the hybrid
        // blends ALS) but no segment or churn band (neither depends on ALS); a run against itself
        // overlaps fully.
        try w.restore()
        if current.text == Self.versionA { try w.editPipeline(replacing: Self.versionA, with: Self.versionB) }
        #expect(try w.run("k2").status == 0)
        let changed = try BuiltExecutable.run(
            "bespoke", ["diff", "--pipeline", w.pipelinePath, run, "k2", "--stage", "score"])
        #expect(changed.status == 0, "\(changed.stderr)")
        let overlap = try #require(Self.overlap(changed.stdout), "\(changed.stdout)")
        #expect(overlap > 0 && overlap < 1, "\(changed.stdout)")
        let customers = try #require(
            try StageManifest.load(w.stageFolder(run, "features") + "/" + StageManifest.fileName)
        )
        .counters["customers"]?.intValue
        let both = "\(customers ?? -1) customers in both, 0 only in A, 0 only in B; 0 moved"
        #expect(changed.stdout.contains("segments: " + both), "\(changed.stdout)")
        #expect(changed.stdout.contains("churn bands: " + both), "\(changed.stdout)")
        let same = try BuiltExecutable.run(
            "bespoke", ["diff", "--pipeline", w.pipelinePath, run, run, "--stage", "score"])
        #expect(Self.overlap(same.stdout) == 1, "\(same.stdout)")
        #expect(same.stdout.contains("lists changed (items or order): 0 of"), "\(same.stdout)")
    }

    /// The mean top-K Jaccard overlap `bespoke diff` prints.
    static func overlap(_ text: String) -> Double? {
        guard let line = text.split(separator: "\n").first(where: { $0.contains("mean top-K Jaccard overlap ") }) else {
            return nil
        }
        let after = line.components(separatedBy: "mean top-K Jaccard overlap ")[1]
        return Double(after.prefix { $0 != ";" })
    }
}
