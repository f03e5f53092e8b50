import Testing

@testable import Learn

@Suite struct RatingBaselineTests {
    /// Two users, two items: (0,0)=5, (0,1)=3, (1,0)=4; μ = 4.
    static func tiny() throws -> RatingSet {
        try RatingSet(users: 2, items: 2, userIndices: [0, 0, 1], itemIndices: [0, 1, 0], ratings: [5, 3, 4])
    }

    @Test func oneEpochOfALSByHand() throws {
        // Items first from zero user biases: b_0 = (1 + 0)/(1 + 2) = 1/3, b_1 = −1/(1 + 1) = −1/2.
        // Then users: b_u0 = ((5−4−1/3) + (3−4+1/2))/(1 + 2) = 1/18, b_u1 = (4−4−1/3)/(1 + 1) = −1/6.
        let model = try RatingBaseline.Configuration(
            baseline: .als(epochs: 1, userRegularization: 1, itemRegularization: 1)
        )
        .fit(Self.tiny())
        #expect(model.globalMean == 4)
        let expectedItems = [1.0 / 3, -0.5]
        let expectedUsers = [1.0 / 18, -1.0 / 6]
        for (a, b) in zip(model.itemBiases, expectedItems) { #expect(abs(a - b) < 1e-15) }
        for (a, b) in zip(model.userBiases, expectedUsers) { #expect(abs(a - b) < 1e-15) }
        #expect(abs(model.predict(user: 0, item: 0) - (4 + 1.0 / 18 + 1.0 / 3)) < 1e-15)
        #expect(abs(model.predict(user: 1, item: 1) - (4 - 1.0 / 6 - 0.5)) < 1e-15)
        // Unknown ids drop their bias, as surprise does.
        #expect(abs(model.predict(user: nil, item: 0) - (4 + 1.0 / 3)) < 1e-15)
        #expect(abs(model.predict(user: 7, item: nil) - 4) < 1e-15)
        #expect(abs(model.predict(user: 1, item: -1) - (4 - 1.0 / 6)) < 1e-15)
    }

    @Test func oneEpochOfSGDByHand() throws {
        // lr 0.1, reg 0.5, order (0,0), (0,1), (1,0):
        // err 1 → b_u0 = 0.1, b_0 = 0.1; err −1.1 → b_u0 = 0.1 + 0.1(−1.1 − 0.05) = −0.015, b_1 = −0.11;
        // err −0.1 → b_u1 = −0.01, b_0 = 0.1 + 0.1(−0.1 − 0.05) = 0.085.
        let model = try RatingBaseline.Configuration(baseline: .sgd(epochs: 1, learningRate: 0.1, regularization: 0.5))
            .fit(Self.tiny())
        for (a, b) in zip(model.userBiases, [-0.015, -0.01]) { #expect(abs(a - b) < 1e-15) }
        for (a, b) in zip(model.itemBiases, [0.085, -0.11]) { #expect(abs(a - b) < 1e-15) }
    }

    @Test func predictionsAreClippedToTheScale() throws {
        let model = try RatingBaseline.Model(
            globalMean: 4, userBiases: [1.5, -4], itemBiases: [0.2], ratingScale: RatingScale(lower: 1, upper: 5))
        #expect(model.predict(user: 0, item: 0) == 5)
        #expect(model.predict(user: 1, item: 0) == 1)
        // The default scale is the observed one: 3 ... 5 on the tiny set.
        let fitted = try RatingBaseline.Configuration().fit(Self.tiny())
        #expect(fitted.ratingScale == RatingScale(lower: 3, upper: 5))
    }
}
