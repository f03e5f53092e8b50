import Foundation
import Pipeline
import TestSupport
import Testing

/// Issue 4, check 6 (DESIGN §5): after one successful run, a bad events source — missing, empty,
/// binary, a header without a mapped column — or rejects over `max_reject_share` makes
/// `bespoke run` exit 66 or 65 with one clear message naming the file (or source), and leaves the
/// previous artifacts byte-identical and verifiable. Also: two runs in different run ids (and
/// folders) give byte-identical artifacts for every stage.
@Suite(.serialized) struct BadInputEndToEndTests {
    static let runID = "e2e-2"

    struct Baseline: Sendable {
        let workspace: PipelineWorkspace
        /// SHA-256 of every file of every stage folder after the successful run, by relative path.
        let hashes: [String: String]
    }

    static let baseline: Result<Baseline, FixtureRun.Failed> = {
        do {
            let workspace = try PipelineWorkspace("bad-input")
            let result = try workspace.run(runID)
            guard result.status == 0 else {
                return .failure(.init(description: "bespoke run exited \(result.status):\n\(result.stderr)"))
            }
            return .success(Baseline(workspace: workspace, hashes: try stageFileHashes(workspace)))
        } catch {
            return .failure(.init(description: "\(error)"))
        }
    }()

    static func stageFileHashes(_ workspace: PipelineWorkspace) throws -> [String: String] {
        var hashes: [String: String] = [:]
        for stage in FixtureRun.stages {
            let folder = workspace.stageFolder(runID, stage)
            for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
                hashes[stage + "/" + name] = try SHA256Hex.ofFile(folder + "/" + name).sha256
            }
        }
        return hashes
    }

    enum BadInput: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case missing, empty, binary, notGzip, headerLacksMappedColumn, rejectsOverLimit

        var testDescription: String { rawValue }

        var exitCode: Int32 { self == .missing ? 66 : 65 }

        /// Puts the bad input in place.
        func install(in workspace: PipelineWorkspace) throws {
            let path = workspace.eventsPath
            switch self {
            case .missing:
                try FileManager.default.removeItem(atPath: path)
            case .empty:
                try Data().write(to: URL(fileURLWithPath: path))
            case .binary:
                var random = SplitMix64(seed: 4)
                let bytes = random.bytes(4096)
                try #require(bytes.prefix(1024).contains(0))
                try Self.writeGzip(bytes, to: path)
            case .notGzip:
                // Plain text under the source's .gz name.
                try Data("event_id\n1\n".utf8).write(to: URL(fileURLWithPath: path))
            case .headerLacksMappedColumn:
                // A CSV whose header misspells 'quantity'; its rows are fine.
                let csv = """
                    event_id,customer_id,item_id,event_type,timestamp,quantiy,price,session_id,query,rating,ingested_at
                    1,101997,,search,2026-07-04T00:37:59Z,,,S00000058,gift leash,,2026-07-04T00:38:50Z
                    2,101997,171,view,2026-07-04T00:40:17Z,,,S00000058,,,2026-07-04T00:40:40Z

                    """
                try Self.writeGzip(Array(csv.utf8), to: path)
            case .rejectsOverLimit:
                try workspace.editPipeline(
                    replacing: "\"max_reject_share\": 0.01", with: "\"max_reject_share\": 0.0001")
            }
        }

        /// Writes `bytes` gzip-compressed to `path` (a name ending in .gz), with the system's gzip.
        static func writeGzip(_ bytes: [UInt8], to path: String) throws {
            let plain = String(path.dropLast(3))
            try Data(bytes).write(to: URL(fileURLWithPath: plain))
            let result = try CapturedProcess.run("/usr/bin/env", ["gzip", "-n", "-f", plain])
            try #require(result.status == 0, "gzip: \(result.stderr)")
        }

        /// The message stderr must carry (the file or source it names included).
        func message(_ workspace: PipelineWorkspace) -> String {
            let path = workspace.eventsPath
            return switch self {
            case .missing: "source 'events': \(path): no such file"
            case .empty: "\(path): source is empty (no records)"
            case .binary: "\(path): not a text file: NUL byte at offset"
            case .notGzip:
                "\(path): not gzip: the name ends in .gz but the file does not start with gzip's magic 1f 8b (found 65 76)"
            case .headerLacksMappedColumn:
                "\(path): header does not match the column mapping: missing 'quantity' (did you mean 'quantiy'?)"
            case .rejectsOverLimit:
                "source 'events': 41 of 100800 records rejected (0.04%, over the limit of 0.01% set by max_reject_share)"
            }
        }
    }

    @Test(arguments: BadInput.allCases)
    func badInputFailsCleanlyAndKeepsArtifacts(_ input: BadInput) throws {
        let baseline = try Self.baseline.get()
        let workspace = baseline.workspace
        defer { #expect(throws: Never.self) { try workspace.restore() } }
        try input.install(in: workspace)

        let result = try workspace.run(Self.runID)
        #expect(result.status == input.exitCode, "bespoke run exit code; stderr:\n\(result.stderr)")
        if input == .missing {
            // A missing source stops the run before any stage starts (issue 11): no stage summary.
            #expect(result.stderr.contains("bespoke: stage 'collect' reads " + input.message(workspace)))
        } else {
            // The driver's summary line carries the stage's exit code and the one message.
            let summary = result.stderr.split(separator: "\n").filter { $0.hasPrefix("error: stage 'collect' failed") }
            #expect(summary.count == 1, "stderr:\n\(result.stderr)")
            #expect(
                summary.first?.hasPrefix("error: stage 'collect' failed (exit \(input.exitCode)): ") == true,
                "stderr:\n\(result.stderr)")
            #expect(summary.first?.contains(input.message(workspace)) == true, "stderr:\n\(result.stderr)")
        }

        // The previous run's artifacts are untouched and still verify.
        #expect(try Self.stageFileHashes(workspace) == baseline.hashes)
        for stage in FixtureRun.stages {
            let folder = workspace.stageFolder(Self.runID, stage)
            let manifest = try #require(try StageManifest.load(folder + "/" + StageManifest.fileName))
            let mismatch = try manifest.verify(in: folder)
            #expect(
                mismatch == nil,
                "\(stage): \(mismatch.map { "\($0.path): expected \($0.expected), got \($0.got)" } ?? "")")
        }
    }

    /// With the good source back, every stage of the earlier run is up to date again.
    @Test func restoredSourceLeavesEveryStageUpToDate() throws {
        let workspace = try Self.baseline.get().workspace
        try workspace.restore()
        let result = try workspace.run(Self.runID)
        #expect(result.status == 0, "stderr:\n\(result.stderr)")
        #expect(
            result.stderr.contains("run \(Self.runID) complete: 0 ran, \(FixtureRun.stages.count) up to date"),
            "stderr:\n\(result.stderr)")
    }

    /// The shared run (`e2e-1`) and this suite's baseline (`e2e-2`, another folder) agree byte for
    /// byte on every output of every stage, with the same fingerprints and counters.
    @Test func twoRunsGiveByteIdenticalArtifacts() throws {
        let first = try FixtureRun.completed(), second = try Self.baseline.get().workspace
        for stage in FixtureRun.stages {
            let a = try first.artifacts.manifest(stage)
            let folderB = second.stageFolder(Self.runID, stage)
            let b = try #require(try StageManifest.load(folderB + "/" + StageManifest.fileName))
            #expect(a.run == FixtureRun.runID && b.run == Self.runID)
            #expect(a.fingerprint == b.fingerprint, "\(stage)")
            #expect(a.counters == b.counters, "\(stage)")
            #expect(a.outputs.map(\.file) == b.outputs.map(\.file), "\(stage)")
            #expect(a.outputs.count >= 2, "\(stage)")
            for output in a.outputs {
                let bytesA = try Data(contentsOf: URL(fileURLWithPath: first.stageFolder(stage) + "/" + output.file))
                let bytesB = try Data(contentsOf: URL(fileURLWithPath: folderB + "/" + output.file))
                #expect(bytesA == bytesB, "\(stage)/\(output.file) differs between runs")
            }
        }
    }
}
