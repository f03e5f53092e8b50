import Frame

/// Fills the missing values (nulls, and NaN in double columns) of some columns of one frame.
/// Pure: no I/O.
///
/// Statistics are pandas': `mean()`, `median()`, `mode()[0]`; per group, a group with fewer
/// than `minGroupSize` present values, and a row whose group key has a null, use the global
/// statistic instead (as `df.groupby(g)[c].transform('median').fillna(df[c].median())` would).
/// Mean and median fill integer-backed columns rounded to the nearest integer, ties to even.
public struct Imputer: Sendable {
    /// `<column>_imputed`: the bool column marking filled rows, when `indicator` is on.
    public static let indicatorSuffix = "_imputed"

    /// What was filled in one group.
    public struct GroupFill: Sendable, Equatable {
        /// The group's key values, as text joined by ", " ("Paris").
        public var key: String
        public var value: FillValue
        /// The group's own statistic before rounding (mean, median).
        public var statistic: Double?
        public var filled: Int
    }

    /// What was filled in one column.
    public struct ColumnReport: Sendable, Equatable {
        public var column: String
        public var type: DataType
        public var imputation: ColumnImputation
        /// Values filled in all.
        public var filled: Int
        /// Missing values left because there was nothing to fill them with (every value missing).
        public var unfilled: Int
        /// The global fill value; nil when no value was missing or none could be computed.
        public var value: FillValue?
        /// The global statistic before rounding (mean, median).
        public var statistic: Double?
        /// Of `filled`, how many used the global value although the column is grouped.
        public var filledWithGlobal: Int
        /// Groups that filled at least one value with their own statistic, in order of first appearance.
        public var groups: [GroupFill]
    }

    public enum Failure: Error, Equatable {
        case unknownColumn(String)
        /// Mean or median asked of a column that is not numeric.
        case notNumeric(column: String, type: DataType)
        case badConstant(column: String, type: DataType)
        case indicatorExists(String)
    }

    public var columns: [(name: String, imputation: ColumnImputation)]
    public var indicator: Bool

    public init(columns: [(name: String, imputation: ColumnImputation)], indicator: Bool = false) {
        self.columns = columns
        self.indicator = indicator
    }

    public init(_ settings: ImputeSettings) { self.init(columns: settings.columns, indicator: settings.indicator) }

    public func run(_ frame: Frame) throws(Failure) -> (frame: Frame, reports: [ColumnReport]) {
        var fields = frame.schema.fields
        var output = frame.columns
        var indicators: [(Field, Column)] = []
        var reports: [ColumnReport] = []
        for (name, imputation) in columns {
            guard let ci = frame.schema.index(of: name) else { throw .unknownColumn(name) }
            for g in imputation.groupBy where frame.schema.index(of: g) == nil { throw .unknownColumn(g) }
            if let c = imputation.condition, frame.schema.index(of: c.column) == nil { throw .unknownColumn(c.column) }
            let column = frame.columns[ci]
            let (filledColumn, report, filledRows) = try impute(column, name: name, imputation, in: frame)
            output[ci] = filledColumn
            reports.append(report)
            if indicator {
                let indicatorName = name + Self.indicatorSuffix
                if frame.schema.index(of: indicatorName) != nil
                    || indicators.contains(where: { $0.0.name == indicatorName })
                {
                    throw .indicatorExists(indicatorName)
                }
                var flags = [Bool](repeating: false, count: frame.rowCount)
                for r in filledRows { flags[r] = true }
                indicators.append((Field(indicatorName, .bool, nullable: false), Column(.bool(flags))))
            }
        }
        for (f, c) in indicators {
            fields.append(f)
            output.append(c)
        }
        return (try! Frame(schema: Schema(fields), columns: output), reports)
    }

    private func impute(_ column: Column, name: String, _ imputation: ColumnImputation, in frame: Frame)
        throws(Failure) -> (Column, ColumnReport, filledRows: [Int])
    {
        let type = column.type
        if imputation.strategy == .mean || imputation.strategy == .median, !column.isNumeric {
            throw .notNumeric(column: name, type: type)
        }
        var report = ColumnReport(
            column: name, type: type, imputation: imputation, filled: 0, unfilled: 0,
            value: nil, statistic: nil, filledWithGlobal: 0, groups: [])
        let eligible = imputation.condition?.mask(frame)
        var missing: [Int] = []
        for i in 0..<column.count where column.isMissing(i) && (eligible?[i] ?? true) { missing.append(i) }
        if imputation.strategy == .constant {
            guard let v = imputation.value, let fill = FillValue(constant: v, type: type) else {
                throw .badConstant(column: name, type: type)
            }
            report.value = fill
        }
        if missing.isEmpty { return (column, report, []) }

        // The global value.
        if imputation.strategy != .constant {
            let all = [Int32](repeating: 0, count: column.count)
            let everyone = eligible.map { e in (offsets: [0, e.count(where: { $0 })], rows: e.indices.filter { e[$0] })
            }
            let global = statistic(
                of: column, imputation.strategy, groups: all, groupCount: 1, members: everyone,
                include: eligible)[0]
            report.value = global.value
            report.statistic = global.statistic
        }

        // Per group: only groups holding a missing value need their statistic.
        var perRow: [FillValue?] = [FillValue?](repeating: report.value, count: missing.count)
        if !imputation.groupBy.isEmpty {
            let groups = try! frame.groups(by: imputation.groupBy, nulls: .exclude)
            let members = groups.members(including: eligible)
            var present = [Int](repeating: 0, count: groups.count)
            for (i, g) in groups.ids.enumerated() where g >= 0 && !column.isMissing(i) && (eligible?[i] ?? true) {
                present[Int(g)] += 1
            }
            let stats = statistic(
                of: column, imputation.strategy, groups: groups.ids, groupCount: groups.count,
                members: members, include: eligible,
                needed: Set(missing.compactMap { groups.ids[$0] >= 0 ? Int(groups.ids[$0]) : nil }))
            var fills: [Int: Int] = [:]  // group → index in report.groups
            for (k, row) in missing.enumerated() {
                let g = Int(groups.ids[row])
                if g >= 0, present[g] >= imputation.minGroupSize, let v = stats[g].value {
                    perRow[k] = v
                    if let at = fills[g] {
                        report.groups[at].filled += 1
                    } else {
                        fills[g] = report.groups.count
                        let keyRow = groups.firstRows[g]
                        let key = imputation.groupBy.map { ValueFormatter.text(frame[$0]!, keyRow) ?? "null" }
                            .joined(separator: ", ")
                        report.groups.append(GroupFill(key: key, value: v, statistic: stats[g].statistic, filled: 1))
                    }
                } else if perRow[k] != nil {
                    report.filledWithGlobal += 1
                }
            }
        }
        var filledRows: [Int] = []
        filledRows.reserveCapacity(missing.count)
        var values: [FillValue] = []
        values.reserveCapacity(missing.count)
        for (k, row) in missing.enumerated() {
            if let v = perRow[k] {
                filledRows.append(row)
                values.append(v)
            }
        }
        report.filled = filledRows.count
        report.unfilled = missing.count - filledRows.count
        let filled = column.filling(filledRows, with: values)
        return (filled, report, filledRows)
    }

    /// The statistic of each group (`groups[i]` in `0 ..< groupCount`, −1 for none); only the
    /// groups in `needed` are computed when it is given.
    private func statistic(
        of column: Column, _ strategy: ColumnImputation.Strategy, groups: [Int32], groupCount: Int,
        members: (offsets: [Int], rows: [Int])?, include: [Bool]? = nil, needed: Set<Int>? = nil
    )
        -> [(value: FillValue?, statistic: Double?)]
    {
        var out = [(value: FillValue?, statistic: Double?)](repeating: (nil, nil), count: groupCount)
        switch strategy {
        case .constant:
            break
        case .mode:
            for (g, row) in column.modeRows(groups: groups, groupCount: groupCount, include: include).enumerated() {
                if let row { out[g] = (FillValue(column, row: row), nil) }
            }
        case .mean, .median:
            for g in 0..<groupCount where needed?.contains(g) ?? true {
                let rows = members.map { Array($0.rows[$0.offsets[g]..<$0.offsets[g + 1]]) }
                let sample = column.numericSample(rows: rows)
                let s = strategy == .mean ? sample.mean() : Statistics.median(sorted: sample.sortedValues())
                if let s { out[g] = (FillValue(statistic: s, type: column.type), s) }
            }
        }
        return out
    }
}
