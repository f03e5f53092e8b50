import Testing

@testable import Learn

/// A model with fixed scores, to test selection alone.
struct FixedScores: Recommender {
    let values: [Double]
    var name: String { "fixed" }
    var itemCount: Int { values.count }
    func scores(user: Int?, history: History, into scores: UnsafeMutableBufferPointer<Double>) {
        _ = scores.update(fromContentsOf: values)
    }
    func strongestContributor(user: Int?, history: History, item: Int) -> Int32? { nil }
}

@Suite struct TopKSelectionTests {
    let model = FixedScores(values: [0.5, 0.9, 0.5, -.infinity, 0.9, 0.1])
    /// Customer 0 has seen item 4; customer 1 nothing.
    let histories = SparseMatrix(rows: 2, columns: 6, rowIndices: [0], columnIndices: [4], values: [1])

    @Test func sortsByScoreThenSmallerItem() throws {
        let top = try TopKSelection.recommendAll(model, histories: histories, k: 3)
        #expect(Array(top.items(at: 0)) == [1, 0, 2])  // 4 seen; 0 and 2 tie at 0.5
        #expect(Array(top.scores(at: 0)) == [0.9, 0.5, 0.5])
        #expect(Array(top.items(at: 1)) == [1, 4, 0])  // 1 and 4 tie at 0.9
        #expect(top.offsets == [0, 3, 6])
    }

    @Test func returnsEveryEligibleItemWhenKIsLarge() throws {
        let top = try TopKSelection.recommendAll(model, histories: histories, k: 100)
        #expect(Array(top.items(at: 0)) == [1, 0, 2, 5])  // −∞ item 3 never returned
        #expect(Array(top.items(at: 1)) == [1, 4, 0, 2, 5])
        let none = try TopKSelection.recommendAll(model, histories: histories, k: 0)
        #expect(none.items.isEmpty && none.offsets == [0, 0, 0])
    }

    @Test func keepsSeenItemsOnRequestAndHonoursTheAllowedMask() throws {
        let seen = try TopKSelection.recommendAll(model, histories: histories, k: 2, excludeSeen: false)
        #expect(Array(seen.items(at: 0)) == [1, 4])
        let allowed = [true, false, true, true, true, true]
        let filtered = try TopKSelection.recommendAll(model, histories: histories, k: 10, allowedItems: allowed)
        #expect(Array(filtered.items(at: 0)) == [0, 2, 5])
    }

    @Test func selectsTheSameAsAFullSort() throws {
        // 1 000 pseudo-random scores with many ties (rounded to 1/20), K = 37.
        var rng = SeededRandom(seed: 11)
        let values = (0..<1000).map { _ in (rng.nextUnit() * 20).rounded() / 20 }
        let single = SparseMatrix(rows: 1, columns: 1000, rowIndices: [], columnIndices: [], values: [])
        let top = try TopKSelection.recommendAll(FixedScores(values: values), histories: single, k: 37)
        let expected = (0..<1000).sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }.prefix(37)
        #expect(top.items.map { Int($0) } == Array(expected))
    }

    @Test func batchesMatchOneCustomerAtATime() throws {
        // 300 customers spans several parallel blocks; each list must equal the one computed alone.
        let data = RecommendTestData.random(rows: 300, columns: 40, minimum: 1, maximum: 8, seed: 5)
        let knn = try ItemKNN.fit(data, configuration: .init(neighbours: 10))
        let all = try TopKSelection.recommendAll(knn, histories: data, k: 7)
        for u in stride(from: 0, to: 300, by: 37) {
            let alone = try TopKSelection.recommend(knn, histories: data, customers: [u], k: 7)
            #expect(alone.items == Array(all.items(at: u)) && alone.scores == Array(all.scores(at: u)))
        }
    }

    @Test func rejectsBadArguments() {
        #expect {
            _ = try TopKSelection.recommendAll(model, histories: histories, k: -1)
        } throws: { ($0 as? RecommendConfigurationError)?.description == "top_k.k must be ≥ 0, got -1" }
        #expect {
            _ = try TopKSelection.recommendAll(model, histories: histories, k: 1, allowedItems: [true])
        } throws: {
            ($0 as? RecommendConfigurationError)?.description
                == "top_k.allowed_items must have one flag per item (6), got 1"
        }
    }
}

@Suite struct RankingMetricsTests {
    /// p0 gets [3, 1, 4, 0] with test {0, 1, 7}; p1 gets [2, 5] with test {5}; p2 gets [6] and has
    /// no test item (counted for coverage only). Catalogue of 10 items.
    let recommendations = TopKSelection.Recommendations(
        offsets: [0, 4, 6, 7], items: [3, 1, 4, 0, 2, 5, 6], scores: [4, 3, 2, 1, 2, 1, 1])
    let relevant = SparseMatrix(
        rows: 3, columns: 10, rowIndices: [0, 0, 0, 1], columnIndices: [0, 1, 7, 5], values: [1, 1, 1, 1])

    @Test func atThree() throws {
        let m = try RankingMetrics.evaluate(
            recommendations: recommendations, relevant: relevant, itemCount: 10, ks: [3])[0]
        // Top 3: p0 [3, 1, 4] hits item 1 at rank 2; p1 [2, 5] hits item 5 at rank 2.
        #expect(m.evaluatedCustomers == 2)
        #expect(relativelyClose(m.precision, 1.0 / 3.0))  // (1/3 + 1/3)/2
        #expect(relativelyClose(m.recall, 2.0 / 3.0))  // (1/3 + 1/1)/2
        #expect(relativelyClose(m.cappedRecall, 2.0 / 3.0))  // (1/min(3,3) + 1/min(3,1))/2
        #expect(relativelyClose(m.pooledCappedRecall, 0.5))  // (1 + 1)/(3 + 1)
        // DCG = 1/log2(3) = 0.6309297535714575 for both; ideal DCGs 1 + 1/log2(3) + 1/log2(4) =
        // 2.1309297535714575 (p0) and 1 (p1).
        #expect(relativelyClose(m.ndcg, (0.6309297535714575 / 2.1309297535714575 + 0.6309297535714575) / 2))
        #expect(m.hitRate == 1)
        #expect(relativelyClose(m.meanAveragePrecision, 1.0 / 3.0))  // ((1/2)/3 + (1/2)/1)/2
        #expect(m.catalogueCoverage == 0.6)  // {3, 1, 4, 2, 5, 6} of 10
    }

    @Test func atOneAndFour() throws {
        let m = try RankingMetrics.evaluate(
            recommendations: recommendations, relevant: relevant, itemCount: 10, ks: [1, 4])
        // K = 1: [3] and [2], no hit; coverage {3, 2, 6}.
        #expect(m[0].precision == 0 && m[0].ndcg == 0 && m[0].hitRate == 0 && m[0].meanAveragePrecision == 0)
        #expect(m[0].catalogueCoverage == 0.3)
        // K = 4: p0 hits at ranks 2 and 4: precision 2/4, p1 1/4 → 3/8; recall (2/3 + 1)/2 = 5/6;
        // AP p0 = (1/2 + 2/4)/min(4,3) = 1/3, p1 = (1/2)/1 → MAP 5/12.
        #expect(relativelyClose(m[1].precision, 0.375))
        #expect(relativelyClose(m[1].recall, 5.0 / 6.0))
        #expect(relativelyClose(m[1].meanAveragePrecision, 5.0 / 12.0))
        // NDCG p0 = (1/log2(3) + 1/log2(5))/2.1309297535714575 = (0.6309297535714575 + 0.43067655807339306)/2.1309…
        #expect(
            relativelyClose(
                m[1].ndcg, ((0.6309297535714575 + 0.43067655807339306) / 2.1309297535714575 + 0.6309297535714575) / 2)
        )
        #expect(relativelyClose(m[1].pooledCappedRecall, 0.75))  // (2 + 1)/(3 + 1)
    }

    @Test func ratingErrors() throws {
        // Errors −1, 0, −2: RMSE √(5/3) = 1.2909944487358056, MAE 3/3.
        #expect(
            relativelyClose(
                try RatingPredictionErrors.rootMeanSquaredError(predicted: [1, 2, 3], actual: [2, 2, 5]),
                1.2909944487358056))
        #expect(try RatingPredictionErrors.meanAbsoluteError(predicted: [1, 2, 3], actual: [2, 2, 5]) == 1)
        #expect {
            _ = try RatingPredictionErrors.meanAbsoluteError(predicted: [1], actual: [1, 2])
        } throws: {
            ($0 as? RecommendConfigurationError)?.description
                == "predicted ratings must have one per actual rating (2), got 1"
        }
    }
}
