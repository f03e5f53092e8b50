/// SVD++ (Koren 2008, §4), as surprise's `SVDpp`: r̂_ui = μ + b_u + b_i + q_iᵀ (p_u + |I_u|^−½ Σ_{j∈I_u} y_j),
/// where I_u, the implicit feedback, is the set of items u rated.
///
/// Training follows surprise's order: users in index order, each user's items ascending; per
/// rating the implicit sum is recomputed from the current y_j, then b_u, b_i, and factor by factor
/// p_u, q_i and every y_j of I_u are stepped. That costs O(|I_u| · factors) per rating, as in
/// surprise.
public enum RatingSVDPlusPlus {
    public struct Configuration: Sendable, Codable, Equatable {
        /// Length of the factor vectors (`n_factors`, default 20).
        public var factors: Int
        /// Passes over the ratings (default 20).
        public var epochs: Int
        /// The SGD step of every parameter (`lr_all`, default 0.007).
        public var learningRate: Double
        /// The L2 regularisation of every parameter (`reg_all`, default 0.02).
        public var regularization: Double
        /// Mean of the normal initial factors (default 0).
        public var initialMean: Double
        /// Standard deviation of the normal initial factors (default 0.1).
        public var initialStandardDeviation: Double
        /// The range predictions are clipped to; nil clips to the observed minimum and maximum.
        public var ratingScale: RatingScale?

        public init(
            factors: Int = 20, epochs: Int = 20, learningRate: Double = 0.007, regularization: Double = 0.02,
            initialMean: Double = 0, initialStandardDeviation: Double = 0.1, ratingScale: RatingScale? = nil
        ) {
            self.factors = factors
            self.epochs = epochs
            self.learningRate = learningRate
            self.regularization = regularization
            self.initialMean = initialMean
            self.initialStandardDeviation = initialStandardDeviation
            self.ratingScale = ratingScale
        }

        public func validate() throws(RatingModelError) {
            try RatingSVD.validateFactorization(
                factors: factors, epochs: epochs, learningRate: learningRate, regularization: regularization,
                initialMean: initialMean, initialStandardDeviation: initialStandardDeviation, ratingScale: ratingScale)
        }
    }

    /// A fitted SVD++ model.
    public struct Model: Sendable, Equatable {
        public let globalMean: Double
        /// b_u, one per user index.
        public let userBiases: [Double]
        /// b_i, one per item index.
        public let itemBiases: [Double]
        /// p_u: users × factors, row-major; zero for users without training ratings.
        public let userFactors: [Double]
        /// q_i: items × factors, row-major; zero for items without training ratings.
        public let itemFactors: [Double]
        /// y_j: items × factors, row-major, the implicit-feedback factors.
        public let implicitFactors: [Double]
        /// |I_u|^−½ Σ_{j∈I_u} y_j: users × factors, row-major, from the training ratings (zero for
        /// users without any), so scoring needs no rating history.
        public let userImplicitFeedback: [Double]
        public let factors: Int
        public let ratingScale: RatingScale

        public init(
            globalMean: Double, userBiases: [Double], itemBiases: [Double], userFactors: [Double],
            itemFactors: [Double], implicitFactors: [Double], userImplicitFeedback: [Double], factors: Int,
            ratingScale: RatingScale
        ) throws(RatingModelError) {
            guard factors >= 1 else { throw .invalidParameter(name: "n_factors", expected: "≥ 1", got: "\(factors)") }
            try RatingSVD.checkShape("userFactors", userFactors, rows: userBiases.count, factors: factors)
            try RatingSVD.checkShape("itemFactors", itemFactors, rows: itemBiases.count, factors: factors)
            try RatingSVD.checkShape("implicitFactors", implicitFactors, rows: itemBiases.count, factors: factors)
            try RatingSVD.checkShape(
                "userImplicitFeedback", userImplicitFeedback, rows: userBiases.count, factors: factors)
            try ratingScale.validate()
            self.globalMean = globalMean
            self.userBiases = userBiases
            self.itemBiases = itemBiases
            self.userFactors = userFactors
            self.itemFactors = itemFactors
            self.implicitFactors = implicitFactors
            self.userImplicitFeedback = userImplicitFeedback
            self.factors = factors
            self.ratingScale = ratingScale
        }

        public var users: Int { userBiases.count }
        public var items: Int { itemBiases.count }

        /// r̂_ui clipped to the scale; an unknown (nil or out-of-range) user or item contributes
        /// neither bias nor factors, as in surprise.
        public func predict(user: Int?, item: Int?) -> Double {
            let u = user.flatMap { $0 >= 0 && $0 < users ? $0 : nil }
            let i = item.flatMap { $0 >= 0 && $0 < items ? $0 : nil }
            var est = globalMean
            if let u { est += userBiases[u] }
            if let i { est += itemBiases[i] }
            if let u, let i {
                var dot = 0.0
                for f in 0..<factors {
                    dot +=
                        itemFactors[i * factors + f]
                        * (userFactors[u * factors + f] + userImplicitFeedback[u * factors + f])
                }
                est += dot
            }
            return ratingScale.clip(est)
        }
    }
}
