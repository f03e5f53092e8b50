import Frame
import Pipeline

/// The `outliers` stage: applies each table's rules in order; dropped rows go to
/// `rejects.parquet` with the rule (`quantity:iqr`) that dropped them.
public struct OutliersStage: StageImplementation {
    public static let name = "outliers"

    public static let kind = StageKind(
        name: name, algorithmVersion: "1",
        parameters: [
            ParameterSpec(
                "tables", .map(of: .array(of: .object(OutlierRule.specs), minCount: 1)),
                "Per table: outlier rules applied in order; tables not named pass through.")
        ],
        reads: [.parameterKeys("tables")], writes: [.parameterKeys("tables")],
        summary: "Find outliers by IQR, z-score, MAD, percentiles or fixed bounds; clip, drop, null or flag them.")

    public init() {}

    public func run(_ context: StageContext) throws -> StageResult {
        let io = TableStageIO(stage: Self.name, context: context)
        var rejects = RejectedRows()
        var tableCounters: [(key: String, value: JSONValue)] = []
        var totals = (rowsIn: 0, rowsOut: 0, dropped: 0, outliers: 0)
        let tables = try io.configuredTables()
        for (table, value, path) in tables {
            guard let items = value.arrayValue else {
                throw StageError.invalidParameter(
                    stage: Self.name, path: path, message: "expected an array of rules, got \(value.typeName)")
            }
            var rules: [OutlierRule] = []
            for (i, item) in items.enumerated() {
                rules.append(try OutlierRule(item, stage: Self.name, path: "\(path)[\(i)]"))
            }
            let frame = try io.read(table)
            for (i, rule) in rules.enumerated() {
                _ = try TableStageIO.column(
                    rule.column, in: frame, stage: Self.name, table: table, path: "\(path)[\(i)].column")
                for g in rule.groupBy {
                    _ = try TableStageIO.column(
                        g, in: frame, stage: Self.name, table: table, path: "\(path)[\(i)].group_by")
                }
            }
            let result: OutlierDetector.Result
            do { result = try OutlierDetector(rules: rules).run(frame) } catch {
                throw stageError(error, table: table, path: path, frame: frame)
            }
            for drop in result.drops {
                rejects.add(table: table, frame: frame, row: drop.row, rule: rules[drop.rule].name, reason: drop.reason)
            }
            let rowsOut = try io.write(result.unfiltered, keeping: result.keep, table: table)
            try io.checkConservation(
                table: table, rowsIn: frame.rowCount, rowsOut: rowsOut, dropped: result.drops.count)
            let outliers = result.reports.reduce(0) { $0 + $1.outliers }
            context.log.info(
                "table '\(table)': "
                    + result.reports.map { "\($0.rule.name) \($0.rule.action.rawValue) \($0.outliers)" }
                    .joined(separator: ", "))
            tableCounters.append(
                (
                    table,
                    [
                        "rows_in": .int(frame.rowCount), "rows_out": .int(rowsOut),
                        "dropped": .int(result.drops.count), "outliers": .int(outliers),
                        "rules": .array(result.reports.map(Self.counters)),
                    ]
                ))
            totals.rowsIn += frame.rowCount
            totals.rowsOut += rowsOut
            totals.dropped += result.drops.count
            totals.outliers += outliers
        }
        try io.write(rejects)
        return StageResult(counters: [
            "rows_in": .int(totals.rowsIn), "rows_out": .int(totals.rowsOut), "dropped": .int(totals.dropped),
            "outliers": .int(totals.outliers), "rejects": .int(rejects.count),
            "tables": .object(tableCounters),
        ])
    }

    static func counters(_ r: OutlierDetector.RuleReport) -> JSONValue {
        var m: [(key: String, value: JSONValue)] = [
            ("column", .string(r.rule.column)), ("rule", .string(r.rule.kind.rawValue)),
            ("action", .string(r.rule.action.rawValue)), ("outliers", .int(r.outliers)),
        ]
        if let l = r.limits {
            m.append(("lower", .double(l.lower)))
            m.append(("upper", .double(l.upper)))
            for s in l.statistics { m.append((s.name, .double(s.value))) }
        } else if r.rule.groupBy.isEmpty {
            m.append(("skipped", "no values, or no spread"))
        }
        if !r.rule.groupBy.isEmpty {
            m.append(("group_by", .array(r.rule.groupBy.map { .string($0) })))
            m.append(("groups_with_own_limits", .int(r.groupsWithOwnLimits)))
            m.append(("rows_judged_globally", .int(r.rowsJudgedGlobally)))
        }
        if r.rule.action == .flag { m.append(("flag_column", .string(r.rule.flagColumn))) }
        return .object(m)
    }

    private func stageError(_ e: OutlierDetector.Failure, table: String, path: String, frame: Frame) -> StageError {
        switch e {
        case .unknownColumn(let c, let rule):
            .unknownColumn(
                stage: Self.name, table: table, column: c, available: frame.schema.names, path: "\(path)[\(rule)]")
        case .notNumeric(let c, let type, let rule):
            .unsupportedColumnType(
                stage: Self.name, table: table, column: c, type: type,
                expected: "a numeric column (int32, int64, double, timestamp, date)",
                path: "\(path)[\(rule)].column")
        case .flagColumnClash(let c, let rule):
            .invalidParameter(
                stage: Self.name, path: "\(path)[\(rule)].flag_column",
                message: "column '\(c)' already exists in table '\(table)'; name another flag_column")
        }
    }
}
