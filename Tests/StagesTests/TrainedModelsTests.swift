import Foundation
import Frame
import Learn
import Parquet
import Testing

@testable import Pipeline
@testable import Stages

/// Every model kind through the train stage's fitting, saving and loading.
@Suite struct TrainedModelsTests {
    static let data = TrainTestData.blocks(customers: 90, blockSize: 8)

    static let params: JSONValue = [
        "models": [
            "popularity": ["kind": "popularity"], "item_knn": ["kind": "item_knn", "neighbours": 5],
            "user_knn": ["kind": "user_knn", "neighbours": 10, "similarity": "jaccard"],
            "content": ["kind": "content", "strength_scaling": "logarithmic"],
            "als": ["kind": "als", "factors": 4, "iterations": 4, "solver": "cholesky", "regularization": 0.1],
            "ease": ["kind": "ease", "lambda": 5, "stored_weights_per_item": 1000],
            "hybrid": ["kind": "hybrid", "components": ["item_knn", "content"], "weights": [2, 1]],
            "baseline": ["kind": "baseline"], "knn_baseline": ["kind": "knn_baseline", "neighbours": 10],
            "svd": ["kind": "svd", "factors": 3, "epochs": 5], "svdpp": ["kind": "svdpp", "factors": 3, "epochs": 3],
            "blend": ["kind": "rating_blend", "components": ["baseline", "svd"]],
        ]
    ]

    /// The fitted models and the folder they were saved to by the stage's writer.
    static func fitAndSave() throws -> (TrainingRun.Outcome, TrainingInputs, StageHarness.Outcome) {
        let harness = StageHarness()
        let outcome = try harness.run("train", params: params, tables: data.tables)
        let settings = try TrainSettings(params, stage: "train")
        let inputs = TrainingInputs(
            customerCount: data.customers, itemCount: data.items,
            train: rows(data.train), test: rows(data.test),
            itemTerms: TrainingInputReader.itemTermMatrix(
                items: data.terms.map { Int32($0.item) }, words: StringArray(data.terms.map(\.term)),
                weights: data.terms.map(\.weight), itemCount: data.items
            ).0)
        let run = try TrainingRun(settings: settings, inputs: inputs, seed: 0).run()
        return (run, inputs, outcome)
    }

    static func rows(_ pairs: [TrainTestData.Pair]) -> InteractionRows {
        let sorted = pairs.sorted { ($0.customer, $0.item) < ($1.customer, $1.item) }
        return InteractionRows(
            customers: sorted.map { Int32($0.customer) }, items: sorted.map { Int32($0.item) },
            strengths: sorted.map(\.strength), ratings: sorted.map { $0.rating ?? .nan }, lastTimes: sorted.map(\.time))
    }

    /// Scores (rankers) or predictions (rating models) of every customer for every item.
    static func outputs(_ model: TrainedModel, matrix: SparseMatrix) -> [Double] {
        switch model {
        case .ranking(let r):
            var all: [Double] = []
            var buffer = [Double](repeating: 0, count: r.itemCount)
            for u in 0..<matrix.rows {
                buffer.withUnsafeMutableBufferPointer { r.scores(user: u, history: History(matrix, user: u), into: $0) }
                all += buffer
            }
            return all
        case .rating(let p):
            return (0..<matrix.rows * matrix.columns).map {
                p.predict(user: $0 / matrix.columns, item: $0 % matrix.columns)
            }
        }
    }

    /// Saved by the stage (seed 0 in both), loaded back: the same scores as the fitted models.
    @Test func loadedModelsScoreAsFitted() throws {
        let (run, inputs, saved) = try Self.fitAndSave()
        let loaded = try TrainedModels.load(directory: saved.outputDirectory)
        #expect(Set(loaded.keys) == Set(run.reports.map(\.settings.name)))
        let matrix = inputs.train.matrix(customers: inputs.customerCount, items: inputs.itemCount)
        for report in run.reports {
            let name = report.settings.name
            let fitted = Self.outputs(report.model, matrix: matrix)
            let rebuilt = Self.outputs(loaded[name]!, matrix: matrix)
            #expect(fitted == rebuilt, "\(name)")
        }
    }

    /// The conformance suite: for every ranking model, no seen item is recommended, scores are
    /// sorted, K larger than the catalogue returns every eligible item once, a customer with one
    /// interaction and one with none still get lists, and items nobody bought never crash it.
    @Test func everyRankingModelConforms() throws {
        let (run, inputs, _) = try Self.fitAndSave()
        var rows = inputs.train
        // Customer 0 keeps a single interaction; the last item is bought by nobody.
        let keep = rows.customers.indices.map { p in
            (rows.customers[p] != 0 || rows.items[p] == rows.items[rows.customers.firstIndex(of: 0)!])
                && Int(rows.items[p]) != inputs.itemCount - 1
        }
        rows = rows.subset(keep)
        let matrix = rows.matrix(customers: inputs.customerCount, items: inputs.itemCount)
        let settings = try TrainSettings(Self.params, stage: "train")
        let refit = try TrainingRun(
            settings: settings,
            inputs: TrainingInputs(
                customerCount: inputs.customerCount, itemCount: inputs.itemCount, train: rows, test: inputs.test,
                itemTerms: inputs.itemTerms), seed: 3
        ).run()
        #expect(run.reports.count == refit.reports.count)
        for report in refit.reports {
            guard case .ranking(let model) = report.model else { continue }
            let name = report.settings.name
            let customers = Array(0..<inputs.customerCount)
            let recs = try TopKSelection.recommend(
                model, histories: matrix, customers: customers, k: inputs.itemCount + 5)
            let again = try TopKSelection.recommend(
                model, histories: matrix, customers: customers, k: inputs.itemCount + 5)
            #expect(recs == again, "\(name) is deterministic")
            for u in customers {
                let items = recs.items(at: u)
                let scores = recs.scores(at: u)
                let seen = Set(matrix.columnIndices[matrix.range(ofRow: u)])
                #expect(items.allSatisfy { !seen.contains($0) }, "\(name): customer \(u) gets a seen item")
                #expect(Set(items).count == items.count, "\(name): an item twice")
                #expect(items.count <= inputs.itemCount - seen.count)
                #expect(zip(scores, scores.dropFirst()).allSatisfy { $0 >= $1 }, "\(name): scores not sorted")
            }
            #expect(!recs.items(at: 0).isEmpty, "\(name): the customer with one interaction gets a list")
        }
    }

    /// EASE keeps only the largest weights per scored item when asked, and says so.
    @Test func easePrunedTableSaysSo() throws {
        let out = try StageHarness().run(
            "train", params: ["models": ["ease": ["kind": "ease", "lambda": 5, "stored_weights_per_item": 3]]],
            tables: Self.data.tables)
        let table = ModelTable(out.tables["model_ease"]!)!
        var perColumn: [Int32: Int] = [:]
        for c in table.columns { perColumn[c, default: 0] += 1 }
        #expect(perColumn.values.allSatisfy { $0 <= 3 })
        #expect(table.pruned == false)  // not a stored column: the models table says it
        guard case .bool(let pruned) = out.tables["models"]!["pruned"]!.values else { return }
        #expect(pruned == [true])
        #expect(out.counters.at("models.ease.pruned") == .bool(true))
    }
}
