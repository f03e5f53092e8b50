import Testing

@testable import Learn

@Suite struct KNNBaselineTests {
    /// u0: 5 4 1; u1: 3 2 –; u2: 1 3 5. μ = 3; with zero-epoch baselines every b is 0, so the
    /// deviations are u0: 2 1 −2, u1: 0 −1, u2: −2 0 2.
    static func tiny() throws -> RatingSet {
        try RatingSet(
            users: 3, items: 3, userIndices: [0, 0, 0, 1, 1, 2, 2, 2], itemIndices: [0, 1, 2, 0, 1, 0, 1, 2],
            ratings: [5, 4, 1, 3, 2, 1, 3, 5])
    }

    static func configuration(shrinkage: Double = 1, k: Int = 40, minK: Int = 1, minSupport: Int = 1)
        -> KNNBaseline.Configuration
    {
        KNNBaseline.Configuration(
            baseline: .als(epochs: 0), neighbours: k, minimumNeighbours: minK, shrinkage: shrinkage,
            minimumSupport: minSupport)
    }

    @Test(arguments: [(0.0, 0.5), (1.0, 1.0 / 3), (4.0, 0.5 * 2 / 6)])
    func pearsonBaselineByHand(shrinkage: Double, expected01: Double) throws {
        // sim(0,1): Σ d0 d1 = 2·1 + 0·(−1) + (−2)·0 = 2, Σ d0² = 8, Σ d1² = 2 → 2/√16 = 0.5, times
        // (3 − 1)/(3 − 1 + shrinkage). sim(0,2) = −8/√64 = −1 and sim(1,2) = −2/√8 are negative,
        // so not kept; the diagonal is 1.
        let model = try Self.configuration(shrinkage: shrinkage).fit(Self.tiny())
        let s = model.similarities
        #expect(s.rowOffsets == [0, 2, 4, 5])
        #expect(s.columnIndices == [0, 1, 0, 1, 2])
        #expect(s.values[0] == 1 && s.values[3] == 1 && s.values[4] == 1)
        #expect(abs(s.values[1] - expected01) < 1e-15)
        #expect(s.values[1] == s.values[2])
    }

    @Test func minimumSupportDropsThinPairs() throws {
        let model = try Self.configuration(minSupport: 4).fit(Self.tiny())
        #expect(model.similarities.columnIndices == [0, 1, 2])
        #expect(model.similarities.values == [1, 1, 1])
    }

    @Test(arguments: [(40, 1, 4.75), (1, 1, 5.0), (40, 3, 3.0)])
    func predictionByHand(k: Int, minK: Int, expected: Double) throws {
        // Predicting u0's rating of item 0 from items 0 (sim 1, deviation 2) and 1 (sim 1/3,
        // deviation 1): 3 + (2 + 1/3)/(1 + 1/3) = 4.75; k = 1 keeps item 0 alone: 3 + 2 = 5; with
        // min_k = 3 the two positive neighbours are too few and the baseline 3 stands.
        let model = try Self.configuration(k: k, minK: minK).fit(Self.tiny())
        #expect(abs(model.predict(user: 0, item: 0) - expected) < 1e-14)
        #expect(abs(model.predict(users: [0], items: [0])[0] - expected) < 1e-14)
    }

    @Test func noPositiveNeighbourOrUnknownIdsGiveTheBaseline() throws {
        let model = try Self.configuration().fit(Self.tiny())
        // u1 rated items 0 and 1, both negatively similar to item 2.
        #expect(model.predict(user: 1, item: 2) == 3)
        #expect(model.predict(user: nil, item: 0) == 3)
        #expect(model.predict(user: 0, item: 9) == 3)
    }

    @Test func storedNeighboursCanBeCapped() throws {
        let model = try KNNBaseline.Configuration(shrinkage: 0, maximumStoredNeighbours: 1).fit(Self.tiny())
        // Each row keeps only its most similar entry: itself.
        #expect(model.similarities.columnIndices == [0, 1, 2])
    }
}
