/// What values a stage parameter accepts, declared as data so that validation, the JSON Schema
/// and tests that generate invalid values all read the same declaration.
public indirect enum ParameterConstraint: Sendable, Equatable {
    case int(ClosedRange<Int64>)
    case double(ClosedRange<Double>)
    case bool
    case string
    /// One of the listed strings.
    case oneOf([String])
    /// An array whose elements all satisfy the constraint, with at least `minCount` of them.
    case array(of: ParameterConstraint, minCount: Int = 0)
    /// An object with the declared members (unknown members are errors).
    case object([ParameterSpec])
    /// An object whose keys are free (column names, say) and whose values satisfy the constraint.
    case map(of: ParameterConstraint)
    /// The constraint, or JSON `null` (which stands for "not set": a default that is computed,
    /// such as "the latest event").
    case nullable(ParameterConstraint)
    /// A value satisfying any one of the constraints, tried in order (a number, or a grid of numbers).
    case either([ParameterConstraint])

    /// Every integer, unbounded.
    public static let anyInt = ParameterConstraint.int(Int64.min...Int64.max)

    /// How a message says what was expected: "an integer in 1...1000", "one of mean, median".
    public var expectation: String {
        switch self {
        case .int(let r):
            if r == Int64.min...Int64.max { return "an integer" }
            if r.upperBound == Int64.max { return "an integer ≥ \(r.lowerBound)" }
            if r.lowerBound == Int64.min { return "an integer ≤ \(r.upperBound)" }
            return "an integer in \(r.lowerBound)...\(r.upperBound)"
        case .double(let r):
            let lo = Self.format(r.lowerBound)
            let hi = Self.format(r.upperBound)
            if r.lowerBound == -.infinity && r.upperBound == .infinity { return "a number" }
            if r.upperBound == .infinity { return "a number ≥ \(lo)" }
            if r.lowerBound == -.infinity { return "a number ≤ \(hi)" }
            return "a number in \(lo)...\(hi)"
        case .bool: return "a boolean"
        case .string: return "a string"
        case .oneOf(let values): return "one of " + values.map { "\"\($0)\"" }.joined(separator: ", ")
        case .array(let element, let minCount):
            let base = "an array of \(element.plural)"
            return minCount > 0 ? base + " with at least \(minCount)" : base
        case .object: return "an object"
        case .map(let value): return "an object of \(value.plural)"
        case .nullable(let c): return c.expectation + " or null"
        case .either(let cs): return cs.map(\.expectation).joined(separator: " or ")
        }
    }

    private var plural: String {
        switch self {
        case .int: "integers"
        case .double: "numbers"
        case .bool: "booleans"
        case .string: "strings"
        case .oneOf(let v): "strings (" + v.joined(separator: ", ") + ")"
        case .array: "arrays"
        case .object, .map: "objects"
        case .nullable(let c): c.plural + " or nulls"
        case .either(let cs): cs.map(\.plural).joined(separator: " or ")
        }
    }

    /// Whether `v` satisfies `c` (with no message): how `.either` picks the choice to check.
    public static func accepts(_ c: ParameterConstraint, _ v: JSONValue) -> Bool {
        switch c {
        case .int(let r): return v.intValue.map(r.contains) ?? false
        case .double(let r): return v.doubleValue.map(r.contains) ?? false
        case .bool: return v.boolValue != nil
        case .string: return v.stringValue != nil
        case .oneOf(let allowed): return v.stringValue.map(allowed.contains) ?? false
        case .array(let e, let minCount):
            guard let items = v.arrayValue, items.count >= minCount else { return false }
            return items.allSatisfy { accepts(e, $0) }
        case .object(let specs):
            guard let members = v.objectMembers else { return false }
            for m in members {
                guard let spec = specs.first(where: { $0.name == m.key }), accepts(spec.constraint, m.value) else {
                    return false
                }
            }
            return specs.allSatisfy { s in s.defaultValue != nil || members.contains { $0.key == s.name } }
        case .map(let e):
            guard let members = v.objectMembers else { return false }
            return members.allSatisfy { accepts(e, $0.value) }
        case .nullable(let inner): return v == .null || accepts(inner, v)
        case .either(let cs): return cs.contains { accepts($0, v) }
        }
    }

    static func format(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return d.description
    }
}

/// One declared parameter of a built-in stage kind.
public struct ParameterSpec: Sendable, Equatable {
    public var name: String
    public var constraint: ParameterConstraint
    /// The value used when pipeline.json omits the key; `nil` makes the key required.
    public var defaultValue: JSONValue?
    /// One line for `bespoke schema` and the docs.
    public var summary: String

    public init(
        _ name: String, _ constraint: ParameterConstraint, default defaultValue: JSONValue? = nil,
        _ summary: String = ""
    ) {
        self.name = name
        self.constraint = constraint
        self.defaultValue = defaultValue
        self.summary = summary
    }
}
