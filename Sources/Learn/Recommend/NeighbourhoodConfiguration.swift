/// Hyperparameters of a neighbourhood model (item-kNN, user-kNN): how entities (items or
/// customers) are compared and how many neighbours each keeps.
///
/// Each entity is a sparse vector over the other side of the interaction matrix (an item over the
/// customers who bought it, a customer over the items they bought), optionally re-weighted by
/// BM25 or TF-IDF first. Similarities come from sparse dot products, so fitting costs memory in
/// proportion to the number of interactions, never entities².
public struct NeighbourhoodConfiguration: Sendable, Codable, Equatable {
    /// How two entity vectors are compared.
    public enum Similarity: String, Sendable, Codable, CaseIterable {
        /// `dot / (‖a‖·‖b‖ + shrinkage)`.
        case cosine
        /// `|A ∩ B| / (|A| + |B| − |A ∩ B| + shrinkage)` over who interacted, ignoring strengths.
        case jaccard
        /// `dot / (‖a‖^(2α)·‖b‖^(2(1−α)) + shrinkage)` (Aiolli 2013), `a` the entity whose
        /// neighbours are listed; α = 0.5 is the cosine.
        case asymmetricCosine = "asymmetric_cosine"
        /// The raw dot product (implicit's `BM25Recommender` compares BM25-weighted vectors so).
        case dotProduct = "dot_product"
    }

    /// How the interaction strengths are re-weighted before comparing entities.
    ///
    /// Formulas are those of `implicit`'s `bm25_weight` and `tfidf_weight`, with the compared
    /// entities as the documents and the other side as the terms: for `n` entities, a term (a
    /// customer when comparing items) in `df` entities has idf `log(n) − log(1 + df)`.
    public enum Weighting: String, Sendable, Codable, CaseIterable {
        case none
        /// `x·(k1 + 1) / (k1·(1 − b + b·len/avgLen) + x) · idf`, `len` the entity's strength sum.
        case bm25
        /// `√x · idf`.
        case tfidf
    }

    public var similarity: Similarity
    /// α of the asymmetric cosine, in [0, 1].
    public var alpha: Double
    /// Added to the similarity's denominator so pairs with little support count less; ≥ 0.
    public var shrinkage: Double
    /// Neighbours kept per entity; ≥ 1.
    public var neighbours: Int
    public var weighting: Weighting
    /// BM25's term-frequency saturation k1; > 0.
    public var bm25K1: Double
    /// BM25's length normalisation b, in [0, 1].
    public var bm25B: Double
    /// Neighbours whose similarity is not above this are dropped; the default keeps every
    /// positive similarity.
    public var minSimilarity: Double
    /// Whether an entity may be its own neighbour. `implicit`'s `all_pairs_knn` counts the item
    /// itself among its K neighbours; set this to reproduce it. Off by default: a customer's own
    /// items are excluded from their recommendations anyway, so a self slot is wasted.
    public var includeSelf: Bool

    /// The defaults, declared here once, are sensible on data of any size.
    public init(
        similarity: Similarity = .cosine, alpha: Double = 0.5, shrinkage: Double = 0, neighbours: Int = 100,
        weighting: Weighting = .none, bm25K1: Double = 1.2, bm25B: Double = 0.75, minSimilarity: Double = 0,
        includeSelf: Bool = false
    ) {
        self.similarity = similarity
        self.alpha = alpha
        self.shrinkage = shrinkage
        self.neighbours = neighbours
        self.weighting = weighting
        self.bm25K1 = bm25K1
        self.bm25B = bm25B
        self.minSimilarity = minSimilarity
        self.includeSelf = includeSelf
    }

    /// The names used in pipeline.json and in error messages.
    enum CodingKeys: String, CodingKey {
        case similarity, alpha, shrinkage, neighbours, weighting
        case bm25K1 = "bm25_k1"
        case bm25B = "bm25_b"
        case minSimilarity = "min_similarity"
        case includeSelf = "include_self"
    }

    /// Decodes from the keys present; absent ones keep their defaults (declared once, above).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self()
        similarity = try c.decodeIfPresent(Similarity.self, forKey: .similarity) ?? d.similarity
        alpha = try c.decodeIfPresent(Double.self, forKey: .alpha) ?? d.alpha
        shrinkage = try c.decodeIfPresent(Double.self, forKey: .shrinkage) ?? d.shrinkage
        neighbours = try c.decodeIfPresent(Int.self, forKey: .neighbours) ?? d.neighbours
        weighting = try c.decodeIfPresent(Weighting.self, forKey: .weighting) ?? d.weighting
        bm25K1 = try c.decodeIfPresent(Double.self, forKey: .bm25K1) ?? d.bm25K1
        bm25B = try c.decodeIfPresent(Double.self, forKey: .bm25B) ?? d.bm25B
        minSimilarity = try c.decodeIfPresent(Double.self, forKey: .minSimilarity) ?? d.minSimilarity
        includeSelf = try c.decodeIfPresent(Bool.self, forKey: .includeSelf) ?? d.includeSelf
    }

    /// Checks every bound; `model` prefixes parameter names in errors ("item_knn.neighbours").
    public func validate(model: String) throws(RecommendConfigurationError) {
        typealias E = RecommendConfigurationError
        try E.require(neighbours >= 1, "\(model).neighbours", "≥ 1", neighbours)
        try E.require(alpha >= 0 && alpha <= 1, "\(model).alpha", "in [0, 1]", alpha)
        try E.require(shrinkage >= 0 && shrinkage.isFinite, "\(model).shrinkage", "finite and ≥ 0", shrinkage)
        try E.require(bm25K1 > 0 && bm25K1.isFinite, "\(model).bm25_k1", "finite and > 0", bm25K1)
        try E.require(bm25B >= 0 && bm25B <= 1, "\(model).bm25_b", "in [0, 1]", bm25B)
        try E.require(!minSimilarity.isNaN, "\(model).min_similarity", "a number", minSimilarity)
        try E.require(
            similarity != .jaccard || weighting == .none, "\(model).weighting",
            "none with the jaccard similarity (it ignores strengths)", weighting.rawValue)
        try E.require(
            similarity != .dotProduct || shrinkage == 0, "\(model).shrinkage",
            "0 with the dot_product similarity (it has no denominator to shrink)", shrinkage)
    }
}
