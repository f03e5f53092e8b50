import Foundation

/// Content-based recommendations: items whose descriptions (TF-IDF term weights) resemble what
/// the customer already bought, so new items nobody has bought yet can still be recommended.
public enum ContentRecommender {
    public struct Configuration: Sendable, Codable, Equatable {
        /// How an interaction's strength weighs its item in the customer's profile.
        public enum StrengthScaling: String, Sendable, Codable, CaseIterable {
            case linear
            /// `log(1 + strength)`: ten repeat purchases do not outweigh ten different items.
            case logarithmic
        }

        public var strengthScaling: StrengthScaling

        public init(strengthScaling: StrengthScaling = .linear) { self.strengthScaling = strengthScaling }

        enum CodingKeys: String, CodingKey {
            case strengthScaling = "strength_scaling"
        }

        /// Decodes from the keys present; absent ones keep the defaults of `init`.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            strengthScaling =
                try c.decodeIfPresent(StrengthScaling.self, forKey: .strengthScaling) ?? Self().strengthScaling
        }
    }

    /// Wraps `itemTerms` (items × terms, e.g. TF-IDF weights), L2-normalising each non-empty row.
    public static func fit(
        itemTerms: SparseMatrix, configuration: Configuration = Configuration()
    ) throws(RecommendConfigurationError) -> Model {
        var values = itemTerms.values
        for r in 0..<itemTerms.rows {
            let range = itemTerms.range(ofRow: r)
            var squares = 0.0
            for p in range { squares += values[p] * values[p] }
            try RecommendConfigurationError.require(
                squares.isFinite, "content item_terms row \(r)", "finite weights", squares)
            guard squares > 0 else { continue }
            let norm = squares.squareRoot()
            for p in range { values[p] /= norm }
        }
        let normalised = SparseMatrix(
            rows: itemTerms.rows, columns: itemTerms.columns, rowOffsets: itemTerms.rowOffsets,
            columnIndices: itemTerms.columnIndices, values: values)
        return Model(configuration: configuration, itemTerms: normalised)
    }

    /// A fitted content model: the normalised item vectors.
    public struct Model: Recommender {
        public let configuration: Configuration
        /// Items × terms: each row L2-normalised (or empty for an item with no description).
        public let itemTerms: SparseMatrix
        /// Terms × items: the inverted index scoring walks.
        private let termItems: SparseMatrix

        public init(configuration: Configuration, itemTerms: SparseMatrix) {
            self.configuration = configuration
            self.itemTerms = itemTerms
            termItems = itemTerms.transposed()
        }

        public var name: String { "content" }
        public var itemCount: Int { itemTerms.rows }

        /// The customer's profile: the weighted mean of their items' vectors, as ascending terms
        /// with weights. Items outside the catalogue are skipped.
        public func profile(history: History) -> (terms: [Int32], weights: [Double]) {
            var pairs: [(term: Int32, weight: Double)] = []
            var total = 0.0
            for (j, strength) in zip(history.items, history.strengths) where Int(j) < itemCount {
                let w = configuration.strengthScaling == .linear ? strength : log1p(strength)
                total += w
                for p in itemTerms.range(ofRow: Int(j)) {
                    pairs.append((itemTerms.columnIndices[p], w * itemTerms.values[p]))
                }
            }
            guard total != 0 else { return ([], []) }
            // Stable by term, so equal terms sum in history order.
            let order = pairs.indices.sorted {
                pairs[$0].term != pairs[$1].term ? pairs[$0].term < pairs[$1].term : $0 < $1
            }
            var terms: [Int32] = []
            var weights: [Double] = []
            for k in order {
                if let last = terms.last, last == pairs[k].term {
                    weights[weights.count - 1] += pairs[k].weight
                } else {
                    terms.append(pairs[k].term)
                    weights.append(pairs[k].weight)
                }
            }
            return (terms, weights.map { $0 / total })
        }

        /// `cosine(profile, item)`; items without a description, or every item when the profile is
        /// empty, get −∞; described items sharing no term get 0.
        public func scores(user: Int?, history: History, into scores: UnsafeMutableBufferPointer<Double>) {
            precondition(scores.count == itemCount, "scores must have \(itemCount) slots, got \(scores.count)")
            let (terms, weights) = profile(history: history)
            var squares = 0.0
            for w in weights { squares += w * w }
            guard squares > 0 else {
                scores.initialize(repeating: -.infinity)
                return
            }
            for i in 0..<itemCount {
                scores[i] = itemTerms.rowOffsets[i + 1] > itemTerms.rowOffsets[i] ? 0 : -.infinity
            }
            for (t, w) in zip(terms, weights) {
                for p in termItems.range(ofRow: Int(t)) {
                    scores[Int(termItems.columnIndices[p])] += w * termItems.values[p]
                }
            }
            let norm = squares.squareRoot()
            for i in 0..<itemCount where scores[i] != -.infinity { scores[i] /= norm }
        }

        /// The cosine of two items' (normalised) vectors.
        public func itemCosine(_ a: Int, _ b: Int) -> Double {
            let ra = itemTerms.range(ofRow: a)
            let rb = itemTerms.range(ofRow: b)
            var p = ra.lowerBound
            var q = rb.lowerBound
            var dot = 0.0
            while p < ra.upperBound && q < rb.upperBound {
                let tp = itemTerms.columnIndices[p]
                let tq = itemTerms.columnIndices[q]
                if tp == tq {
                    dot += itemTerms.values[p] * itemTerms.values[q]
                    p += 1
                    q += 1
                } else if tp < tq {
                    p += 1
                } else {
                    q += 1
                }
            }
            return dot
        }

        /// The history item with the largest cosine to `item` (ties to the smaller index), nil
        /// when none shares a term with it.
        public func strongestContributor(user: Int?, history: History, item: Int) -> Int32? {
            guard item < itemCount else { return nil }
            var best: Int32?
            var bestCosine = 0.0
            for j in history.items where Int(j) < itemCount {
                let c = itemCosine(Int(j), item)
                if c > bestCosine {
                    best = j
                    bestCosine = c
                }
            }
            return best
        }

        /// Up to `count` terms with the largest `profile(t)·item(t)`, largest first (ties to the
        /// smaller term), positive products only: the words a reason can quote.
        public func topSharedTerms(history: History, item: Int, count: Int) -> [Int32] {
            guard item < itemCount, count > 0 else { return [] }
            let (terms, weights) = profile(history: history)
            var heap = ScoredItemHeap(capacity: count)
            var p = 0
            for q in itemTerms.range(ofRow: item) {
                let t = itemTerms.columnIndices[q]
                while p < terms.count && terms[p] < t { p += 1 }
                guard p < terms.count, terms[p] == t else { continue }
                let product = weights[p] * itemTerms.values[q]
                if product > 0 { heap.offer(item: t, score: product) }
            }
            var chosen: [Int32] = []
            var products: [Double] = []
            heap.drainBestFirst(into: &chosen, &products)
            return chosen
        }
    }
}
