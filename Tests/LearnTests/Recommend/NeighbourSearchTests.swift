import Foundation
import Testing

@testable import Learn

/// Similarities and re-weightings on `RecommendTestData.toy`, worked by hand (the item vectors,
/// norms and dots are listed on `toy`).
@Suite struct NeighbourSearchTests {
    let toy = RecommendTestData.toy

    func neighbours(_ configuration: NeighbourhoodConfiguration) throws -> SparseMatrix {
        try ItemKNN.fit(toy, configuration: configuration).neighbours
    }

    @Test func cosine() throws {
        let n = try neighbours(.init(similarity: .cosine))
        // sim(0,1) = 1/√(6·2) = 1/√12; sim(1,2) = 1/√(2·2); sim(1,3) = 2/√(2·4); sim(0,3): no overlap.
        #expect(relativelyClose(n.value(row: 0, column: 1), 0.28867513459481287))
        #expect(relativelyClose(n.value(row: 1, column: 0), 0.28867513459481287))
        #expect(relativelyClose(n.value(row: 1, column: 2), 0.5))
        #expect(relativelyClose(n.value(row: 1, column: 3), 0.7071067811865475))
        #expect(relativelyClose(n.value(row: 3, column: 2), 0.7071067811865475))
        #expect(n.columnIndices[n.range(ofRow: 0)] == [1, 2])  // no self, no i3
        #expect(n.columnIndices[n.range(ofRow: 3)] == [1, 2])
        #expect(n.nonZeroCount == 10)
    }

    @Test func cosineWithShrinkage() throws {
        let n = try neighbours(.init(similarity: .cosine, shrinkage: 1))
        // 1/(√12 + 1) = 1/4.4641016151377544; 1/(2 + 1); 2/(√8 + 1) = 2/3.8284271247461903.
        #expect(relativelyClose(n.value(row: 0, column: 1), 0.2240092377397959))
        #expect(relativelyClose(n.value(row: 2, column: 1), 1.0 / 3.0))
        #expect(relativelyClose(n.value(row: 1, column: 3), 0.5224077499274828))
    }

    @Test func jaccardIgnoresStrengths() throws {
        // Customer sets: i0 {0,1,3}, i1 {0,2}, i2 {1,2}, i3 {2}.
        let n = try neighbours(.init(similarity: .jaccard))
        #expect(relativelyClose(n.value(row: 0, column: 1), 0.25))  // 1/(3 + 2 − 1)
        #expect(relativelyClose(n.value(row: 1, column: 2), 1.0 / 3.0))  // 1/(2 + 2 − 1)
        #expect(relativelyClose(n.value(row: 3, column: 1), 0.5))  // 1/(1 + 2 − 1)
        let shrunk = try neighbours(.init(similarity: .jaccard, shrinkage: 2))
        #expect(relativelyClose(shrunk.value(row: 3, column: 1), 0.25))  // 1/(1 + 2 − 1 + 2)
    }

    @Test func asymmetricCosine() throws {
        let n = try neighbours(.init(similarity: .asymmetricCosine, alpha: 0.75))
        // sim(1,3) = 2/(2^0.75 · 4^0.25) = 2^−0.25; sim(3,1) = 2/(4^0.75 · 2^0.25) = 2^−0.75.
        #expect(relativelyClose(n.value(row: 1, column: 3), 0.8408964152537145))
        #expect(relativelyClose(n.value(row: 3, column: 1), 0.5946035575013605))
        // α = 0.5 is the cosine.
        let half = try neighbours(.init(similarity: .asymmetricCosine, alpha: 0.5))
        #expect(relativelyClose(half.value(row: 0, column: 2), 0.28867513459481287))
        // With shrinkage 1: 2/(2^1.25 + 1) = 2/3.378414230005442.
        let shrunk = try neighbours(.init(similarity: .asymmetricCosine, alpha: 0.75, shrinkage: 1))
        #expect(relativelyClose(shrunk.value(row: 1, column: 3), 0.5919937177143545))
    }

    @Test func dotProductAndSelf() throws {
        let n = try neighbours(.init(similarity: .dotProduct, includeSelf: true))
        #expect(n.value(row: 1, column: 3) == 2)
        #expect(n.value(row: 0, column: 0) == 6)  // self: ‖i0‖²
        #expect(n.columnIndices[n.range(ofRow: 0)] == [0, 1, 2])
    }

    @Test func topNeighboursBreakTiesBySmallerIndex() throws {
        let n = try neighbours(.init(similarity: .cosine, neighbours: 1))
        // i0: i1 and i2 tie at 1/√12 → i1; i1: best i3 (1/√2); i2: best i3; i3: i1 and i2 tie → i1.
        #expect(n.rowOffsets == [0, 1, 2, 3, 4])
        #expect(n.columnIndices == [1, 3, 3, 1])
    }

    @Test func minSimilarityDropsWeakNeighbours() throws {
        let n = try neighbours(.init(similarity: .cosine, minSimilarity: 0.5))
        // Only 1/√2 pairs (i1–i3, i2–i3) are above 0.5; 0.5 itself (i1–i2) is not.
        #expect(n.columnIndices == [3, 3, 1, 2])
        #expect(n.rowOffsets == [0, 0, 1, 2, 4])
    }

    /// BM25 as implicit's `bm25_weight(items × customers, K1 = 1.2, B = 0.75)`: 4 items (documents);
    /// customers' document frequencies u0 2, u1 2, u2 3, u3 1, so idf = ln 4 − ln 3, ln 4 − ln 3,
    /// 0, ln 4 − ln 2; item lengths 4, 2, 2, 2 (mean 2.5), so length norms 0.25 + 0.75·4/2.5 = 1.45
    /// and 0.25 + 0.75·2/2.5 = 0.85.
    @Test func bm25Weights() {
        let configuration = NeighbourhoodConfiguration(weighting: .bm25)
        let items = toy.transposed()
        let statistics = NeighbourSearch.WeightingStatistics(items)
        #expect(relativelyClose(statistics.featureIDF[0], 0.28768207245178085))  // ln(4/3)
        #expect(statistics.featureIDF[2] == 0)
        #expect(relativelyClose(statistics.featureIDF[3], 0.6931471805599453))  // ln 2
        #expect(statistics.averageRowSum == 2.5)
        let w = NeighbourSearch.weighted(items, statistics: statistics, configuration: configuration)
        // (i0, u0): 1·2.2/(1.2·1.45 + 1)·ln(4/3) = 2.2/2.74·0.28768… = 0.23098…
        #expect(relativelyClose(w.value(row: 0, column: 0), 0.2309856056182182))
        // (i0, u3): 2·2.2/(1.2·1.45 + 2)·ln 2 = 4.4/3.74·0.69314… = 0.81546…
        #expect(relativelyClose(w.value(row: 0, column: 3), 0.8154672712469945))
        // (i1, u0): 2.2/(1.2·0.85 + 1)·ln(4/3) = 2.2/2.02·0.28768… = 0.31331…
        #expect(relativelyClose(w.value(row: 1, column: 0), 0.31331710861085044))
        // (i3, u2): idf 0.
        #expect(w.value(row: 3, column: 2) == 0)
    }

    /// TF-IDF as implicit's `tfidf_weight`: √x · idf with the idfs above.
    @Test func tfidfWeights() {
        let items = toy.transposed()
        let statistics = NeighbourSearch.WeightingStatistics(items)
        let w = NeighbourSearch.weighted(items, statistics: statistics, configuration: .init(weighting: .tfidf))
        #expect(relativelyClose(w.value(row: 0, column: 3), 0.9802581434685472))  // √2·ln 2
        #expect(relativelyClose(w.value(row: 0, column: 0), 0.28768207245178085))  // √1·ln(4/3)
        #expect(w.value(row: 1, column: 2) == 0)
    }

    @Test(arguments: [
        (NeighbourhoodConfiguration(neighbours: 0), "item_knn.neighbours must be ≥ 1, got 0"),
        (NeighbourhoodConfiguration(alpha: 1.5), "item_knn.alpha must be in [0, 1], got 1.5"),
        (NeighbourhoodConfiguration(shrinkage: -1), "item_knn.shrinkage must be finite and ≥ 0, got -1.0"),
        (NeighbourhoodConfiguration(bm25K1: 0), "item_knn.bm25_k1 must be finite and > 0, got 0.0"),
        (NeighbourhoodConfiguration(bm25B: 2), "item_knn.bm25_b must be in [0, 1], got 2.0"),
        (
            NeighbourhoodConfiguration(similarity: .jaccard, weighting: .bm25),
            "item_knn.weighting must be none with the jaccard similarity (it ignores strengths), got bm25"
        ),
        (
            NeighbourhoodConfiguration(similarity: .dotProduct, shrinkage: 3),
            "item_knn.shrinkage must be 0 with the dot_product similarity (it has no denominator to shrink), got 3.0"
        ),
    ])
    func rejectsInvalidConfiguration(configuration: NeighbourhoodConfiguration, message: String) {
        #expect {
            _ = try ItemKNN.fit(toy, configuration: configuration)
        } throws: { ($0 as? RecommendConfigurationError)?.description == message }
    }
}

@Suite struct RecommendConfigurationCodingTests {
    @Test func absentKeysKeepTheDefaults() throws {
        let json = #"{"neighbours": 7, "weighting": "bm25", "min_similarity": 0.1, "similarity": "asymmetric_cosine"}"#
        let c = try JSONDecoder().decode(NeighbourhoodConfiguration.self, from: Data(json.utf8))
        #expect(
            c
                == NeighbourhoodConfiguration(
                    similarity: .asymmetricCosine, neighbours: 7, weighting: .bm25, minSimilarity: 0.1))
        let back = try JSONDecoder().decode(NeighbourhoodConfiguration.self, from: JSONEncoder().encode(c))
        #expect(back == c)
        #expect(try JSONDecoder().decode(NeighbourhoodConfiguration.self, from: Data("{}".utf8)) == .init())
        let p = try JSONDecoder().decode(PopularityRecommender.Configuration.self, from: Data("{}".utf8))
        #expect(p.counting == .distinctCustomers)
        let content = try JSONDecoder().decode(
            ContentRecommender.Configuration.self, from: Data(#"{"strength_scaling": "logarithmic"}"#.utf8))
        #expect(content.strengthScaling == .logarithmic)
    }
}
