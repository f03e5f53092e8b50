import Testing

@testable import Learn

@Suite struct RatingBlendTests {
    @Test func recoversExactLinearCombination() throws {
        var random = SeededRandom(seed: 11)
        let n = 200
        var predictions: [Double] = []
        var targets: [Double] = []
        for _ in 0..<n {
            let a = 1 + 4 * random.nextUnit()
            let b = 1 + 4 * random.nextUnit()
            let c = 1 + 4 * random.nextUnit()
            predictions += [a, b, c]
            targets.append(0.25 + 0.5 * a + 0.3 * b - 0.1 * c)
        }
        let model = try RatingBlend.Configuration(ridge: 1e-14, ratingScale: RatingScale(lower: -100, upper: 100))
            .fit(predictions: predictions, models: 3, targets: targets)
        // Only the 1e-14 ridge and rounding separate the fit from the planted weights.
        for (w, e) in zip(model.weights, [0.5, 0.3, -0.1]) { #expect(abs(w - e) < 1e-10) }
        #expect(abs(model.intercept - 0.25) < 1e-9)
        #expect(abs(model.predict([2.0, 3.0, 4.0]) - (0.25 + 1 + 0.9 - 0.4)) < 1e-9)
    }

    @Test func singleModelByHand() throws {
        // y = 2x + 1 on x = 1, 2, 3 with λ = 0.5: centred x = −1, 0, 1, Σx² = 2, Σxy = 4, penalty
        // λn = 1.5 → w = 4/3.5, intercept = 5 − 2w.
        let model = try RatingBlend.Configuration(ridge: 0.5).fit(
            predictions: [1, 2, 3], models: 1, targets: [3, 5, 7])
        #expect(abs(model.weights[0] - 4 / 3.5) < 1e-14)
        #expect(abs(model.intercept - (5 - 2 * 4 / 3.5)) < 1e-14)
        #expect(model.ratingScale == RatingScale(lower: 3, upper: 7))
    }

    @Test func accuracyByHand() throws {
        let predicted = [3.0, 4.0, 2.0]
        let actual = [4.0, 4.0, 5.0]
        #expect(abs(try RatingAccuracy.rmse(predicted: predicted, actual: actual) - (10.0 / 3).squareRoot()) < 1e-15)
        #expect(abs(try RatingAccuracy.mae(predicted: predicted, actual: actual) - 4.0 / 3) < 1e-15)
        #expect(throws: RatingModelError.noRatings) { try RatingAccuracy.rmse(predicted: [], actual: []) }
    }
}
