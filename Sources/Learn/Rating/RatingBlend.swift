/// A linear blend of several rating models: r̂ = intercept + Σ_m w_m r̂_m, with the weights fitted
/// by ridge least squares on held-out predictions (the Netflix-prize way of combining models).
///
/// The intercept is not penalised: predictions and targets are centred, the weights solve
/// (XcᵀXc + λ·n·I) w = Xcᵀyc, and the intercept restores the means. The penalty scales with the
/// number of held-out ratings n, so λ means the same on a hundred ratings as on a million.
public enum RatingBlend {
    public struct Configuration: Sendable, Codable, Equatable {
        /// λ, the ridge penalty per held-out rating (default 1e-6: just enough to keep nearly
        /// collinear models solvable).
        public var ridge: Double
        /// The range blended predictions are clipped to; nil clips to the targets' minimum and maximum.
        public var ratingScale: RatingScale?

        public init(ridge: Double = 1e-6, ratingScale: RatingScale? = nil) {
            self.ridge = ridge
            self.ratingScale = ratingScale
        }

        public func validate() throws(RatingModelError) {
            guard ridge.isFinite, ridge > 0 else {
                throw .invalidParameter(name: "ridge", expected: "finite and > 0", got: "\(ridge)")
            }
            try ratingScale?.validate()
        }
    }

    /// Fitted blend weights.
    public struct Model: Sendable, Equatable {
        /// w_m, one per blended model, in the column order of the fit's predictions.
        public let weights: [Double]
        public let intercept: Double
        public let ratingScale: RatingScale

        public init(weights: [Double], intercept: Double, ratingScale: RatingScale) throws(RatingModelError) {
            guard !weights.isEmpty else {
                throw .shapeMismatch(array: "weights", expected: "at least one weight", got: "none")
            }
            try ratingScale.validate()
            self.weights = weights
            self.intercept = intercept
            self.ratingScale = ratingScale
        }

        /// The blend of one rating's model predictions (`weights.count` values), clipped.
        public func predict(_ modelPredictions: some Collection<Double>) -> Double {
            precondition(modelPredictions.count == weights.count, "need one prediction per blended model")
            var est = intercept
            for (w, p) in zip(weights, modelPredictions) { est += w * p }
            return ratingScale.clip(est)
        }
    }
}
