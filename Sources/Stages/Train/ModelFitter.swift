import Learn

/// A fitted model: it ranks items for a customer, or it predicts ratings.
public enum TrainedModel: Sendable {
    case ranking(any Recommender)
    case rating(RatingPredictor)
}

/// The interactions one fit sees (all of training, a fold's training part, or the validation
/// slice's training part) in the forms the models take.
struct TrainingView: Sendable {
    let rows: InteractionRows
    let customerCount: Int
    let itemCount: Int
    /// Customers × items strengths.
    let matrix: SparseMatrix

    init(_ rows: InteractionRows, customers: Int, items: Int) {
        self.rows = rows
        customerCount = customers
        itemCount = items
        matrix = rows.matrix(customers: customers, items: items)
    }
}

/// Fits one model of any kind from its configuration.
enum ModelFitter {
    /// Why a fit failed, in the model's own words ("item_knn.alpha must be in [0, 1], got 2").
    struct Failure: Error {
        let message: String
    }

    /// Fits `configuration` on `view`. Composite kinds take their fitted `components` (in the
    /// configuration's order); a rating blend also takes its `blend` weights, fitted beforehand
    /// on held-out predictions (`fitBlend`).
    static func fit(
        _ configuration: ModelConfiguration, on view: TrainingView, itemTerms: SparseMatrix?, seed: UInt64,
        components: [TrainedModel] = [], blend: RatingBlend.Model? = nil, segments: (of: [Int32], count: Int)? = nil
    ) throws(Failure) -> TrainedModel {
        do {
            switch configuration {
            case .popularity(let c, let bySegment):
                guard bySegment else { return .ranking(try PopularityRecommender.fit(view.matrix, configuration: c)) }
                guard let segments, segments.of.count == view.customerCount else {
                    throw Failure(message: "by_segment needs this stage's segments (params.segments)")
                }
                return .ranking(
                    try PopularityRecommender.fit(
                        view.matrix, configuration: c, groups: segments.of, groupCount: segments.count))
            case .itemKNN(let c):
                return .ranking(try ItemKNN.fit(view.matrix, configuration: c))
            case .userKNN(let c):
                return .ranking(try UserKNN.fit(view.matrix, configuration: c))
            case .content(let c):
                guard let itemTerms else { throw Failure(message: "content needs the item_terms table") }
                return .ranking(try ContentRecommender.fit(itemTerms: itemTerms, configuration: c))
            case .als(let c):
                return .ranking(try ALS(c).fit(view.matrix, seed: seed))
            case .ease(let c, _):
                return .ranking(try EASE(c).fit(view.matrix))
            case .hybrid(_, let weights):
                let recommenders = components.compactMap { m -> (any Recommender)? in
                    if case .ranking(let r) = m { r } else { nil }
                }
                return .ranking(
                    try HybridRecommender.fit(
                        components: recommenders, configuration: HybridRecommender.Configuration(weights: weights)))
            case .baseline(let c):
                return .rating(.baseline(try c.fit(ratings(view))))
            case .knnBaseline(let c):
                return .rating(.knnBaseline(try c.fit(ratings(view))))
            case .svd(let c):
                return .rating(.svd(try c.fit(ratings(view), seed: seed)))
            case .svdpp(let c):
                return .rating(.svdpp(try c.fit(ratings(view), seed: seed)))
            case .ratingBlend:
                guard let blend else { preconditionFailure("a rating blend is fitted with its weights") }
                let predictors = components.compactMap { m -> RatingPredictor? in
                    if case .rating(let p) = m { p } else { nil }
                }
                return .rating(.blend(blend, components: predictors))
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(message: String(describing: error))
        }
    }

    /// The blend weights over `components` (fitted without `held`) from their predictions of the
    /// rated pairs of `held`.
    static func fitBlend(
        _ configuration: RatingBlend.Configuration, components: [RatingPredictor], held: InteractionRows
    ) throws(Failure) -> RatingBlend.Model {
        let rated = held.ratings.indices.filter { !held.ratings[$0].isNaN }
        guard !rated.isEmpty else {
            throw Failure(
                message: "rating_blend needs rated pairs in the validation slice to fit its weights; it has none")
        }
        let users = rated.map { held.customers[$0] }
        let items = rated.map { held.items[$0] }
        let columns = components.map { $0.predict(users: users, items: items) }
        var predictions = [Double](repeating: 0, count: rated.count * components.count)
        for (m, column) in columns.enumerated() {
            for r in 0..<rated.count { predictions[r * components.count + m] = column[r] }
        }
        do {
            return try configuration.fit(
                predictions: predictions, models: components.count, targets: rated.map { held.ratings[$0] })
        } catch {
            throw Failure(message: error.description)
        }
    }

    private static func ratings(_ view: TrainingView) throws -> RatingSet {
        try view.rows.ratingSet(customers: view.customerCount, items: view.itemCount)
    }
}
