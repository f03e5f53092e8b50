import Testing

@testable import Learn

@Suite struct RatingValidationTests {
    static let ratings = try! RatingSet(
        users: 2, items: 2, userIndices: [0, 1], itemIndices: [1, 0], ratings: [4, 2])

    @Test(arguments: [
        (RatingSVD.Configuration(factors: 0), "n_factors must be ≥ 1, got 0"),
        (RatingSVD.Configuration(epochs: -1), "n_epochs must be ≥ 0, got -1"),
        (RatingSVD.Configuration(learningRate: 0), "lr_all must be finite and > 0, got 0.0"),
        (RatingSVD.Configuration(regularization: -0.1), "reg_all must be finite and ≥ 0, got -0.1"),
        (
            RatingSVD.Configuration(ratingScale: RatingScale(lower: 5, upper: 1)),
            "rating_scale must be finite bounds with lower ≤ upper, got 5.0...1.0"
        ),
    ])
    func invalidSVDConfiguration(configuration: RatingSVD.Configuration, message: String) {
        #expect(throws: RatingModelError.self) { try configuration.fit(Self.ratings, seed: 1) }
        do {
            _ = try configuration.fit(Self.ratings, seed: 1)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func invalidNeighbourConfiguration() {
        let cases: [(KNNBaseline.Configuration, String)] = [
            (KNNBaseline.Configuration(neighbours: 0), "k must be ≥ 1, got 0"),
            (KNNBaseline.Configuration(shrinkage: -1), "shrinkage must be finite and ≥ 0, got -1.0"),
            (KNNBaseline.Configuration(baseline: .sgd(learningRate: 0)), "baseline learning_rate must be > 0, got 0.0"),
            (
                KNNBaseline.Configuration(baseline: .als(userRegularization: .nan)),
                "baseline reg_u must be finite and ≥ 0, got nan"
            ),
        ]
        for (configuration, message) in cases {
            do {
                _ = try configuration.fit(Self.ratings)
                Issue.record("expected \(message)")
            } catch {
                #expect(error.description == message)
            }
        }
    }

    @Test func badRatingArrays() {
        #expect(throws: RatingModelError.duplicateRating(user: 1, item: 0)) {
            try RatingSet(users: 2, items: 2, userIndices: [1, 0, 1], itemIndices: [0, 0, 0], ratings: [1, 2, 3])
        }
        #expect(throws: RatingModelError.indexOutOfRange(axis: "item", position: 1, index: 2, count: 2)) {
            try RatingSet(users: 2, items: 2, userIndices: [0, 0], itemIndices: [0, 2], ratings: [1, 2])
        }
        #expect(throws: RatingModelError.lengthMismatch(what: "ratings", expected: 2, got: 1)) {
            try RatingSet(users: 2, items: 2, userIndices: [0, 1], itemIndices: [0, 1], ratings: [1])
        }
        #expect(throws: RatingModelError.noRatings) {
            try RatingBaseline.Configuration().fit(
                try RatingSet(users: 1, items: 1, userIndices: [], itemIndices: [], ratings: []))
        }
        #expect(throws: RatingModelError.shapeMismatch(array: "userFactors", expected: "2 × 3 = 6 entries", got: "5")) {
            try RatingSVD.Model(
                globalMean: 3, userBiases: [0, 0], itemBiases: [0], userFactors: [0, 0, 0, 0, 0],
                itemFactors: [0, 0, 0],
                factors: 3, ratingScale: RatingScale(lower: 1, upper: 5))
        }
    }
}
