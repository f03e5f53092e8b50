import Learn

/// One measured value: a ranking measure at a cut-off, or a rating error (no cut-off).
public struct MeasuredValue: Sendable, Equatable {
    public var metric: String
    public var k: Int?
    public var value: Double

    public init(metric: String, k: Int?, value: Double) {
        self.metric = metric
        self.k = k
        self.value = value
    }
}

/// Judges a fitted model on held-out pairs: rankings against the held-out items (only items
/// outside the customer's training history are recommended), ratings against held-out ratings.
enum ModelEvaluator {
    /// The held-out pairs that count as hits: every one, or with `minRating` those rated at least it.
    static func relevant(_ held: InteractionRows, minRating: Double?) -> InteractionRows {
        guard let minRating else { return held }
        return held.subset(held.ratings.map { $0 >= minRating })
    }

    /// The ranking measures at each of `ks` for the customers with relevant held-out pairs,
    /// recommending from their histories in `view` (the matrix the model was fitted on).
    static func rankingResults(
        _ model: any Recommender, view: TrainingView, held: InteractionRows, ks: [Int], minRating: Double? = nil
    ) -> [RankingMetrics.Result] {
        let held = relevant(held, minRating: minRating)
        var customers = Array(Set(held.customers.map(Int.init))).sorted()
        customers.removeAll { $0 >= view.customerCount }
        let position = Dictionary(uniqueKeysWithValues: customers.enumerated().map { ($1, Int32($0)) })
        var rows: [Int32] = []
        var columns: [Int32] = []
        for (c, i) in zip(held.customers, held.items) {
            guard let p = position[Int(c)] else { continue }
            rows.append(p)
            columns.append(i)
        }
        let relevant = SparseMatrix(
            rows: customers.count, columns: view.itemCount, rowIndices: rows, columnIndices: columns,
            values: [Double](repeating: 1, count: rows.count))
        // Shapes and K are checked above and by the settings, so neither call can fail.
        let recommendations = try! TopKSelection.recommend(
            model, histories: view.matrix, customers: customers, k: ks.max() ?? 10)
        return try! RankingMetrics.evaluate(
            recommendations: recommendations, relevant: relevant, itemCount: view.itemCount, ks: ks)
    }

    static func ranking(
        _ model: any Recommender, view: TrainingView, held: InteractionRows, ks: [Int], minRating: Double?
    ) -> [MeasuredValue] {
        rankingResults(model, view: view, held: held, ks: ks, minRating: minRating).flatMap { r in
            SelectionMetric.RankingMeasure.allCases.map {
                MeasuredValue(metric: $0.rawValue, k: r.k, value: $0.value(r))
            }
        }
    }

    /// RMSE and MAE over the rated held-out pairs; empty when none is rated.
    static func rating(_ model: RatingPredictor, held: InteractionRows) -> [MeasuredValue] {
        let rated = held.ratings.indices.filter { !held.ratings[$0].isNaN }
        guard !rated.isEmpty else { return [] }
        let predicted = model.predict(users: rated.map { held.customers[$0] }, items: rated.map { held.items[$0] })
        let actual = rated.map { held.ratings[$0] }
        return [
            MeasuredValue(
                metric: "rmse", k: nil, value: try! RatingAccuracy.rmse(predicted: predicted, actual: actual)),
            MeasuredValue(metric: "mae", k: nil, value: try! RatingAccuracy.mae(predicted: predicted, actual: actual)),
        ]
    }

    /// `minRating`: the train stage's `relevant_min_rating` (ranking measures only).
    static func measure(
        _ model: TrainedModel, view: TrainingView, held: InteractionRows, ks: [Int], minRating: Double?
    ) -> [MeasuredValue] {
        switch model {
        case .ranking(let r): ranking(r, view: view, held: held, ks: ks, minRating: minRating)
        case .rating(let p): rating(p, held: held)
        }
    }

    /// The value of `metric` among `values`, nil when it was not measured.
    static func value(_ metric: SelectionMetric, in values: [MeasuredValue]) -> Double? {
        switch metric {
        case .ranking(let m, let k): values.first { $0.metric == m.rawValue && $0.k == k }?.value
        case .rmse: values.first { $0.metric == "rmse" }?.value
        case .mae: values.first { $0.metric == "mae" }?.value
        }
    }
}
