/// What one option accepts, declared as data so that `validate()`, documentation and tests that
/// generate invalid values all read the same table.
public enum OptionConstraint: Sendable, Equatable {
    /// One of the listed strings.
    case oneOf([String])
    /// A single ASCII character other than CR and LF; `allowEmpty` also accepts "" (meaning none).
    case asciiCharacter(allowEmpty: Bool)
    case intRange(ClosedRange<Int>)
    case bool
    case string
    case stringArray
    /// A timestamp/date format: one of the named formats or a strftime-style pattern.
    case timeFormat
    /// An array of column mappings (absent or empty: sniffed).
    case columnMappings

    /// How a message says what was expected.
    public var expectation: String {
        switch self {
        case .oneOf(let values): "one of " + values.joined(separator: ", ")
        case .asciiCharacter(let allowEmpty):
            allowEmpty ? "a single ASCII character or \"\"" : "a single ASCII character"
        case .intRange(let r): "an integer in \(r.lowerBound)...\(r.upperBound)"
        case .bool: "a boolean"
        case .string: "a string"
        case .stringArray: "an array of strings"
        case .timeFormat:
            "one of " + TimeFormat.namedFormats.joined(separator: ", ") + ", or a pattern using "
                + TimeFormat.directives.map { "%" + String($0) }.joined(separator: " ")
        case .columnMappings: "an array of column mappings"
        }
    }
}

extension SourceOptions {
    /// The largest batch: bounds one batch's memory whatever the configuration says.
    public static let maxBatchRows = 1 << 24
    /// The sniffer's sample: at least a few lines, at most what sniffing should ever hold in memory.
    public static let sampleBytesRange = 4096...(1 << 30)

    /// Each key of a source object and what it accepts.
    public static let constraints: [(key: String, constraint: OptionConstraint)] = [
        ("format", .oneOf(SourceFormat.allCases.map(\.rawValue))),
        ("delimiter", .asciiCharacter(allowEmpty: false)),
        ("quote", .asciiCharacter(allowEmpty: true)),
        ("header", .bool),
        ("encoding", .oneOf(TextEncoding.allCases.map(\.rawValue))),
        ("null_tokens", .stringArray),
        ("query", .string),
        ("batch_rows", .intRange(1...maxBatchRows)),
        ("columns", .columnMappings),
        ("sample_bytes", .intRange(sampleBytesRange)),
    ]
}

extension ColumnMapping {
    /// Each key of a column mapping and what it accepts.
    public static let constraints: [(key: String, constraint: OptionConstraint)] = [
        ("name", .string),
        ("source", .string),
        ("type", .oneOf(ColumnType.allCases.map(\.rawValue))),
        ("format", .timeFormat),
        ("required", .bool),
        ("trim", .bool),
    ]
}
