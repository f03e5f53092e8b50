import Pipeline

/// How one table is deduplicated: `params.tables.<table>` of a dedupe stage.
public struct DedupeSettings: Sendable, Equatable {
    /// Which of a key's rows survives.
    public enum Keep: String, Sendable, CaseIterable {
        case first, last
    }

    /// Drop rows equal to an earlier row in every column (the first copy stays).
    public var exact: Bool
    /// Key columns: rows with the same key are duplicates, one survives. Nil means the key the
    /// pipeline declares for the table (a source's `key`, or `tables.<name>.key`); empty means none.
    public var key: [String]?
    public var keep: Keep
    /// The column that orders a key's rows for `keep` (smallest first); nil means input order.
    public var orderBy: String?
    /// Compare string key columns with surrounding whitespace removed.
    public var trim: Bool
    /// Compare string key columns case-insensitively (Unicode lower-casing).
    public var casefold: Bool

    public init(
        exact: Bool = true, key: [String]? = nil, keep: Keep = .first, orderBy: String? = nil,
        trim: Bool = false, casefold: Bool = false
    ) {
        self.exact = exact
        self.key = key
        self.keep = keep
        self.orderBy = orderBy
        self.trim = trim
        self.casefold = casefold
    }

    static let normalizeSpecs: [ParameterSpec] = [
        ParameterSpec(
            "trim", .bool, default: false, "Remove surrounding whitespace from string key values before comparing."),
        ParameterSpec("casefold", .bool, default: false, "Compare string key values case-insensitively."),
    ]

    /// The declared members of `params.tables.<table>`.
    public static let specs: [ParameterSpec] = [
        ParameterSpec("exact", .bool, default: true, "Drop rows equal to an earlier row in every column."),
        ParameterSpec(
            "key", .array(of: .string), default: .null,
            "Key columns; rows with equal keys are duplicates. Default: the table's declared key; [] for none."),
        ParameterSpec(
            "keep", .oneOf(Keep.allCases.map(\.rawValue)), default: "first",
            "Which row of a key survives: the first or the last by order_by (input order without it)."),
        ParameterSpec(
            "order_by", .string, default: .null,
            "Column ordering a key's rows for keep; rows where it is null are kept only if all are."),
        ParameterSpec(
            "normalize", .object(normalizeSpecs), default: ["trim": false, "casefold": false],
            "Normalisation of string key columns before comparing."),
    ]

    init(_ value: JSONValue, stage: String, path: String) throws(StageError) {
        let r = try ParameterReader(value, specs: Self.specs, stage: stage, path: path)
        let normalize = try ParameterReader(
            try r.value("normalize"), specs: Self.normalizeSpecs, stage: stage,
            path: r.childPath("normalize"))
        self.init(
            exact: try r.bool("exact"), key: try r.strings("key"),
            keep: Keep(rawValue: try r.oneOf("keep", Keep.allCases.map(\.rawValue)))!,
            orderBy: try r.string("order_by"), trim: try normalize.bool("trim"),
            casefold: try normalize.bool("casefold"))
    }
}
