/// One column of a sort order.
public struct SortKey: Sendable, Equatable {
    public var column: String
    public var descending: Bool

    public init(_ column: String, descending: Bool = false) {
        self.column = column
        self.descending = descending
    }
}

extension Column {
    /// Compares the values of rows `i` and `j`: negative, zero or positive. Nulls (and NaN)
    /// compare after every value whatever the direction, as pandas' `na_position='last'`;
    /// strings compare by UTF-8 bytes, which is Unicode code point order.
    public func compareRows(_ i: Int, _ j: Int, descending: Bool = false) -> Int {
        let ni = isNull(i) || isNaN(i), nj = isNull(j) || isNaN(j)
        if ni || nj { return ni == nj ? 0 : (ni ? 1 : -1) }
        let c: Int
        switch values {
        case .int32(let v), .date(let v): c = v[i] < v[j] ? -1 : (v[i] == v[j] ? 0 : 1)
        case .int64(let v), .timestamp(let v): c = v[i] < v[j] ? -1 : (v[i] == v[j] ? 0 : 1)
        case .double(let v): c = v[i] < v[j] ? -1 : (v[i] == v[j] ? 0 : 1)
        case .bool(let v): c = v[i] == v[j] ? 0 : (v[i] ? 1 : -1)
        case .string(let s):
            c = s.bytes.withUnsafeBufferPointer { b in
                let x = b[s.range(i)], y = b[s.range(j)]
                if x.elementsEqual(y) { return 0 }
                return x.lexicographicallyPrecedes(y) ? -1 : 1
            }
        }
        return descending ? -c : c
    }

    /// Whether row `i` holds a NaN double.
    @inlinable public func isNaN(_ i: Int) -> Bool {
        if case .double(let v) = values { return v[i].isNaN }
        return false
    }
}

extension Frame {
    /// The row order that sorts the frame by `keys`: stable (equal rows keep their input order),
    /// nulls and NaN last in every key.
    public func sortedRowIndices(by keys: [SortKey]) throws(FrameError) -> [Int] {
        let cols = try columnIndices(keys.map(\.column)).map { columns[$0] }
        let directions = keys.map(\.descending)
        var order = Array(0..<rowCount)
        // Single numeric key without nulls: sort (value, row) pairs, much faster than the comparator.
        if cols.count == 1, cols[0].validity == nil, case .int64(let v) = cols[0].values {
            let d = directions[0]
            var pairs = (0..<rowCount).map { (v[$0], $0) }
            pairs.sort { a, b in a.0 != b.0 ? (d ? a.0 > b.0 : a.0 < b.0) : a.1 < b.1 }
            return pairs.map(\.1)
        }
        order.sort { a, b in
            for (c, d) in zip(cols, directions) {
                let r = c.compareRows(a, b, descending: d)
                if r != 0 { return r < 0 }
            }
            return a < b
        }
        return order
    }

    /// The frame sorted by `keys` (see `sortedRowIndices`).
    public func sorted(by keys: [SortKey]) throws(FrameError) -> Frame {
        gather(try sortedRowIndices(by: keys))
    }
}
