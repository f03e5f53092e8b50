import Learn
import Testing

@testable import Pipeline
@testable import Stages

/// k-fold evaluation with a grid: each fold is judged by a model tuned on a validation slice of
/// that fold's own training part, never on a slice that contains the fold's pairs.
@Suite struct NestedTuningTests {
    @Test func eachFoldTunesWithoutItsOwnPairs() throws {
        let data = TrainTestData.blocks(customers: 90, perCustomer: 7, held: 0, seed: 11)
        let pairs = data.train.sorted { ($0.customer, $0.item) < ($1.customer, $1.item) }
        let folds = pairs.indices.map { Int32($0 % 3) }
        let rows = InteractionRows(
            customers: pairs.map { Int32($0.customer) }, items: pairs.map { Int32($0.item) },
            strengths: pairs.map(\.strength), ratings: pairs.map { _ in .nan }, lastTimes: pairs.map(\.time),
            folds: folds)
        let inputs = TrainingInputs(
            customerCount: data.customers, itemCount: data.items, train: rows,
            test: InteractionRows(customers: [], items: [], strengths: [], ratings: [], lastTimes: []))
        let settings = try TrainSettings(
            ["models": ["knn": ["kind": "item_knn", "neighbours": [1, 2, 40], "shrinkage": [0, 50]]], "k": [5]],
            stage: "train")
        let run = TrainingRun(settings: settings, inputs: inputs, seed: 3)
        let outcome = try run.run()

        // The same evaluation by hand: per fold, tune on the rest, refit the choice on the rest,
        // judge on the fold.
        var expected = 0.0
        var differs = false
        let global = try run.tune(on: rows).chosen["knn"]
        for f in Int32(0)..<3 {
            let rest = rows.subset(folds.map { $0 != f })
            let held = rows.subset(folds.map { $0 == f })
            let chosen = try run.tune(on: rest).chosen["knn"]!
            differs = differs || chosen != global
            let view = TrainingView(rest, customers: data.customers, items: data.items)
            guard case .itemKNN(let c) = chosen else { throw Failed(description: "not item_knn") }
            let model = TrainedModel.ranking(try ItemKNN.fit(view.matrix, configuration: c))
            expected +=
                ModelEvaluator.measure(model, view: view, held: held, ks: [5], minRating: nil).first {
                    $0.metric == "ndcg"
                }!
                .value
        }
        let report = outcome.reports.first { $0.settings.name == "knn" }!
        let ndcg = report.metrics.first { $0.metric == "ndcg" && $0.k == 5 }!.value
        #expect(abs(ndcg - expected / 3) < 1e-15)
        // The case discriminates: some fold's own tuning chooses differently from tuning on all
        // pairs (which has seen that fold).
        #expect(differs)
    }
}

private struct Failed: Error, CustomStringConvertible {
    let description: String
}
