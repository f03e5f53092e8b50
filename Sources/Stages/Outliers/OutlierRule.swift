import Pipeline

/// One outlier rule on one column: how outliers are recognised and what is done with them.
/// `params.tables.<table>` of an outliers stage is an array of these, applied in order.
public struct OutlierRule: Sendable, Equatable {
    /// `<column>_outlier`: the bool column a `flag` rule sets when it names no `flag_column`.
    public static let flagSuffix = "_outlier"

    public enum Kind: String, Sendable, CaseIterable {
        /// Outside [Q1 − k·IQR, Q3 + k·IQR].
        case iqr
        /// |x − mean| / std > threshold (std with `ddof`, 1 by default as pandas' `std()`).
        case zscore
        /// Modified z-score |0.6745·(x − median) / MAD| > threshold (Iglewicz and Hoaglin).
        case mad
        /// Below the lower or above the upper percentile (numpy's linear quantiles).
        case percentile
        /// Below `min` or above `max`.
        case bounds
    }

    public enum Action: String, Sendable, CaseIterable {
        /// Replace by the nearest bound (integer columns: the nearest integer inside the bounds).
        case clip
        /// Remove the row; it goes to `rejects.parquet`.
        case drop
        /// Make the value null.
        case setNull = "set_null"
        /// Keep the row and set the bool column `flagColumn`.
        case flag
    }

    public var column: String
    public var kind: Kind
    public var action: Action
    /// IQR multiplier (iqr).
    public var k: Double
    /// z-score or modified z-score limit (zscore, mad).
    public var threshold: Double
    /// Delta degrees of freedom of the standard deviation (zscore).
    public var ddof: Int
    /// Percentiles in 0...100 (percentile).
    public var lowerPercentile: Double
    public var upperPercentile: Double
    /// Fixed bounds (bounds); nil for none on that side.
    public var min: Double?
    public var max: Double?
    public var groupBy: [String]
    public var minGroupSize: Int
    /// The bool column set by action `flag`.
    public var flagColumn: String

    public static let defaultK = 1.5
    public static let defaultZThreshold = 3.0
    public static let defaultMADThreshold = 3.5
    public static let defaultDDOF = 1
    public static let defaultPercentiles = (lower: 1.0, upper: 99.0)
    /// The constant that makes the MAD consistent with the standard deviation of a normal distribution.
    public static let madScale = 0.6745

    public init(
        column: String, kind: Kind, action: Action, k: Double = defaultK, threshold: Double? = nil,
        ddof: Int = defaultDDOF, lowerPercentile: Double = defaultPercentiles.lower,
        upperPercentile: Double = defaultPercentiles.upper, min: Double? = nil, max: Double? = nil,
        groupBy: [String] = [], minGroupSize: Int = 1, flagColumn: String? = nil
    ) {
        self.column = column
        self.kind = kind
        self.action = action
        self.k = k
        self.threshold = threshold ?? (kind == .mad ? Self.defaultMADThreshold : Self.defaultZThreshold)
        self.ddof = ddof
        self.lowerPercentile = lowerPercentile
        self.upperPercentile = upperPercentile
        self.min = min
        self.max = max
        self.groupBy = groupBy
        self.minGroupSize = minGroupSize
        self.flagColumn = flagColumn ?? column + Self.flagSuffix
    }

    /// The rule's name in counters and rejects: `quantity:iqr`.
    public var name: String { column + ":" + kind.rawValue }

    static let nonNegative: ClosedRange<Double> = 0 ... .infinity
    static let percent: ClosedRange<Double> = 0...100

    public static let specs: [ParameterSpec] = [
        ParameterSpec("column", .string, default: nil, "The numeric column the rule looks at."),
        ParameterSpec(
            "rule", .oneOf(Kind.allCases.map(\.rawValue)), default: nil, "iqr, zscore, mad, percentile or bounds."),
        ParameterSpec("action", .oneOf(Action.allCases.map(\.rawValue)), default: nil, "clip, drop, set_null or flag."),
        ParameterSpec("k", .double(nonNegative), default: .null, "iqr: the IQR multiplier (default 1.5)."),
        ParameterSpec(
            "threshold", .double(nonNegative), default: .null,
            "zscore: |z| limit (default 3); mad: modified z-score limit (default 3.5)."),
        ParameterSpec(
            "ddof", .int(0...1), default: .null, "zscore: delta degrees of freedom of the std (default 1, as pandas)."),
        ParameterSpec("lower_percentile", .double(percent), default: .null, "percentile: the lower cap (default 1)."),
        ParameterSpec("upper_percentile", .double(percent), default: .null, "percentile: the upper cap (default 99)."),
        ParameterSpec("min", .double(-.infinity ... .infinity), default: .null, "bounds: the smallest allowed value."),
        ParameterSpec("max", .double(-.infinity ... .infinity), default: .null, "bounds: the largest allowed value."),
        ParameterSpec(
            "group_by", .array(of: .string), default: [],
            "Compute the rule's statistics per group of these columns; null keys and small groups use the global ones."),
        ParameterSpec(
            "min_group_size", .int(1...Int64.max), default: 1,
            "Present values a group needs to use its own statistics."),
        ParameterSpec(
            "flag_column", .string, default: .null, "flag: the bool column to set (default <column>_outlier)."),
    ]

    /// Which optional parameters each rule takes; giving another is an error, not silently ignored.
    static let ruleParameters: [Kind: Set<String>] = [
        .iqr: ["k"], .zscore: ["threshold", "ddof"], .mad: ["threshold"],
        .percentile: ["lower_percentile", "upper_percentile"], .bounds: ["min", "max"],
    ]

    init(_ json: JSONValue, stage: String, path: String) throws(StageError) {
        let r = try ParameterReader(json, specs: Self.specs, stage: stage, path: path)
        let kind = Kind(rawValue: try r.oneOf("rule", Kind.allCases.map(\.rawValue)))!
        let action = Action(rawValue: try r.oneOf("action", Action.allCases.map(\.rawValue)))!
        for name in ["k", "threshold", "ddof", "lower_percentile", "upper_percentile", "min", "max"]
        where try r.value(name) != .null && !Self.ruleParameters[kind]!.contains(name) {
            throw .invalidParameter(
                stage: stage, path: r.childPath(name),
                message: "'\(name)' does not apply to rule \"\(kind.rawValue)\"; it takes: "
                    + Self.ruleParameters[kind]!.sorted().joined(separator: ", "))
        }
        let lower = try r.double("lower_percentile", in: Self.percent) ?? Self.defaultPercentiles.lower
        let upper = try r.double("upper_percentile", in: Self.percent) ?? Self.defaultPercentiles.upper
        if kind == .percentile && lower > upper {
            throw .invalidParameter(
                stage: stage, path: r.childPath("lower_percentile"),
                message: "lower_percentile \(lower) is above upper_percentile \(upper)")
        }
        let min = try r.double("min"), max = try r.double("max")
        if kind == .bounds {
            if min == nil && max == nil {
                throw .invalidParameter(
                    stage: stage, path: path, message: "rule \"bounds\" needs \"min\", \"max\" or both")
            }
            if let min, let max, min > max {
                throw .invalidParameter(
                    stage: stage, path: r.childPath("min"), message: "min \(min) is above max \(max)")
            }
        }
        if kind == .bounds, try !(r.strings("group_by") ?? []).isEmpty {
            throw .invalidParameter(
                stage: stage, path: r.childPath("group_by"),
                message: "fixed bounds do not depend on groups; remove \"group_by\"")
        }
        guard let column = try r.string("column") else {
            throw .invalidParameter(
                stage: stage, path: r.childPath("column"), message: "expected a column name, got null")
        }
        let flagColumn = try r.string("flag_column")
        if flagColumn != nil && action != .flag {
            throw .invalidParameter(
                stage: stage, path: r.childPath("flag_column"),
                message: "'flag_column' applies to action \"flag\" only")
        }
        self.init(
            column: column, kind: kind, action: action,
            k: try r.double("k", in: Self.nonNegative) ?? Self.defaultK,
            threshold: try r.double("threshold", in: Self.nonNegative),
            ddof: Int(try r.int("ddof", in: 0...1) ?? Int64(Self.defaultDDOF)),
            lowerPercentile: lower, upperPercentile: upper, min: min, max: max,
            groupBy: try r.strings("group_by") ?? [],
            minGroupSize: Int(try r.int("min_group_size", in: 1...Int64.max) ?? 1),
            flagColumn: flagColumn)
    }
}
