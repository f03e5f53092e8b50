import Foundation
import Frame
import Learn
import Parquet
import Testing

@testable import Pipeline
@testable import Stages

/// The train stage run directly on small interaction tables.
@Suite struct TrainStageTests {
    typealias Pair = TrainTestData.Pair

    func run(_ data: TrainTestData, _ params: JSONValue) throws -> StageHarness.Outcome {
        try StageHarness().run("train", params: params, tables: data.tables)
    }

    /// The metric rows of `model` as "metric@k" → (value, popularity).
    func metrics(_ outcome: StageHarness.Outcome, model: String) -> [String: (Double, Double?)] {
        let f = outcome.tables["metrics"]!
        guard case .string(let models) = f["model"]!.values, case .string(let names) = f["metric"]!.values,
            case .int32(let ks) = f["k"]!.values, case .double(let values) = f["value"]!.values,
            case .double(let popularity) = f["popularity"]!.values
        else { return [:] }
        var out: [String: (Double, Double?)] = [:]
        for r in 0..<f.rowCount where models[r] == model {
            let key = f["k"]!.isNull(r) ? names[r] : "\(names[r])@\(ks[r])"
            out[key] = (values[r], f["popularity"]!.isNull(r) ? nil : popularity[r])
        }
        return out
    }

    func modelTable(_ outcome: StageHarness.Outcome, _ name: String) -> ModelTable {
        ModelTable(outcome.tables["model_" + name]!)!
    }

    /// Popularity i0 = 3, i1 = 1, i2 = 1, i3 = 0 buyers; c2 has seen i0, so its list is i1, i2
    /// (tie to the smaller index), i3, and its one test item i1 is at rank 1.
    @Test func popularityHandComputed() throws {
        let data = TrainTestData(
            customers: 3, items: 4,
            train: [
                Pair(customer: 0, item: 0), Pair(customer: 0, item: 1), Pair(customer: 1, item: 0),
                Pair(customer: 1, item: 2), Pair(customer: 2, item: 0),
            ],
            test: [Pair(customer: 2, item: 1)])
        let out = try run(data, ["models": ["pop": ["kind": "popularity"]], "k": [1, 2]])
        let table = modelTable(out, "pop")
        #expect(table.parts.map(\.name) == ["item_score"])
        #expect(table.values == [3, 1, 1, 0])
        let m = metrics(out, model: "pop")
        #expect(m["precision@1"]?.0 == 1)
        #expect(m["precision@2"]?.0 == 0.5)
        #expect(m["recall@2"]?.0 == 1)
        #expect(m["ndcg@2"]?.0 == 1)
        #expect(m["map@2"]?.0 == 1)
        #expect(m["hit_rate@1"]?.0 == 1)
        #expect(m["coverage@2"]?.0 == 0.5)
        #expect(m["coverage@2"]?.1 == 0.5)
        #expect(out.counters.at("evaluation") == "holdout")
        #expect(out.result.metrics.at("pop.ndcg@2") == .double(1))
        // Fit and evaluation seconds beside the measures (wall clock: only their presence and sign are known).
        for key in ["pop.fit_seconds", "pop.evaluation_seconds"] {
            #expect((out.result.metrics.at(key)?.doubleValue ?? -1) >= 0, "\(key)")
        }
    }

    /// With `relevant_min_rating`, a held-out pair rated below it is no hit. Popularity ranks i0
    /// (3 buyers), i1, i2 (1 each): c2's list is i1, i2. c2 held out i1 rated 2 and i2 rated 5;
    /// c1 held out i1 rated 1 and nothing else. Every pair relevant: c2 hits both in its top 2,
    /// c1 (list i1, i3) hits i1 at rank 1 → precision@2 = (1 + 0.5) / 2. From 4 stars: only c2's
    /// i2 counts, at rank 2, and c1 has no relevant pair (left out) → precision@1 = 0, @2 = 0.5.
    @Test func relevantMinRatingLeavesLowRatingsOutOfTheHits() throws {
        let data = TrainTestData(
            customers: 3, items: 4,
            train: [
                Pair(customer: 0, item: 0, rating: 4), Pair(customer: 0, item: 1, rating: 3),
                Pair(customer: 1, item: 0, rating: 5), Pair(customer: 1, item: 2, rating: 2),
                Pair(customer: 2, item: 0, rating: 4),
            ],
            test: [
                Pair(customer: 2, item: 1, rating: 2), Pair(customer: 2, item: 2, rating: 5),
                Pair(customer: 1, item: 1, rating: 1),
            ])
        let all = metrics(try run(data, ["models": ["pop": ["kind": "popularity"]], "k": [1, 2]]), model: "pop")
        #expect(all["precision@1"]?.0 == 1)
        #expect(all["precision@2"]?.0 == 0.75)
        let liked = metrics(
            try run(data, ["models": ["pop": ["kind": "popularity"]], "k": [1, 2], "relevant_min_rating": 4]),
            model: "pop")
        #expect(liked["precision@1"]?.0 == 0)
        #expect(liked["precision@2"]?.0 == 0.5)
        #expect(liked["hit_rate@2"]?.0 == 1)
    }

    /// Two segments from x (c0, c1 at 0; c2, c3 at 10). Within {c0, c1}: i0 has 2 buyers, i1 1;
    /// within {c2, c3}: i3 2, i2 1; overall i0 and i3 lead with 2. c1's test item i1 and c3's i2
    /// are first in their segment's list (precision@1 = 1) and behind unseen i3 / i0 overall (0).
    @Test func popularityBySegment() throws {
        let data = TrainTestData(
            customers: 4, items: 4,
            train: [
                Pair(customer: 0, item: 0), Pair(customer: 0, item: 1), Pair(customer: 1, item: 0),
                Pair(customer: 2, item: 2), Pair(customer: 2, item: 3), Pair(customer: 3, item: 3),
            ],
            test: [Pair(customer: 1, item: 1), Pair(customer: 3, item: 2)])
        var tables = data.tables
        tables["customer_features"] = Toy.frame([
            ("customer_id", Column(.string(StringArray(["c0", "c1", "c2", "c3"])))),
            ("x", Toy.doubles([0, 0, 10, 10])),
        ])
        let params: JSONValue = [
            "models": ["seg": ["kind": "popularity", "by_segment": true], "all": ["kind": "popularity"]],
            "k": [1], "segments": ["table": "customer_features", "k": 2, "n_init": 3],
        ]
        let out = try StageHarness().run("train", params: params, tables: tables)
        #expect(metrics(out, model: "seg")["precision@1"]?.0 == 1)
        #expect(metrics(out, model: "all")["precision@1"]?.0 == 0)
        let table = modelTable(out, "seg")
        #expect(table.parts.map(\.name) == ["item_score", "segment_item_score", "customer_segment"])
        let groups = Array(table.values[table.entries("customer_segment")])
        #expect(groups[0] == groups[1] && groups[2] == groups[3] && groups[0] != groups[2])
        let byGroup = Array(table.values[table.entries("segment_item_score")])
        let first = Int(groups[0]) * 4
        let second = Int(groups[2]) * 4
        #expect(Array(byGroup[first..<first + 4]) == [2, 1, 0, 0])
        #expect(Array(byGroup[second..<second + 4]) == [0, 0, 1, 2])
        // Saved and rebuilt, it ranks as fitted.
        let loaded = try TrainedModels.load(directory: out.outputDirectory, only: ["seg"])
        guard case .ranking(let model)? = loaded["seg"] else {
            Issue.record("seg not loaded")
            return
        }
        var scores = [Double](repeating: 0, count: 4)
        scores.withUnsafeMutableBufferPointer {
            model.scores(user: 3, history: History(items: [3], strengths: [1]), into: $0)
        }
        #expect(scores == [0, 0, 1, 2])
        #expect(loaded["all"] == nil)

        // Without segments fitted in the stage, by_segment is refused at its JSON path.
        #expect {
            _ = try StageHarness().run(
                "train", params: ["models": ["seg": ["kind": "popularity", "by_segment": true]]], tables: data.tables)
        } throws: { "\($0)".contains("params.models.seg.by_segment") }
    }

    /// Items over customers: i0 = (1,1,0), i1 = (1,1,1), i2 = (0,1,1); cosines 2/√6, 1/2, 2/√6.
    @Test func itemKNNNeighboursHandComputed() throws {
        let data = TrainTestData(
            customers: 3, items: 3,
            train: [
                Pair(customer: 0, item: 0), Pair(customer: 0, item: 1), Pair(customer: 1, item: 0),
                Pair(customer: 1, item: 1), Pair(customer: 1, item: 2), Pair(customer: 2, item: 1),
                Pair(customer: 2, item: 2),
            ],
            test: [])
        let out = try run(data, ["models": ["knn": ["kind": "item_knn"]]])
        let t = modelTable(out, "knn")
        #expect(t.rows == [0, 0, 1, 1, 2, 2])
        #expect(t.columns == [1, 2, 0, 2, 0, 1])
        let c = 2 / 6.0.squareRoot()
        for (value, expected) in zip(t.values, [c, 0.5, c, c, 0.5, c]) { #expect(abs(value - expected) < 1e-12) }
        #expect(out.counters.at("evaluation") == "none")
        #expect(out.tables["metrics"]!.rowCount == 0)
    }

    /// The grid point with the best validation NDCG is chosen, every point is recorded, and the
    /// test side plays no part in the choice.
    @Test func tuningPicksTheBestValidationPointAndNeverReadsTest() throws {
        var data = TrainTestData.blocks()
        let params: JSONValue = [
            "models": ["knn": ["kind": "item_knn", "neighbours": [1, 5, 40], "shrinkage": [0, 10]]],
            "select_metric": "ndcg@5",
        ]
        let first = try run(data, params)
        let trials = first.tables["trials"]!
        #expect(trials.rowCount == 6)
        guard case .double(let values) = trials["value"]!.values, case .bool(let chosen) = trials["chosen"]!.values,
            case .string(let parameters) = trials["parameters"]!.values
        else { Issue.record("trials columns"); return }
        let best = values.indices.max { values[$0] < values[$1] || (values[$0] == values[$1] && $0 > $1) }!
        #expect(chosen == values.indices.map { $0 == best })
        #expect(parameters[0] == #"{"neighbours":1,"shrinkage":0}"#)
        #expect(first.counters.at("models.knn.trials") == .int(6))
        // A different test side changes the metrics but not a single trial.
        data.test = data.test.map { Pair(customer: $0.customer, item: ($0.item + 5) % data.items, time: $0.time) }
        data.test = Array(
            Dictionary(data.test.map { ("\($0.customer)-\($0.item)", $0) }, uniquingKeysWith: { a, _ in a }).values)
        data.test.removeAll { p in data.train.contains { $0.customer == p.customer && $0.item == p.item } }
        let second = try run(data, params)
        #expect(try first.bytes("trials.parquet") == second.bytes("trials.parquet"))
        #expect(try first.bytes("model_knn.parquet") == second.bytes("model_knn.parquet"))
        #expect(try first.bytes("metrics.parquet") != second.bytes("metrics.parquet"))
    }

    /// With folds, each fold is judged by models fitted on the others and the means reported:
    /// checked against popularity fitted fold by fold with Learn directly.
    @Test func kfoldMeansOverFolds() throws {
        var data = TrainTestData.blocks(customers: 60)
        data.train = (data.train + data.test).enumerated().map { n, p in
            var q = p
            q.fold = Int32(n % 3)
            return q
        }
        data.test = []
        let out = try run(data, ["models": ["pop": ["kind": "popularity"]], "k": [5]])
        #expect(out.counters.at("evaluation") == "kfold")
        var expected = 0.0
        let rows = data.train.sorted { ($0.customer, $0.item) < ($1.customer, $1.item) }
        for f in Int32(0)..<3 {
            let fit = rows.filter { $0.fold != f }
            let held = rows.filter { $0.fold == f }
            let matrix = SparseMatrix(
                rows: data.customers, columns: data.items, rowIndices: fit.map { Int32($0.customer) },
                columnIndices: fit.map { Int32($0.item) }, values: fit.map(\.strength))
            let model = try PopularityRecommender.fit(matrix)
            let customers = Array(Set(held.map(\.customer))).sorted()
            let position = Dictionary(uniqueKeysWithValues: customers.enumerated().map { ($1, Int32($0)) })
            let relevant = SparseMatrix(
                rows: customers.count, columns: data.items, rowIndices: held.map { position[$0.customer]! },
                columnIndices: held.map { Int32($0.item) }, values: held.map { _ in 1 })
            let recs = try TopKSelection.recommend(model, histories: matrix, customers: customers, k: 5)
            expected += try RankingMetrics.evaluate(
                recommendations: recs, relevant: relevant, itemCount: data.items, ks: [5])[0].ndcg
        }
        let m = metrics(out, model: "pop")
        #expect(abs(m["ndcg@5"]!.0 - expected / 3) < 1e-15)
        #expect(m["ndcg@5"]!.1 == m["ndcg@5"]!.0)
    }

    /// On co-purchase blocks every collaborative model ranks the held-out items of a customer's
    /// block well above popularity.
    @Test func collaborativeModelsBeatPopularityOnPlantedBlocks() throws {
        let data = TrainTestData.blocks()
        let out = try run(
            data,
            [
                "models": [
                    "item_knn": ["kind": "item_knn"], "user_knn": ["kind": "user_knn", "neighbours": 30],
                    "als": ["kind": "als", "factors": 8, "regularization": 0.1, "iterations": 10],
                    "ease": ["kind": "ease", "lambda": 10],
                    "hybrid": ["kind": "hybrid", "components": ["item_knn", "als"]],
                ]
            ])
        for model in ["item_knn", "user_knn", "als", "ease", "hybrid"] {
            let ndcg = metrics(out, model: model)["ndcg@10"]!
            #expect(ndcg.0 > ndcg.1! + 0.1, "\(model): \(ndcg.0) vs popularity \(ndcg.1!)")
        }
    }

    @Test func ratingModelsReportErrorsAndBlend() throws {
        let data = TrainTestData.blocks()
        let out = try run(
            data,
            [
                "models": [
                    "base": ["kind": "baseline"], "knnb": ["kind": "knn_baseline", "neighbours": 20],
                    "svd": ["kind": "svd", "factors": 5, "epochs": [5, 20]], "svdpp": ["kind": "svdpp", "factors": 4],
                    "blend": ["kind": "rating_blend", "components": ["base", "svd"]],
                ]
            ])
        for model in ["base", "knnb", "svd", "svdpp", "blend"] {
            let m = metrics(out, model: model)
            #expect(m["rmse"] != nil && m["rmse"]!.0 > 0 && m["rmse"]!.0 < 1.5, "\(model)")
            #expect(m["mae"]!.0 <= m["rmse"]!.0)
            #expect(m["rmse"]!.1 == nil)
        }
        guard case .string(let metricNames) = out.tables["trials"]!["metric"]!.values else { return }
        #expect(metricNames[0] == "rmse" && metricNames.count == 2)
    }

    /// A numeric grid may be a range: `steps` values from `from` to `to`, evenly spaced or (log) in
    /// equal ratios; integers are rounded and repeats dropped; a log range must stay positive and
    /// every value must be one the hyperparameter accepts.
    @Test func rangesExpandToGrids() throws {
        let knn = try ModelSettings(
            name: "knn",
            [
                "kind": "item_knn", "neighbours": ["from": 10, "to": 40, "steps": 4],
                "shrinkage": ["from": 0, "to": 1, "steps": 3],
            ],
            stage: "train", path: "params.models.knn")
        let grid = Dictionary(uniqueKeysWithValues: knn.grid.map { ($0.name, $0.values) })
        #expect(grid["neighbours"] == [10, 20, 30, 40])
        #expect(grid["shrinkage"]?.compactMap(\.doubleValue) == [0, 0.5, 1])
        let als = try ModelSettings(
            name: "als", ["kind": "als", "regularization": ["from": 0.001, "to": 10, "steps": 5, "scale": "log"]],
            stage: "train", path: "params.models.als")
        let lambdas = als.grid[0].values.compactMap(\.doubleValue)
        for (x, e) in zip(lambdas, [0.001, 0.01, 0.1, 1, 10]) { #expect(abs(x - e) <= 1e-12 * e, "\(x) vs \(e)") }
        #expect(lambdas.count == 5 && lambdas.last == 10)
        // Rounding 1…3 in 5 steps gives 1, 2, 2, 3, 3: each value once.
        let small = try ModelSettings(
            name: "knn", ["kind": "item_knn", "neighbours": ["from": 1, "to": 3, "steps": 5]], stage: "train",
            path: "params.models.knn")
        #expect(small.grid[0].values == [1, 2, 3])
        for bad: JSONValue in [
            ["from": 0, "to": 10, "steps": 3, "scale": "log"], ["from": -5, "to": 10, "steps": 3],
        ] {
            #expect(throws: StageError.self) {
                try ModelSettings(
                    name: "knn", ["kind": "item_knn", "neighbours": bad], stage: "train", path: "params.models.knn")
            }
        }
        // The validator accepts the range form (and fills the scale).
        let data = TrainTestData.blocks()
        let out = try run(
            data, ["models": ["knn": ["kind": "item_knn", "neighbours": ["from": 5, "to": 20, "steps": 2]]]])
        #expect(out.tables["trials"]?.rowCount == 2)
    }

    static let errorCases: [(params: JSONValue, path: String, message: String)] = [
        (["models": ["x": ["kind": "svm"]]], "params.models.x.kind", "one of"),
        (["models": ["x": ["kind": "als", "neighbours": 5]]], "params.models.x.neighbours", "not a hyperparameter"),
        (["models": ["x": ["kind": "svd"]]], "params.models.x", "has no rating"),
        (
            ["models": ["h": ["kind": "hybrid", "components": ["nope"]]]], "params.models.h.components",
            "not a configured"
        ),
        (["models": ["x": ["kind": "item_knn", "alpha": 3]]], "params.models.x", "alpha"),
        (["models": ["x": ["kind": "popularity"]], "select_metric": "ndcg"], "params.select_metric", "ranking metric"),
    ]

    @Test(arguments: errorCases)
    func errorsNameTheJSONPath(_ params: JSONValue, path: String, message: String) throws {
        var data = TrainTestData.blocks(customers: 12)
        data.train = data.train.map {
            var p = $0; p.rating = nil; return p
        }
        do {
            _ = try StageHarness().run("train", params: params, tables: data.tables)
            Issue.record("expected an error at \(path)")
        } catch {
            let text = String(describing: error)
            #expect(text.contains(path + ":") || text.contains("at " + path), "\(text)")
            #expect(text.contains(message), "\(text)")
        }
    }

    /// Same inputs, params and seed: every file byte-identical.
    @Test func deterministicBytes() throws {
        let data = TrainTestData.blocks(customers: 80)
        let params: JSONValue = [
            "models": [
                "als": ["kind": "als", "factors": 4, "iterations": 3], "svd": ["kind": "svd", "factors": 3],
                "content": ["kind": "content"],
            ]
        ]
        let a = try run(data, params)
        let b = try run(data, params)
        #expect(a.files == b.files)
        for f in a.files { #expect(try a.bytes(f) == b.bytes(f), "\(f)") }
    }
}
