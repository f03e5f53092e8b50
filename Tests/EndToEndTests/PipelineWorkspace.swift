import Foundation
import Pipeline
import TestSupport

/// A temporary copy of the repository's `pipeline.json`, so runs write under a temp folder and
/// never touch the repo: `customers` and `items` are read from the repo's `Fixtures/` by absolute
/// path; `events` from a private copy (`sources/events.csv.gz`) that bad-input tests may replace.
final class PipelineWorkspace: Sendable {
    let folder: TemporaryDirectory
    let pipelinePath: String
    let eventsPath: String
    let fixturesEvents: String
    private let pipelineText: String

    static let fixtures = Python.repositoryRoot + "/Fixtures"

    init(_ label: String) throws {
        folder = TemporaryDirectory("bespoke-e2e-\(label)")
        WorkspaceCleanup.removeAtExit(folder)
        pipelinePath = folder.file("pipeline.json")
        eventsPath = folder.file("sources/events.csv.gz")
        fixturesEvents = Self.fixtures + "/events.csv.gz"
        try FileManager.default.createDirectory(atPath: folder.file("sources"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixturesEvents, toPath: eventsPath)
        var text = try String(contentsOfFile: Python.repositoryRoot + "/pipeline.json", encoding: .utf8)
        text = try Self.replacing("\"Fixtures/events.csv.gz\"", with: "\"\(eventsPath)\"", in: text)
        text = try Self.replacing(
            "\"Fixtures/customers.csv.gz\"", with: "\"\(Self.fixtures)/customers.csv.gz\"", in: text)
        text = try Self.replacing("\"Fixtures/items.csv.gz\"", with: "\"\(Self.fixtures)/items.csv.gz\"", in: text)
        pipelineText = text
        try text.write(toFile: pipelinePath, atomically: true, encoding: .utf8)
    }

    /// `bespoke run --pipeline … --run ID`.
    func run(_ runID: String) throws -> BuiltExecutable.Result {
        try BuiltExecutable.run("bespoke", ["run", "--pipeline", pipelinePath, "--run", runID])
    }

    /// `runs/ID/STAGE` inside the workspace.
    func stageFolder(_ runID: String, _ stage: String) -> String { folder.file("runs/\(runID)/\(stage)") }

    /// Rewrites pipeline.json with `old` replaced by `new` (which must occur exactly once).
    func editPipeline(replacing old: String, with new: String) throws {
        try Self.replacing(old, with: new, in: pipelineText).write(
            toFile: pipelinePath, atomically: true, encoding: .utf8)
    }

    /// Puts the workspace's pipeline.json and events source back as they were.
    func restore() throws {
        try pipelineText.write(toFile: pipelinePath, atomically: true, encoding: .utf8)
        try? FileManager.default.removeItem(atPath: eventsPath)
        try FileManager.default.copyItem(atPath: fixturesEvents, toPath: eventsPath)
    }

    struct EditFailed: Error, CustomStringConvertible {
        var description: String
    }

    private static func replacing(_ old: String, with new: String, in text: String) throws -> String {
        let parts = text.components(separatedBy: old)
        guard parts.count == 2 else {
            throw EditFailed(description: "pipeline.json: expected '\(old)' exactly once, found \(parts.count - 1)")
        }
        return parts.joined(separator: new)
    }
}

/// The first successful run of pipeline.json on the committed Fixtures, shared by the tests of
/// checks 1–5 (one run, about 8 s in debug).
enum FixtureRun {
    static let runID = "e2e-1"
    static let stages = ["collect", "dedupe", "impute", "outliers", "features", "train", "score"]

    struct Completed: Sendable {
        let workspace: PipelineWorkspace
        let artifacts: ArtifactCache
        func stageFolder(_ stage: String) -> String { workspace.stageFolder(FixtureRun.runID, stage) }
    }

    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    static let shared: Result<Completed, Failed> = {
        do {
            let workspace = try PipelineWorkspace("fixture-run")
            let result = try workspace.run(runID)
            guard result.status == 0 else {
                return .failure(Failed(description: "bespoke run exited \(result.status):\n\(result.stderr)"))
            }
            return .success(
                Completed(
                    workspace: workspace,
                    artifacts: ArtifactCache(root: workspace.folder.file("runs/\(runID)"))))
        } catch {
            return .failure(Failed(description: "\(error)"))
        }
    }()

    static func completed() throws -> Completed { try shared.get() }
}

/// Workspaces are shared by the tests of a process, so they are removed when it exits.
enum WorkspaceCleanup {
    nonisolated(unsafe) private static var folders: [TemporaryDirectory] = []
    private static let lock = NSLock()
    private static let registered: Void = { atexit { WorkspaceCleanup.removeAll() } }()

    static func removeAtExit(_ folder: TemporaryDirectory) {
        lock.lock()
        defer { lock.unlock() }
        _ = registered
        folders.append(folder)
    }

    private static func removeAll() {
        lock.lock()
        defer { lock.unlock() }
        for folder in folders { folder.remove() }
    }
}
