/// A k-d tree over the rows of a `FeatureMatrix`, for Euclidean radius queries that never
/// compare all pairs.
///
/// Nodes split the widest dimension of their bounding box at the median until a leaf holds at most
/// `leafSize` rows. The rows are copied in tree order so a leaf's points are contiguous; every node
/// keeps its bounding box, and a query visits a node only when the box is within the radius.
/// Everything is flat arrays, built once; queries allocate nothing (the caller owns the stack).
struct KDTree: Sendable {
    let features: Int
    /// The original row of each point, in tree order.
    let order: [Int32]
    /// points × features, in tree order.
    let points: [Double]
    /// Per node: the range `nodeStart[i] ..< nodeEnd[i]` of tree-order points.
    let nodeStart: [Int32]
    let nodeEnd: [Int32]
    /// Per node: the left child (the right one is `left + 1`), or −1 for a leaf.
    let nodeLeft: [Int32]
    /// nodes × features: the bounding boxes.
    let lower: [Double]
    let upper: [Double]

    init(_ data: FeatureMatrix, leafSize: Int = 32) {
        let n = data.rows
        let d = data.columns
        features = d
        var order = (0..<n).map { Int32($0) }
        var starts: [Int32] = [0]
        var ends: [Int32] = [Int32(n)]
        var lefts: [Int32] = [-1]
        var lower = [Double]()
        var upper = [Double]()
        var node = 0
        let x = data.values
        while node < starts.count {
            let s = Int(starts[node])
            let e = Int(ends[node])
            var lo = [Double](repeating: .infinity, count: d)
            var hi = [Double](repeating: -.infinity, count: d)
            for p in s..<e {
                let r = Int(order[p])
                for f in 0..<d {
                    lo[f] = min(lo[f], x[r * d + f])
                    hi[f] = max(hi[f], x[r * d + f])
                }
            }
            lower.append(contentsOf: lo)
            upper.append(contentsOf: hi)
            var widest = 0
            for f in 0..<d where hi[f] - lo[f] > hi[widest] - lo[widest] { widest = f }
            if e - s > leafSize && d > 0 && hi[widest] > lo[widest] {
                let f = widest
                order[s..<e].sort {
                    x[Int($0) * d + f] < x[Int($1) * d + f] || (x[Int($0) * d + f] == x[Int($1) * d + f] && $0 < $1)
                }
                let mid = (s + e) / 2
                lefts[node] = Int32(starts.count)
                starts.append(Int32(s))
                ends.append(Int32(mid))
                lefts.append(-1)
                starts.append(Int32(mid))
                ends.append(Int32(e))
                lefts.append(-1)
            }
            node += 1
        }
        var points = [Double](repeating: 0, count: n * d)
        for p in 0..<n {
            let r = Int(order[p])
            for f in 0..<d { points[p * d + f] = x[r * d + f] }
        }
        self.order = order
        self.points = points
        nodeStart = starts
        nodeEnd = ends
        nodeLeft = lefts
        self.lower = lower
        self.upper = upper
    }

    /// Calls `body(row)` for every row within `radiusSquared` (inclusive) of `query`, in tree order.
    /// `stack` is scratch space owned by the caller, reused between queries.
    func forEachNeighbour(
        of query: UnsafePointer<Double>, radiusSquared: Double, stack: inout [Int32], _ body: (Int) -> Void
    ) {
        let d = features
        stack.removeAll(keepingCapacity: true)
        stack.append(0)
        points.withUnsafeBufferPointer { pts in
            lower.withUnsafeBufferPointer { lo in
                upper.withUnsafeBufferPointer { hi in
                    while let node32 = stack.popLast() {
                        let node = Int(node32)
                        var gap = 0.0
                        for f in 0..<d {
                            let q = query[f]
                            let below = lo[node * d + f] - q
                            let above = q - hi[node * d + f]
                            let t = max(0, max(below, above))
                            gap += t * t
                        }
                        if gap > radiusSquared { continue }
                        let left = nodeLeft[node]
                        if left >= 0 {
                            stack.append(left + 1)
                            stack.append(left)
                            continue
                        }
                        for p in Int(nodeStart[node])..<Int(nodeEnd[node]) {
                            var s = 0.0
                            let xp = pts.baseAddress! + p * d
                            for f in 0..<d {
                                let t = xp[f] - query[f]
                                s += t * t
                            }
                            if s <= radiusSquared { body(Int(order[p])) }
                        }
                    }
                }
            }
        }
    }
}
