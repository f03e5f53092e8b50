import ArgumentParser
import Foundation
import Gzip
import Parquet
import Pipeline

/// Exit codes (sysexits), DESIGN.md §5.
public enum ExitStatus {
    public static let ok: Int32 = 0
    public static let stageFailed: Int32 = 1
    public static let usage: Int32 = 64
    public static let dataError: Int32 = 65
    public static let inputMissing: Int32 = 66
    public static let cannotCreate: Int32 = 73
    public static let ioError: Int32 = 74
    public static let locked: Int32 = 75
    public static let invalidConfig: Int32 = 78
}

/// Prints one clear line to stderr and returns the exit code that goes with the error.
func fail(_ error: any Error) -> ExitCode {
    FileHandle.standardError.write(Data("bespoke: \(error)\n".utf8))
    return ExitCode(exitStatus(for: error))
}

func exitStatus(for error: any Error) -> Int32 {
    switch error {
    case let e as ExitCodeProviding:
        return e.exitStatus.rawValue
    case let e as ParquetError:
        switch e {
        case .io(_, let errno, let operation) where errno == ENOENT && (operation == "open" || operation == "stat"):
            return ExitStatus.inputMissing
        case .io(_, _, let operation) where operation == "create": return ExitStatus.cannotCreate
        case .unknownColumn, .unknownRowGroup: return ExitStatus.usage
        case .invalidWrite: return ExitStatus.dataError
        default: return ExitStatus.ioError
        }
    case let e as CodecError:
        if case .io(_, let errno, _) = e, errno == ENOENT { return ExitStatus.inputMissing }
        return ExitStatus.ioError
    case let e as OutputError:
        _ = e
        return ExitStatus.cannotCreate
    default:
        return ExitStatus.stageFailed
    }
}
