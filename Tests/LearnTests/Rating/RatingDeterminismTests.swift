import Testing

@testable import Learn

/// Same inputs and seed give bit-identical models; another seed gives another model.
@Suite struct RatingDeterminismTests {
    static let ratings = try! SurpriseAgreementData(seed: 5).ratingSet()

    @Test func seededFactorisationsRepeatBitForBit() throws {
        let svd = RatingSVD.Configuration(factors: 8, epochs: 5)
        #expect(try svd.fit(Self.ratings, seed: 3) == svd.fit(Self.ratings, seed: 3))
        #expect(try svd.fit(Self.ratings, seed: 3) != svd.fit(Self.ratings, seed: 4))
        let pp = RatingSVDPlusPlus.Configuration(factors: 4, epochs: 3)
        #expect(try pp.fit(Self.ratings, seed: 3) == pp.fit(Self.ratings, seed: 3))
        #expect(try pp.fit(Self.ratings, seed: 3) != pp.fit(Self.ratings, seed: 4))
    }

    @Test func parallelSimilarityRepeatsAndIsSymmetric() throws {
        let a = try KNNBaseline.Configuration().fit(Self.ratings)
        let b = try KNNBaseline.Configuration().fit(Self.ratings)
        #expect(a.similarities == b.similarities)
        // Rows are computed independently by different workers; the matrix must still be symmetric.
        let s = a.similarities
        for r in 0..<s.rows {
            for p in s.range(ofRow: r) {
                #expect(s.value(row: Int(s.columnIndices[p]), column: r) == s.values[p])
            }
        }
    }

    @Test func unratedUsersAndItemsArePredictedAsUnknown() throws {
        // Index 2 of each axis has no rating: the factor models zero its factors, so its prediction
        // is the global mean plus the other side's bias, exactly as for an id never seen.
        let ratings = try RatingSet(
            users: 3, items: 3, userIndices: [0, 0, 1], itemIndices: [0, 1, 1], ratings: [5, 2, 4])
        let svd = try RatingSVD.Configuration(factors: 3).fit(ratings, seed: 1)
        #expect(svd.predict(user: 2, item: 1) == svd.predict(user: nil, item: 1))
        #expect(svd.predict(user: 0, item: 2) == svd.predict(user: 0, item: nil))
        let pp = try RatingSVDPlusPlus.Configuration(factors: 3).fit(ratings, seed: 1)
        #expect(pp.predict(user: 2, item: 1) == pp.predict(user: nil, item: 1))
        #expect(pp.predict(user: 0, item: 2) == pp.predict(user: 0, item: nil))
    }

    @Test func blendIsNoWorseThanItsBestModelOnTheHeldOutSet() throws {
        let data = SurpriseAgreementData(seed: 8)
        let ratings = try data.ratingSet()
        let scale = RatingScale(lower: 1, upper: 5)
        let baseline = try RatingBaseline.Configuration(ratingScale: scale).fit(ratings)
        let knn = try KNNBaseline.Configuration(ratingScale: scale).fit(ratings)
        let svd = try RatingSVD.Configuration(factors: 10, ratingScale: scale).fit(ratings, seed: 2)
        var columns: [[Double]] = [[], [], []]
        for (u, i) in zip(data.testUsers, data.testItems) {
            columns[0].append(baseline.predict(user: Int(u), item: Int(i)))
            columns[1].append(knn.predict(user: Int(u), item: Int(i)))
            columns[2].append(svd.predict(user: Int(u), item: Int(i)))
        }
        let n = data.testRatings.count
        let predictions = (0..<n).flatMap { r in columns.map { $0[r] } }
        let blend = try RatingBlend.Configuration(ratingScale: scale)
            .fit(predictions: predictions, models: 3, targets: data.testRatings)
        let blended = (0..<n).map { blend.predict(predictions[$0 * 3..<$0 * 3 + 3]) }
        let best = try columns.map { try RatingAccuracy.rmse(predicted: $0, actual: data.testRatings) }.min()!
        // Least squares with an intercept fits the held-out set at least as well as any single model
        // (weight 1, intercept 0), up to the tiny ridge; clipping to 1…5 only moves predictions
        // towards targets inside the scale.
        #expect(try RatingAccuracy.rmse(predicted: blended, actual: data.testRatings) <= best + 1e-6)
    }
}
