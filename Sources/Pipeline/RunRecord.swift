import Foundation
import Frame

/// `runs/ID/run.json`: the run's pipeline hash and, per stage, its last attempt's status,
/// timings and error. Always rewritten whole, by temporary name and rename, under the run lock.
public struct RunRecord: Sendable, Equatable {
    public static let fileName = "run.json"
    public static let format = 1

    /// `succeeded`: every stage of the pipeline is up to date (what `bespoke status` would say), and
    /// `latest` points here. `incomplete`: some stage is stale or missing (e.g. after `--only`).
    /// `interrupted` is never stored: it is how a `running` record reads once its driver is gone.
    public enum Status: String, Sendable {
        case running, succeeded, failed, incomplete, interrupted
    }

    /// What happened to a stage the last time something ran it.
    public struct StageEntry: Sendable, Equatable {
        public enum Status: String, Sendable {
            /// Being computed now (or the process died while computing it).
            case running
            /// Computed in this attempt.
            case succeeded
            /// Already up to date; nothing computed.
            case upToDate = "up_to_date"
            case failed
            /// Not run because a stage it depends on failed.
            case blocked
            /// Never stored: how `running` reads once the process computing it is gone.
            case interrupted
        }

        public var status: Status
        public var fingerprint: String?
        public var started: String?
        public var finished: String?
        public var seconds: Double?
        public var exitCode: Int32?
        public var error: String?
        /// The stage log of this attempt, relative to the run folder.
        public var log: String?
        public var pid: Int32?

        public init(status: Status) { self.status = status }

        /// The status as it stands: `running` becomes `interrupted` once its process is gone.
        public var observedStatus: Status {
            if status == .running, let pid, !RunLock.isAlive(pid) { return .interrupted }
            return status
        }
    }

    public var run: String
    public var pipeline: String
    public var pipelineHash: String
    public var bespokeVersion: String = BespokeVersion.string
    public var status: Status
    public var started: String
    public var finished: String?
    public var seconds: Double?
    /// The command line of the last driver invocation.
    public var command: String?
    /// The driver's pid while it runs (nil once it has finished).
    public var pid: Int32?
    public var stages: [String: StageEntry]

    public init(run: String, pipeline: String, pipelineHash: String, status: Status, started: String) {
        self.run = run
        self.pipeline = pipeline
        self.pipelineHash = pipelineHash
        self.status = status
        self.started = started
        self.stages = [:]
    }

    public var json: JSONValue {
        var stageMembers: [(key: String, value: JSONValue)] = []
        for (name, e) in stages {
            var m: [(key: String, value: JSONValue)] = [("status", .string(e.status.rawValue))]
            if let v = e.fingerprint { m.append(("fingerprint", .string(v))) }
            if let v = e.started { m.append(("started", .string(v))) }
            if let v = e.finished { m.append(("finished", .string(v))) }
            if let v = e.seconds { m.append(("seconds", .number(JSONNumber(v)))) }
            if let v = e.exitCode { m.append(("exit_code", .number(JSONNumber(Int(v))))) }
            if let v = e.error { m.append(("error", .string(v))) }
            if let v = e.log { m.append(("log", .string(v))) }
            if let v = e.pid { m.append(("pid", .number(JSONNumber(Int(v))))) }
            stageMembers.append((name, .object(m)))
        }
        var m: [(key: String, value: JSONValue)] = [
            ("format", .number(JSONNumber(Self.format))), ("run", .string(run)), ("pipeline", .string(pipeline)),
            ("pipeline_hash", .string(pipelineHash)), ("bespoke_version", .string(bespokeVersion)),
            ("status", .string(status.rawValue)), ("started", .string(started)), ("stages", .object(stageMembers)),
        ]
        if let v = finished { m.append(("finished", .string(v))) }
        if let v = seconds { m.append(("seconds", .number(JSONNumber(v)))) }
        if let v = command { m.append(("command", .string(v))) }
        if let v = pid { m.append(("pid", .number(JSONNumber(Int(v))))) }
        return .object(m)
    }

    public init(json doc: JSONValue, path: String) throws(EngineError) {
        func fail(_ why: String) -> EngineError { .runRecordUnreadable(path: path, reason: why) }
        guard doc["format"]?.intValue == Int64(Self.format) else { throw fail("expected format \(Self.format)") }
        guard let run = doc["run"]?.stringValue, let pipeline = doc["pipeline"]?.stringValue,
            let hash = doc["pipeline_hash"]?.stringValue,
            let status = doc["status"]?.stringValue.flatMap(Status.init(rawValue:)),
            let started = doc["started"]?.stringValue
        else { throw fail("missing run fields") }
        self.init(run: run, pipeline: pipeline, pipelineHash: hash, status: status, started: started)
        bespokeVersion = doc["bespoke_version"]?.stringValue ?? ""
        finished = doc["finished"]?.stringValue
        seconds = doc["seconds"]?.doubleValue
        command = doc["command"]?.stringValue
        pid = doc["pid"]?.intValue.map { Int32(truncatingIfNeeded: $0) }
        for (name, e) in doc["stages"]?.objectMembers ?? [] {
            guard let s = e["status"]?.stringValue.flatMap(StageEntry.Status.init(rawValue:)) else {
                throw fail("stage '\(name)' has no valid status")
            }
            var entry = StageEntry(status: s)
            entry.fingerprint = e["fingerprint"]?.stringValue
            entry.started = e["started"]?.stringValue
            entry.finished = e["finished"]?.stringValue
            entry.seconds = e["seconds"]?.doubleValue
            entry.exitCode = e["exit_code"]?.intValue.map { Int32(truncatingIfNeeded: $0) }
            entry.error = e["error"]?.stringValue
            entry.log = e["log"]?.stringValue
            entry.pid = e["pid"]?.intValue.map { Int32(truncatingIfNeeded: $0) }
            stages[name] = entry
        }
    }

    /// The status as it stands: `running` becomes `interrupted` once the process that wrote it is gone.
    public var observedStatus: Status {
        if status == .running, let pid, !RunLock.isAlive(pid) { return .interrupted }
        return status
    }

    /// The record of the run in `folder`, or nil when it has none yet.
    public static func load(_ folder: RunFolder) throws(EngineError) -> RunRecord? {
        let bytes: [UInt8]?
        do { bytes = try DurableFiles.read(folder.recordPath) } catch { throw .io(error) }
        guard let bytes else { return nil }
        let doc: JSONValue
        do { doc = try JSONParser.parse(bytes) } catch {
            throw .runRecordUnreadable(path: folder.recordPath, reason: "invalid JSON at \(error)")
        }
        return try RunRecord(json: doc, path: folder.recordPath)
    }

    public func save(_ folder: RunFolder) throws(EngineError) {
        do {
            try DurableFiles.writeAtomically(Array(CanonicalJSON.pretty(json).utf8), to: folder.recordPath)
        } catch { throw .io(error) }
    }

    /// Loads, changes and saves the record in one step (callers hold the run lock).
    public static func update(
        _ folder: RunFolder, config: PipelineConfig,
        _ change: (inout RunRecord) -> Void
    ) throws(EngineError) {
        var record =
            try load(folder)
            ?? RunRecord(
                run: folder.id, pipeline: config.file, pipelineHash: config.hash, status: .incomplete,
                started: Timestamp.now())
        change(&record)
        try record.save(folder)
    }
}

/// ISO 8601 UTC timestamps for timing fields (never fingerprinted).
public enum Timestamp {
    public static func now() -> String { string(Date()) }

    public static func string(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }

    public static func monotonicSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
