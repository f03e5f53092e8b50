import Frame

/// Fixed row blocks for parallel passes whose partial results are reduced in block order.
///
/// The blocks depend only on the row count, never on the number of threads, so a sum combined
/// block by block is bit-identical on one core or two. At most 64 blocks keep per-block partial
/// states (k × features sums, Hessians) small.
enum RowBlocks {
    /// Contiguous ranges covering `0 ..< count`, each at least `minimumRows` long (except when
    /// `count` is smaller), at most 64 of them.
    static func ranges(count: Int, minimumRows: Int = 4096) -> [Range<Int>] {
        guard count > 0 else { return [] }
        let blocks = max(1, min(64, count / max(1, minimumRows)))
        return (0..<blocks).map { b in count * b / blocks..<count * (b + 1) / blocks }
    }

    /// `body(range)` for every block, in parallel; results in block order.
    static func map<T: Sendable>(
        count: Int, minimumRows: Int = 4096, _ body: @Sendable (Range<Int>) -> T
    ) -> [T] {
        let r = ranges(count: count, minimumRows: minimumRows)
        return ParallelWork.map(count: r.count) { body(r[$0]) }
    }
}

/// A buffer that parallel workers write at disjoint indices (each index by one worker only).
struct DisjointSlots<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    init(_ base: UnsafeMutablePointer<T>) { self.base = base }
    subscript(i: Int) -> T {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
}

/// A read-only pointer shared with parallel workers (the array outlives the parallel call).
struct SharedRows: @unchecked Sendable {
    let base: UnsafePointer<Double>
    init(_ base: UnsafePointer<Double>) { self.base = base }
}
