/// How the user and item biases b_u, b_i of the baseline r̂ = μ + b_u + b_i are estimated: surprise's
/// `bsl_options`, with the same defaults.
///
/// ALS alternates closed-form updates (all items, then all users, per epoch) with separate
/// regularisations `reg_i`, `reg_u` that act like pseudo-counts; SGD walks every rating per epoch.
public struct BaselineOptions: Sendable, Codable, Equatable {
    public enum Solver: String, Sendable, Codable, CaseIterable {
        case als
        case sgd
    }

    public var solver: Solver
    /// Passes over the data (surprise `n_epochs`: 10 for ALS, 20 for SGD).
    public var epochs: Int
    /// ALS: the user regularisation `reg_u` (default 15).
    public var userRegularization: Double
    /// ALS: the item regularisation `reg_i` (default 10).
    public var itemRegularization: Double
    /// SGD: the step size `learning_rate` (default 0.005).
    public var learningRate: Double
    /// SGD: the regularisation `reg` of both biases (default 0.02).
    public var regularization: Double

    public init(
        solver: Solver, epochs: Int, userRegularization: Double = 15, itemRegularization: Double = 10,
        learningRate: Double = 0.005, regularization: Double = 0.02
    ) {
        self.solver = solver
        self.epochs = epochs
        self.userRegularization = userRegularization
        self.itemRegularization = itemRegularization
        self.learningRate = learningRate
        self.regularization = regularization
    }

    /// Surprise's `{'method': 'als', 'n_epochs': 10, 'reg_u': 15, 'reg_i': 10}`.
    public static func als(epochs: Int = 10, userRegularization: Double = 15, itemRegularization: Double = 10)
        -> BaselineOptions
    {
        BaselineOptions(
            solver: .als, epochs: epochs, userRegularization: userRegularization,
            itemRegularization: itemRegularization)
    }

    /// Surprise's `{'method': 'sgd', 'learning_rate': 0.005, 'reg': 0.02, 'n_epochs': 20}`.
    public static func sgd(epochs: Int = 20, learningRate: Double = 0.005, regularization: Double = 0.02)
        -> BaselineOptions
    {
        BaselineOptions(solver: .sgd, epochs: epochs, learningRate: learningRate, regularization: regularization)
    }

    public func validate() throws(RatingModelError) {
        guard epochs >= 0 else { throw .invalidParameter(name: "baseline epochs", expected: "≥ 0", got: "\(epochs)") }
        switch solver {
        case .als:
            try Self.requireNonNegative("baseline reg_u", userRegularization)
            try Self.requireNonNegative("baseline reg_i", itemRegularization)
        case .sgd:
            guard learningRate.isFinite, learningRate > 0 else {
                throw .invalidParameter(name: "baseline learning_rate", expected: "> 0", got: "\(learningRate)")
            }
            try Self.requireNonNegative("baseline reg", regularization)
        }
    }

    static func requireNonNegative(_ name: String, _ value: Double) throws(RatingModelError) {
        guard value.isFinite, value >= 0 else {
            throw .invalidParameter(name: name, expected: "finite and ≥ 0", got: "\(value)")
        }
    }
}
