import Frame

/// How one source column becomes one of our columns: its name here, its name (or 1-based
/// position) in the source, its type and how text is read as that type.
public struct ColumnMapping: Codable, Sendable, Equatable {
    /// Our column name.
    public var name: String
    /// The source column's name, or for a headerless file its 1-based position ("3"); default `name`.
    public var source: String
    public var type: ColumnType
    /// timestamp/date only: "iso8601" (default), "epoch_s", "epoch_ms", "epoch_us", or a strftime-style
    /// pattern such as "%d/%m/%Y %H:%M" (see `TimeFormat`).
    public var format: String?
    /// A null in a required column rejects the row; the output field is then not nullable.
    public var required: Bool
    /// Strip ASCII spaces and tabs around the value before parsing; default true except for strings.
    public var trim: Bool

    public init(
        _ name: String, _ type: ColumnType, source: String? = nil, format: String? = nil, required: Bool = false,
        trim: Bool? = nil
    ) {
        self.name = name
        self.source = source ?? name
        self.type = type
        self.format = format
        self.required = required
        self.trim = trim ?? (type != .string)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, source, type, format, required, trim
    }

    /// The JSON keys a column mapping may hold.
    public static let keys: [String] = CodingKeys.allCases.map(\.rawValue)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        source = try c.decodeIfPresent(String.self, forKey: .source) ?? name
        type = try c.decodeIfPresent(ColumnType.self, forKey: .type) ?? .string
        format = try c.decodeIfPresent(String.self, forKey: .format)
        required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? false
        trim = try c.decodeIfPresent(Bool.self, forKey: .trim) ?? (type != .string)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(source, forKey: .source)
        try c.encode(type, forKey: .type)
        try c.encodeIfPresent(format, forKey: .format)
        try c.encode(required, forKey: .required)
        try c.encode(trim, forKey: .trim)
    }

    /// The field this mapping produces.
    public var field: Field? {
        type.dataType.map { Field(name, $0, nullable: !required) }
    }
}

/// A declared column type. Any string decodes, so that validation can name a bad one.
public struct ColumnType: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// 64-bit integer.
    public static let int = ColumnType(rawValue: "int")
    public static let int32 = ColumnType(rawValue: "int32")
    public static let double = ColumnType(rawValue: "double")
    public static let bool = ColumnType(rawValue: "bool")
    public static let string = ColumnType(rawValue: "string")
    public static let timestamp = ColumnType(rawValue: "timestamp")
    public static let date = ColumnType(rawValue: "date")
    public static let allCases: [ColumnType] = [.int, .int32, .double, .bool, .string, .timestamp, .date]

    public var description: String { rawValue }

    /// The Frame type, or nil for a name that is not a column type.
    public var dataType: DataType? {
        switch self {
        case .int: .int64
        case .int32: .int32
        case .double: .double
        case .bool: .bool
        case .string: .string
        case .timestamp: .timestamp
        case .date: .date
        default: nil
        }
    }

    var isTemporal: Bool { self == .timestamp || self == .date }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}
