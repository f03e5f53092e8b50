import Foundation
import TestSupport
import Testing

@testable import Learn

/// Item-kNN against `implicit` 0.7.3's `CosineRecommender`, `BM25Recommender` and
/// `TFIDFRecommender` on the same seeded data (200 customers × 100 items, 3–15 items each with
/// real strengths in [1, 5), so similarities practically never tie), and our ranking metrics
/// against `implicit.evaluation.ranking_metrics_at_k` on a seeded 80/20 split.
///
/// Mapping: implicit counts an item as one of its own K neighbours, so ours runs with
/// `includeSelf` and the same K. `BM25Recommender` takes raw dot products of BM25-weighted item
/// vectors (`similarity: .dotProduct`), `TFIDFRecommender` cosines of TF-IDF-weighted ones.
/// implicit's `recommend(…, filter_already_liked_items=True)` can return liked items with score 0
/// when a customer has few candidates, so the script asks for every item and drops liked ones.
///
/// Tolerances: scores to 1e-9 relative (implicit normalises vectors before the dot products, we
/// divide after, so the last bits differ); lists identical item for item, except positions whose
/// scores tie within 1e-12 relative, where either order is right. Metrics to 1e-12: the same
/// hits summed in another order. implicit's "precision" is Σ hits / Σ min(K, |test|), our
/// `pooledCappedRecall`.
@Suite(.enabled(if: (try? PythonScript.run("import implicit")) != nil, "implicit is not installed"))
struct ImplicitAgreementTests {
    static let script = """
        import json, sys
        import numpy as np
        from scipy.sparse import csr_matrix
        from implicit.nearest_neighbours import CosineRecommender, BM25Recommender, TFIDFRecommender
        from implicit.evaluation import ranking_metrics_at_k

        d = json.load(open(sys.argv[1]))
        def matrix(m):
            return csr_matrix((np.array(m["values"], dtype=np.float64), np.array(m["columns"], dtype=np.int32),
                               np.array(m["offsets"], dtype=np.int32)), shape=(m["rows"], m["cols"]))
        full, train, test = matrix(d["full"]), matrix(d["train"]), matrix(d["test"])
        K, N = d["neighbours"], d["n"]
        out = {}
        for name, model in [("cosine", CosineRecommender(K=K, num_threads=1)),
                            ("bm25", BM25Recommender(K=K, K1=1.2, B=0.75, num_threads=1)),
                            ("tfidf", TFIDFRecommender(K=K, num_threads=1))]:
            model.fit(full, show_progress=False)
            sim = model.similarity.tocsr()
            sim.sort_indices()
            similarity = {"offsets": sim.indptr.tolist(), "columns": sim.indices.tolist(), "values": sim.data.tolist()}
            lists = []
            for u in range(full.shape[0]):
                ids, scores = model.recommend(u, full[u], N=full.shape[1], filter_already_liked_items=True)
                liked = set(full[u].indices.tolist())
                kept = [[int(i), float(s)] for i, s in zip(ids, scores) if i >= 0 and int(i) not in liked]
                lists.append(kept[:N])
            model.fit(train, show_progress=False)
            metrics = ranking_metrics_at_k(model, train, test, K=N, show_progress=False)
            out[name] = {"lists": lists, "metrics": {k: float(v) for k, v in metrics.items()}, "similarity": similarity}
        # Customer-customer cosines: implicit's item-item kNN on the transposed matrix.
        users = CosineRecommender(K=K, num_threads=1)
        users.fit(full.T.tocsr(), show_progress=False)
        sim = users.similarity.tocsr()
        sim.sort_indices()
        out["user_cosine"] = {"lists": [], "metrics": {},
                              "similarity": {"offsets": sim.indptr.tolist(), "columns": sim.indices.tolist(),
                                             "values": sim.data.tolist()}}
        print(json.dumps(out))
        """

    static let neighbours = 20
    static let n = 10
    static let full = RecommendTestData.random(rows: 200, columns: 100, minimum: 3, maximum: 15, seed: 2026)
    static let parts = RecommendTestData.split(full, share: 0.2, seed: 7)

    static let configurations: [(String, NeighbourhoodConfiguration)] = [
        ("cosine", .init(similarity: .cosine, neighbours: neighbours, includeSelf: true)),
        ("bm25", .init(similarity: .dotProduct, neighbours: neighbours, weighting: .bm25, includeSelf: true)),
        ("tfidf", .init(similarity: .cosine, neighbours: neighbours, weighting: .tfidf, includeSelf: true)),
    ]

    /// One implicit model's output: per customer [[item, score], …], and its ranking metrics.
    struct ModelReference: Decodable, Sendable {
        var lists: [[[Double]]]
        var metrics: [String: Double]
        /// The fitted neighbour lists, CSR.
        var similarity: Similarity
    }

    struct Similarity: Decodable, Sendable {
        var offsets: [Int]
        var columns: [Int32]
        var values: [Double]
    }

    /// implicit's output, computed once for the suite.
    static let reference: [String: ModelReference] = {
        let dir = TemporaryDirectory("bespoke-implicit")
        defer { dir.remove() }
        let input: [String: Any] = [
            "full": RecommendTestData.json(full), "train": RecommendTestData.json(parts.train),
            "test": RecommendTestData.json(parts.test), "neighbours": neighbours, "n": n,
        ]
        let path = dir.file("data.json")
        try! JSONSerialization.data(withJSONObject: input).write(to: URL(fileURLWithPath: path))
        let output = try! PythonScript.run(script, arguments: [path])
        return try! JSONDecoder().decode([String: ModelReference].self, from: Data(output.utf8))
    }()

    @Test(arguments: configurations.map { $0.0 })
    func recommendationsMatch(_ name: String) throws {
        let configuration = Self.configurations.first { $0.0 == name }!.1
        let model = try ItemKNN.fit(Self.full, configuration: configuration)
        let ours = try TopKSelection.recommendAll(model, histories: Self.full, k: Self.n)
        let lists = Self.reference[name]!.lists
        var identicalPositions = 0
        var tiedPositions = 0
        var worstRelative = 0.0
        for u in 0..<Self.full.rows {
            let theirs = lists[u]
            let items = Array(ours.items(at: u))
            let scores = Array(ours.scores(at: u))
            #expect(items.count == theirs.count, "customer \(u): \(items.count) items, implicit \(theirs.count)")
            for p in 0..<min(items.count, theirs.count) {
                let relative = abs(scores[p] - theirs[p][1]) / max(abs(theirs[p][1]), 1e-300)
                worstRelative = max(worstRelative, relative)
                #expect(relative <= 1e-9, "customer \(u) rank \(p): \(scores[p]) vs implicit \(theirs[p][1])")
                if Int(items[p]) == Int(theirs[p][0]) {
                    identicalPositions += 1
                } else {
                    // A swap is only right between scores that tie.
                    let tie = (0..<items.count).contains { q in
                        q != p && abs(scores[q] - scores[p]) <= 1e-12 * abs(scores[p])
                    }
                    #expect(tie, "customer \(u) rank \(p): item \(items[p]) vs implicit \(Int(theirs[p][0]))")
                    tiedPositions += 1
                }
            }
        }
        // Nearly every position is compared (each customer has ≥ 10 candidates here).
        #expect(identicalPositions + tiedPositions >= Self.full.rows * Self.n * 9 / 10)
        print(
            "implicit \(name): \(identicalPositions) identical positions, \(tiedPositions) tied swaps, worst relative score difference \(worstRelative)"
        )
    }

    /// The fitted neighbour lists, row by row: the same neighbours, similarities to 1e-9
    /// relative. implicit pads items with fewer than K neighbours with explicit zeros, which are
    /// skipped. "user_cosine" is our user-kNN against implicit's item-kNN on the transpose.
    @Test(arguments: configurations.map { $0.0 } + ["user_cosine"])
    func neighbourListsMatch(_ name: String) throws {
        let neighbours: SparseMatrix
        if name == "user_cosine" {
            let configuration = NeighbourhoodConfiguration(neighbours: Self.neighbours, includeSelf: true)
            neighbours = try UserKNN.fit(Self.full, configuration: configuration).neighbours
        } else {
            let configuration = Self.configurations.first { $0.0 == name }!.1
            neighbours = try ItemKNN.fit(Self.full, configuration: configuration).neighbours
        }
        let theirs = Self.reference[name]!.similarity
        #expect(theirs.offsets.count == neighbours.rows + 1)
        var compared = 0
        var worstRelative = 0.0
        for r in 0..<neighbours.rows {
            let kept = (theirs.offsets[r]..<theirs.offsets[r + 1]).filter { theirs.values[$0] != 0 }
            let ours = neighbours.range(ofRow: r)
            #expect(
                kept.map { theirs.columns[$0] } == Array(neighbours.columnIndices[ours]),
                "\(name) row \(r): neighbours differ")
            for (p, q) in zip(kept, ours) {
                let relative = abs(neighbours.values[q] - theirs.values[p]) / abs(theirs.values[p])
                worstRelative = max(worstRelative, relative)
                #expect(relative <= 1e-9, "\(name) row \(r): \(neighbours.values[q]) vs \(theirs.values[p])")
                compared += 1
            }
        }
        #expect(compared >= neighbours.rows * Self.neighbours / 2)
        print(
            "implicit \(name) neighbours: \(compared) similarities compared, worst relative difference \(worstRelative)"
        )
    }

    @Test(arguments: configurations.map { $0.0 })
    func rankingMetricsMatch(_ name: String) throws {
        let configuration = Self.configurations.first { $0.0 == name }!.1
        let model = try ItemKNN.fit(Self.parts.train, configuration: configuration)
        let top = try TopKSelection.recommendAll(model, histories: Self.parts.train, k: Self.n)
        let m = try RankingMetrics.evaluate(
            recommendations: top, relevant: Self.parts.test, itemCount: Self.full.columns, ks: [Self.n])[0]
        let theirs = Self.reference[name]!.metrics
        #expect(m.evaluatedCustomers > 100)
        #expect(abs(m.pooledCappedRecall - theirs["precision"]!) <= 1e-12)
        #expect(abs(m.meanAveragePrecision - theirs["map"]!) <= 1e-12)
        #expect(abs(m.ndcg - theirs["ndcg"]!) <= 1e-12)
        print(
            "implicit \(name) @\(Self.n): precision \(m.pooledCappedRecall) vs \(theirs["precision"]!), map \(m.meanAveragePrecision) vs \(theirs["map"]!), ndcg \(m.ndcg) vs \(theirs["ndcg"]!)"
        )
    }
}
