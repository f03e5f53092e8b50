extension ALS {
    /// How each per-row least-squares system is solved during fitting.
    public enum Solver: Sendable, Equatable, Codable {
        /// A few conjugate-gradient steps per row, started from the row's previous factors (Takács,
        /// Pilászy and Tikk 2011; `implicit`'s default with 3 steps). Each step costs
        /// O(interactions of the row · factors + factors²), never forming the row's matrix.
        case conjugateGradient(steps: Int = 3)
        /// The exact solution by Cholesky: O(interactions of the row · factors² + factors³) per row.
        case cholesky
    }

    /// The floating-point type the half-steps compute in.
    public enum Precision: String, Sendable, Equatable, Codable {
        /// 64-bit factors throughout.
        case double
        /// 32-bit factors and conjugate-gradient arithmetic during the fit (`implicit`'s default):
        /// half the memory traffic per interaction and twice the SIMD width, at about seven
        /// significant digits per factor, far below what ranking depends on. The fitted model holds
        /// the same values as doubles, and scoring (fold-in, scores) runs in double precision. The
        /// Cholesky solver always runs in double precision.
        case single
    }

    /// Hyperparameters of implicit-feedback ALS.
    public struct Configuration: Sendable, Equatable, Codable {
        /// Length of every user and item factor vector.
        public var factors: Int
        /// `λ`, the weight of `‖x_u‖² + ‖y_i‖²` in the loss (not scaled by interaction counts).
        public var regularization: Double
        /// Confidence slope: a cell with strength `s > 0` has confidence `1 + alpha · s`.
        public var alpha: Double
        /// Number of alternations (each a user half-step then an item half-step).
        public var iterations: Int
        public var solver: Solver
        /// Whether to compute the training loss after every iteration (one more pass over the
        /// interactions: about an eighth of an iteration with the default solver).
        public var recordsTrainingLoss: Bool
        public var precision: Precision

        public init(
            factors: Int = 64, regularization: Double = 0.01, alpha: Double = 1, iterations: Int = 15,
            solver: Solver = .conjugateGradient(steps: 3), recordsTrainingLoss: Bool = true,
            precision: Precision = .double
        ) {
            self.precision = precision
            self.factors = factors
            self.regularization = regularization
            self.alpha = alpha
            self.iterations = iterations
            self.solver = solver
            self.recordsTrainingLoss = recordsTrainingLoss
        }

        /// Throws the first value out of its range.
        public func validate() throws(Failure) {
            if factors < 1 { throw .invalidParameter(name: "factors", expected: "≥ 1", got: "\(factors)") }
            if !(regularization >= 0) || !regularization.isFinite {
                throw .invalidParameter(name: "regularization", expected: "finite and ≥ 0", got: "\(regularization)")
            }
            if !(alpha >= 0) || !alpha.isFinite {
                throw .invalidParameter(name: "alpha", expected: "finite and ≥ 0", got: "\(alpha)")
            }
            if iterations < 1 { throw .invalidParameter(name: "iterations", expected: "≥ 1", got: "\(iterations)") }
            if case .conjugateGradient(let steps) = solver, steps < 1 {
                throw .invalidParameter(name: "conjugate-gradient steps", expected: "≥ 1", got: "\(steps)")
            }
        }
    }
}
