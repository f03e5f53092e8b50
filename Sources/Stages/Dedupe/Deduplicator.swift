import Frame

/// Finds the duplicate rows of one frame: exact duplicates first, then key duplicates among
/// the rows left. Pure: no I/O.
///
/// Rows are compared through 64-bit row hashes whose matches are confirmed value by value, so
/// a hash collision never merges two different rows.
public struct Deduplicator: Sendable {
    public enum Rule: String, Sendable {
        case exactDuplicate = "exact_duplicate"
        case keyDuplicate = "key_duplicate"
    }

    /// One dropped row and the row that stays in its place.
    public struct Drop: Sendable, Equatable {
        public var row: Int
        public var keptRow: Int
        public var rule: Rule
    }

    public struct Result: Sendable {
        /// Whether each input row stays.
        public var keep: [Bool]
        /// Dropped rows, ascending.
        public var drops: [Drop]
        public var exactDuplicates: Int
        public var keyDuplicates: Int
    }

    public var exact: Bool
    /// Key columns (already resolved against the pipeline's declared key); empty for none.
    public var key: [String]
    public var keep: DedupeSettings.Keep
    public var orderBy: String?
    public var trim: Bool
    public var casefold: Bool

    public init(
        exact: Bool, key: [String], keep: DedupeSettings.Keep = .first, orderBy: String? = nil,
        trim: Bool = false, casefold: Bool = false
    ) {
        self.exact = exact
        self.key = key
        self.keep = keep
        self.orderBy = orderBy
        self.trim = trim
        self.casefold = casefold
    }

    /// The duplicates of `frame`. Throws `FrameError.unknownColumn` for a key or order column
    /// the frame lacks.
    public func run(_ frame: Frame) throws(FrameError) -> Result {
        let n = frame.rowCount
        var keepRow = [Bool](repeating: true, count: n)
        var keptAs = [Int](repeating: -1, count: n)
        var rule = [Rule?](repeating: nil, count: n)
        var exactCount = 0, keyCount = 0

        if exact {
            let groups = frame.groups(byColumns: Array(0..<frame.schema.count))
            for i in 0..<n {
                let first = groups.firstRows[Int(groups.ids[i])]
                if first != i {
                    keepRow[i] = false
                    keptAs[i] = first
                    rule[i] = .exactDuplicate
                    exactCount += 1
                }
            }
        }

        if !key.isEmpty {
            let keyIndices = try frame.columnIndices(key)
            let order = try orderBy.map { name throws(FrameError) in frame.columns[try frame.columnIndices([name])[0]] }
            var keyColumns: [Column] = []
            var keyFields: [Field] = []
            for i in keyIndices {
                var c = frame.columns[i]
                if case .string(let s) = c.values, trim || casefold {
                    c = Column(.string(s.normalized(trim: trim, casefold: casefold)), validity: c.validity)
                }
                keyColumns.append(c)
                keyFields.append(frame.schema.fields[i])
            }
            let keyFrame = try Frame(schema: Schema(keyFields), columns: keyColumns)
            let groups = keyFrame.groups(byColumns: Array(0..<keyColumns.count))
            // The surviving row of each key, among rows that are not exact duplicates.
            var best = [Int](repeating: -1, count: groups.count)
            for i in 0..<n where keepRow[i] {
                let g = Int(groups.ids[i])
                let current = best[g]
                if current < 0 {
                    best[g] = i
                    continue
                }
                if let order {
                    if order.isMissing(i) { continue }
                    if order.isMissing(current) {
                        best[g] = i
                        continue
                    }
                    let c = order.compareRows(i, current)
                    // Ties keep the earlier row for "first" and the later for "last".
                    if keep == .first ? c < 0 : c >= 0 { best[g] = i }
                } else if keep == .last {
                    best[g] = i
                }
            }
            for i in 0..<n where keepRow[i] {
                let b = best[Int(groups.ids[i])]
                if b != i {
                    keepRow[i] = false
                    keptAs[i] = b
                    rule[i] = .keyDuplicate
                    keyCount += 1
                }
            }
        }

        var drops: [Drop] = []
        drops.reserveCapacity(exactCount + keyCount)
        for i in 0..<n where !keepRow[i] { drops.append(Drop(row: i, keptRow: keptAs[i], rule: rule[i]!)) }
        return Result(keep: keepRow, drops: drops, exactDuplicates: exactCount, keyDuplicates: keyCount)
    }
}
