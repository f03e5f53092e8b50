import Foundation
import TestSupport
import Testing

@testable import Learn

/// A customers × items matrix with about `density` of its cells set to strengths 1, 2 or 3, and at
/// least one interaction per customer.
private func randomInteractions(users: Int, items: Int, density: Double, seed: UInt64) -> SparseMatrix {
    var random = SeededRandom(seed: seed)
    var rows: [Int32] = []
    var columns: [Int32] = []
    var values: [Double] = []
    for u in 0..<users {
        let forced = Int(random.next() % UInt64(items))
        for i in 0..<items where i == forced || random.nextUnit() < density {
            rows.append(Int32(u))
            columns.append(Int32(i))
            values.append(Double(1 + random.next() % 3))
        }
    }
    return SparseMatrix(rows: users, columns: items, rowIndices: rows, columnIndices: columns, values: values)
}

private func uniform(_ count: Int, seed: UInt64) -> [Double] {
    var random = SeededRandom(seed: seed)
    return (0..<count).map { _ in random.nextUnit() * 0.5 }
}

private func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

/// `x_uᵀ y_i` for every cell, users × items.
private func reconstruction(_ model: ALS.Model) -> [Double] {
    var out: [Double] = []
    for u in 0..<model.userCount {
        for i in 0..<model.itemCount {
            var s = 0.0
            for k in 0..<model.factors {
                s += model.userFactors[u * model.factors + k] * model.itemFactors[i * model.factors + k]
            }
            out.append(s)
        }
    }
    return out
}

@Suite struct ALSTests {
    /// With as many factors as items, no regularisation and all confidences 1, the user half-step
    /// is `x_u = Y⁻¹ p_u` (Y square and invertible), so `XYᵀ = P` exactly; the item step keeps it.
    @Test(arguments: [ALS.Solver.cholesky, .conjugateGradient(steps: 4)])
    func exactRecoveryOfAFullRankMatrix(solver: ALS.Solver) throws {
        let p: [[Double]] = [
            [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [1, 1, 0, 0], [0, 1, 1, 1],
        ]
        var rows: [Int32] = []
        var columns: [Int32] = []
        for (u, row) in p.enumerated() {
            for (i, v) in row.enumerated() where v > 0 {
                rows.append(Int32(u))
                columns.append(Int32(i))
            }
        }
        let matrix = SparseMatrix(
            rows: 6, columns: 4, rowIndices: rows, columnIndices: columns,
            values: [Double](repeating: 1, count: rows.count))
        let als = ALS(.init(factors: 4, regularization: 0, alpha: 0, iterations: 10, solver: solver))
        let model = try als.fit(matrix, seed: 7)
        // Cholesky is exact up to rounding; CG with as many steps as factors is exact in exact
        // arithmetic, so 1e-6 leaves room only for the conditioning of random initial factors.
        #expect(maxDifference(reconstruction(model), p.flatMap { $0 }) < 1e-6)
    }

    /// Two users, two items, two factors, Y = [[1, 0], [1, 1]], λ = 0.5, alpha = 1:
    /// user 0 (item 0, strength 1): A = [[3.5, 1], [1, 1.5]], b = [2, 0] → x = [12/17, −8/17];
    /// user 1 (strengths 2, 1): A = [[5.5, 2], [2, 2.5]], b = [5, 2] → x = [34/39, 4/39].
    @Test(arguments: [ALS.Solver.cholesky, .conjugateGradient(steps: 2)])
    func oneHalfStepSolvesTheHandComputedSystems(solver: ALS.Solver) throws {
        let matrix = SparseMatrix(
            rows: 2, columns: 2, rowIndices: [0, 1, 1], columnIndices: [0, 0, 1], values: [1, 2, 1])
        let als = ALS(.init(factors: 2, regularization: 0.5, alpha: 1, iterations: 1, solver: solver))
        var users: [Double] = [0.3, -0.2, 0.1, 0.4]  // CG starts here; Cholesky ignores it
        try als.solveRows(matrix, side: "user", fixed: [1, 0, 1, 1], solved: &users)
        let expected = [12.0 / 17, -8.0 / 17, 34.0 / 39, 4.0 / 39]
        // CG on a 2 × 2 system converges in two steps in exact arithmetic: only rounding remains.
        #expect(maxDifference(users, expected) < 1e-12)
    }

    /// The same hand-computed systems in single precision: float32 rounding only (about 1e-7
    /// relative per operation), so 1e-6.
    @Test func oneSinglePrecisionHalfStepSolvesTheHandComputedSystems() throws {
        let matrix = SparseMatrix(
            rows: 2, columns: 2, rowIndices: [0, 1, 1], columnIndices: [0, 0, 1], values: [1, 2, 1])
        let als = ALS(.init(factors: 2, regularization: 0.5, alpha: 1, iterations: 1, precision: .single))
        var users: [Float] = [0.3, -0.2, 0.1, 0.4]
        try als.solveRows(matrix, side: "user", fixed: [1, 0, 1, 1] as [Float], solved: &users)
        let expected = [12.0 / 17, -8.0 / 17, 34.0 / 39, 4.0 / 39]
        #expect(maxDifference(users.map { Double($0) }, expected) < 1e-6)
    }

    /// A single-precision fit follows the double-precision one from the same seed: the same
    /// iteration with float32 rounding. Observed gap on this data 2.6e-5 (five iterations carry the
    /// rounding forward); bound 1e-4. Bit-identical for the same seed, and every factor is a
    /// float32 value.
    @Test func singlePrecisionFollowsDoublePrecision() throws {
        let matrix = randomInteractions(users: 700, items: 40, density: 0.1, seed: 2)
        let double = try ALS(.init(factors: 8, regularization: 0.1, alpha: 2, iterations: 5)).fit(matrix, seed: 4)
        let single = ALS(.init(factors: 8, regularization: 0.1, alpha: 2, iterations: 5, precision: .single))
        let a = try single.fit(matrix, seed: 4)
        let b = try single.fit(matrix, seed: 4)
        #expect(a.userFactors == b.userFactors && a.itemFactors == b.itemFactors)
        #expect(a.userFactors.allSatisfy { Double(Float($0)) == $0 })
        let gap = max(
            maxDifference(a.userFactors, double.userFactors), maxDifference(a.itemFactors, double.itemFactors))
        print("ALS single vs double precision: max |Δ factor| \(gap)")
        #expect(gap < 1e-4)
        for (x, y) in zip(a.trainingLoss, double.trainingLoss) { #expect(abs(x - y) <= 1e-5 * y) }
    }

    /// The heavy-row path (matrix built by rank-k updates) in single precision follows the
    /// gathered CG's iterates to float32 rounding.
    @Test func singlePrecisionHeavyRowsFollowTheSameIterates() throws {
        let matrix = randomInteractions(users: 80, items: 10, density: 0.5, seed: 13)
        var gathered = ALS(.init(factors: 4, regularization: 0.1, alpha: 2, iterations: 3, precision: .single))
        var built = gathered
        gathered.lightRowLimit = 1000
        built.lightRowLimit = 3
        let a = try gathered.fit(matrix, seed: 6)
        let b = try built.fit(matrix, seed: 6)
        #expect(maxDifference(a.userFactors, b.userFactors) < 1e-4)
        #expect(maxDifference(a.itemFactors, b.itemFactors) < 1e-4)
    }

    /// With more steps than factors CG reaches the exact solution of every row, so whole fits agree
    /// with the Cholesky solver to rounding (1e-8 leaves room for four alternations of it).
    @Test func conjugateGradientWithEnoughStepsEqualsCholesky() throws {
        let matrix = randomInteractions(users: 30, items: 20, density: 0.2, seed: 1)
        let exact = try ALS(.init(factors: 8, regularization: 0.1, alpha: 2, iterations: 4, solver: .cholesky))
            .fit(matrix, seed: 3)
        let cg = try ALS(
            .init(factors: 8, regularization: 0.1, alpha: 2, iterations: 4, solver: .conjugateGradient(steps: 30))
        ).fit(matrix, seed: 3)
        #expect(maxDifference(exact.userFactors, cg.userFactors) < 1e-8)
        #expect(maxDifference(exact.itemFactors, cg.itemFactors) < 1e-8)
    }

    /// Rows over the gathered-CG limit (popular items) build their matrix and run the same CG
    /// iteration on it: the same iterates up to rounding (1e-9 over three alternations).
    @Test func heavyRowsBuildingTheirMatrixFollowTheSameIterates() throws {
        let matrix = randomInteractions(users: 80, items: 10, density: 0.5, seed: 13)
        var gathered = ALS(.init(factors: 4, regularization: 0.1, alpha: 2, iterations: 3))
        var built = gathered
        gathered.lightRowLimit = 1000
        built.lightRowLimit = 3
        let a = try gathered.fit(matrix, seed: 6)
        let b = try built.fit(matrix, seed: 6)
        #expect(maxDifference(a.userFactors, b.userFactors) < 1e-9)
        #expect(maxDifference(a.itemFactors, b.itemFactors) < 1e-9)
    }

    @Test func gemvMultipliesPlainAndTransposed() {
        let a: [Double] = [1, 2, 3, 4, 5, 6]  // 2 × 3
        var y = [Double](repeating: 1, count: 2)
        DenseAlgebra.gemv(m: 2, n: 3, alpha: 2, a: a, x: [1, 0, -1], beta: 1, y: &y)
        #expect(y == [-3, -3])
        var z = [Double](repeating: 0, count: 3)
        DenseAlgebra.gemv(m: 2, n: 3, a: a, transA: true, x: [1, 1], y: &z)
        #expect(z == [5, 7, 9])
    }

    @Test func sameSeedGivesBitIdenticalFactorsAndAnotherSeedDoesNot() throws {
        // Enough users for several chunks of rows, so both workers take part.
        let matrix = randomInteractions(users: 700, items: 40, density: 0.1, seed: 2)
        let als = ALS(.init(factors: 6, iterations: 3))
        let a = try als.fit(matrix, seed: 11)
        let b = try als.fit(matrix, seed: 11)
        let c = try als.fit(matrix, seed: 12)
        #expect(a.userFactors == b.userFactors && a.itemFactors == b.itemFactors && a.trainingLoss == b.trainingLoss)
        #expect(a.itemFactors != c.itemFactors)
    }

    /// The loss is recorded once per iteration and, with the exact solver, never rises: each
    /// half-step minimises it exactly over one side's factors.
    @Test func trainingLossDecreasesUnderExactSolves() throws {
        let matrix = randomInteractions(users: 60, items: 30, density: 0.15, seed: 4)
        let model = try ALS(.init(factors: 5, regularization: 0.05, alpha: 3, iterations: 6, solver: .cholesky))
            .fit(matrix, seed: 5)
        #expect(model.trainingLoss.count == 6)
        for (before, after) in zip(model.trainingLoss, model.trainingLoss.dropFirst()) {
            #expect(after <= before * (1 + 1e-12))
        }
    }

    /// Folding in a training customer's own history solves the user half-step's equation for that
    /// row against the final item factors, so it equals one more exact user step (1e-10: two
    /// Cholesky solves of the same system, built in the same order).
    @Test func foldInEqualsAFinalUserStep() throws {
        let matrix = randomInteractions(users: 25, items: 15, density: 0.25, seed: 6)
        let model = try ALS(.init(factors: 4, regularization: 0.1, alpha: 1.5, iterations: 3)).fit(matrix, seed: 9)
        var users = model.userFactors
        try ALS(.init(factors: 4, regularization: 0.1, alpha: 1.5, solver: .cholesky))
            .solveRows(matrix, side: "user", fixed: model.itemFactors, solved: &users)
        for u in 0..<matrix.rows {
            let folded = model.foldIn(History(matrix, user: u))
            #expect(maxDifference(folded, Array(users[u * 4..<(u + 1) * 4])) < 1e-10)
        }
    }

    /// Hu et al. §5: the folded-in score of an item is the sum of its history items'
    /// contributions `s_ij · c_uj`, and the strongest contributor is their argmax.
    @Test func contributionsSumToTheFoldedInScore() throws {
        let matrix = randomInteractions(users: 40, items: 12, density: 0.3, seed: 8)
        let model = try ALS(.init(factors: 5, regularization: 0.2, alpha: 2, iterations: 4)).fit(matrix, seed: 1)
        let history = History(matrix, user: 3)
        var scores = [Double](repeating: 0, count: 12)
        scores.withUnsafeMutableBufferPointer { model.scores(user: nil, history: history, into: $0) }
        for item in 0..<12 {
            let shares = model.contributions(history: history, item: item)
            #expect(abs(shares.reduce(0, +) - scores[item]) < 1e-10)
            let best = shares.indices.filter { shares[$0] > 0 }.max {
                shares[$0] < shares[$1] || (shares[$0] == shares[$1] && $0 > $1)
            }
            #expect(
                model.strongestContributor(user: 3, history: history, item: item)
                    == best.map { history.items[history.items.startIndex + $0] })
        }
    }

    /// The `Recommender` contract: finite scores for a training customer and for customers the
    /// model never saw (including one with no history), and reasons drawn from the history.
    @Test func satisfiesTheRecommenderContract() throws {
        let matrix = randomInteractions(users: 50, items: 20, density: 0.2, seed: 10)
        let model = try ALS(.init(factors: 8, iterations: 5)).fit(matrix, seed: 2)
        #expect(model.name == "als" && model.itemCount == 20 && model.userCount == 50)
        let unseen = History(items: [2, 5, 11], strengths: [1, 3, 1])
        let empty = History(items: [], strengths: [])
        for (user, history) in [(Int?.some(0), History(matrix, user: 0)), (nil, unseen), (nil, empty)] {
            var scores = [Double](repeating: .nan, count: 20)
            scores.withUnsafeMutableBufferPointer { model.scores(user: user, history: history, into: $0) }
            #expect(scores.allSatisfy { $0.isFinite })
            for item in 0..<20 {
                if let reason = model.strongestContributor(user: user, history: history, item: item) {
                    #expect(history.items.contains(reason))
                }
            }
        }
        // Folded-in scores depend on the history: not a constant vector.
        var folded = [Double](repeating: 0, count: 20)
        folded.withUnsafeMutableBufferPointer { model.scores(user: nil, history: unseen, into: $0) }
        #expect(Set(folded).count > 1)
    }

    @Test func savedFactorsRebuildTheSameModel() throws {
        let matrix = randomInteractions(users: 20, items: 10, density: 0.3, seed: 12)
        let model = try ALS(.init(factors: 3, iterations: 2)).fit(matrix, seed: 4)
        let reloaded = ALS.Model(
            factors: 3, userFactors: model.userFactors, itemFactors: model.itemFactors,
            regularization: model.regularization, alpha: model.alpha)
        let history = History(items: [1, 4], strengths: [2, 1])
        #expect(model.foldIn(history) == reloaded.foldIn(history))
    }

    @Test(arguments: [
        (ALS.Configuration(factors: 0), "ALS factors must be ≥ 1, got 0"),
        (ALS.Configuration(regularization: -1), "ALS regularization must be finite and ≥ 0, got -1.0"),
        (ALS.Configuration(alpha: .nan), "ALS alpha must be finite and ≥ 0, got nan"),
        (ALS.Configuration(iterations: 0), "ALS iterations must be ≥ 1, got 0"),
        (
            ALS.Configuration(solver: .conjugateGradient(steps: 0)),
            "ALS conjugate-gradient steps must be ≥ 1, got 0"
        ),
    ])
    func invalidConfigurationsAreRejected(configuration: ALS.Configuration, message: String) {
        let matrix = SparseMatrix(rows: 1, columns: 1, rowIndices: [0], columnIndices: [0], values: [1])
        #expect {
            try ALS(configuration).fit(matrix, seed: 0)
        } throws: { error in
            "\(error)" == message
        }
    }

    @Test func negativeStrengthIsRejected() {
        let matrix = SparseMatrix(rows: 2, columns: 3, rowIndices: [0, 1], columnIndices: [1, 2], values: [1, -2])
        #expect(throws: ALS.Failure.invalidStrength(user: 1, item: 2, value: -2)) {
            try ALS().fit(matrix, seed: 0)
        }
        #expect(
            "\(ALS.Failure.invalidStrength(user: 1, item: 2, value: -2))"
                == "ALS interaction strengths must be finite and ≥ 0, got -2.0 at user 1, item 2")
    }
}
