/// A weighted blend of several fitted recommenders, each component's scores min–max normalised
/// per customer first so a model with large raw scores (popularity counts) does not drown one with
/// small ones (cosines).
public enum HybridRecommender {
    public struct Configuration: Sendable, Codable, Equatable {
        /// One weight per component, each finite and ≥ 0, not all 0.
        public var weights: [Double]

        public init(weights: [Double]) { self.weights = weights }

        public func validate(componentCount: Int) throws(RecommendConfigurationError) {
            typealias E = RecommendConfigurationError
            try E.requireShape(
                weights.count == componentCount, "hybrid.weights", "one weight per component (\(componentCount))",
                weights.count)
            try E.require(componentCount >= 1, "hybrid components", "at least 1", componentCount)
            for (c, w) in weights.enumerated() {
                try E.require(w.isFinite && w >= 0, "hybrid.weights[\(c)]", "finite and ≥ 0", w)
            }
            try E.require(weights.contains { $0 > 0 }, "hybrid.weights", "not all 0", weights.description)
        }
    }

    /// Blends fitted `components`, which must all score the same catalogue.
    public static func fit(
        components: [any Recommender], configuration: Configuration
    ) throws(RecommendConfigurationError) -> Model {
        try configuration.validate(componentCount: components.count)
        for (c, component) in components.enumerated() {
            try RecommendConfigurationError.requireShape(
                component.itemCount == components[0].itemCount, "hybrid component \(c) (\(component.name))",
                "\(components[0].itemCount) items like component 0", component.itemCount)
        }
        return Model(components: components, weights: configuration.weights)
    }

    /// The fitted blend: its components (each saved on its own) and their weights.
    public struct Model: Recommender {
        public let components: [any Recommender]
        /// One weight per component.
        public let weights: [Double]

        public init(components: [any Recommender], weights: [Double]) {
            precondition(!components.isEmpty && components.count == weights.count, "one weight per component")
            self.components = components
            self.weights = weights
        }

        public var name: String { "hybrid" }
        public var itemCount: Int { components[0].itemCount }

        /// Maps a component's finite scores onto [0, 1] by min–max (all 1 when they are equal);
        /// −∞ stays −∞.
        public static func normalise(_ scores: UnsafeMutableBufferPointer<Double>) {
            let (low, high) = finiteRange(scores)
            guard low <= high else { return }
            let range = high - low
            for i in scores.indices where scores[i].isFinite { scores[i] = range > 0 ? (scores[i] - low) / range : 1 }
        }

        /// The smallest and largest finite score (∞, −∞ when there is none).
        static func finiteRange(_ scores: UnsafeMutableBufferPointer<Double>) -> (low: Double, high: Double) {
            var low = Double.infinity
            var high = -Double.infinity
            for s in scores where s.isFinite {
                low = min(low, s)
                high = max(high, s)
            }
            return (low, high)
        }

        /// `Σ_c weight_c·normalised_c(i)`, a component's −∞ counting as 0; −∞ only when every
        /// component has −∞ for the item.
        public func scores(user: Int?, history: History, into scores: UnsafeMutableBufferPointer<Double>) {
            precondition(scores.count == itemCount, "scores must have \(itemCount) slots, got \(scores.count)")
            self.scores(users: [user], histories: [history], into: scores)
        }

        /// The blend for a batch: each component scores the whole batch at once (so ALS's batch is
        /// one matrix product), then each row is normalised and added.
        public func scores(users: [Int?], histories: [History], into scores: UnsafeMutableBufferPointer<Double>) {
            let n = itemCount
            precondition(scores.count == histories.count * n, "scores must have rows × \(n) slots")
            scores.initialize(repeating: -.infinity)
            var component = [Double](repeating: 0, count: scores.count)
            for (model, weight) in zip(components, weights) {
                component.withUnsafeMutableBufferPointer { buffer in
                    model.scores(users: users, histories: histories, into: buffer)
                    for r in histories.indices {
                        Self.addNormalised(
                            UnsafeMutableBufferPointer(rebasing: buffer[r * n..<(r + 1) * n]), weight: weight,
                            into: scores.baseAddress! + r * n)
                    }
                }
            }
        }

        /// `normalise` and the weighted sum in one pass over the row: `blend[i] += weight ·
        /// normalised(i)` where the component scores `i`, −∞ in `blend` taking the value.
        static func addNormalised(
            _ row: UnsafeMutableBufferPointer<Double>, weight: Double, into blend: UnsafeMutablePointer<Double>
        ) {
            let (low, high) = finiteRange(row)
            let range = high - low
            for i in row.indices where row[i] != -.infinity {
                let value = row[i].isFinite ? (range > 0 ? (row[i] - low) / range : 1) : row[i]
                let contribution = weight * value
                blend[i] = blend[i] == -.infinity ? contribution : blend[i] + contribution
            }
        }

        /// Asks the components in order of their weighted contribution to `item` (largest first,
        /// ties to the earlier component) and returns the first reason one gives.
        public func strongestContributor(user: Int?, history: History, item: Int) -> Int32? {
            guard item < itemCount else { return nil }
            return strongestContributors(user: user, history: history, items: [Int32(item)])[0]
        }

        public func strongestContributors(user: Int?, history: History, items: [Int32]) -> [Int32?] {
            strongestContributors(users: [user], histories: [history], items: [items])[0]
        }

        /// `strongestContributor` for several items of each of a batch of customers: each
        /// component scores the batch once, and each component is asked about all the items it
        /// should explain for a customer in one call.
        public func strongestContributors(users: [Int?], histories: [History], items: [[Int32]]) -> [[Int32?]] {
            precondition(users.count == histories.count && items.count == histories.count, "one entry per customer")
            let n = itemCount
            let rows = histories.count
            var normalised: [[Double]] = []
            for model in components {
                var buffer = [Double](repeating: 0, count: rows * n)
                buffer.withUnsafeMutableBufferPointer { b in
                    model.scores(users: users, histories: histories, into: b)
                    for r in 0..<rows { Self.normalise(UnsafeMutableBufferPointer(rebasing: b[r * n..<(r + 1) * n])) }
                }
                normalised.append(buffer)
            }
            return (0..<rows).map { r in
                let wanted = items[r]
                // Per item, the components in the order they are asked.
                let order: [[Int]] = wanted.map { item in
                    guard Int(item) < n else { return [] }
                    var contributions: [(component: Int, value: Double)] = []
                    for c in components.indices where normalised[c][r * n + Int(item)] != -.infinity {
                        contributions.append((c, weights[c] * normalised[c][r * n + Int(item)]))
                    }
                    contributions.sort { $0.value != $1.value ? $0.value > $1.value : $0.component < $1.component }
                    return contributions.map(\.component)
                }
                var answer = [Int32?](repeating: nil, count: wanted.count)
                var open = Array(wanted.indices)
                var step = 0
                // Round `step` asks each unanswered item's step-th component; a component is
                // asked once per round about all its items.
                while !open.isEmpty {
                    var asked: [Int: [Int]] = [:]
                    for position in open where step < order[position].count {
                        asked[order[position][step], default: []].append(position)
                    }
                    if asked.isEmpty { break }
                    for c in asked.keys.sorted() {
                        let positions = asked[c]!
                        let found = components[c].strongestContributors(
                            user: users[r], history: histories[r], items: positions.map { wanted[$0] })
                        for (position, reason) in zip(positions, found) { answer[position] = reason }
                    }
                    open = open.filter { answer[$0] == nil }
                    step += 1
                }
                return answer
            }
        }
    }
}
