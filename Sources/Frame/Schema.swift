/// One named, typed column of a schema.
public struct Field: Sendable, Hashable, Codable, CustomStringConvertible {
    public var name: String
    public var type: DataType
    /// Whether the column may hold nulls (Parquet OPTIONAL) or not (REQUIRED).
    public var nullable: Bool

    public init(_ name: String, _ type: DataType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }

    public var description: String { "\(name): \(type)\(nullable ? "" : " not null")" }
}

/// The ordered fields of a Frame.
public struct Schema: Sendable, Hashable, Codable, CustomStringConvertible {
    public var fields: [Field]

    public init(_ fields: [Field]) { self.fields = fields }

    public var count: Int { fields.count }
    public var names: [String] { fields.map(\.name) }

    /// The position of the field called `name`, if any.
    public func index(of name: String) -> Int? { fields.firstIndex { $0.name == name } }

    public var description: String { fields.map(\.description).joined(separator: ", ") }
}
