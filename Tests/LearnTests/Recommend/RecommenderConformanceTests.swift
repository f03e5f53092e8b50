import Testing

@testable import Learn

/// Every recommender of this folder, fitted on the same small data, for the shared conformance
/// checks.
enum ConformanceModel: String, CaseIterable, CustomTestStringConvertible {
    case popularity, popularityByGroup, itemCosine, itemJaccard, itemAsymmetric, itemBM25, itemTFIDF
    case userCosine, userBM25, content, hybrid

    var testDescription: String { rawValue }

    /// 30 customers with 1–6 items each (several with exactly one), then a customer with no
    /// history; 20 items, item 19 bought by nobody.
    static let data: SparseMatrix = {
        let m = RecommendTestData.random(rows: 30, columns: 20, minimum: 1, maximum: 6, seed: 17)
        var r: [Int32] = []
        for u in 0..<m.rows { r.append(contentsOf: repeatElement(Int32(u), count: m.range(ofRow: u).count)) }
        return SparseMatrix(rows: 31, columns: 20, rowIndices: r, columnIndices: m.columnIndices, values: m.values)
    }()

    /// Items × 8 terms, items 3 and 19 without any term.
    static let itemTerms: SparseMatrix = {
        var rng = SeededRandom(seed: 23)
        var r: [Int32] = []
        var c: [Int32] = []
        var v: [Double] = []
        for i in 0..<20 where i != 3 && i != 19 {
            for t in 0..<8 where rng.nextUnit() < 0.35 {
                r.append(Int32(i))
                c.append(Int32(t))
                v.append(rng.nextUnit() + 0.1)
            }
        }
        return SparseMatrix(rows: 20, columns: 8, rowIndices: r, columnIndices: c, values: v)
    }()

    func fit() throws -> any Recommender {
        let d = Self.data
        switch self {
        case .popularity: return try PopularityRecommender.fit(d)
        case .popularityByGroup:
            return try PopularityRecommender.fit(
                d, configuration: .init(counting: .strengthSum), groups: (0..<31).map { Int32($0 % 3) - 1 },
                groupCount: 2)
        case .itemCosine: return try ItemKNN.fit(d, configuration: .init(neighbours: 5))
        case .itemJaccard: return try ItemKNN.fit(d, configuration: .init(similarity: .jaccard, shrinkage: 1))
        case .itemAsymmetric:
            return try ItemKNN.fit(d, configuration: .init(similarity: .asymmetricCosine, alpha: 0.3, shrinkage: 2))
        case .itemBM25: return try ItemKNN.fit(d, configuration: .init(similarity: .dotProduct, weighting: .bm25))
        case .itemTFIDF: return try ItemKNN.fit(d, configuration: .init(neighbours: 8, weighting: .tfidf))
        case .userCosine: return try UserKNN.fit(d, configuration: .init(neighbours: 6))
        case .userBM25: return try UserKNN.fit(d, configuration: .init(neighbours: 10, weighting: .bm25))
        case .content: return try ContentRecommender.fit(itemTerms: Self.itemTerms)
        case .hybrid:
            return try HybridRecommender.fit(
                components: [
                    try ItemKNN.fit(d), try PopularityRecommender.fit(d),
                    try ContentRecommender.fit(itemTerms: Self.itemTerms),
                ], configuration: .init(weights: [0.6, 0.1, 0.3]))
        }
    }
}

@Suite struct RecommenderConformanceTests {
    let data = ConformanceModel.data

    /// Checks every list of `top` against the model's own scores: sorted, seen items left out,
    /// nothing at −∞, and no eligible item left behind when K covers the catalogue.
    func checkLists(
        _ top: TopKSelection.Recommendations, model: any Recommender, users: [Int?], k: Int
    ) {
        for u in 0..<data.rows {
            let history = History(data, user: u)
            let scores = RecommendTestData.scores(model, user: users[u], history: history)
            let items = Array(top.items(at: u))
            let listed = Array(top.scores(at: u))
            #expect(items.allSatisfy { !history.items.contains($0) }, "seen item recommended to \(u)")
            for (i, s) in zip(items, listed) { #expect(s == scores[Int(i)] && s > -.infinity) }
            for p in 1..<max(1, items.count) {
                #expect(listed[p - 1] > listed[p] || (listed[p - 1] == listed[p] && items[p - 1] < items[p]))
            }
            let eligible = scores.indices.filter { scores[$0] > -.infinity && !history.items.contains(Int32($0)) }
            #expect(items.count == min(k, eligible.count), "customer \(u) got \(items.count) of \(eligible.count)")
        }
    }

    @Test(arguments: ConformanceModel.allCases)
    func listsAreSortedUnseenAndComplete(_ kind: ConformanceModel) throws {
        let model = try kind.fit()
        #expect(model.itemCount == 20)
        for k in [1, 5, 25] {
            let top = try TopKSelection.recommendAll(model, histories: data, k: k)
            checkLists(top, model: model, users: Array(0..<data.rows), k: k)
        }
    }

    @Test(arguments: ConformanceModel.allCases)
    func deterministicAcrossFitsAndRuns(_ kind: ConformanceModel) throws {
        let a = try TopKSelection.recommendAll(try kind.fit(), histories: data, k: 25)
        let b = try TopKSelection.recommendAll(try kind.fit(), histories: data, k: 25)
        #expect(a == b)
    }

    @Test(arguments: ConformanceModel.allCases)
    func unseenCustomersAreScoredFromTheirHistory(_ kind: ConformanceModel) throws {
        let model = try kind.fit()
        let unseen = [Int32](repeating: -1, count: data.rows)
        let top = try TopKSelection.recommend(
            model, histories: data, customers: Array(0..<data.rows), k: 25, modelUsers: unseen)
        checkLists(top, model: model, users: [Int?](repeating: nil, count: data.rows), k: 25)
    }

    @Test(arguments: ConformanceModel.allCases)
    func edgeCustomersAndItemsDoNotCrash(_ kind: ConformanceModel) throws {
        let model = try kind.fit()
        // One interaction, no interaction, and a history naming the never-bought item 19.
        let single = (0..<30).first { data.range(ofRow: $0).count == 1 }!
        #expect(single >= 0)
        let histories = [
            History(data, user: single), History(data, user: 30), RecommendTestData.history([19], [1]),
            RecommendTestData.history([2, 19], [1, 3]),
        ]
        for history in histories {
            let scores = RecommendTestData.scores(model, user: nil, history: history)
            #expect(scores.allSatisfy { !$0.isNaN })
            for item in 0..<20 { _ = model.strongestContributor(user: nil, history: history, item: item) }
        }
        // A reason, when given, is an item of the history.
        let history = History(data, user: 0)
        for item in 0..<20 {
            if let reason = model.strongestContributor(user: 0, history: history, item: item) {
                #expect(history.items.contains(reason))
            }
        }
    }

    /// The batched forms (what `TopKSelection` and the score stage use) answer as the one-customer
    /// forms do: exactly for models that loop, to rounding for ALS, whose batch is one matrix
    /// product (OpenBLAS may order a product's sums differently for another batch shape).
    func checkBatches(_ model: any Recommender, tolerance: Double) {
        let customers = Array(0..<data.rows)
        let users: [Int?] = customers.map { $0 % 2 == 0 ? nil : $0 }
        let histories = customers.map { History(data, user: $0) }
        var batch = [Double](repeating: .nan, count: customers.count * model.itemCount)
        batch.withUnsafeMutableBufferPointer { model.scores(users: users, histories: histories, into: $0) }
        for (r, history) in histories.enumerated() {
            let one = RecommendTestData.scores(model, user: users[r], history: history)
            for i in 0..<model.itemCount {
                #expect(relativelyClose(batch[r * model.itemCount + i], one[i], tolerance), "customer \(r), item \(i)")
            }
            let items = (0..<Int32(model.itemCount)).filter { $0 % 3 != 1 }
            let reasons = model.strongestContributors(user: users[r], history: history, items: items)
            for (item, reason) in zip(items, reasons) {
                #expect(reason == model.strongestContributor(user: users[r], history: history, item: Int(item)))
            }
        }
    }

    @Test(arguments: ConformanceModel.allCases)
    func batchesAnswerAsOneCustomerAtATime(_ kind: ConformanceModel) throws {
        checkBatches(try kind.fit(), tolerance: 0)
    }

    @Test func alsBatchesAnswerAsOneCustomerAtATime() throws {
        let als = try ALS(.init(factors: 6, regularization: 0.1, alpha: 2, iterations: 4)).fit(data, seed: 5)
        checkBatches(als, tolerance: 1e-12)
        let blend = try HybridRecommender.fit(
            components: [als, try ItemKNN.fit(data)], configuration: .init(weights: [1, 0.5]))
        checkBatches(blend, tolerance: 1e-12)
    }
}
