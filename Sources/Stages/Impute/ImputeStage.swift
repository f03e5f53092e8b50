import Frame
import Pipeline

/// The `impute` stage: fills missing values of the columns `params.tables.<table>.columns` names,
/// and records every value it used (per group too) in its counters.
public struct ImputeStage: StageImplementation {
    public static let name = "impute"
    /// At most this many groups per column are listed in the counters (the rest are counted).
    public static let listedGroupLimit = 1000

    public static let kind = StageKind(
        name: name, algorithmVersion: "1",
        parameters: [
            ParameterSpec(
                "tables", .map(of: .object(ImputeSettings.specs)),
                "Per table: the columns to fill and how; tables not named pass through.")
        ],
        reads: [.parameterKeys("tables")], writes: [.parameterKeys("tables")],
        summary: "Fill missing values by mean, median, mode or a constant, optionally per group with a global fallback."
    )

    public init() {}

    public func run(_ context: StageContext) throws -> StageResult {
        let io = TableStageIO(stage: Self.name, context: context)
        var tableCounters: [(key: String, value: JSONValue)] = []
        var totals = (rowsIn: 0, rowsOut: 0, imputed: 0)
        let tables = try io.configuredTables()
        for (table, value, path) in tables {
            let settings = try ImputeSettings(value, stage: Self.name, path: path)
            let frame = try io.read(table)
            try check(settings, frame: frame, table: table, path: path)
            let result: (frame: Frame, reports: [Imputer.ColumnReport])
            do { result = try Imputer(settings).run(frame) } catch {
                throw stageError(error, settings: settings, table: table, path: path, frame: frame)
            }
            try io.checkConservation(table: table, rowsIn: frame.rowCount, rowsOut: result.frame.rowCount, dropped: 0)
            // Columns nothing was filled in keep their stored chunks, copied byte for byte.
            let changed = Set(result.reports.filter { $0.filled > 0 }.map(\.column))
            try io.write(result.frame, table: table, copyingUnchangedFrom: frame, except: changed)
            let imputed = result.reports.reduce(0) { $0 + $1.filled }
            context.log.info(
                "table '\(table)': filled "
                    + result.reports.map { "\($0.column) \($0.filled)" }
                    .joined(separator: ", "))
            tableCounters.append(
                (
                    table,
                    [
                        "rows_in": .int(frame.rowCount), "rows_out": .int(result.frame.rowCount),
                        "imputed": .int(imputed),
                        "columns": .object(result.reports.map { ($0.column, Self.counters($0)) }),
                    ]
                ))
            totals.rowsIn += frame.rowCount
            totals.rowsOut += result.frame.rowCount
            totals.imputed += imputed
        }
        return StageResult(counters: [
            "rows_in": .int(totals.rowsIn), "rows_out": .int(totals.rowsOut), "imputed": .int(totals.imputed),
            "tables": .object(tableCounters),
        ])
    }

    /// Every named column exists before any work starts.
    private func check(_ settings: ImputeSettings, frame: Frame, table: String, path: String) throws(StageError) {
        for (name, imputation) in settings.columns {
            let at = path + ".columns." + name
            _ = try TableStageIO.column(name, in: frame, stage: Self.name, table: table, path: at)
            for g in imputation.groupBy {
                _ = try TableStageIO.column(g, in: frame, stage: Self.name, table: table, path: at + ".group_by")
            }
            if let condition = imputation.condition {
                _ = try TableStageIO.column(
                    condition.column, in: frame, stage: Self.name, table: table, path: at + ".where.column")
            }
        }
    }

    private func stageError(_ e: Imputer.Failure, settings: ImputeSettings, table: String, path: String, frame: Frame)
        -> StageError
    {
        switch e {
        case .unknownColumn(let c):
            return .unknownColumn(
                stage: Self.name, table: table, column: c, available: frame.schema.names, path: path + ".columns")
        case .notNumeric(let c, let type):
            let strategy =
                settings.columns.first { $0.name == c }.map { "strategy '\($0.imputation.strategy.rawValue)'" }
                ?? "this strategy"
            return .unsupportedColumnType(
                stage: Self.name, table: table, column: c, type: type,
                expected: "a numeric column (int32, int64, double, timestamp, date) for \(strategy)",
                path: path + ".columns." + c + ".strategy")
        case .badConstant(let c, let type):
            return .invalidParameter(
                stage: Self.name, path: path + ".columns." + c + ".value",
                message: "cannot read the constant as a value of column '\(c)' (\(type))")
        case .indicatorExists(let name):
            return .invalidParameter(
                stage: Self.name, path: path + ".indicator",
                message: "the indicator column '\(name)' already exists in table '\(table)'")
        }
    }

    static func counters(_ r: Imputer.ColumnReport) -> JSONValue {
        var m: [(key: String, value: JSONValue)] = [
            ("strategy", .string(r.imputation.strategy.rawValue)), ("imputed", .int(r.filled)),
        ]
        if r.unfilled > 0 { m.append(("unfilled", .int(r.unfilled))) }
        if let s = r.statistic { m.append(("statistic", .double(s))) }
        m.append(("value", r.value?.json(for: r.type) ?? .null))
        if !r.imputation.groupBy.isEmpty {
            m.append(("group_by", .array(r.imputation.groupBy.map { .string($0) })))
            m.append(("min_group_size", .int(r.imputation.minGroupSize)))
            m.append(("imputed_with_global", .int(r.filledWithGlobal)))
            m.append(("groups_imputed", .int(r.groups.count)))
            var groups: [(key: String, value: JSONValue)] = []
            for g in r.groups.prefix(listedGroupLimit) {
                var entry: [(key: String, value: JSONValue)] = [("imputed", .int(g.filled))]
                if let s = g.statistic { entry.append(("statistic", .double(s))) }
                entry.append(("value", g.value.json(for: r.type)))
                groups.append((g.key, .object(entry)))
            }
            m.append(("groups", .object(groups)))
        }
        return .object(m)
    }
}
