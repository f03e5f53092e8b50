import Foundation
import Testing

@testable import Learn

@Suite struct PopularityRecommenderTests {
    let toy = RecommendTestData.toy

    @Test func countsDistinctCustomersOrStrengths() throws {
        // Customers per item: i0 {u0,u1,u3} 3, i1 {u0,u2} 2, i2 {u1,u2} 2, i3 {u2} 1.
        #expect(try PopularityRecommender.fit(toy).itemScores == [3, 2, 2, 1])
        // Strength sums: i0 1+1+2, i1 1+1, i2 1+1, i3 2.
        #expect(
            try PopularityRecommender.fit(toy, configuration: .init(counting: .strengthSum)).itemScores == [4, 2, 2, 2])
    }

    @Test func perGroupPopularityWithFallback() throws {
        // Groups: u0, u1 → 0; u2 → 1; u3 → none.
        let model = try PopularityRecommender.fit(toy, groups: [0, 0, 1, -1], groupCount: 2)
        // Group 0: i0 {u0,u1} 2, i1 {u0} 1, i2 {u1} 1; group 1: i1, i2, i3 once each.
        #expect(model.groupItemScores == [2, 1, 1, 0, 0, 1, 1, 1])
        #expect(RecommendTestData.scores(model, user: 1, history: History(toy, user: 1)) == [2, 1, 1, 0])
        #expect(RecommendTestData.scores(model, user: 2, history: History(toy, user: 2)) == [0, 1, 1, 1])
        // No group, unseen customer: overall.
        #expect(RecommendTestData.scores(model, user: 3, history: History(toy, user: 3)) == [3, 2, 2, 1])
        #expect(RecommendTestData.scores(model, user: nil, history: History(toy, user: 0)) == [3, 2, 2, 1])
        #expect(model.strongestContributor(user: 0, history: History(toy, user: 0), item: 2) == nil)
        // u1 (i0, i2 seen) in group 0: i1 (1) before i3 (0).
        let top = try TopKSelection.recommendAll(model, histories: toy, k: 2)
        #expect(Array(top.items(at: 1)) == [1, 3])
    }

    @Test func rejectsBadGroups() {
        #expect {
            _ = try PopularityRecommender.fit(toy, groups: [0, 0, 2, -1], groupCount: 2)
        } throws: {
            ($0 as? RecommendConfigurationError)?.description == "popularity group id must be in -1..<2, got 2"
        }
        #expect {
            _ = try PopularityRecommender.fit(toy, groups: [0], groupCount: 1)
        } throws: {
            ($0 as? RecommendConfigurationError)?.description
                == "popularity groups must have one group per customer (4), got 1"
        }
    }
}

@Suite struct ContentRecommenderTests {
    /// Items × terms before normalisation: i0 (t0 1, t1 1), i1 (t1 2), i2 (t2 3), i3 nothing,
    /// i4 (t0 1, t2 1). Normalised: i0 (1/√2, 1/√2, 0), i1 (0, 1, 0), i2 (0, 0, 1),
    /// i4 (1/√2, 0, 1/√2).
    let terms = SparseMatrix(
        rows: 5, columns: 3, rowIndices: [0, 0, 1, 2, 4, 4], columnIndices: [0, 1, 1, 2, 0, 2],
        values: [1, 1, 2, 3, 1, 1])

    /// History i0 (strength 1), i1 (strength 3): profile = (1·i0 + 3·i1)/4 = (a, a + 0.75, 0) with
    /// a = 1/(4√2) = 0.1767766952966369; ‖profile‖² = 2a² + 1.5a + 0.5625 = 0.8901650429449553.
    @Test func scoresAreProfileCosines() throws {
        let model = try ContentRecommender.fit(itemTerms: terms)
        let history = RecommendTestData.history([0, 1], [1, 3])
        let (profileTerms, weights) = model.profile(history: history)
        #expect(profileTerms == [0, 1])
        #expect(relativelyClose(weights[0], 0.1767766952966369) && relativelyClose(weights[1], 0.9267766952966369))
        let s = RecommendTestData.scores(model, user: nil, history: history)
        let norm = 0.8901650429449553.squareRoot()
        // i0: (a/√2 + (a + 0.75)/√2)/‖p‖; i1: (a + 0.75)/‖p‖; i2 shares no term: 0; i3: no vector;
        // i4: (a/√2)/‖p‖.
        #expect(relativelyClose(s[0], (0.1767766952966369 + 0.9267766952966369) / 2.0.squareRoot() / norm))
        #expect(relativelyClose(s[1], 0.9267766952966369 / norm))
        #expect(s[2] == 0)
        #expect(s[3] == -.infinity)
        #expect(relativelyClose(s[4], 0.1767766952966369 / 2.0.squareRoot() / norm))
    }

    @Test func logarithmicScalingWeighsRepeatsLess() throws {
        let model = try ContentRecommender.fit(itemTerms: terms, configuration: .init(strengthScaling: .logarithmic))
        // Weights ln 2 and ln 4 = 2 ln 2: profile = (ln2·i0 + 2 ln2·i1)/(3 ln2) = (i0 + 2·i1)/3.
        let (_, weights) = model.profile(history: RecommendTestData.history([0, 1], [1, 3]))
        #expect(relativelyClose(weights[0], 1 / (3 * 2.0.squareRoot())))
        #expect(relativelyClose(weights[1], (1 / 2.0.squareRoot() + 2) / 3))
    }

    @Test func reasonsAndSharedTerms() throws {
        let model = try ContentRecommender.fit(itemTerms: terms)
        // For i4: cos(i0, i4) = 1/2, cos(i2, i4) = 1/√2 → i2.
        #expect(
            model.strongestContributor(user: nil, history: RecommendTestData.history([0, 2], [1, 1]), item: 4) == 2)
        // i2 shares nothing with i1 → nil.
        #expect(model.strongestContributor(user: nil, history: RecommendTestData.history([1], [1]), item: 2) == nil)
        // History i0, i1 (1, 3) and item i0: t0 gives a/√2, t1 gives (a + 0.75)/√2 → [t1, t0].
        let history = RecommendTestData.history([0, 1], [1, 3])
        #expect(model.topSharedTerms(history: history, item: 0, count: 5) == [1, 0])
        #expect(model.topSharedTerms(history: history, item: 0, count: 1) == [1])
        #expect(model.topSharedTerms(history: history, item: 2, count: 3) == [])
    }

    @Test func emptyProfileScoresNothing() throws {
        let model = try ContentRecommender.fit(itemTerms: terms)
        let s = RecommendTestData.scores(model, user: nil, history: RecommendTestData.history([3], [1]))
        #expect(s.allSatisfy { $0 == -.infinity })
    }
}

@Suite struct HybridRecommenderTests {
    let toy = RecommendTestData.toy

    /// u0 with popularity (3, 2, 2, 1) → min–max (1, 0.5, 0.5, 0) and item-kNN
    /// (1/√12, 1/√12, 1/√12 + 1/2, 1/√2) → (0, 0, 1, (1/√2 − 1/√12)/(1/2) = √2 − 1/√3).
    /// Weights 1 and 2: (1, 0.5, 0.5 + 2, 2(√2 − 1/√3)) = (1, 0.5, 2.5, 1.6737265863669386).
    @Test func blendsMinMaxNormalisedScores() throws {
        let popularity = try PopularityRecommender.fit(toy)
        let knn = try ItemKNN.fit(toy)
        let model = try HybridRecommender.fit(components: [popularity, knn], configuration: .init(weights: [1, 2]))
        let s = RecommendTestData.scores(model, user: 0, history: History(toy, user: 0))
        #expect(relativelyClose(s[0], 1) && relativelyClose(s[1], 0.5) && relativelyClose(s[2], 2.5))
        #expect(relativelyClose(s[3], 1.6737265863669386))
        // i2: popularity contributes 0.5, item-kNN 2 → item-kNN's reason, i1 (see ItemKNNTests).
        #expect(model.strongestContributor(user: 0, history: History(toy, user: 0), item: 2) == 1)
        // Weight the popularity up: it leads for i2 but gives no reason, so item-kNN's is used.
        let popular = try HybridRecommender.fit(components: [popularity, knn], configuration: .init(weights: [10, 1]))
        #expect(popular.strongestContributor(user: 0, history: History(toy, user: 0), item: 2) == 1)
    }

    @Test func minusInfinityOnlyWhenEveryComponentHasNoOpinion() throws {
        let knn = try ItemKNN.fit(toy, configuration: .init(neighbours: 1))
        let popularity = try PopularityRecommender.fit(toy)
        let history = RecommendTestData.history([], [])
        let both = try HybridRecommender.fit(components: [knn, knn], configuration: .init(weights: [1, 1]))
        #expect(RecommendTestData.scores(both, user: nil, history: history).allSatisfy { $0 == -.infinity })
        // With popularity in the blend, everything is scored: popularity (3,2,2,1) → (1, ½, ½, 0).
        let mixed = try HybridRecommender.fit(components: [knn, popularity], configuration: .init(weights: [1, 1]))
        #expect(RecommendTestData.scores(mixed, user: nil, history: history) == [1, 0.5, 0.5, 0])
    }

    @Test func rejectsBadWeights() throws {
        let p = try PopularityRecommender.fit(toy)
        #expect {
            _ = try HybridRecommender.fit(components: [p, p], configuration: .init(weights: [1]))
        } throws: {
            ($0 as? RecommendConfigurationError)?.description
                == "hybrid.weights must have one weight per component (2), got 1"
        }
        #expect {
            _ = try HybridRecommender.fit(components: [p, p], configuration: .init(weights: [0, 0]))
        } throws: {
            ($0 as? RecommendConfigurationError)?.description == "hybrid.weights must be not all 0, got [0.0, 0.0]"
        }
        #expect {
            _ = try HybridRecommender.fit(components: [p], configuration: .init(weights: [-1]))
        } throws: {
            ($0 as? RecommendConfigurationError)?.description == "hybrid.weights[0] must be finite and ≥ 0, got -1.0"
        }
    }
}
