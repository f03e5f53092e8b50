import Frame
import Pipeline

/// The `dedupe` stage: drops exact and key duplicates from the tables `params.tables` names.
///
/// Dropped rows go to `rejects.parquet` with the rule that dropped them and, in the reason, the
/// input row that stays in their place.
public struct DedupeStage: StageImplementation {
    public static let name = "dedupe"

    public static let kind = StageKind(
        name: name, algorithmVersion: "1",
        parameters: [
            ParameterSpec(
                "tables", .map(of: .object(DedupeSettings.specs)),
                "Per table: exact and/or key deduplication settings; tables not named pass through.")
        ],
        reads: [.parameterKeys("tables")], writes: [.parameterKeys("tables")],
        summary: "Remove exact duplicate rows and duplicate keys (keep first or last by an ordering column).")

    public init() {}

    public func run(_ context: StageContext) throws -> StageResult {
        let io = TableStageIO(stage: Self.name, context: context)
        var rejects = RejectedRows()
        var tableCounters: [(key: String, value: JSONValue)] = []
        var totals = (rowsIn: 0, rowsOut: 0, exact: 0, key: 0)
        let tables = try io.configuredTables()
        for (table, value, path) in tables {
            let settings = try DedupeSettings(value, stage: Self.name, path: path)
            let frame = try io.read(table)
            let key = settings.key ?? context.config.key(ofTable: table) ?? []
            if !settings.exact && key.isEmpty {
                throw StageError.invalidParameter(
                    stage: Self.name, path: path,
                    message: "nothing to do: \"exact\" is false and the table has no key (set \"key\" or declare one)")
            }
            for name in key {
                _ = try TableStageIO.column(name, in: frame, stage: Self.name, table: table, path: path + ".key")
            }
            if let orderBy = settings.orderBy {
                if key.isEmpty {
                    throw StageError.invalidParameter(
                        stage: Self.name, path: path + ".order_by",
                        message: "order_by needs key columns to order rows within")
                }
                _ = try TableStageIO.column(
                    orderBy, in: frame, stage: Self.name, table: table, path: path + ".order_by")
            }
            let dedupe = Deduplicator(
                exact: settings.exact, key: key, keep: settings.keep, orderBy: settings.orderBy,
                trim: settings.trim, casefold: settings.casefold)
            let result: Deduplicator.Result
            do { result = try dedupe.run(frame) } catch {
                throw StageError.frame(stage: Self.name, table: table, error)
            }

            let keyText = key.joined(separator: ", ") + normalizationNote(settings)
            let choice =
                settings.orderBy.map { "\(settings.keep.rawValue) by \($0)" }
                ?? "\(settings.keep.rawValue) in input order"
            for drop in result.drops {
                let reason =
                    switch drop.rule {
                    case .exactDuplicate: "same values in every column as row \(drop.keptRow), which is kept"
                    case .keyDuplicate: "same key (\(keyText)) as row \(drop.keptRow), which is kept (\(choice))"
                    }
                rejects.add(table: table, frame: frame, row: drop.row, rule: drop.rule.rawValue, reason: reason)
            }
            let rowsOut = try io.write(frame, keeping: result.keep, table: table)
            try io.checkConservation(
                table: table, rowsIn: frame.rowCount, rowsOut: rowsOut, dropped: result.drops.count)
            context.log.info(
                "table '\(table)': \(frame.rowCount) rows in, \(rowsOut) out "
                    + "(\(result.exactDuplicates) exact duplicates, \(result.keyDuplicates) key duplicates)")
            tableCounters.append(
                (
                    table,
                    [
                        "rows_in": .int(frame.rowCount), "rows_out": .int(rowsOut),
                        "exact_duplicates": .int(result.exactDuplicates), "key_duplicates": .int(result.keyDuplicates),
                    ]
                ))
            totals.rowsIn += frame.rowCount
            totals.rowsOut += rowsOut
            totals.exact += result.exactDuplicates
            totals.key += result.keyDuplicates
        }
        try io.write(rejects)
        return StageResult(counters: [
            "rows_in": .int(totals.rowsIn), "rows_out": .int(totals.rowsOut),
            "duplicates": ["exact": .int(totals.exact), "key": .int(totals.key)],
            "rejects": .int(rejects.count),
            "tables": .object(tableCounters),
        ])
    }

    private func normalizationNote(_ s: DedupeSettings) -> String {
        switch (s.trim, s.casefold) {
        case (true, true): ", trimmed and case-folded"
        case (true, false): ", trimmed"
        case (false, true): ", case-folded"
        case (false, false): ""
        }
    }
}
