import Frame

/// Applies outlier rules, in order, to one frame. Pure: no I/O.
///
/// Each rule sees the frame as the rules before it left it: rows they dropped are gone, values
/// they clipped or nulled are changed. Statistics are over present values (not null, not NaN);
/// a missing value is never an outlier.
public struct OutlierDetector: Sendable {
    /// The limits a rule derived in one scope (the whole column or one group), with the
    /// statistics they come from.
    public struct Limits: Sendable, Equatable {
        public var lower: Double
        public var upper: Double
        /// ("q1", 10), ("q3", 18), ("iqr", 8)… in the order the rule computes them.
        public var statistics: [Statistic]
    }

    public struct Statistic: Sendable, Equatable {
        public var name: String
        public var value: Double
    }

    /// What one rule did.
    public struct RuleReport: Sendable, Equatable {
        public var rule: OutlierRule
        public var outliers: Int
        /// The global limits; nil when there were no values or no spread (std or MAD of 0).
        public var limits: Limits?
        /// Groups that used their own limits, and rows judged by the global ones (grouped rules).
        public var groupsWithOwnLimits: Int
        public var rowsJudgedGlobally: Int
    }

    public struct Drop: Sendable, Equatable {
        public var row: Int
        /// Index of the rule in `rules`.
        public var rule: Int
        public var reason: String
    }

    public struct Result: Sendable {
        /// Every input row, with the rules' changes (clipped, nulled, flag columns) applied.
        public var unfiltered: Frame
        /// Whether each input row survives the drop rules.
        public var keep: [Bool]
        /// Dropped input rows, in the order the rules dropped them.
        public var drops: [Drop]
        public var reports: [RuleReport]

        /// The surviving rows (a copy; stages stream `unfiltered` + `keep` to disk instead).
        public var frame: Frame { unfiltered.filter(keep) }
    }

    public enum Failure: Error, Equatable {
        case unknownColumn(String, rule: Int)
        case notNumeric(String, type: DataType, rule: Int)
        case flagColumnClash(String, rule: Int)
    }

    public var rules: [OutlierRule]

    public init(rules: [OutlierRule]) { self.rules = rules }

    public func run(_ input: Frame) throws(Failure) -> Result {
        var fields = input.schema.fields
        var columns = input.columns
        var alive = [Bool](repeating: true, count: input.rowCount)
        var drops: [Drop] = []
        var reports: [RuleReport] = []
        var flagColumns: [String: Int] = [:]  // flag column → index in fields

        for (ri, rule) in rules.enumerated() {
            guard let ci = input.schema.index(of: rule.column) else { throw .unknownColumn(rule.column, rule: ri) }
            for g in rule.groupBy where input.schema.index(of: g) == nil { throw .unknownColumn(g, rule: ri) }
            guard columns[ci].isNumeric else { throw .notNumeric(rule.column, type: columns[ci].type, rule: ri) }
            let column = columns[ci]

            // Limits for the whole column and, for a grouped rule, for each group.
            // Fixed bounds need no statistics, so no sample of the column.
            let global =
                rule.kind == .bounds
                ? limits(rule, NumericSample(zeroFilled: [], missing: nil))
                : limits(rule, column.numericSample(rows: aliveRows(alive)))
            var rowLimits: (ids: [Int32], limits: [Limits?])? = nil
            var report = RuleReport(
                rule: rule, outliers: 0, limits: global, groupsWithOwnLimits: 0, rowsJudgedGlobally: 0)
            if !rule.groupBy.isEmpty {
                let current = try! Frame(schema: Schema(fields), columns: columns)
                let groups = try! current.groups(by: rule.groupBy, nulls: .exclude)
                let members = groups.members(including: alive)
                var perGroup = [Limits?](repeating: nil, count: groups.count)
                for g in 0..<groups.count where rule.kind != .bounds {
                    let rows = Array(members.rows[members.offsets[g]..<members.offsets[g + 1]])
                    let sample = column.numericSample(rows: rows)
                    if sample.count >= rule.minGroupSize, let l = limits(rule, sample) {
                        perGroup[g] = l
                        report.groupsWithOwnLimits += 1
                    }
                }
                rowLimits = (groups.ids, perGroup)
            }

            // Judge every live, present value.
            var outlierRows: [Int] = []
            var usedLimits: [Limits] = []
            for i in 0..<input.rowCount where alive[i] && !column.isMissing(i) {
                var l = global
                if let rowLimits {
                    let g = rowLimits.ids[i]
                    if g >= 0, let own = rowLimits.limits[Int(g)] { l = own } else { report.rowsJudgedGlobally += 1 }
                }
                guard let l else { continue }
                if isOutlier(column.doubleValue(i), rule, l) {
                    outlierRows.append(i)
                    usedLimits.append(l)
                }
            }
            report.outliers = outlierRows.count
            reports.append(report)

            switch rule.action {
            case .drop:
                for (i, l) in zip(outlierRows, usedLimits) {
                    alive[i] = false
                    drops.append(Drop(row: i, rule: ri, reason: reason(rule, column: column, row: i, limits: l)))
                }
            case .setNull:
                var validity = column.validity ?? [Bool](repeating: true, count: column.count)
                for i in outlierRows { validity[i] = false }
                columns[ci] = Column(column.values, validity: outlierRows.isEmpty ? column.validity : validity)
                if !outlierRows.isEmpty { fields[ci].nullable = true }
            case .clip:
                columns[ci] = clipped(column, rows: outlierRows, limits: usedLimits)
            case .flag:
                if let fi = flagColumns[rule.flagColumn] {
                    guard case .bool(var flags) = columns[fi].values else {
                        throw .flagColumnClash(rule.flagColumn, rule: ri)
                    }
                    for i in outlierRows { flags[i] = true }
                    columns[fi] = Column(.bool(flags))
                } else {
                    guard input.schema.index(of: rule.flagColumn) == nil else {
                        throw .flagColumnClash(rule.flagColumn, rule: ri)
                    }
                    var flags = [Bool](repeating: false, count: input.rowCount)
                    for i in outlierRows { flags[i] = true }
                    flagColumns[rule.flagColumn] = fields.count
                    fields.append(Field(rule.flagColumn, .bool, nullable: false))
                    columns.append(Column(.bool(flags)))
                }
            }
        }
        return Result(
            unfiltered: try! Frame(schema: Schema(fields), columns: columns), keep: alive, drops: drops,
            reports: reports)
    }

    /// zscore and mad judge the score itself, exactly as `abs((s - s.mean()) / s.std()) > t` and
    /// `abs(0.6745 * (s - med) / mad) > t` do in pandas; the other rules compare with the limits.
    func isOutlier(_ x: Double, _ rule: OutlierRule, _ l: Limits) -> Bool {
        switch rule.kind {
        case .zscore: abs((x - l.statistics[0].value) / l.statistics[1].value) > rule.threshold
        case .mad: abs(OutlierRule.madScale * (x - l.statistics[0].value) / l.statistics[1].value) > rule.threshold
        case .iqr, .percentile, .bounds: x < l.lower || x > l.upper
        }
    }

    private func aliveRows(_ alive: [Bool]) -> [Int]? {
        if !alive.contains(false) { return nil }
        var rows: [Int] = []
        for (i, a) in alive.enumerated() where a { rows.append(i) }
        return rows
    }

    /// The limits `rule` derives from `sample`; nil when it has no values, or no spread for
    /// zscore (std 0) and mad (MAD 0), where every z-score is undefined.
    func limits(_ rule: OutlierRule, _ sample: NumericSample) -> Limits? {
        switch rule.kind {
        case .bounds:
            return Limits(lower: rule.min ?? -.infinity, upper: rule.max ?? .infinity, statistics: [])
        case .iqr:
            let sorted = sample.sortedValues()
            guard let q1 = Statistics.quantile(sorted: sorted, 0.25), let q3 = Statistics.quantile(sorted: sorted, 0.75)
            else { return nil }
            let iqr = q3 - q1
            return Limits(
                lower: q1 - rule.k * iqr, upper: q3 + rule.k * iqr,
                statistics: [
                    Statistic(name: "q1", value: q1), Statistic(name: "q3", value: q3),
                    Statistic(name: "iqr", value: iqr),
                ])
        case .percentile:
            let sorted = sample.sortedValues()
            guard let lo = Statistics.quantile(sorted: sorted, rule.lowerPercentile / 100),
                let hi = Statistics.quantile(sorted: sorted, rule.upperPercentile / 100)
            else { return nil }
            return Limits(lower: lo, upper: hi, statistics: [])
        case .zscore:
            guard let mean = sample.mean(), let std = sample.standardDeviation(ddof: rule.ddof), std > 0 else {
                return nil
            }
            // The limits are for clipping and messages; `isOutlier` judges the z-score itself.
            return Limits(
                lower: mean - rule.threshold * std, upper: mean + rule.threshold * std,
                statistics: [Statistic(name: "mean", value: mean), Statistic(name: "std", value: std)])
        case .mad:
            let sorted = sample.sortedValues()
            guard let median = Statistics.median(sorted: sorted),
                let mad = Statistics.medianAbsoluteDeviation(sorted: sorted), mad > 0
            else { return nil }
            let half = rule.threshold * mad / OutlierRule.madScale
            return Limits(
                lower: median - half, upper: median + half,
                statistics: [Statistic(name: "median", value: median), Statistic(name: "mad", value: mad)])
        }
    }

    private func reason(_ rule: OutlierRule, column: Column, row: Int, limits l: Limits) -> String {
        let value = ValueFormatter.text(column, row) ?? "null"
        let x = column.doubleValue(row)
        let low = rule.kind == .zscore || rule.kind == .mad ? x < l.statistics[0].value : x < l.lower
        let side = low ? "below the lower limit \(format(l.lower))" : "above the upper limit \(format(l.upper))"
        let stats = l.statistics.map { "\($0.name) \(format($0.value))" }
        let setting: String =
            switch rule.kind {
            case .iqr: "k \(format(rule.k))"
            case .zscore: "threshold \(format(rule.threshold)), ddof \(rule.ddof)"
            case .mad: "threshold \(format(rule.threshold))"
            case .percentile: "percentiles \(format(rule.lowerPercentile))–\(format(rule.upperPercentile))"
            case .bounds: "min \(rule.min.map(format) ?? "none"), max \(rule.max.map(format) ?? "none")"
            }
        return "\(rule.column) = \(value) is \(side) (\(rule.kind.rawValue): "
            + ([setting] + stats).joined(separator: ", ") + ")"
    }

    private func format(_ d: Double) -> String { ValueFormatter.double(d) }

    /// `column` with each of `rows` moved to the nearest limit; integer-backed columns take the
    /// nearest integer inside the limits (⌈lower⌉ or ⌊upper⌋) so they keep their type.
    private func clipped(_ column: Column, rows: [Int], limits: [Limits]) -> Column {
        guard !rows.isEmpty else { return column }
        func target(_ k: Int, _ x: Double) -> Double { Swift.min(Swift.max(x, limits[k].lower), limits[k].upper) }
        func intTarget(_ k: Int, _ x: Double) -> Double {
            Swift.min(Swift.max(x, limits[k].lower.rounded(.up)), limits[k].upper.rounded(.down))
        }
        switch column.values {
        case .double(var v):
            for (k, r) in rows.enumerated() { v[r] = target(k, v[r]) }
            return Column(.double(v), validity: column.validity)
        case .int64(var v):
            for (k, r) in rows.enumerated() { v[r] = Int64(intTarget(k, Double(v[r]))) }
            return Column(.int64(v), validity: column.validity)
        case .timestamp(var v):
            for (k, r) in rows.enumerated() { v[r] = Int64(intTarget(k, Double(v[r]))) }
            return Column(.timestamp(v), validity: column.validity)
        case .int32(var v):
            for (k, r) in rows.enumerated() { v[r] = Int32(intTarget(k, Double(v[r]))) }
            return Column(.int32(v), validity: column.validity)
        case .date(var v):
            for (k, r) in rows.enumerated() { v[r] = Int32(intTarget(k, Double(v[r]))) }
            return Column(.date(v), validity: column.validity)
        case .bool, .string:
            return column
        }
    }
}
