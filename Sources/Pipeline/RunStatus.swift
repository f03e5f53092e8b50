import Foundation

/// For each stage of one run: up to date, stale and exactly why, missing, failed with its last
/// error, or running. What `bespoke status` and `bespoke run --dry-run` print.
public struct RunStatus: Sendable {
    public enum State: String, Sendable {
        case upToDate = "up_to_date"
        case stale
        case missing
        case failed
        case running
    }

    public struct Stage: Sendable {
        public var name: String
        public var kind: String
        public var state: State
        /// Why the stage is stale or missing (empty when up to date).
        public var reasons: [StaleReason]
        /// The last attempt's error, for a failed stage; or why the stage cannot run now.
        public var error: String?
        public var exitCode: Int32?
        /// The log of the last attempt, relative to the run folder.
        public var log: String?
        public var fingerprint: String?
        public var finished: String?

        public var needsWork: Bool { state != .upToDate }
    }

    public var run: String
    public var runDirectory: String
    public var pipeline: String
    public var stages: [Stage]
    /// Whether run.json exists (the run has started at all).
    public var exists: Bool

    public var pendingWork: Bool { stages.contains { $0.needsWork } }

    /// Looks at every stage in execution order. `selection` limits which stages are evaluated;
    /// `force` marks every selected stage stale. Outputs are re-hashed against their manifests.
    public static func compute(
        config: PipelineConfig, folder: RunFolder, selection: Set<String>? = nil,
        force: Bool = false
    ) throws(EngineError) -> RunStatus {
        let evaluator = StageEvaluator(config: config, folder: folder)
        let record = try RunRecord.load(folder)
        var stages: [Stage] = []
        var stateByIndex: [Int: State] = [:]
        for i in evaluator.graph.order {
            let stage = config.stages[i]
            let entry = record?.stages[stage.name]
            var s = Stage(
                name: stage.name, kind: stage.kindName, state: .upToDate, reasons: [], error: nil,
                exitCode: nil, log: entry?.log, fingerprint: nil, finished: entry?.finished)
            if let selection, !selection.contains(stage.name) {
                // Not evaluated: report what its manifest says without re-hashing.
                let m = try? evaluator.manifest(of: stage.name)
                s.state = m == nil ? .missing : .upToDate
                s.fingerprint = m?.fingerprint
                if m == nil { s.reasons = [.neverRun] }
                stateByIndex[i] = s.state
                stages.append(s)
                continue
            }
            let pendingUpstream = evaluator.graph.upstream(of: i).filter {
                (stateByIndex[$0] ?? .upToDate) != .upToDate
            }
            do {
                let evaluation = try evaluator.evaluate(i, verifyInputs: false, verifyOutputs: true)
                s.fingerprint = evaluation.manifest?.fingerprint
                s.reasons = evaluation.reasons
                if evaluation.manifest == nil {
                    s.state = .missing
                } else if !evaluation.reasons.isEmpty {
                    s.state = .stale
                }
            } catch {
                switch error {
                case .inputMissing:
                    s.state = (try? evaluator.manifest(of: stage.name)) == nil ? .missing : .stale
                    if s.state == .missing { s.reasons = [.neverRun] }
                    if pendingUpstream.isEmpty { s.error = error.description }
                case .sourceMissing:
                    s.state = .stale
                    s.error = error.description
                default:
                    throw error
                }
            }
            for j in pendingUpstream {
                s.reasons.append(.upstreamPending(stage: config.stages[j].name))
                if s.state == .upToDate { s.state = .stale }
            }
            if force && s.state == .upToDate {
                s.state = .stale
                s.reasons = [.forced]
            }
            if let entry, s.state != .upToDate {
                if entry.status == .failed {
                    s.state = .failed
                    s.error = entry.error
                    s.exitCode = entry.exitCode
                } else if entry.pid != nil, entry.observedStatus == .running {
                    s.state = .running
                } else if entry.observedStatus == .interrupted, let pid = entry.pid {
                    s.error = "its last attempt was interrupted (pid \(pid) is gone)"
                }
            }
            stateByIndex[i] = s.state
            stages.append(s)
        }
        return RunStatus(
            run: folder.id, runDirectory: folder.path, pipeline: config.file, stages: stages,
            exists: record != nil)
    }

    /// A table for people: one line per stage and, under it, each reason.
    public func text(relativeTo base: String = FileManager.default.currentDirectoryPath) -> String {
        let dir = FilePaths.relative(runDirectory, to: base)
        var out = "run \(run) (\(dir))" + (exists ? "" : " — not started") + "\n"
        let width = (stages.map(\.name.count).max() ?? 0) + 2
        for s in stages {
            let name = s.name.padding(toLength: width, withPad: " ", startingAt: 0)
            var line = "  " + name
            switch s.state {
            case .upToDate: line += "up to date"
            case .stale: line += "stale"
            case .missing: line += "missing"
            case .running: line += "running"
            case .failed: line += "failed" + (s.exitCode.map { " (exit \($0))" } ?? "")
            }
            out += line + "\n"
            let indent = String(repeating: " ", count: width + 4)
            if s.state == .failed, let e = s.error { out += indent + e + "\n" }
            for r in s.reasons where !(s.state == .missing && r == .neverRun) { out += indent + r.description + "\n" }
            if s.state != .failed, let e = s.error { out += indent + e + "\n" }
            if s.state == .failed, let log = s.log { out += indent + "log: " + dir + "/" + log + "\n" }
        }
        let pending = stages.filter(\.needsWork).count
        out +=
            pending == 0
            ? "all \(stages.count) stages up to date\n" : "\(pending) of \(stages.count) stages need work\n"
        return out
    }

    public var json: JSONValue {
        .object([
            ("run", .string(run)), ("run_dir", .string(runDirectory)), ("pipeline", .string(pipeline)),
            ("exists", .bool(exists)), ("up_to_date", .bool(!pendingWork)),
            (
                "stages",
                .array(
                    stages.map { s in
                        var m: [(key: String, value: JSONValue)] = [
                            ("name", .string(s.name)), ("kind", .string(s.kind)), ("state", .string(s.state.rawValue)),
                            ("reasons", .array(s.reasons.map(\.json))),
                        ]
                        if let e = s.error { m.append(("error", .string(e))) }
                        if let c = s.exitCode { m.append(("exit_code", .number(JSONNumber(Int(c))))) }
                        if let l = s.log { m.append(("log", .string(l))) }
                        if let f = s.fingerprint { m.append(("fingerprint", .string(f))) }
                        return .object(m)
                    })
            ),
        ])
    }
}
