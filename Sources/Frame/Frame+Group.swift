/// Rows labelled by the distinct values of some key columns.
///
/// Group ids are dense and numbered in order of first appearance, so they are the same on
/// every run and thread count.
public struct RowGroups: Sendable, Equatable {
    /// The group of each row, in `0 ..< count`, or −1 for a row left out (a null key when
    /// nulls are not grouped).
    public var ids: [Int32]
    /// The first row of each group.
    public var firstRows: [Int]

    public var count: Int { firstRows.count }

    /// How many rows each group has.
    public func sizes() -> [Int] {
        var sizes = [Int](repeating: 0, count: count)
        for g in ids where g >= 0 { sizes[Int(g)] += 1 }
        return sizes
    }

    /// The rows of each group, grouped: the rows of group `g` are `rows[offsets[g] ..< offsets[g + 1]]`,
    /// ascending. Rows left out (id −1), and rows where `include` is false, are not listed.
    public func members(including include: [Bool]? = nil) -> (offsets: [Int], rows: [Int]) {
        var offsets = [Int](repeating: 0, count: count + 1)
        for (r, g) in ids.enumerated() where g >= 0 && (include?[r] ?? true) { offsets[Int(g) + 1] += 1 }
        for g in 0..<count { offsets[g + 1] += offsets[g] }
        var cursor = offsets
        var rows = [Int](repeating: 0, count: offsets[count])
        for (r, g) in ids.enumerated() where g >= 0 && (include?[r] ?? true) {
            rows[cursor[Int(g)]] = r
            cursor[Int(g)] += 1
        }
        return (offsets, rows)
    }
}

/// What grouping does with a row whose key has a null.
public enum NullKeyPolicy: Sendable {
    /// Nulls are a value like any other: rows with null keys group together (pandas `dropna=False`,
    /// and `drop_duplicates`).
    case group
    /// Rows with a null in any key column belong to no group (id −1), as pandas' `groupby` does.
    case exclude
}

extension Frame {
    /// Groups rows by the values of `names`, with a hash table over row hashes whose matches are
    /// confirmed by comparing values (so hash collisions never merge groups).
    public func groups(by names: [String], nulls: NullKeyPolicy = .group) throws(FrameError) -> RowGroups {
        groups(byColumns: try columnIndices(names), nulls: nulls)
    }

    /// `groups(by:)` over column positions.
    public func groups(byColumns keys: [Int], nulls: NullKeyPolicy = .group) -> RowGroups {
        let n = rowCount
        if keys.isEmpty {
            return RowGroups(ids: [Int32](repeating: 0, count: n), firstRows: n > 0 ? [0] : [])
        }
        precondition(n < Int(Int32.max), "grouping supports fewer than 2^31 rows")
        let hashes = rowHashes(columns: keys)
        var excluded: [Bool]? = nil
        if nulls == .exclude {
            for k in keys {
                guard let validity = columns[k].validity else { continue }
                if excluded == nil { excluded = [Bool](repeating: false, count: n) }
                for i in 0..<n where !validity[i] { excluded![i] = true }
            }
        }
        // Open addressing, linear probing; each slot packs the hash's top 32 bits with group + 1.
        var capacity = 16
        while capacity < n + n / 2 + 1 { capacity <<= 1 }
        let mask = capacity - 1
        var table = [UInt64](repeating: 0, count: capacity)
        var ids = [Int32](repeating: -1, count: n)
        var firstRows: [Int] = []
        table.withUnsafeMutableBufferPointer { slots in
            hashes.withUnsafeBufferPointer { h in
                for i in 0..<n {
                    if let excluded, excluded[i] { continue }
                    let hash = h[i]
                    let tag = hash & 0xFFFF_FFFF_0000_0000
                    var s = Int(truncatingIfNeeded: hash) & mask
                    while true {
                        let entry = slots[s]
                        if entry == 0 {
                            let g = firstRows.count
                            firstRows.append(i)
                            slots[s] = tag | UInt64(g + 1)
                            ids[i] = Int32(g)
                            break
                        }
                        if entry & 0xFFFF_FFFF_0000_0000 == tag {
                            let g = Int(entry & 0xFFFF_FFFF) - 1
                            let r = firstRows[g]
                            if h[r] == hash && rowsEqual(r, i, columns: keys) {
                                ids[i] = Int32(g)
                                break
                            }
                        }
                        s = (s + 1) & mask
                    }
                }
            }
        }
        return RowGroups(ids: ids, firstRows: firstRows)
    }
}
