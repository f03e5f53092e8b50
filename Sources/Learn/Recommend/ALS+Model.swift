extension ALS {
    /// A fitted ALS model: one factor vector per training customer and per item.
    public struct Model: Recommender {
        /// Length of every factor vector.
        public let factors: Int
        /// `userFactors`: users × factors, row-major (row u is customer u of the training matrix).
        public let userFactors: [Double]
        /// `itemFactors`: items × factors, row-major.
        public let itemFactors: [Double]
        /// `λ` and `alpha` of the fit, needed to fold in a customer the model never saw.
        public let regularization: Double
        public let alpha: Double
        /// The training loss after each iteration (`implicit`'s normalised loss, see
        /// `ALS.trainingLoss`); empty for a model rebuilt from saved factors.
        public let trainingLoss: [Double]
        /// `YᵀY + λI` (factors × factors), shared by every fold-in.
        let regularisedItemGram: [Double]

        public var name: String { "als" }
        public let userCount: Int
        public let itemCount: Int

        public init(
            factors: Int, userFactors: [Double], itemFactors: [Double], regularization: Double, alpha: Double,
            trainingLoss: [Double] = []
        ) {
            precondition(factors >= 1, "ALS factors must be ≥ 1, got \(factors)")
            precondition(
                userFactors.count % factors == 0 && itemFactors.count % factors == 0,
                "ALS factor arrays must hold whole rows of \(factors) values")
            self.factors = factors
            self.userFactors = userFactors
            self.itemFactors = itemFactors
            self.regularization = regularization
            self.alpha = alpha
            self.trainingLoss = trainingLoss
            userCount = userFactors.count / factors
            itemCount = itemFactors.count / factors
            var gram = [Double](repeating: 0, count: factors * factors)
            if itemCount > 0 { DenseAlgebra.gram(rows: itemCount, n: factors, a: itemFactors, c: &gram) }
            for k in 0..<factors { gram[k * factors + k] += regularization }
            regularisedItemGram = gram
        }

        /// `x_uᵀ y_i` for every item, with `x_u` the fitted factors of `user` or, for a customer
        /// the model never saw, the factors folded in from `history`.
        public func scores(user: Int?, history: History, into scores: UnsafeMutableBufferPointer<Double>) {
            precondition(scores.count == itemCount, "scores needs \(itemCount) slots, got \(scores.count)")
            let x: [Double]
            if let user {
                precondition(user >= 0 && user < userCount, "user \(user) outside 0..<\(userCount)")
                x = Array(userFactors[user * factors..<(user + 1) * factors])
            } else {
                x = foldIn(history)
            }
            x.withUnsafeBufferPointer { xb in
                itemFactors.withUnsafeBufferPointer { ys in
                    for i in 0..<itemCount {
                        scores[i] = ALS.dot(xb.baseAddress!, ys.baseAddress! + i * factors, factors)
                    }
                }
            }
        }

        /// The history item j with the largest share `s_ij · c_uj` of `item`'s score, where
        /// `s_ij = y_iᵀ W y_j` and `W = (YᵀC_uY + λI)⁻¹` (Hu et al. 2008 §5): a customer's
        /// factors are `W Yᵀ C_u p(u)`, so the score of `i` is `Σ_j s_ij c_uj p_uj`. Ties go to the
        /// smaller item; nil when the history is empty or no item contributes positively.
        public func strongestContributor(user: Int?, history: History, item: Int) -> Int32? {
            // Items ascend, so a strict comparison keeps the smaller item on ties.
            var best: Int32?
            var bestShare = 0.0
            for (j, share) in zip(history.items, contributions(history: history, item: item)) where share > bestShare {
                best = j
                bestShare = share
            }
            return best
        }

        /// `s_ij · c_uj · p_uj` for each history item j (in history order): the shares that sum to
        /// the folded-in score of `item`.
        func contributions(history: History, item: Int) -> [Double] {
            precondition(item >= 0 && item < itemCount, "item \(item) outside 0..<\(itemCount)")
            guard history.count > 0 else { return [] }
            var system = [Double](repeating: 0, count: factors * factors)
            var weighted = [Double](repeating: 0, count: factors)
            ALS.buildSystem(
                gram: regularisedItemGram, fixed: itemFactors, factors: factors, alpha: alpha, items: history.items,
                strengths: history.strengths, matrix: &system, rightHandSide: &weighted)
            // W y_i, so that s_ij = (W y_i)ᵀ y_j (W is symmetric).
            weighted = Array(itemFactors[item * factors..<(item + 1) * factors])
            solveStabilised(&system, &weighted)
            return weighted.withUnsafeBufferPointer { w in
                itemFactors.withUnsafeBufferPointer { ys in
                    zip(history.items, history.strengths).map { j, s in
                        guard s > 0 else { return 0 }
                        return ALS.dot(w.baseAddress!, ys.baseAddress! + Int(j) * factors, factors) * (1 + alpha * s)
                    }
                }
            }
        }

        /// The factors of a customer with `history`, solved exactly against the fixed item
        /// factors: the user half-step's equation for one row.
        public func foldIn(_ history: History) -> [Double] {
            var system = [Double](repeating: 0, count: factors * factors)
            var x = [Double](repeating: 0, count: factors)
            ALS.buildSystem(
                gram: regularisedItemGram, fixed: itemFactors, factors: factors, alpha: alpha, items: history.items,
                strengths: history.strengths, matrix: &system, rightHandSide: &x)
            solveStabilised(&system, &x)
            return x
        }

        /// Solves the Cholesky system built by `buildSystem`; when it is singular (possible only
        /// with regularization 0), retries with a tiny ridge (1e-10 of the mean diagonal) rather
        /// than failing a scoring run for one customer.
        private func solveStabilised(_ system: inout [Double], _ rightHandSide: inout [Double]) {
            let saved = system
            let original = rightHandSide
            do throws(DenseAlgebra.Failure) {
                try DenseAlgebra.solvePositiveDefinite(n: factors, a: &system, b: &rightHandSide)
            } catch {
                system = saved
                rightHandSide = original
                var trace = 0.0
                for k in 0..<factors { trace += system[k * factors + k] }
                let ridge = 1e-10 * (trace / Double(factors) + 1)
                for k in 0..<factors { system[k * factors + k] += ridge }
                do throws(DenseAlgebra.Failure) {
                    try DenseAlgebra.solvePositiveDefinite(n: factors, a: &system, b: &rightHandSide)
                } catch {
                    rightHandSide = [Double](repeating: 0, count: factors)
                }
            }
        }
    }
}
