/// One problem found in pipeline.json, located by its JSON path (`$.stages[2].params.k`).
public struct PipelineIssue: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// Why a pipeline file could not be loaded.
public enum PipelineConfigError: ExitCodeProviding, Equatable, CustomStringConvertible {
    /// The file is missing or unreadable.
    case unreadable(file: String, reason: String)
    /// The file is not JSON.
    case syntax(file: String, JSONParser.SyntaxError)
    /// The file is JSON but not a valid pipeline; every problem found, in file order.
    case invalid(file: String, issues: [PipelineIssue])

    public var description: String {
        switch self {
        case .unreadable(let f, let r): "\(f): cannot read the pipeline file: \(r)"
        case .syntax(let f, let e): "\(f):\(e.line):\(e.column): invalid JSON: \(e.message)"
        case .invalid(let f, let issues): issues.map { "\(f): \($0)" }.joined(separator: "\n")
        }
    }

    public var exitStatus: SysexitCode {
        switch self {
        case .unreadable: .inputMissing
        case .syntax, .invalid: .invalidPipeline
        }
    }
}
