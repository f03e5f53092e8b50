/// The logical type of a Frame column.
///
/// `timestamp` is microseconds since the Unix epoch, UTC; `date` is days since 1970-01-01.
public enum DataType: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case int32
    case int64
    case double
    case bool
    case string
    case timestamp
    case date

    public var description: String { rawValue }
}
