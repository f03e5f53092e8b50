/// Process exit codes, following sysexits(3) (DESIGN.md §5).
public enum SysexitCode: Int32, Sendable, CaseIterable {
    case ok = 0
    /// A stage failed.
    case stageFailed = 1
    case usage = 64
    /// Bad data: rejects over the limit, schema mismatch.
    case dataError = 65
    case inputMissing = 66
    case noUser = 67
    case noHost = 68
    case unavailable = 69
    /// An internal software error (EX_SOFTWARE), e.g. a custom stage's own bug.
    case software = 70
    case osError = 71
    case osFile = 72
    case cannotCreateOutput = 73
    /// I/O error, including a corrupt or truncated artifact.
    case ioError = 74
    /// The run folder is locked by another process.
    case locked = 75
    case protocolError = 76
    case noPermission = 77
    case invalidPipeline = 78
}

/// An error that knows which exit code it maps to.
public protocol ExitCodeProviding: Error {
    var exitStatus: SysexitCode { get }
}
