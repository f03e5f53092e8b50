import Foundation

/// Density-based clustering (DBSCAN) with the labels scikit-learn's `DBSCAN` gives.
///
/// A row is a core point when at least `minSamples` rows (itself included) lie within `eps`
/// (Euclidean, inclusive). Clusters are grown from core points in row order: the first
/// unlabelled core row starts cluster 0, and the cluster takes every row reachable through core
/// rows before the next cluster starts, so a border row reachable from two clusters joins the
/// lower-numbered one, exactly as scikit-learn's `dbscan_inner`. Rows in no cluster are noise, −1.
/// Neighbourhoods come from a k-d tree, counted in parallel over rows; no all-pairs matrix is built.
public struct DBSCAN: Sendable {
    /// Hyperparameters; `validate()` checks them.
    public struct Configuration: Codable, Sendable, Equatable {
        /// The neighbourhood radius (Euclidean distance, inclusive), > 0.
        public var eps: Double
        /// Rows within `eps` (the row itself counted) that make a core point, ≥ 1.
        public var minSamples: Int
        /// Above this many clustered rows, the reported silhouette is computed on a seeded sample
        /// of this size (the exact silhouette is O(rows²)).
        public var silhouetteSampleSize: Int

        public init(eps: Double = 0.5, minSamples: Int = 5, silhouetteSampleSize: Int = 10_000) {
            self.eps = eps
            self.minSamples = minSamples
            self.silhouetteSampleSize = silhouetteSampleSize
        }

        public func validate() throws(EstimatorParameterError) {
            if !(eps > 0) || !eps.isFinite { throw Self.error("eps", "a finite number > 0", "\(eps)") }
            if minSamples < 1 { throw Self.error("minSamples", "≥ 1", "\(minSamples)") }
            if silhouetteSampleSize < 2 {
                throw Self.error("silhouetteSampleSize", "≥ 2", "\(silhouetteSampleSize)")
            }
        }

        static func error(_ parameter: String, _ expected: String, _ got: String) -> EstimatorParameterError {
            EstimatorParameterError(estimator: "DBSCAN", parameter: parameter, expected: expected, got: got)
        }
    }

    /// The clustering of the fitted rows.
    public struct Model: Sendable, Equatable {
        /// One label per row: the cluster 0 ..< clusterCount, or −1 for noise.
        public var labels: [Int32]
        /// One flag per row: whether the row is a core point.
        public var isCore: [Bool]
        /// The number of clusters.
        public var clusterCount: Int
        /// The share of rows labelled noise, in [0, 1].
        public var noiseShare: Double
        /// The silhouette of the clustered (non-noise) rows, or nil when they form fewer than two
        /// clusters or every clustered row is its own cluster.
        public var silhouette: Double?

        public init(labels: [Int32], isCore: [Bool], clusterCount: Int, noiseShare: Double, silhouette: Double?) {
            self.labels = labels
            self.isCore = isCore
            self.clusterCount = clusterCount
            self.noiseShare = noiseShare
            self.silhouette = silhouette
        }
    }

    public var configuration: Configuration

    public init(_ configuration: Configuration) { self.configuration = configuration }

    /// Clusters the rows of `data`; `seed` draws the silhouette sample on large data.
    public func fit(_ data: FeatureMatrix, seed: UInt64) throws(EstimatorParameterError) -> Model {
        try configuration.validate()
        guard data.values.allSatisfy(\.isFinite) else {
            throw Configuration.error("data", "finite values", "NaN or infinity")
        }
        let n = data.rows
        let d = data.columns
        let tree = KDTree(data)
        let radiusSquared = configuration.eps * configuration.eps
        let minSamples = configuration.minSamples
        // One radius query per point, in parallel over fixed blocks, keeping each neighbourhood
        // (tree order) so the expansion below walks lists instead of querying again: memory is
        // the total neighbourhood size, as in scikit-learn, never all pairs.
        let blocks = data.values.withUnsafeBufferPointer { x in
            let rows = SharedRows(x.baseAddress!)
            return RowBlocks.map(count: n, minimumRows: 1024) { range -> (counts: [Int], neighbours: [Int32]) in
                var stack = [Int32]()
                var counts = [Int]()
                counts.reserveCapacity(range.count)
                var neighbours = [Int32]()
                for i in range {
                    let before = neighbours.count
                    tree.forEachNeighbour(of: rows.base + i * d, radiusSquared: radiusSquared, stack: &stack) { j in
                        neighbours.append(Int32(j))
                    }
                    counts.append(neighbours.count - before)
                }
                return (counts, neighbours)
            }
        }
        var offsets = [Int](repeating: 0, count: n + 1)
        var neighbours = [Int32]()
        neighbours.reserveCapacity(blocks.reduce(0) { $0 + $1.neighbours.count })
        var row = 0
        for block in blocks {
            for c in block.counts {
                offsets[row + 1] = offsets[row] + c
                row += 1
            }
            neighbours.append(contentsOf: block.neighbours)
        }
        let isCore = (0..<n).map { offsets[$0 + 1] - offsets[$0] >= minSamples }
        var labels = [Int32](repeating: -1, count: n)
        var clusterCount: Int32 = 0
        var pending = [Int]()
        for seedRow in 0..<n where labels[seedRow] == -1 && isCore[seedRow] {
            pending.append(seedRow)
            while let i = pending.popLast() {
                if labels[i] != -1 { continue }
                labels[i] = clusterCount
                guard isCore[i] else { continue }
                for q in offsets[i]..<offsets[i + 1] where labels[Int(neighbours[q])] == -1 {
                    pending.append(Int(neighbours[q]))
                }
            }
            clusterCount += 1
        }
        let clustered = (0..<n).filter { labels[$0] >= 0 }
        let noiseShare = n == 0 ? 0 : Double(n - clustered.count) / Double(n)
        var silhouette: Double?
        if clusterCount >= 2 && Int(clusterCount) <= clustered.count - 1 {
            let subset = data.gatheringRows(clustered)
            let subsetLabels = clustered.map { labels[$0] }
            silhouette = try ClusterMetrics.silhouette(
                subset, labels: subsetLabels, sampleSize: configuration.silhouetteSampleSize, seed: seed)
        }
        return Model(
            labels: labels, isCore: isCore, clusterCount: Int(clusterCount), noiseShare: noiseShare,
            silhouette: silhouette)
    }
}
