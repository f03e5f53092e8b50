/// Statistics computed exactly as numpy and pandas compute them, so results can be checked
/// against pandas bit for bit: numpy's pairwise summation, numpy's default (linear) quantiles,
/// and pandas' two-pass variance.
public enum Statistics {
    /// numpy's pairwise summation of float64 (`np.add.reduce`): runs shorter than 8 summed in
    /// order, blocks of up to 128 with 8 accumulators, longer runs split in two halves (the first
    /// a multiple of 8 long). Error grows as O(log n) rather than O(n).
    public static func pairwiseSum(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { pairwiseSum($0.baseAddress, $0.count) }
    }

    static func pairwiseSum(_ a: UnsafePointer<Double>?, _ n: Int) -> Double {
        guard let a else { return 0 }
        if n < 8 {
            var res = 0.0
            for i in 0..<n { res += a[i] }
            return res
        }
        if n <= 128 {
            var r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7]
            var i = 8
            while i < n - n % 8 {
                r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3]
                r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7]
                i += 8
            }
            var res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while i < n {
                res += a[i]
                i += 1
            }
            return res
        }
        var half = n / 2
        half -= half % 8
        return pairwiseSum(a, half) + pairwiseSum(a + half, n - half)
    }

    /// numpy's default quantile (`method="linear"`, Hyndman & Fan type 7) of ascending `sorted`
    /// values, `q` in 0...1: virtual index `(n − 1)·q`, then numpy's two-sided interpolation
    /// (`a + (b − a)·t` below t = 0.5, `b − (b − a)·(1 − t)` from it). Nil when empty.
    public static func quantile(sorted: [Double], _ q: Double) -> Double? {
        let n = sorted.count
        guard n > 0 else { return nil }
        let virtual = Double(n - 1) * q
        if virtual >= Double(n - 1) { return sorted[n - 1] }
        if virtual < 0 { return sorted[0] }
        let below = virtual.rounded(.down)
        let t = virtual - below
        let a = sorted[Int(below)], b = sorted[Int(below) + 1]
        let diff = b - a
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t
    }

    /// The median as `np.median` computes it: the middle value, or the mean `(a + b) / 2` of the
    /// two middle values (which can differ in the last bit from `quantile(0.5)`). Nil when empty.
    public static func median(sorted: [Double]) -> Double? {
        let n = sorted.count
        guard n > 0 else { return nil }
        if n % 2 == 1 { return sorted[n / 2] }
        return (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }

    /// The median absolute deviation `median(|x − median(x)|)` (unscaled), as pandas computes
    /// `(s - s.median()).abs().median()`. Nil when empty.
    public static func medianAbsoluteDeviation(sorted: [Double]) -> Double? {
        guard let m = median(sorted: sorted) else { return nil }
        var deviations = sorted.map { abs($0 - m) }
        deviations.sort()
        return median(sorted: deviations)
    }
}

/// The numeric values of some rows of one column, prepared for statistics.
///
/// Missing means null, or NaN in a double column (pandas' `isna`).
public struct NumericSample: Sendable {
    /// The values in row order with missing ones as 0: the array pandas sums for `mean` and `var`.
    public private(set) var zeroFilled: [Double]
    /// Which entries of `zeroFilled` are missing; nil when none is.
    public private(set) var missing: [Bool]?
    /// How many values are present.
    public let count: Int

    public init(zeroFilled: [Double], missing: [Bool]?) {
        self.zeroFilled = zeroFilled
        self.missing = missing
        count = zeroFilled.count - (missing?.reduce(0) { $0 + ($1 ? 1 : 0) } ?? 0)
    }

    /// The present values, ascending.
    public func sortedValues() -> [Double] {
        var out: [Double]
        if let missing {
            out = []
            out.reserveCapacity(count)
            for (v, m) in zip(zeroFilled, missing) where !m { out.append(v) }
        } else {
            out = zeroFilled
        }
        out.sort()
        return out
    }

    /// pandas' `Series.mean()`: the pairwise sum of `zeroFilled` over `count`. Nil when empty.
    public func mean() -> Double? {
        count > 0 ? Statistics.pairwiseSum(zeroFilled) / Double(count) : nil
    }

    /// pandas' two-pass `Series.var(ddof:)`: squared deviations from the mean (missing as 0),
    /// summed pairwise, over `count − ddof`. Nil when `count ≤ ddof`.
    public func variance(ddof: Int) -> Double? {
        guard count > ddof, let avg = mean() else { return nil }
        var squares = zeroFilled.map { (avg - $0) * (avg - $0) }
        if let missing { for (i, m) in missing.enumerated() where m { squares[i] = 0 } }
        return Statistics.pairwiseSum(squares) / Double(count - ddof)
    }

    /// The square root of `variance(ddof:)`, as pandas' `Series.std(ddof:)`.
    public func standardDeviation(ddof: Int) -> Double? {
        variance(ddof: ddof).map { $0.squareRoot() }
    }
}

extension Column {
    /// Whether statistics such as mean and quantiles apply: integer, double, timestamp and date
    /// columns (the last two as their integer µs or days).
    public var isNumeric: Bool {
        switch values {
        case .int32, .int64, .double, .timestamp, .date: true
        case .bool, .string: false
        }
    }

    /// Whether row `i` is null, or NaN in a double column.
    @inlinable public func isMissing(_ i: Int) -> Bool {
        if let validity, !validity[i] { return true }
        if case .double(let v) = values { return v[i].isNaN }
        return false
    }

    /// The count of missing rows (nulls, and NaN in a double column).
    public var missingCount: Int {
        var n = 0
        for i in 0..<count where isMissing(i) { n += 1 }
        return n
    }

    /// Row `i` of a numeric column as a double (0 for a non-numeric column).
    @inlinable public func doubleValue(_ i: Int) -> Double {
        switch values {
        case .int32(let v), .date(let v): Double(v[i])
        case .int64(let v), .timestamp(let v): Double(v[i])
        case .double(let v): v[i]
        case .bool, .string: 0
        }
    }

    /// The values of `rows` (ascending row numbers; every row when nil) as a sample.
    public func numericSample(rows: [Int]? = nil) -> NumericSample {
        precondition(isNumeric, "numericSample of a \(type) column")
        let n = rows?.count ?? count
        var filled = [Double](repeating: 0, count: n)
        var missing: [Bool]? = nil
        for k in 0..<n {
            let i = rows?[k] ?? k
            if isMissing(i) {
                if missing == nil { missing = [Bool](repeating: false, count: n) }
                missing![k] = true
            } else {
                filled[k] = doubleValue(i)
            }
        }
        return NumericSample(zeroFilled: filled, missing: missing)
    }

    /// For each group, a row holding the group's most frequent present value, or nil when the
    /// group has none. Ties go to the smallest value (`compareRows` order), as pandas'
    /// `Series.mode()[0]`.
    ///
    /// `groups[i]` is row `i`'s group in `0 ..< groupCount`, or −1 to leave it out; rows where
    /// `include` is false are left out too.
    public func modeRows(groups: [Int32], groupCount: Int, include: [Bool]? = nil) -> [Int?] {
        precondition(groups.count == count, "one group id per row")
        // Distinct (group, value) pairs over the rows taken into account.
        var rows: [Int] = []
        rows.reserveCapacity(count)
        for i in 0..<count where groups[i] >= 0 && !isMissing(i) && (include?[i] ?? true) { rows.append(i) }
        let pairs = try! Frame(
            schema: Schema([Field("group", .int64, nullable: false), Field("value", type)]),
            columns: [Column(.int64(rows.map { Int64(groups[$0]) })), gather(rows)])
        let distinct = pairs.groups(byColumns: [0, 1])
        var tallies = [Int](repeating: 0, count: distinct.count)
        for g in distinct.ids { tallies[Int(g)] += 1 }
        var best = [Int?](repeating: nil, count: groupCount)
        var bestTally = [Int](repeating: 0, count: groupCount)
        for (d, first) in distinct.firstRows.enumerated() {
            let g = Int(groups[rows[first]])
            let row = rows[first]
            if let current = best[g] {
                let t = tallies[d]
                if t > bestTally[g] || (t == bestTally[g] && compareRows(row, current) < 0) {
                    best[g] = row
                    bestTally[g] = t
                }
            } else {
                best[g] = row
                bestTally[g] = tallies[d]
            }
        }
        return best
    }
}
