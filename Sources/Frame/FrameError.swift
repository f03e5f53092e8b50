/// Why a Frame could not be built or queried.
public enum FrameError: Error, Equatable, CustomStringConvertible {
    case columnCountMismatch(expected: Int, got: Int)
    case duplicateColumn(name: String)
    case typeMismatch(column: String, expected: DataType, got: DataType)
    case nullInRequiredColumn(column: String, nulls: Int)
    case rowCountMismatch(column: String, expected: Int, got: Int)
    case unknownColumn(name: String, available: [String])
    case schemaMismatch(expected: String, got: String)

    public var description: String {
        switch self {
        case .columnCountMismatch(let e, let g): "frame: schema has \(e) fields but \(g) columns were given"
        case .duplicateColumn(let n): "frame: column '\(n)' appears twice"
        case .typeMismatch(let c, let e, let g): "frame: column '\(c)': expected type \(e), got \(g)"
        case .nullInRequiredColumn(let c, let n): "frame: column '\(c)' is not nullable but holds \(n) nulls"
        case .rowCountMismatch(let c, let e, let g): "frame: column '\(c)': expected \(e) rows, got \(g)"
        case .unknownColumn(let n, let a): "frame: no column '\(n)' (columns: \(a.joined(separator: ", ")))"
        case .schemaMismatch(let e, let g): "frame: expected schema [\(e)], got [\(g)]"
        }
    }
}
