import Frame
import Pipeline

/// How one column's missing values are filled.
public struct ColumnImputation: Sendable, Equatable {
    public enum Strategy: String, Sendable, CaseIterable {
        /// pandas' `mean()` (numeric columns).
        case mean
        /// pandas' `median()` (numeric columns).
        case median
        /// The most frequent value, ties to the smallest (any column type).
        case mode
        /// `value`, read as the column's type.
        case constant
    }

    public var strategy: Strategy
    /// For `constant`: the value as JSON (a string such as "X", "0", "2.5", "true", "2024-01-31").
    public var value: JSONValue?
    /// Compute the statistic per group of these columns, falling back to the global statistic.
    public var groupBy: [String]
    /// A group needs at least this many present values to use its own statistic.
    public var minGroupSize: Int
    /// Only rows matching this condition are filled, and only they feed the statistic (a price
    /// belongs to purchases, not to page views).
    public var condition: RowCondition?

    public init(
        _ strategy: Strategy, value: JSONValue? = nil, groupBy: [String] = [], minGroupSize: Int = 1,
        condition: RowCondition? = nil
    ) {
        self.strategy = strategy
        self.value = value
        self.groupBy = groupBy
        self.minGroupSize = minGroupSize
        self.condition = condition
    }

    static let specs: [ParameterSpec] = [
        ParameterSpec(
            "strategy", .oneOf(Strategy.allCases.map(\.rawValue)), default: nil,
            "mean, median, mode, or constant."),
        ParameterSpec(
            "value", .string, default: .null,
            "For constant: the value, read as the column's type (\"X\", \"0\", \"2.5\", \"true\", \"2024-01-31\")."),
        ParameterSpec(
            "group_by", .array(of: .string), default: [],
            "Compute the statistic per group of these columns; rows with a null key, and small groups, use the global one."
        ),
        ParameterSpec(
            "min_group_size", .int(1...Int64.max), default: 1,
            "Present values a group needs to use its own statistic."),
        ParameterSpec(
            "where", .object(RowCondition.specs), default: .null,
            "Only rows whose column's value is one of the listed ones are filled and counted."),
    ]

    init(_ json: JSONValue, stage: String, path: String) throws(StageError) {
        let r = try ParameterReader(json, specs: Self.specs, stage: stage, path: path)
        let strategy = Strategy(rawValue: try r.oneOf("strategy", Strategy.allCases.map(\.rawValue)))!
        let value = try r.value("value")
        if strategy == .constant && value == .null {
            throw .invalidParameter(stage: stage, path: path, message: "strategy \"constant\" needs \"value\"")
        }
        if strategy != .constant && value != .null {
            throw .invalidParameter(
                stage: stage, path: r.childPath("value"),
                message: "\"value\" applies to strategy \"constant\" only, not \"\(strategy.rawValue)\"")
        }
        let groupBy = try r.strings("group_by") ?? []
        if strategy == .constant && !groupBy.isEmpty {
            throw .invalidParameter(
                stage: stage, path: r.childPath("group_by"),
                message: "a constant does not depend on groups; remove \"group_by\"")
        }
        let condition = try r.value("where")
        self.init(
            strategy, value: value == .null ? nil : value, groupBy: groupBy,
            minGroupSize: Int(try r.int("min_group_size", in: 1...Int64.max) ?? 1),
            condition: condition == .null ? nil : try RowCondition(condition, stage: stage, path: r.childPath("where")))
    }
}

/// How one table is imputed: `params.tables.<table>` of an impute stage.
public struct ImputeSettings: Sendable, Equatable {
    /// Columns to fill, in the order given.
    public var columns: [(name: String, imputation: ColumnImputation)]
    /// Add a not-null bool column `<column>_imputed` per filled column, true where a value was filled.
    public var indicator: Bool

    public init(columns: [(name: String, imputation: ColumnImputation)], indicator: Bool = false) {
        self.columns = columns
        self.indicator = indicator
    }

    public static func == (a: ImputeSettings, b: ImputeSettings) -> Bool {
        a.indicator == b.indicator && a.columns.count == b.columns.count
            && zip(a.columns, b.columns).allSatisfy { $0.name == $1.name && $0.imputation == $1.imputation }
    }

    public static let specs: [ParameterSpec] = [
        ParameterSpec(
            "columns", .map(of: .object(ColumnImputation.specs)), default: nil,
            "Per column: how to fill its missing values (null, and NaN in double columns)."),
        ParameterSpec(
            "indicator", .bool, default: false,
            "Add a bool column <column>_imputed per filled column, true where a value was filled."),
    ]

    init(_ json: JSONValue, stage: String, path: String) throws(StageError) {
        let r = try ParameterReader(json, specs: Self.specs, stage: stage, path: path)
        var columns: [(name: String, imputation: ColumnImputation)] = []
        for m in try r.object("columns") {
            columns.append(
                (m.key, try ColumnImputation(m.value, stage: stage, path: r.childPath("columns") + "." + m.key)))
        }
        self.init(columns: columns, indicator: try r.bool("indicator"))
    }
}

/// Rows whose `column`, as text, is one of `values` (`{"column": "event_type", "in": ["purchase"]}`).
public struct RowCondition: Sendable, Equatable {
    public var column: String
    public var values: [String]

    public init(column: String, values: [String]) {
        self.column = column
        self.values = values
    }

    static let specs: [ParameterSpec] = [
        ParameterSpec("column", .string, default: nil, "The column to test."),
        ParameterSpec("in", .array(of: .string, minCount: 1), default: nil, "The values, as text, that select a row."),
    ]

    init(_ json: JSONValue, stage: String, path: String) throws(StageError) {
        let r = try ParameterReader(json, specs: Self.specs, stage: stage, path: path)
        self.init(column: try r.string("column") ?? "", values: try r.strings("in") ?? [])
    }

    /// One flag per row of `frame`; nil when the column does not exist.
    func mask(_ frame: Frame) -> [Bool]? {
        guard let column = frame[column] else { return nil }
        let wanted = Set(values)
        return (0..<frame.rowCount).map { row in ValueFormatter.text(column, row).map(wanted.contains) ?? false }
    }
}
