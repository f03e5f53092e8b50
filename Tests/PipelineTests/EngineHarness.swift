import Foundation
import Pipeline
import TestSupport

/// A temporary project with a pipeline.json, the test stage script, and the built `bespoke`.
final class EngineHarness {
    let directory: TemporaryDirectory
    var root: String { directory.path }
    var pipelinePath: String { root + "/pipeline.json" }
    var tracePath: String { root + "/trace.txt" }
    let script: String

    init(_ label: String = "engine") throws {
        directory = TemporaryDirectory(label)
        let path = (Bundle.module.resourcePath ?? "") + "/Scripts/test_stage.py"
        guard FileManager.default.fileExists(atPath: path) else {
            throw HarnessError("test_stage.py is missing from the test bundle (\(path))")
        }
        script = path
        try "hello\nworld\n".write(toFile: root + "/raw.txt", atomically: true, encoding: .utf8)
        try "other source\n".write(toFile: root + "/other.txt", atomically: true, encoding: .utf8)
    }

    deinit { directory.remove() }

    struct HarnessError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    /// A custom stage entry running the test script.
    func stage(_ name: String, inputs: [String], outputs: [String], params: JSONValue = [:]) -> JSONValue {
        [
            "name": .string(name), "command": ["python3", .string(script)],
            "inputs": .array(inputs.map { .string($0) }), "outputs": .array(outputs.map { .string($0) }),
            "params": params,
        ]
    }

    func writePipeline(_ stages: [JSONValue], seed: Int = 7) throws {
        let doc: JSONValue = [
            "version": 1, "seed": .number(JSONNumber(seed)),
            "sources": ["raw": ["path": "raw.txt"], "other": ["path": "other.txt"]],
            "stages": .array(stages),
        ]
        try Pipeline.CanonicalJSON.pretty(doc).write(toFile: pipelinePath, atomically: true, encoding: .utf8)
    }

    /// The default a → b → c chain on `raw`, with d independent on `other`.
    func writeChain(a: JSONValue = [:], b: JSONValue = [:], c: JSONValue = [:], d: JSONValue = [:]) throws {
        try writePipeline([
            stage("a", inputs: ["raw"], outputs: ["ta"], params: a),
            stage("b", inputs: ["ta"], outputs: ["tb"], params: b),
            stage("c", inputs: ["tb", "ta"], outputs: ["tc"], params: c),
            stage("d", inputs: ["other"], outputs: ["td"], params: d),
        ])
    }

    /// Stages the test script executed since the last call.
    func executed() -> [String] {
        let text = (try? String(contentsOfFile: tracePath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: tracePath)
        return text.split(separator: "\n").map(String.init)
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["TEST_TRACE"] = tracePath
        env["BESPOKE_LOG_FORMAT"] = nil
        env["BESPOKE_RUN"] = nil
        return env
    }

    /// Runs `bespoke ARGS` in the project folder and waits.
    @discardableResult
    func bespoke(_ args: String...) throws -> Result { try bespoke(args) }

    func bespoke(_ args: [String]) throws -> Result {
        let started = try start(args)
        let end = ChildProcess.wait(started.pid)
        return Result(
            status: end.exitCode ?? 128 + (end.signal ?? 0), stdout: read(started.stdout),
            stderr: read(started.stderr))
    }

    /// Starts `bespoke ARGS` in a new process group, output to files.
    func start(_ args: [String]) throws -> (pid: pid_t, stdout: String, stderr: String) {
        let id = UUID().uuidString.prefix(8)
        let out = root + "/.out-\(id)"
        let err = root + "/.err-\(id)"
        let argv =
            [
                "/bin/sh", "-c", "cd \"$1\" && shift && exec \"$0\" \"$@\" > \"\(out)\" 2> \"\(err)\"",
                try Self.bespokePath(), root,
            ] + args
        let pid = try ChildProcess.spawn(argv, environment: environment, newProcessGroup: true).pid
        return (pid, out, err)
    }

    func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    func runFolder(_ id: String) throws -> RunFolder {
        try RunFolder(runsDirectory: root + "/runs", id: id)
    }

    /// Output files of `stage` in run `id` and their SHA-256, from disk (not from the manifest).
    func artifacts(run id: String, stage: String) throws -> [String: String] {
        let dir = root + "/runs/\(id)/\(stage)"
        var out: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir)
        where name != StageLog.fileName && name != StageManifest.fileName {
            out[name] = try SHA256Hex.ofFile(dir + "/" + name).sha256
        }
        return out
    }

    /// The built `bespoke` executable: beside the test bundle, else in a build folder of the package.
    static func bespokePath() throws -> String {
        var candidates: [String] = []
        let bundleDir = (Bundle.main.bundlePath as NSString).deletingLastPathComponent
        candidates.append(Bundle.main.bundlePath + "/bespoke")
        candidates.append(bundleDir + "/bespoke")
        let argv0 = (CommandLine.arguments[0] as NSString).deletingLastPathComponent
        candidates.append(argv0 + "/bespoke")
        candidates.append((argv0 as NSString).deletingLastPathComponent + "/bespoke")
        for c in candidates where FileManager.default.isExecutableFile(atPath: c) { return c }
        // Fall back to the newest bespoke under any .build* folder of the repository.
        let root = Python.repositoryRoot
        var best: (path: String, date: Date)?
        for dir in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] where dir.hasPrefix(".build") {
            for sub in ["debug", "release"] {
                let p = root + "/" + dir + "/" + sub + "/bespoke"
                if let attrs = try? FileManager.default.attributesOfItem(atPath: p),
                    let date = attrs[.modificationDate] as? Date, best == nil || date > best!.date
                {
                    best = (p, date)
                }
            }
        }
        guard let best else { throw HarnessError("no built bespoke executable found (tried \(candidates))") }
        return best.path
    }
}
