/// Item-based nearest neighbours: an item is recommended for the items in a customer's history
/// that resemble it, as `implicit`'s `ItemItemRecommender` (`user_items @ similarity`).
public enum ItemKNN {
    public typealias Configuration = NeighbourhoodConfiguration

    /// Each item's top neighbours, from the items × customers matrix (the transpose of
    /// `interactions`, customers × items), re-weighted as configured.
    public static func fit(
        _ interactions: SparseMatrix, configuration: Configuration = Configuration()
    ) throws(RecommendConfigurationError) -> Model {
        try configuration.validate(model: "item_knn")
        let items = interactions.transposed()
        let statistics = NeighbourSearch.WeightingStatistics(items)
        let weighted = NeighbourSearch.weighted(items, statistics: statistics, configuration: configuration)
        return Model(neighbours: NeighbourSearch.allNeighbours(weighted, configuration: configuration))
    }

    /// A fitted item-kNN model: the neighbour lists alone.
    public struct Model: Recommender, Equatable {
        /// Items × items: row `j` holds item `j`'s neighbours (columns ascending) and the
        /// similarity `sim(j, column)` as the value.
        public let neighbours: SparseMatrix

        public init(neighbours: SparseMatrix) {
            precondition(neighbours.rows == neighbours.columns, "item neighbours must be items × items")
            self.neighbours = neighbours
        }

        public var name: String { "item_knn" }
        public var itemCount: Int { neighbours.rows }

        /// `score(i) = Σ_j strength(j)·sim(j, i)` over history items `j` listing `i` as a
        /// neighbour; items no history item lists stay at −∞. History items outside the
        /// catalogue the model knows (added since fitting) are skipped.
        public func scores(user: Int?, history: History, into scores: UnsafeMutableBufferPointer<Double>) {
            precondition(scores.count == itemCount, "scores must have \(itemCount) slots, got \(scores.count)")
            scores.initialize(repeating: -.infinity)
            let n = itemCount
            neighbours.columnIndices.withUnsafeBufferPointer { columns in
                neighbours.values.withUnsafeBufferPointer { similarities in
                    for (j, strength) in zip(history.items, history.strengths) where Int(j) < n {
                        for p in neighbours.range(ofRow: Int(j)) {
                            let i = Int(columns[p])
                            let contribution = strength * similarities[p]
                            scores[i] = scores[i] == -.infinity ? contribution : scores[i] + contribution
                        }
                    }
                }
            }
        }

        /// The history item `j` maximising `strength(j)·sim(j, item)` (ties to the smaller index),
        /// nil when no history item lists `item` as a neighbour.
        public func strongestContributor(user: Int?, history: History, item: Int) -> Int32? {
            var best: Int32?
            var bestValue = -Double.infinity
            for (j, strength) in zip(history.items, history.strengths) where Int(j) < itemCount {
                let range = neighbours.range(ofRow: Int(j))
                guard let p = neighbours.columnIndices[range].firstIndex(of: Int32(item)) else { continue }
                let value = strength * neighbours.values[p]
                if best == nil || value > bestValue {
                    best = j
                    bestValue = value
                }
            }
            return best
        }
    }
}
