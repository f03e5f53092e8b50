/// A parsed JSON document that keeps object keys in file order and numbers as written.
///
/// pipeline.json is validated on this tree (so every error can carry its JSON path) before it
/// is decoded into typed configuration, and fingerprints hash its canonical form.
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number as written in the source text; `CanonicalJSON` normalises it.
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    /// Members in file order; keys are unique (the parser rejects duplicates).
    case object([(key: String, value: JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            guard x.count == y.count else { return false }
            let ys = Dictionary(y.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            return x.allSatisfy { ys[$0.key] == $0.value }
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(CanonicalJSON.string(self))
    }

    /// The member called `key` of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    public var objectMembers: [(key: String, value: JSONValue)]? {
        if case .object(let m) = self { m } else { nil }
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { a } else { nil }
    }

    public var stringValue: String? {
        if case .string(let s) = self { s } else { nil }
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { b } else { nil }
    }

    /// The value as an integer when it is a number with no fractional part that fits in Int64.
    public var intValue: Int64? {
        if case .number(let n) = self { n.int64 } else { nil }
    }

    public var doubleValue: Double? {
        if case .number(let n) = self { n.double } else { nil }
    }

    /// How a message names the type of this value: "string", "integer", "number", "object"…
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number(let n): n.int64 != nil ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// A short rendering for messages: the canonical JSON, cut to `limit` characters.
    public func brief(limit: Int = 40) -> String {
        let s = CanonicalJSON.string(self)
        return s.count <= limit ? s : String(s.prefix(limit - 1)) + "…"
    }
}

/// A JSON number: its text as written, with exact integer and double readings.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The literal as it appeared in the source (`1e3`, `-0.50`…).
    public let literal: String

    public init(literal: String) { self.literal = literal }
    public init(_ value: Int64) { literal = String(value) }
    public init(_ value: Int) { literal = String(value) }
    public init(_ value: Double) { literal = value.description }

    public var double: Double? { Double(literal) }

    /// The integer this number denotes, if it is integral and within Int64 (`1.0` and `1e2` count).
    public var int64: Int64? {
        if let i = Int64(literal) { return i }
        guard let d = Double(literal), d.isFinite, d == d.rounded(.towardZero),
            d >= -9.223372036854775808e18, d < 9.223372036854775808e18
        else { return nil }
        return Int64(d)
    }

    public var description: String { literal }

    /// Two numbers are equal when they denote the same value (`1`, `1.0` and `1e0` are equal).
    public static func == (a: JSONNumber, b: JSONNumber) -> Bool {
        CanonicalJSON.number(a) == CanonicalJSON.number(b)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(CanonicalJSON.number(self)) }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    public init(floatLiteral value: Double) { self = .number(JSONNumber(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(elements.map { (key: $0.0, value: $0.1) })
    }
    public init(nilLiteral: ()) { self = .null }
}
