/// Customer-based nearest neighbours: an item is recommended for what the customers most like
/// this one bought, `score(u, i) = Σ_v sim(u, v)·strength(v, i)` over u's top neighbours v.
public enum UserKNN {
    public typealias Configuration = NeighbourhoodConfiguration

    /// Each customer's top neighbours among the rows of `interactions` (customers × items),
    /// re-weighted as configured (customers are the documents, items the terms).
    public static func fit(
        _ interactions: SparseMatrix, configuration: Configuration = Configuration()
    ) throws(RecommendConfigurationError) -> Model {
        try configuration.validate(model: "user_knn")
        let statistics = NeighbourSearch.WeightingStatistics(interactions)
        let weighted = NeighbourSearch.weighted(interactions, statistics: statistics, configuration: configuration)
        let neighbours = NeighbourSearch.allNeighbours(weighted, configuration: configuration)
        return Model(configuration: configuration, neighbours: neighbours, interactions: interactions)
    }

    /// A fitted user-kNN model: the neighbour lists and the training interactions they point
    /// into; the weighted copy for scoring unseen customers is derived again on load.
    public struct Model: Recommender {
        public let configuration: Configuration
        /// Customers × customers: row `u` holds u's neighbours (columns ascending) with
        /// `sim(u, v)` as the value.
        public let neighbours: SparseMatrix
        /// Customers × items: the training strengths neighbours' scores are made of.
        public let interactions: SparseMatrix
        private let statistics: NeighbourSearch.WeightingStatistics
        /// Items × customers, re-weighted: dot products of an unseen customer with every customer.
        private let weightedByItem: SparseMatrix
        /// Per training customer: Σ v² of their re-weighted row.
        private let magnitudes: [Double]

        public init(configuration: Configuration, neighbours: SparseMatrix, interactions: SparseMatrix) {
            precondition(
                neighbours.rows == interactions.rows && neighbours.columns == interactions.rows,
                "user neighbours must be customers × customers")
            self.configuration = configuration
            self.neighbours = neighbours
            self.interactions = interactions
            statistics = NeighbourSearch.WeightingStatistics(interactions)
            let weighted = NeighbourSearch.weighted(interactions, statistics: statistics, configuration: configuration)
            weightedByItem = weighted.transposed()
            magnitudes = NeighbourSearch.magnitudes(weighted)
        }

        public var name: String { "user_knn" }
        public var itemCount: Int { interactions.columns }

        /// The neighbours (ascending) and similarities of a customer: the fitted row for a known
        /// customer, otherwise searched now from `history` weighted like the training rows.
        public func neighbourList(user: Int?, history: History) -> (customers: [Int32], similarities: [Double]) {
            if let user, user < neighbours.rows {
                let r = neighbours.range(ofRow: user)
                return (Array(neighbours.columnIndices[r]), Array(neighbours.values[r]))
            }
            var weightedValues: [Double] = []
            NeighbourSearch.weightRow(
                features: history.items, strengths: history.strengths, statistics: statistics,
                configuration: configuration, into: &weightedValues)
            var scratch = NeighbourSearch.Scratch(entities: interactions.rows, neighbours: configuration.neighbours)
            var customers: [Int32] = []
            var similarities: [Double] = []
            NeighbourSearch.searchRow(
                features: history.items, values: weightedValues[...], selfEntity: nil, byFeature: weightedByItem,
                entityMagnitudes: magnitudes, configuration: configuration, scratch: &scratch,
                outEntities: &customers, outSimilarities: &similarities)
            return (customers, similarities)
        }

        /// Items none of the neighbours has stay at −∞.
        public func scores(user: Int?, history: History, into scores: UnsafeMutableBufferPointer<Double>) {
            precondition(scores.count == itemCount, "scores must have \(itemCount) slots, got \(scores.count)")
            scores.initialize(repeating: -.infinity)
            let (customers, similarities) = neighbourList(user: user, history: history)
            for (v, sim) in zip(customers, similarities) {
                for p in interactions.range(ofRow: Int(v)) {
                    let i = Int(interactions.columnIndices[p])
                    let contribution = sim * interactions.values[p]
                    scores[i] = scores[i] == -.infinity ? contribution : scores[i] + contribution
                }
            }
        }

        /// The history item that most often accompanies `item` among the neighbours: the `j`
        /// maximising Σ sim(u, v) over neighbours v who have both `j` and `item` (ties to the
        /// smaller index); nil when no neighbour has `item` together with any history item.
        public func strongestContributor(user: Int?, history: History, item: Int) -> Int32? {
            let (customers, similarities) = neighbourList(user: user, history: history)
            var support = [Double](repeating: 0, count: history.count)
            var found = false
            for (v, sim) in zip(customers, similarities) {
                let row = interactions.range(ofRow: Int(v))
                guard interactions.columnIndices[row].contains(Int32(item)) else { continue }
                // Merge v's ascending items with the ascending history.
                var p = row.lowerBound
                for (h, j) in history.items.enumerated() {
                    while p < row.upperBound && interactions.columnIndices[p] < j { p += 1 }
                    if p < row.upperBound && interactions.columnIndices[p] == j {
                        support[h] += sim
                        found = true
                    }
                }
            }
            guard found else { return nil }
            var best = 0
            for h in support.indices where support[h] > support[best] { best = h }
            return history.items[history.items.startIndex + best]
        }
    }
}
