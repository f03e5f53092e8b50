extension EASE {
    /// A fitted EASE model: the item–item weight matrix.
    public struct Model: Recommender {
        public let itemCount: Int
        /// `weights`: items × items, row-major; `weights[j * itemCount + i]` is `B[j, i]`, how much
        /// having item j in a history adds to item i's score (zero diagonal).
        public let weights: [Double]
        /// Whether histories are binarised (1 for strength > 0, else 0) before scoring, as in the fit.
        public let binary: Bool

        public var name: String { "ease" }

        public init(itemCount: Int, weights: [Double], binary: Bool) {
            precondition(
                weights.count == itemCount * itemCount,
                "EASE weights must hold \(itemCount)² = \(itemCount * itemCount) values, got \(weights.count)")
            self.itemCount = itemCount
            self.weights = weights
            self.binary = binary
        }

        /// `Σ_j x_j · B[j, i]` for every item i, with `x_j` the history's (possibly binarised)
        /// strengths: the history's row of `X · B`. Customer identity plays no part.
        public func scores(user: Int?, history: History, into scores: UnsafeMutableBufferPointer<Double>) {
            precondition(scores.count == itemCount, "scores needs \(itemCount) slots, got \(scores.count)")
            let n = itemCount
            guard let out = scores.baseAddress else { return }
            out.update(repeating: 0, count: n)
            weights.withUnsafeBufferPointer { b in
                for (j, s) in zip(history.items, history.strengths) {
                    let x = strength(s)
                    if x == 0 { continue }
                    let row = b.baseAddress! + Int(j) * n
                    for i in 0..<n { out[i] += x * row[i] }
                }
            }
        }

        /// The history item j with the largest `x_j · B[j, item]`, its exact share of the score;
        /// ties go to the smaller item, nil when no item adds positively.
        public func strongestContributor(user: Int?, history: History, item: Int) -> Int32? {
            precondition(item >= 0 && item < itemCount, "item \(item) outside 0..<\(itemCount)")
            var best: Int32?
            var bestShare = 0.0
            for (j, s) in zip(history.items, history.strengths) {
                let share = strength(s) * weights[Int(j) * itemCount + item]
                if share > bestShare {
                    best = j
                    bestShare = share
                }
            }
            return best
        }

        @inline(__always) private func strength(_ s: Double) -> Double { binary ? (s > 0 ? 1 : 0) : s }
    }
}
