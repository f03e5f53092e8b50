extension KMeans {
    /// The fit for one candidate k during `selectK`.
    public struct Candidate: Sendable, Equatable {
        /// The number of clusters.
        public var clusters: Int
        /// The best inertia over the restarts.
        public var inertia: Double
        /// The silhouette of the fitted labels (sampled above `silhouetteSampleSize` rows).
        public var silhouette: Double
        /// The fitted model.
        public var model: Model
    }

    /// Fits every k in `range` (each k ≥ 2, below the row count) with `configuration`'s other
    /// settings and returns all candidates plus the index of the one with the highest silhouette
    /// (the smallest k on a tie).
    ///
    /// Each k's restarts derive from `SeededRandom(seed:).derived(k)`, so adding a k to the range
    /// does not change the others' results. The silhouette uses a seeded sample of
    /// `silhouetteSampleSize` rows when the data has more, since the exact one is O(rows²).
    public static func selectK(
        range: ClosedRange<Int>, data: FeatureMatrix, configuration: Configuration,
        silhouetteSampleSize: Int = 10_000, seed: UInt64
    ) throws(EstimatorParameterError) -> (candidates: [Candidate], best: Int) {
        guard range.lowerBound >= 2 else {
            throw Configuration.error("range", "k ≥ 2 (the silhouette needs two clusters)", "\(range)")
        }
        guard range.upperBound < data.rows else {
            throw Configuration.error("range", "k < rows (\(data.rows))", "\(range)")
        }
        let root = SeededRandom(seed: seed)
        var candidates = [Candidate]()
        for k in range {
            var settings = configuration
            settings.clusters = k
            var fitRandom = root.derived(k)
            var sampleRandom = root.derived(-k)
            let model = try KMeans(settings).fit(data, seed: fitRandom.next())
            let labels = model.assign(data)
            let silhouette: Double
            do {
                silhouette = try ClusterMetrics.silhouette(
                    data, labels: labels, sampleSize: silhouetteSampleSize, seed: sampleRandom.next())
            } catch {
                // Fewer distinct labels than 2 (all rows identical): the silhouette is undefined.
                silhouette = -1
            }
            candidates.append(Candidate(clusters: k, inertia: model.inertia, silhouette: silhouette, model: model))
        }
        var best = 0
        for (i, c) in candidates.enumerated() where c.silhouette > candidates[best].silhouette { best = i }
        return (candidates, best)
    }
}
