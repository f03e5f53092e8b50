/// Implicit-feedback matrix factorisation by alternating least squares (Hu, Koren and Volinsky
/// 2008, "Collaborative Filtering for Implicit Feedback Datasets").
///
/// Every customer u and item i get a factor vector (`x_u`, `y_i`) such that `x_uᵀ y_i`
/// approximates the preference `p_ui` (1 where the interaction strength is positive, else 0),
/// each cell weighted by the confidence `c_ui = 1 + alpha · strength` (1 for cells without an
/// interaction). Fitting alternates two half-steps: all user factors solved against fixed item
/// factors, then all item factors against fixed user factors; each solve is independent of the
/// others, so both cores work on disjoint users and the result does not depend on the thread count.
///
/// `implicit` (0.7.3) defines the confidence as `alpha · value` rather than `1 + alpha · strength`;
/// fitting it on values `1 + alpha · strength` with its `alpha = 1` gives exactly this model (its
/// regularisation is the same plain `λ`, not scaled by the number of interactions).
public struct ALS: Sendable {
    public var configuration: Configuration
    /// Rows with more interactions than this build their matrix instead of running CG on gathered
    /// factors (nil: as many as fit in `RowSystem.gatheredBytes`); tests lower it to reach that path.
    var lightRowLimit: Int?

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Why a fit failed.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// A configuration value is out of its range.
        case invalidParameter(name: String, expected: String, got: String)
        /// An interaction strength is negative or not finite: confidences would be meaningless.
        case invalidStrength(user: Int, item: Int, value: Double)
        /// A per-row system could not be solved by Cholesky (possible only with regularization 0).
        case singularSystem(side: String, row: Int, order: Int)
        /// Initial factors given to the internal entry point have the wrong shape.
        case factorShape(side: String, expected: Int, got: Int)

        public var description: String {
            switch self {
            case .invalidParameter(let name, let expected, let got):
                "ALS \(name) must be \(expected), got \(got)"
            case .invalidStrength(let user, let item, let value):
                "ALS interaction strengths must be finite and ≥ 0, got \(value) at user \(user), item \(item)"
            case .singularSystem(let side, let row, let order):
                "ALS \(side) \(row): the least-squares system is singular (leading minor of order \(order) is not "
                    + "positive); use a regularization > 0"
            case .factorShape(let side, let expected, let got):
                "ALS initial \(side) factors must hold \(expected) values, got \(got)"
            }
        }
    }

    /// Fits user and item factors to `interactions` (customers × items, values the interaction
    /// strengths, all ≥ 0), starting from factors drawn from `seed`.
    ///
    /// Initial factors are uniform in `[0, 1/√factors)`, so that initial scores `x_uᵀ y_i` are of the
    /// order of the preferences (about 1/4) whatever the number of factors. Item factors are drawn
    /// first, then user factors, each from its own generator derived from `seed`.
    public func fit(_ interactions: SparseMatrix, seed: UInt64) throws(Failure) -> Model {
        try configuration.validate()
        let f = configuration.factors
        let base = SeededRandom(seed: seed)
        let scale = 1 / Double(f).squareRoot()
        var itemRandom = base.derived(0)
        var userRandom = base.derived(1)
        let items = (0..<interactions.columns * f).map { _ in itemRandom.nextUnit() * scale }
        let users = (0..<interactions.rows * f).map { _ in userRandom.nextUnit() * scale }
        return try fit(interactions, initialUserFactors: users, initialItemFactors: items)
    }

    /// Fits from given initial factors (users × factors and items × factors, row-major): the entry
    /// point tests use to compare half-steps with a reference from the same starting point.
    func fit(
        _ interactions: SparseMatrix, initialUserFactors: [Double], initialItemFactors: [Double]
    ) throws(Failure) -> Model {
        try configuration.validate()
        try Self.checkStrengths(interactions)
        let f = configuration.factors
        guard initialUserFactors.count == interactions.rows * f else {
            throw .factorShape(side: "user", expected: interactions.rows * f, got: initialUserFactors.count)
        }
        guard initialItemFactors.count == interactions.columns * f else {
            throw .factorShape(side: "item", expected: interactions.columns * f, got: initialItemFactors.count)
        }
        let byItem = interactions.transposed()
        let fitted: (users: [Double], items: [Double], losses: [Double])
        switch configuration.precision {
        case .double:
            fitted = try alternate(interactions, byItem, users: initialUserFactors, items: initialItemFactors)
        case .single:
            let single = try alternate(
                interactions, byItem, users: initialUserFactors.map { Float($0) },
                items: initialItemFactors.map { Float($0) })
            fitted = (single.users.map { Double($0) }, single.items.map { Double($0) }, single.losses)
        }
        return Model(
            factors: f, userFactors: fitted.users, itemFactors: fitted.items,
            regularization: configuration.regularization, alpha: configuration.alpha, trainingLoss: fitted.losses)
    }

    /// The iterations in precision `T`: a user half-step, an item half-step, and the training loss
    /// (always in double precision) when it is recorded.
    private func alternate<T: ALSScalar>(
        _ interactions: SparseMatrix, _ byItem: SparseMatrix, users: [T], items: [T]
    ) throws(Failure) -> (users: [T], items: [T], losses: [Double]) {
        var userFactors = users
        var itemFactors = items
        var losses: [Double] = []
        for _ in 0..<configuration.iterations {
            try solveRows(interactions, side: "user", fixed: itemFactors, solved: &userFactors)
            try solveRows(byItem, side: "item", fixed: userFactors, solved: &itemFactors)
            if configuration.recordsTrainingLoss {
                losses.append(
                    trainingLoss(
                        interactions, userFactors: userFactors.map { Double($0) },
                        itemFactors: itemFactors.map { Double($0) }))
            }
        }
        return (userFactors, itemFactors, losses)
    }

    static func checkStrengths(_ m: SparseMatrix) throws(Failure) {
        for r in 0..<m.rows {
            for p in m.range(ofRow: r) {
                let v = m.values[p]
                if !(v >= 0) || !v.isFinite {
                    throw .invalidStrength(user: r, item: Int(m.columnIndices[p]), value: v)
                }
            }
        }
    }
}
