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
            var low = Double.infinity
            var high = -Double.infinity
            for s in scores where s.isFinite {
                low = min(low, s)
                high = max(high, s)
            }
            guard low <= high else { return }
            let range = high - low
            for i in scores.indices where scores[i].isFinite { scores[i] = range > 0 ? (scores[i] - low) / range : 1 }
        }

        /// `Σ_c weight_c·normalised_c(i)`, a component's −∞ counting as 0; −∞ only when every
        /// component has −∞ for the item.
        public func scores(user: Int?, history: History, into scores: UnsafeMutableBufferPointer<Double>) {
            precondition(scores.count == itemCount, "scores must have \(itemCount) slots, got \(scores.count)")
            scores.initialize(repeating: -.infinity)
            var component = [Double](repeating: 0, count: itemCount)
            for (model, weight) in zip(components, weights) {
                component.withUnsafeMutableBufferPointer { buffer in
                    model.scores(user: user, history: history, into: buffer)
                    Self.normalise(buffer)
                    for i in 0..<buffer.count where buffer[i] != -.infinity {
                        let contribution = weight * buffer[i]
                        scores[i] = scores[i] == -.infinity ? contribution : scores[i] + contribution
                    }
                }
            }
        }

        /// Asks the components in order of their weighted contribution to `item` (largest first,
        /// ties to the earlier component) and returns the first reason one gives.
        public func strongestContributor(user: Int?, history: History, item: Int) -> Int32? {
            guard item < itemCount else { return nil }
            var component = [Double](repeating: 0, count: itemCount)
            var contributions: [(component: Int, value: Double)] = []
            for (c, model) in components.enumerated() {
                component.withUnsafeMutableBufferPointer { buffer in
                    model.scores(user: user, history: history, into: buffer)
                    Self.normalise(buffer)
                }
                if component[item] != -.infinity { contributions.append((c, weights[c] * component[item])) }
            }
            contributions.sort { $0.value != $1.value ? $0.value > $1.value : $0.component < $1.component }
            for (c, _) in contributions {
                if let reason = components[c].strongestContributor(user: user, history: history, item: item) {
                    return reason
                }
            }
            return nil
        }
    }
}
