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
            self.scores(users: [user], histories: [history], into: scores)
        }

        /// The batch as one matrix product `X Yᵀ` (customers × items), `X` holding each
        /// customer's fitted or folded-in factors: the item factors are read once per batch, not
        /// once per customer.
        public func scores(users: [Int?], histories: [History], into scores: UnsafeMutableBufferPointer<Double>) {
            precondition(users.count == histories.count, "one user slot per history")
            precondition(
                scores.count == histories.count * itemCount,
                "scores needs \(histories.count) × \(itemCount) slots, got \(scores.count)")
            let rows = histories.count
            guard rows > 0, itemCount > 0 else { return }
            var x = [Double](repeating: 0, count: rows * factors)
            for r in 0..<rows {
                let row: [Double]
                if let user = users[r] {
                    precondition(user >= 0 && user < userCount, "user \(user) outside 0..<\(userCount)")
                    row = Array(userFactors[user * factors..<(user + 1) * factors])
                } else {
                    row = foldIn(histories[r])
                }
                x.replaceSubrange(r * factors..<(r + 1) * factors, with: row)
            }
            x.withUnsafeBufferPointer { xb in
                itemFactors.withUnsafeBufferPointer { ys in
                    DenseAlgebra.gemm(
                        m: rows, n: itemCount, k: factors, a: xb.baseAddress!, b: ys.baseAddress!, transB: true,
                        c: scores.baseAddress!)
                }
            }
        }

        /// The history item j with the largest share `s_ij · c_uj` of `item`'s score, where
        /// `s_ij = y_iᵀ W y_j` and `W = (YᵀC_uY + λI)⁻¹` (Hu et al. 2008 §5): a customer's
        /// factors are `W Yᵀ C_u p(u)`, so the score of `i` is `Σ_j s_ij c_uj p_uj`. Ties go to the
        /// smaller item; nil when the history is empty or no item contributes positively.
        public func strongestContributor(user: Int?, history: History, item: Int) -> Int32? {
            strongestContributors(user: user, history: history, items: [Int32(item)])[0]
        }

        /// One system and one factorisation for all of `items` (a solve with one right-hand side
        /// per item), rather than one per item.
        public func strongestContributors(user: Int?, history: History, items: [Int32]) -> [Int32?] {
            let shares = contributions(history: history, items: items)
            return shares.map { row in
                // Items ascend, so a strict comparison keeps the smaller item on ties.
                var best: Int32?
                var bestShare = 0.0
                for (j, share) in zip(history.items, row) where share > bestShare {
                    best = j
                    bestShare = share
                }
                return best
            }
        }

        /// `s_ij · c_uj · p_uj` for each history item j (in history order): the shares that sum to
        /// the folded-in score of `item`.
        func contributions(history: History, item: Int) -> [Double] {
            contributions(history: history, items: [Int32(item)])[0]
        }

        /// The shares of each of `items`, one row per item.
        func contributions(history: History, items: [Int32]) -> [[Double]] {
            for item in items {
                precondition(item >= 0 && Int(item) < itemCount, "item \(item) outside 0..<\(itemCount)")
            }
            guard history.count > 0, !items.isEmpty else { return items.map { _ in [] } }
            let n = items.count
            var system = [Double](repeating: 0, count: factors * factors)
            var unused = [Double](repeating: 0, count: factors)
            ALS.buildSystem(
                gram: regularisedItemGram, fixed: itemFactors, factors: factors, alpha: alpha, items: history.items,
                strengths: history.strengths, matrix: &system, rightHandSide: &unused)
            // W y_i for every item i at once (columns of a factors × n right-hand side), so that
            // s_ij = (W y_i)ᵀ y_j (W is symmetric).
            var weighted = [Double](repeating: 0, count: factors * n)
            for (c, item) in items.enumerated() {
                for k in 0..<factors { weighted[k * n + c] = itemFactors[Int(item) * factors + k] }
            }
            solveStabilised(&system, &weighted, rightHandSides: n)
            return weighted.withUnsafeBufferPointer { w in
                itemFactors.withUnsafeBufferPointer { ys in
                    (0..<n).map { c in
                        zip(history.items, history.strengths).map { j, s in
                            guard s > 0 else { return 0 }
                            let yj = ys.baseAddress! + Int(j) * factors
                            var dot = 0.0
                            for k in 0..<factors { dot += w[k * n + c] * yj[k] }
                            return dot * (1 + alpha * s)
                        }
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
        private func solveStabilised(
            _ system: inout [Double], _ rightHandSide: inout [Double], rightHandSides: Int = 1
        ) {
            let saved = system
            let original = rightHandSide
            do throws(DenseAlgebra.Failure) {
                try DenseAlgebra.solvePositiveDefinite(
                    n: factors, a: &system, b: &rightHandSide, nrhs: rightHandSides)
            } catch {
                system = saved
                rightHandSide = original
                var trace = 0.0
                for k in 0..<factors { trace += system[k * factors + k] }
                let ridge = 1e-10 * (trace / Double(factors) + 1)
                for k in 0..<factors { system[k * factors + k] += ridge }
                do throws(DenseAlgebra.Failure) {
                    try DenseAlgebra.solvePositiveDefinite(
                        n: factors, a: &system, b: &rightHandSide, nrhs: rightHandSides)
                } catch {
                    rightHandSide = [Double](repeating: 0, count: factors * rightHandSides)
                }
            }
        }
    }
}
