extension DBSCAN {
    /// The cluster of each row of `data` under a fitted clustering given by its core points: the
    /// lowest label among `cores` within `eps` (Euclidean, inclusive), or −1 (noise) when none.
    ///
    /// This is the label DBSCAN gives a border point (the first cluster grown that reaches it is
    /// the lowest-numbered), and a core point's own, so the rows of the fit get their labels back;
    /// new rows are placed as they would be were they border points. A k-d tree over the cores
    /// keeps it far from all pairs; rows are split over both cores in fixed blocks.
    ///
    /// `cores`: core points × features; `coreLabels`: one label ≥ 0 per core point.
    public static func assign(_ data: FeatureMatrix, cores: FeatureMatrix, coreLabels: [Int32], eps: Double) -> [Int32]
    {
        precondition(coreLabels.count == cores.rows, "one label per core point")
        precondition(data.columns == cores.columns, "data has \(data.columns) features, the cores \(cores.columns)")
        guard cores.rows > 0 else { return [Int32](repeating: -1, count: data.rows) }
        let tree = KDTree(cores)
        let radiusSquared = eps * eps
        let d = data.columns
        let parts = data.values.withUnsafeBufferPointer { x in
            let rows = SharedRows(x.baseAddress!)
            return RowBlocks.map(count: data.rows, minimumRows: 1024) { range in
                var stack = [Int32]()
                var out = [Int32]()
                out.reserveCapacity(range.count)
                for i in range {
                    var best: Int32 = -1
                    tree.forEachNeighbour(of: rows.base + i * d, radiusSquared: radiusSquared, stack: &stack) { p in
                        if best < 0 || coreLabels[p] < best { best = coreLabels[p] }
                    }
                    out.append(best)
                }
                return out
            }
        }
        return parts.flatMap { $0 }
    }
}
