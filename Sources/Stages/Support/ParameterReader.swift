import Pipeline

/// Reads one parameters object against its declared specs: a key left out takes the spec's
/// default, and a value of the wrong shape is an error with its JSON path.
///
/// The pipeline validator has already checked everything a constraint can say when a stage runs
/// through the engine; this keeps the stage honest when it is called directly (tests, tools).
struct ParameterReader {
    let stage: String
    let path: String
    let members: [(key: String, value: JSONValue)]
    let specs: [ParameterSpec]

    init(_ value: JSONValue, specs: [ParameterSpec], stage: String, path: String) throws(StageError) {
        guard case .object(let members) = value else {
            throw .invalidParameter(stage: stage, path: path, message: "expected an object, got \(value.typeName)")
        }
        let names = specs.map(\.name)
        for m in members where !names.contains(m.key) {
            throw .invalidParameter(
                stage: stage, path: path + "." + m.key,
                message: "unknown parameter '\(m.key)'" + DidYouMean.hint(for: m.key, among: names)
                    + "; parameters: " + names.joined(separator: ", "))
        }
        self.stage = stage
        self.path = path
        self.members = members
        self.specs = specs
    }

    func childPath(_ key: String) -> String { path + "." + key }

    /// The given value of `key`, else its default; `.null` stands for "not set".
    func value(_ key: String) throws(StageError) -> JSONValue {
        if let m = members.first(where: { $0.key == key }) { return m.value }
        guard let spec = specs.first(where: { $0.name == key }) else {
            preconditionFailure("parameter '\(key)' is not declared")
        }
        guard let d = spec.defaultValue else {
            throw .invalidParameter(
                stage: stage, path: path,
                message: "missing required parameter '\(key)' (\(spec.constraint.expectation))")
        }
        return d
    }

    func fail(_ key: String, _ expected: String, _ got: JSONValue) -> StageError {
        .invalidParameter(stage: stage, path: childPath(key), message: "expected \(expected), got \(got.brief())")
    }

    func bool(_ key: String) throws(StageError) -> Bool {
        let v = try value(key)
        guard let b = v.boolValue else { throw fail(key, "a boolean", v) }
        return b
    }

    func string(_ key: String) throws(StageError) -> String? {
        let v = try value(key)
        if v == .null { return nil }
        guard let s = v.stringValue else { throw fail(key, "a string", v) }
        return s
    }

    func oneOf(_ key: String, _ allowed: [String]) throws(StageError) -> String {
        let v = try value(key)
        guard let s = v.stringValue, allowed.contains(s) else {
            throw fail(key, "one of " + allowed.joined(separator: ", "), v)
        }
        return s
    }

    func double(_ key: String, in range: ClosedRange<Double> = -.infinity ... .infinity) throws(StageError) -> Double? {
        let v = try value(key)
        if v == .null { return nil }
        guard let d = v.doubleValue, range.contains(d) else {
            throw fail(key, ParameterConstraint.double(range).expectation, v)
        }
        return d
    }

    func int(_ key: String, in range: ClosedRange<Int64>) throws(StageError) -> Int64? {
        let v = try value(key)
        if v == .null { return nil }
        guard let i = v.intValue, range.contains(i) else {
            throw fail(key, ParameterConstraint.int(range).expectation, v)
        }
        return i
    }

    func strings(_ key: String) throws(StageError) -> [String]? {
        let v = try value(key)
        if v == .null { return nil }
        guard let items = v.arrayValue else { throw fail(key, "an array of strings", v) }
        var out: [String] = []
        for item in items {
            guard let s = item.stringValue else { throw fail(key, "an array of strings", v) }
            out.append(s)
        }
        return out
    }

    /// The members of an object-valued parameter, in file order.
    func object(_ key: String) throws(StageError) -> [(key: String, value: JSONValue)] {
        let v = try value(key)
        guard let m = v.objectMembers else { throw fail(key, "an object", v) }
        return m
    }
}
