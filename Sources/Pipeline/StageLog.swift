import Foundation

/// The engine's log: lines to stderr (human text, or one JSON object a line) and, while a stage
/// runs, the same lines with timestamps to the stage's `stage.log`.
public final class StageLog: @unchecked Sendable {
    public static let fileName = "stage.log"

    public enum Format: String, Sendable, CaseIterable {
        case text, json
    }

    public enum Level: String, Sendable {
        case debug, info, warning, error
    }

    public let format: Format
    public let run: String?
    /// The stage named in every line, when the whole process works on one stage.
    public let stage: String?
    private var fileDescriptor: Int32 = -1
    private let lock = NSLock()
    private var failureReported = false

    /// Whether a stage failure has already been printed through this log (with its log file),
    /// so the command that ends the process does not print it a second time.
    public var hasReportedFailure: Bool {
        lock.lock()
        defer { lock.unlock() }
        return failureReported
    }

    /// Notes that the failure now being thrown has been printed.
    public func markFailureReported() {
        lock.lock()
        defer { lock.unlock() }
        failureReported = true
    }

    /// The environment variable a driver sets so that its children log in the same format.
    public static let formatVariable = "BESPOKE_LOG_FORMAT"

    public init(format: Format, run: String? = nil, stage: String? = nil) {
        self.format = format
        self.run = run
        self.stage = stage
    }

    /// Also writes every line to the file at `path` (created or appended).
    public func attach(file path: String) throws(ArtifactIOError) {
        detach()
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotCreate(path: path, errno: errno) }
        fileDescriptor = fd
    }

    /// Stops writing to the file, after fsyncing it.
    public func detach() {
        lock.lock()
        defer { lock.unlock() }
        guard fileDescriptor >= 0 else { return }
        fsync(fileDescriptor)
        close(fileDescriptor)
        fileDescriptor = -1
    }

    public func info(_ message: String, stage: String? = nil, _ fields: [(String, JSONValue)] = []) {
        log(.info, message, stage: stage, fields)
    }

    public func warning(_ message: String, stage: String? = nil, _ fields: [(String, JSONValue)] = []) {
        log(.warning, message, stage: stage, fields)
    }

    public func error(_ message: String, stage: String? = nil, _ fields: [(String, JSONValue)] = []) {
        log(.error, message, stage: stage, fields)
    }

    /// Writes one line; with `echo` false it goes to the attached file only.
    public func log(
        _ level: Level, _ message: String, stage: String? = nil, _ fields: [(String, JSONValue)] = [], echo: Bool = true
    ) {
        let stageName = stage ?? self.stage
        let time = Timestamp.now()
        switch format {
        case .text:
            let prefix = stageName.map { "[\($0)] " } ?? ""
            let tag = level == .warning ? "warning: " : level == .error ? "error: " : ""
            let extra =
                fields.isEmpty
                ? ""
                : " ("
                    + fields.map { "\($0.0)=\(CanonicalJSON.string($0.1))" }
                    .joined(separator: ", ") + ")"
            emit(
                toStderr: echo ? prefix + tag + message + extra : nil,
                toFile: time + " " + level.rawValue.uppercased() + " "
                    + prefix + message + extra)
        case .json:
            var m: [(key: String, value: JSONValue)] = [("ts", .string(time)), ("level", .string(level.rawValue))]
            if let run { m.append(("run", .string(run))) }
            if let stageName { m.append(("stage", .string(stageName))) }
            m.append(("msg", .string(message)))
            for (k, v) in fields { m.append((k, v)) }
            let line = CanonicalJSON.string(.object(m))
            emit(toStderr: echo ? line : nil, toFile: line)
        }
    }

    /// A line a stage program printed, passed through as output of that stage.
    public func programOutput(_ line: String, stage: String) {
        switch format {
        case .text: emit(toStderr: "[\(stage)] " + line, toFile: Timestamp.now() + " OUTPUT [\(stage)] " + line)
        case .json: log(.info, line, stage: stage, [("stream", "output")])
        }
    }

    private func emit(toStderr: String?, toFile: String) {
        lock.lock()
        defer { lock.unlock() }
        if let toStderr { Self.writeAll(2, toStderr + "\n") }
        if fileDescriptor >= 0 { Self.writeAll(fileDescriptor, toFile + "\n") }
    }

    private static func writeAll(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
        bytes.removeAll()
    }
}
