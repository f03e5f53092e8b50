import Foundation

/// Why a file-system step of the engine failed. `path` is always the file or folder involved.
public enum ArtifactIOError: ExitCodeProviding, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, errno: Int32)
    case readFailed(path: String, errno: Int32)
    case writeFailed(path: String, errno: Int32)
    case syncFailed(path: String, errno: Int32)
    case renameFailed(from: String, to: String, errno: Int32)
    case cannotCreate(path: String, errno: Int32)
    case cannotRemove(path: String, errno: Int32)

    public var description: String {
        switch self {
        case .cannotOpen(let p, let e): "\(p): cannot open: \(Self.text(e))"
        case .readFailed(let p, let e): "\(p): read failed: \(Self.text(e))"
        case .writeFailed(let p, let e): "\(p): write failed: \(Self.text(e))"
        case .syncFailed(let p, let e): "\(p): fsync failed: \(Self.text(e))"
        case .renameFailed(let f, let t, let e): "cannot rename \(f) to \(t): \(Self.text(e))"
        case .cannotCreate(let p, let e): "\(p): cannot create: \(Self.text(e))"
        case .cannotRemove(let p, let e): "\(p): cannot remove: \(Self.text(e))"
        }
    }

    public var exitStatus: SysexitCode {
        switch self {
        case .cannotCreate: .cannotCreateOutput
        case .cannotOpen(_, let e) where e == ENOENT: .inputMissing
        default: .ioError
        }
    }

    static func text(_ e: Int32) -> String { String(cString: strerror(e)) }
}

/// Why the engine could not run, check or compare a stage or a run.
public enum EngineError: ExitCodeProviding, Equatable, CustomStringConvertible {
    case io(ArtifactIOError)
    case pipeline(PipelineConfigError)
    /// Another process holds the run folder's lock.
    case locked(run: String, pid: Int32?)
    case invalidRunID(String, reason: String)
    case unknownStage(String, known: [String])
    case runNotFound(run: String, path: String)
    /// An input table's artifact is not there: its producer has not completed in this run.
    case inputMissing(stage: String, table: String, producer: String, run: String)
    case sourceMissing(stage: String, source: String, path: String)
    /// A file does not match the SHA-256 or size its manifest records.
    case corruptArtifact(path: String, expected: String, got: String, stageToRerun: String, run: String)
    case manifestUnreadable(path: String, reason: String)
    case runRecordUnreadable(path: String, reason: String)
    /// The custom command or stage program exited non-zero or was killed.
    case commandFailed(stage: String, exitCode: Int32?, signal: Int32?, log: String?)
    case commandNotFound(stage: String, program: String)
    case outputMissing(stage: String, table: String, directory: String)
    case badSideFile(stage: String, file: String, reason: String)
    /// A `.parquet` output that no reader could open: not Parquet, or a footer that does not parse.
    case unreadableOutput(stage: String, file: String, reason: String)
    case executableNotFound(stage: String, executable: String, searched: [String])
    /// A stage implementation threw; `status` is its exit code.
    case stageFailed(stage: String, message: String, status: SysexitCode)
    /// A score table (recommendations, segments, churn) does not follow its contract.
    case scoreTable(ScoreTableError)

    public var description: String {
        switch self {
        case .io(let e): e.description
        case .pipeline(let e): e.description
        case .locked(let run, let pid):
            "run \(run) is locked by " + (pid.map { "pid \($0)" } ?? "another process")
                + "; wait for it to finish or pass another --run"
        case .invalidRunID(let id, let reason): "invalid run id '\(id)': \(reason)"
        case .unknownStage(let name, let known):
            "no stage '\(name)' in the pipeline" + DidYouMean.hint(for: name, among: known)
                + "; stages: " + known.joined(separator: ", ")
        case .runNotFound(let run, let path): "run '\(run)' not found (no folder \(path))"
        case .inputMissing(let stage, let table, let producer, let run):
            "stage '\(stage)' reads table '\(table)' from stage '\(producer)', which has not completed in run \(run); "
                + "run it first: bespoke run --run \(run) --only \(producer)"
        case .sourceMissing(let stage, let source, let path):
            "stage '\(stage)' reads source '\(source)': \(path): no such file"
        case .corruptArtifact(let path, let expected, let got, let stage, let run):
            "\(path): does not match its manifest: expected \(expected), got \(got); the artifact is corrupt or "
                + "truncated; recompute it with: bespoke run --run \(run) --from \(stage) --force"
        case .manifestUnreadable(let path, let reason): "\(path): unreadable manifest: \(reason)"
        case .runRecordUnreadable(let path, let reason): "\(path): unreadable run record: \(reason)"
        case .commandFailed(let stage, let code, let signal, let log):
            "stage '\(stage)' failed ("
                + (signal.map { "killed by signal \($0)" } ?? "exit \(code ?? -1)") + ")"
                + (log.map { "; log: \($0)" } ?? "")
        case .commandNotFound(let stage, let program): "stage '\(stage)': command not found: \(program)"
        case .outputMissing(let stage, let table, let dir):
            "stage '\(stage)' did not write its declared output table '\(table)' "
                + "(expected \(table).parquet or a file named \(table).* in \(dir))"
        case .badSideFile(let stage, let file, let reason): "stage '\(stage)': \(file): \(reason)"
        case .unreadableOutput(let stage, let file, let reason):
            "stage '\(stage)' wrote \(file), which is not readable Parquet: \(reason); "
                + "the stage's previous artifacts are kept"
        case .executableNotFound(let stage, let exe, let searched):
            "stage '\(stage)': executable \(exe) not found (looked in \(searched.joined(separator: ", ")))"
        case .stageFailed(let stage, let message, _): "stage '\(stage)': \(message)"
        case .scoreTable(let e): e.description
        }
    }

    public var exitStatus: SysexitCode {
        switch self {
        case .io(let e): e.exitStatus
        case .pipeline(let e): e.exitStatus
        case .locked: .locked
        case .invalidRunID, .unknownStage: .usage
        case .runNotFound, .inputMissing, .sourceMissing: .inputMissing
        case .corruptArtifact, .manifestUnreadable, .runRecordUnreadable: .ioError
        case .commandFailed(_, let code, _, _):
            code.flatMap { SysexitCode(rawValue: $0) }.flatMap { $0 == .ok ? nil : $0 } ?? .stageFailed
        case .commandNotFound, .executableNotFound, .outputMissing, .badSideFile: .stageFailed
        case .unreadableOutput: .dataError
        case .stageFailed(_, _, let status): status
        case .scoreTable(let e): e.exitStatus
        }
    }
}
