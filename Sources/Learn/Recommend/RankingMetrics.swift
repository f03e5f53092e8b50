import Foundation

/// Offline ranking quality of recommendations against held-out (test) interactions.
///
/// Averages are over the customers with at least one test item; the others cannot be judged.
/// Relevance is binary: a recommended item is a hit when it is among the customer's test items.
public enum RankingMetrics {
    /// The metrics at one cut-off K.
    public struct Result: Sendable, Equatable, Codable {
        public var k: Int
        /// Customers with at least one test item, over whom the means are taken.
        public var evaluatedCustomers: Int
        /// Mean of hits / K.
        public var precision: Double
        /// Mean of hits / |test|.
        public var recall: Double
        /// Mean of hits / min(K, |test|): 1 is reachable even with more test items than K
        /// (RecBole's and implicit's capped variant).
        public var cappedRecall: Double
        /// Σ hits / Σ min(K, |test|) over customers: exactly what `implicit.evaluation.
        /// ranking_metrics_at_k` reports as "precision".
        public var pooledCappedRecall: Double
        /// Mean NDCG: DCG with gain 1 / log2(rank + 1), over the ideal DCG of min(K, |test|) hits.
        public var ndcg: Double
        /// Share of customers with at least one hit.
        public var hitRate: Double
        /// Mean of AP = Σ_i precision@i · rel_i / min(K, |test|).
        public var meanAveragePrecision: Double
        /// Distinct items in the first K of every list (customers with or without test items),
        /// over the catalogue size.
        public var catalogueCoverage: Double

        public init(
            k: Int, evaluatedCustomers: Int, precision: Double, recall: Double, cappedRecall: Double,
            pooledCappedRecall: Double, ndcg: Double, hitRate: Double, meanAveragePrecision: Double,
            catalogueCoverage: Double
        ) {
            self.k = k
            self.evaluatedCustomers = evaluatedCustomers
            self.precision = precision
            self.recall = recall
            self.cappedRecall = cappedRecall
            self.pooledCappedRecall = pooledCappedRecall
            self.ndcg = ndcg
            self.hitRate = hitRate
            self.meanAveragePrecision = meanAveragePrecision
            self.catalogueCoverage = catalogueCoverage
        }
    }

    /// Metrics at each cut-off in `ks`. `relevant` row `p` holds position `p`'s test items
    /// (values ignored); `itemCount` is the catalogue size for coverage. With no customer to
    /// evaluate, the means are 0.
    public static func evaluate(
        recommendations: TopKSelection.Recommendations, relevant: SparseMatrix, itemCount: Int, ks: [Int] = [10]
    ) throws(RecommendConfigurationError) -> [Result] {
        typealias E = RecommendConfigurationError
        try E.requireShape(
            relevant.rows == recommendations.count, "ranking metrics relevant",
            "one row per recommended customer (\(recommendations.count))", relevant.rows)
        try E.require(itemCount >= 0, "ranking metrics item_count", "≥ 0", itemCount)
        for k in ks { try E.require(k >= 1, "ranking metrics k", "≥ 1", k) }
        // 1 / log2(rank + 1) for ranks 1 … max K, and its prefix sums (ideal DCGs).
        let maxK = ks.max() ?? 0
        let gains = (0..<maxK).map { 1 / log2(Double($0) + 2) }
        var idealDCG = [Double](repeating: 0, count: maxK + 1)
        for r in 0..<maxK { idealDCG[r + 1] = idealDCG[r] + gains[r] }

        return ks.map { k in
            var evaluated = 0
            var precision = 0.0
            var recall = 0.0
            var cappedRecall = 0.0
            var pooledHits = 0.0
            var pooledCap = 0.0
            var ndcg = 0.0
            var hitRate = 0.0
            var averagePrecision = 0.0
            var covered = [Bool](repeating: false, count: itemCount)
            var coveredCount = 0
            for p in 0..<recommendations.count {
                let list = recommendations.items(at: p).prefix(k)
                for i in list where Int(i) < itemCount && !covered[Int(i)] {
                    covered[Int(i)] = true
                    coveredCount += 1
                }
                let test = relevant.columnIndices[relevant.range(ofRow: p)]
                guard !test.isEmpty else { continue }
                evaluated += 1
                var hits = 0.0
                var dcg = 0.0
                var ap = 0.0
                for (rank, item) in list.enumerated() where contains(test, item) {
                    hits += 1
                    dcg += gains[rank]
                    ap += hits / Double(rank + 1)
                }
                let cap = Double(min(k, test.count))
                precision += hits / Double(k)
                recall += hits / Double(test.count)
                cappedRecall += hits / cap
                pooledHits += hits
                pooledCap += cap
                ndcg += dcg / idealDCG[min(k, test.count)]
                hitRate += hits > 0 ? 1 : 0
                averagePrecision += ap / cap
            }
            let n = Double(max(evaluated, 1))
            return Result(
                k: k, evaluatedCustomers: evaluated, precision: precision / n, recall: recall / n,
                cappedRecall: cappedRecall / n, pooledCappedRecall: pooledCap > 0 ? pooledHits / pooledCap : 0,
                ndcg: ndcg / n, hitRate: hitRate / n, meanAveragePrecision: averagePrecision / n,
                catalogueCoverage: itemCount > 0 ? Double(coveredCount) / Double(itemCount) : 0)
        }
    }

    /// Binary search in an ascending slice.
    private static func contains(_ sorted: ArraySlice<Int32>, _ value: Int32) -> Bool {
        var lo = sorted.startIndex
        var hi = sorted.endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo < sorted.endIndex && sorted[lo] == value
    }
}
