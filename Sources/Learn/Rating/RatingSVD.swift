/// Biased matrix factorisation trained by SGD (Funk 2006; Koren, Bell & Volinsky 2009), as
/// surprise's `SVD`: r̂_ui = μ + b_u + b_i + q_iᵀ p_u.
///
/// Training walks the ratings user by user (users in index order, each user's items ascending) for
/// every epoch and, per rating, updates b_u, b_i, then p_u and q_i factor by factor from their
/// values before the step — surprise's order, so equal initial factors give equal models.
public enum RatingSVD {
    public struct Configuration: Sendable, Codable, Equatable {
        /// Length of the user and item factor vectors (`n_factors`, default 100).
        public var factors: Int
        /// Passes over the ratings (default 20).
        public var epochs: Int
        /// The SGD step of every parameter (`lr_all`, default 0.005).
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
            factors: Int = 100, epochs: Int = 20, learningRate: Double = 0.005, regularization: Double = 0.02,
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

    /// A fitted factorisation.
    public struct Model: Sendable, Equatable {
        public let globalMean: Double
        /// b_u, one per user index.
        public let userBiases: [Double]
        /// b_i, one per item index.
        public let itemBiases: [Double]
        /// p_u: users × factors, row-major; zero for users without training ratings, so they are
        /// predicted as unknown users are.
        public let userFactors: [Double]
        /// q_i: items × factors, row-major; zero for items without training ratings.
        public let itemFactors: [Double]
        public let factors: Int
        public let ratingScale: RatingScale

        public init(
            globalMean: Double, userBiases: [Double], itemBiases: [Double], userFactors: [Double],
            itemFactors: [Double], factors: Int, ratingScale: RatingScale
        ) throws(RatingModelError) {
            guard factors >= 1 else { throw .invalidParameter(name: "n_factors", expected: "≥ 1", got: "\(factors)") }
            try RatingSVD.checkShape("userFactors", userFactors, rows: userBiases.count, factors: factors)
            try RatingSVD.checkShape("itemFactors", itemFactors, rows: itemBiases.count, factors: factors)
            try ratingScale.validate()
            self.globalMean = globalMean
            self.userBiases = userBiases
            self.itemBiases = itemBiases
            self.userFactors = userFactors
            self.itemFactors = itemFactors
            self.factors = factors
            self.ratingScale = ratingScale
        }

        public var users: Int { userBiases.count }
        public var items: Int { itemBiases.count }

        /// μ + b_u + b_i + q_iᵀ p_u clipped to the scale; an unknown (nil or out-of-range) user or
        /// item contributes neither bias nor factors, as in surprise.
        public func predict(user: Int?, item: Int?) -> Double {
            let u = user.flatMap { $0 >= 0 && $0 < users ? $0 : nil }
            let i = item.flatMap { $0 >= 0 && $0 < items ? $0 : nil }
            var est = globalMean
            if let u { est += userBiases[u] }
            if let i { est += itemBiases[i] }
            if let u, let i {
                var dot = 0.0
                for f in 0..<factors { dot += itemFactors[i * factors + f] * userFactors[u * factors + f] }
                est += dot
            }
            return ratingScale.clip(est)
        }
    }

    static func validateFactorization(
        factors: Int, epochs: Int, learningRate: Double, regularization: Double, initialMean: Double,
        initialStandardDeviation: Double, ratingScale: RatingScale?
    ) throws(RatingModelError) {
        guard factors >= 1 else { throw .invalidParameter(name: "n_factors", expected: "≥ 1", got: "\(factors)") }
        guard epochs >= 0 else { throw .invalidParameter(name: "n_epochs", expected: "≥ 0", got: "\(epochs)") }
        guard learningRate.isFinite, learningRate > 0 else {
            throw .invalidParameter(name: "lr_all", expected: "finite and > 0", got: "\(learningRate)")
        }
        try BaselineOptions.requireNonNegative("reg_all", regularization)
        guard initialMean.isFinite else {
            throw .invalidParameter(name: "init_mean", expected: "finite", got: "\(initialMean)")
        }
        try BaselineOptions.requireNonNegative("init_std_dev", initialStandardDeviation)
        try ratingScale?.validate()
    }

    static func checkShape(_ name: String, _ array: [Double], rows: Int, factors: Int) throws(RatingModelError) {
        guard array.count == rows * factors else {
            throw .shapeMismatch(
                array: name, expected: "\(rows) × \(factors) = \(rows * factors) entries", got: "\(array.count)")
        }
    }

    /// `rows × factors` normal deviates with the given mean and standard deviation, row-major.
    static func normalFactors(rows: Int, factors: Int, mean: Double, deviation: Double, random: inout SeededRandom)
        -> [Double]
    {
        (0..<rows * factors).map { _ in mean + deviation * random.nextGaussian() }
    }

    /// Zeroes the factor rows of users (or items) with no ratings in `matrix`'s rows.
    static func zeroUnrated(_ factorsArray: inout [Double], matrix: SparseMatrix, factors: Int) {
        for r in 0..<matrix.rows where matrix.range(ofRow: r).isEmpty {
            for f in 0..<factors { factorsArray[r * factors + f] = 0 }
        }
    }
}
