/// The baseline rating predictor r̂_ui = μ + b_u + b_i (Koren 2010, §2.1), as surprise's
/// `BaselineOnly`.
public enum RatingBaseline {
    public struct Configuration: Sendable, Codable, Equatable {
        /// How the biases are estimated (default ALS with surprise's defaults).
        public var baseline: BaselineOptions
        /// The range predictions are clipped to; nil clips to the observed minimum and maximum.
        public var ratingScale: RatingScale?

        public init(baseline: BaselineOptions = .als(), ratingScale: RatingScale? = nil) {
            self.baseline = baseline
            self.ratingScale = ratingScale
        }

        public func validate() throws(RatingModelError) {
            try baseline.validate()
            try ratingScale?.validate()
        }

        /// Fits the biases. Deterministic: there is nothing random to seed.
        public func fit(_ ratings: RatingSet) throws(RatingModelError) -> Model {
            try validate()
            guard ratings.count > 0 else { throw .noRatings }
            let mu = ratings.globalMean
            let (bu, bi) = baseline.biases(ratings, globalMean: mu)
            return try Model(
                globalMean: mu, userBiases: bu, itemBiases: bi, ratingScale: ratingScale ?? ratings.observedScale)
        }
    }

    /// Fitted biases.
    public struct Model: Sendable, Equatable {
        /// μ, the mean training rating.
        public let globalMean: Double
        /// b_u, one per user index.
        public let userBiases: [Double]
        /// b_i, one per item index.
        public let itemBiases: [Double]
        public let ratingScale: RatingScale

        public init(globalMean: Double, userBiases: [Double], itemBiases: [Double], ratingScale: RatingScale)
            throws(RatingModelError)
        {
            guard globalMean.isFinite else {
                throw .nonFiniteValue(what: "globalMean", position: 0, value: globalMean)
            }
            try ratingScale.validate()
            self.globalMean = globalMean
            self.userBiases = userBiases
            self.itemBiases = itemBiases
            self.ratingScale = ratingScale
        }

        /// μ + b_u + b_i clipped to the scale; an unknown (nil or out-of-range) user or item
        /// contributes no bias, as in surprise.
        public func predict(user: Int?, item: Int?) -> Double {
            var est = globalMean
            if let u = user, u >= 0, u < userBiases.count { est += userBiases[u] }
            if let i = item, i >= 0, i < itemBiases.count { est += itemBiases[i] }
            return ratingScale.clip(est)
        }
    }
}
