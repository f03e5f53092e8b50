/// Neighbourhood rating prediction around baselines (Koren 2010, "Factor in the neighbors"), as
/// surprise's `KNNBaseline` with the `pearson_baseline` similarity.
///
/// Item-based (the default): r̂_ui = b_ui + Σ_j sim(i, j) (r_uj − b_uj) / Σ_j sim(i, j) over the
/// `k` items j the user rated that are most similar to i, counting only positive similarities;
/// b_ui = μ + b_u + b_i. User-based swaps the roles of users and items.
///
/// The model stores, for every item (user when user-based), its neighbours with a positive
/// similarity as a sparse row. That reproduces surprise's predictions exactly — surprise takes the
/// k most similar among the items the user rated and then drops the non-positive ones, which are
/// the same as the k most similar among the positive ones — without an items × items dense matrix:
/// the similarity is built one row at a time with O(items) scratch per worker, so memory is the
/// number of positive pairs, not items². `maximumStoredNeighbours` caps each row for catalogues where
/// even that is too much, at the price of exactness.
public enum KNNBaseline {
    public struct Configuration: Sendable, Codable, Equatable {
        /// How the baselines b_u, b_i are estimated (they also centre the similarity).
        public var baseline: BaselineOptions
        /// Neighbours are users rather than items.
        public var userBased: Bool
        /// k: the most neighbours one prediction uses (surprise default 40).
        public var neighbours: Int
        /// min_k: with fewer positive neighbours the prediction is the baseline alone (default 1).
        public var minimumNeighbours: Int
        /// The shrinkage of the Pearson-baseline correlation towards 0 (default 100).
        public var shrinkage: Double
        /// Pairs with fewer common raters (items) have similarity 0; as in surprise, at least 2.
        public var minimumSupport: Int
        /// Keep at most this many neighbours per row (the most similar); nil keeps every positive
        /// one, which reproduces surprise exactly.
        public var maximumStoredNeighbours: Int?
        /// The range predictions are clipped to; nil clips to the observed minimum and maximum.
        public var ratingScale: RatingScale?

        public init(
            baseline: BaselineOptions = .als(), userBased: Bool = false, neighbours: Int = 40,
            minimumNeighbours: Int = 1, shrinkage: Double = 100, minimumSupport: Int = 1,
            maximumStoredNeighbours: Int? = nil, ratingScale: RatingScale? = nil
        ) {
            self.baseline = baseline
            self.userBased = userBased
            self.neighbours = neighbours
            self.minimumNeighbours = minimumNeighbours
            self.shrinkage = shrinkage
            self.minimumSupport = minimumSupport
            self.maximumStoredNeighbours = maximumStoredNeighbours
            self.ratingScale = ratingScale
        }

        public func validate() throws(RatingModelError) {
            try baseline.validate()
            guard neighbours >= 1 else { throw .invalidParameter(name: "k", expected: "≥ 1", got: "\(neighbours)") }
            guard minimumNeighbours >= 0 else {
                throw .invalidParameter(name: "min_k", expected: "≥ 0", got: "\(minimumNeighbours)")
            }
            try BaselineOptions.requireNonNegative("shrinkage", shrinkage)
            guard minimumSupport >= 0 else {
                throw .invalidParameter(name: "min_support", expected: "≥ 0", got: "\(minimumSupport)")
            }
            if let m = maximumStoredNeighbours, m < 1 {
                throw .invalidParameter(name: "maximumStoredNeighbours", expected: "≥ 1 or nil", got: "\(m)")
            }
            try ratingScale?.validate()
        }
    }

    /// A fitted neighbourhood model: baselines, positive similarities and the training ratings the
    /// neighbours' deviations come from.
    public struct Model: Sendable {
        public let globalMean: Double
        /// b_u, one per user index.
        public let userBiases: [Double]
        /// b_i, one per item index.
        public let itemBiases: [Double]
        /// Item–item (user–user when `userBased`) similarities, square, only positive entries, each
        /// row's neighbours ascending; the diagonal is 1.
        public let similarities: SparseMatrix
        /// The training ratings, users × items.
        public let ratings: SparseMatrix
        public let userBased: Bool
        /// k.
        public let neighbours: Int
        /// min_k.
        public let minimumNeighbours: Int
        public let ratingScale: RatingScale
        /// The ratings by the side neighbours are drawn from (`ratings` item-based, its transpose
        /// user-based): row y lists the x's rated with y.
        let neighbourRatings: SparseMatrix

        public init(
            globalMean: Double, userBiases: [Double], itemBiases: [Double], similarities: SparseMatrix,
            ratings: SparseMatrix, userBased: Bool, neighbours: Int, minimumNeighbours: Int, ratingScale: RatingScale
        ) throws(RatingModelError) {
            guard ratings.rows == userBiases.count, ratings.columns == itemBiases.count else {
                throw .shapeMismatch(
                    array: "ratings", expected: "\(userBiases.count) × \(itemBiases.count)",
                    got: "\(ratings.rows) × \(ratings.columns)")
            }
            let side = userBased ? userBiases.count : itemBiases.count
            guard similarities.rows == side, similarities.columns == side else {
                throw .shapeMismatch(
                    array: "similarities", expected: "\(side) × \(side)",
                    got: "\(similarities.rows) × \(similarities.columns)")
            }
            guard neighbours >= 1 else { throw .invalidParameter(name: "k", expected: "≥ 1", got: "\(neighbours)") }
            try ratingScale.validate()
            self.globalMean = globalMean
            self.userBiases = userBiases
            self.itemBiases = itemBiases
            self.similarities = similarities
            self.ratings = ratings
            self.userBased = userBased
            self.neighbours = neighbours
            self.minimumNeighbours = minimumNeighbours
            self.ratingScale = ratingScale
            self.neighbourRatings = userBased ? ratings.transposed() : ratings
        }
    }
}
