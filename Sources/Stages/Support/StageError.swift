import Frame
import Parquet
import Pipeline

/// Why a built-in data stage could not compute its tables. Every case names the stage and, where
/// it applies, the table, the column and the parameter's JSON path.
public enum StageError: ExitCodeProviding, Equatable, CustomStringConvertible {
    /// A parameter names a column the table does not have.
    case unknownColumn(stage: String, table: String, column: String, available: [String], path: String)
    /// A column's type does not suit what the parameters ask of it.
    case unsupportedColumnType(
        stage: String, table: String, column: String, type: DataType, expected: String, path: String)
    /// The parameters name a table that is not among the stage's inputs.
    case unknownTable(stage: String, table: String, inputs: [String], path: String)
    /// A parameter's value is wrong in a way its declared constraint cannot say.
    case invalidParameter(stage: String, path: String, message: String)
    /// Reading an input or writing an output failed.
    case parquet(stage: String, table: String, ParquetError)
    /// Linking or copying an unchanged table failed.
    /// A frame could not be rebuilt (an added column clashes with an existing one…).
    case frame(stage: String, table: String, FrameError)
    /// Rows were lost or invented: a bug in the stage, never a data problem.
    case rowsNotConserved(stage: String, table: String, rowsIn: Int, rowsOut: Int, dropped: Int)

    public var description: String {
        switch self {
        case .unknownColumn(let stage, let table, let column, let available, let path):
            "\(stage): table '\(table)': column '\(column)' not found"
                + DidYouMean.hint(for: column, among: available)
                + " (at \(path); columns: \(available.joined(separator: ", ")))"
        case .unsupportedColumnType(let stage, let table, let column, let type, let expected, let path):
            "\(stage): table '\(table)': column '\(column)' is \(type), expected \(expected) (at \(path))"
        case .unknownTable(let stage, let table, let inputs, let path):
            "\(stage): table '\(table)' is not an input of this stage"
                + DidYouMean.hint(for: table, among: inputs)
                + " (at \(path); inputs: \(inputs.isEmpty ? "none" : inputs.joined(separator: ", ")))"
        case .invalidParameter(let stage, let path, let message):
            "\(stage): \(path): \(message)"
        case .parquet(let stage, let table, let error):
            "\(stage): table '\(table)': \(error)"
        case .frame(let stage, let table, let error):
            "\(stage): table '\(table)': \(error)"
        case .rowsNotConserved(let stage, let table, let rowsIn, let rowsOut, let dropped):
            "\(stage): internal error: table '\(table)': rows not conserved: \(rowsIn) in ≠ \(rowsOut) out + \(dropped) dropped"
        }
    }

    public var exitStatus: SysexitCode {
        switch self {
        case .unknownColumn, .unsupportedColumnType: .dataError
        case .unknownTable, .invalidParameter: .invalidPipeline
        case .parquet(_, _, let e):
            switch e {
            case .io(_, let errno, _) where errno == 2: .inputMissing
            case .invalidWrite: .cannotCreateOutput
            case .unknownColumn: .dataError
            default: .ioError
            }
        case .frame: .dataError
        case .rowsNotConserved: .stageFailed
        }
    }
}
