import Foundation

/// L2-regularised binary logistic regression with an unregularised intercept, as scikit-learn's
/// `LogisticRegression(penalty="l2")`: it minimises `C · Σ sᵢ · logloss(yᵢ, xᵢ·w + b) + ½‖w‖²`,
/// `sᵢ` being the class weight of row i.
///
/// The solver is Newton's method (iteratively reweighted least squares): each step solves
/// `H Δ = −g` by Cholesky with the `(features + 1)²` Hessian, built from one pass over the rows in
/// fixed blocks (gemm for the scores, syrk for `Xᵀ diag(pᵢ(1−pᵢ)sᵢ) X`) summed in block order, with a
/// backtracking (Armijo) line search. It stops when the largest gradient component, divided by
/// `C · Σ sᵢ` as scikit-learn scales its gradient, is ≤ `tolerance`, so at the default 1e-10 the
/// coefficients are those of scikit-learn's lbfgs at `tol=1e-10` well inside 1e-4.
public struct LogisticRegression: Sendable {
    /// How rows of each class are weighted in the loss.
    public enum ClassWeight: Codable, Sendable, Equatable {
        /// Every row weighs 1.
        case none
        /// scikit-learn's "balanced": a row of class c weighs `rows / (2 · count_c)`.
        case balanced
        /// Explicit weights for the negative and positive class.
        case explicit(negative: Double, positive: Double)
    }

    /// Hyperparameters; `validate()` checks them.
    public struct Configuration: Codable, Sendable, Equatable {
        /// The inverse regularisation strength, > 0 (scikit-learn's `C`).
        public var c: Double
        /// Weights of the two classes in the loss.
        public var classWeight: ClassWeight
        /// Stop when `max |gradient| / (C · Σ row weights)` is at most this.
        public var tolerance: Double
        /// The most Newton steps taken.
        public var maxIter: Int

        public init(c: Double = 1, classWeight: ClassWeight = .none, tolerance: Double = 1e-10, maxIter: Int = 100) {
            self.c = c
            self.classWeight = classWeight
            self.tolerance = tolerance
            self.maxIter = maxIter
        }

        public func validate() throws(EstimatorParameterError) {
            if !(c > 0) || !c.isFinite { throw Self.error("c", "a finite number > 0", "\(c)") }
            if !(tolerance >= 0) { throw Self.error("tolerance", "≥ 0", "\(tolerance)") }
            if maxIter < 1 { throw Self.error("maxIter", "≥ 1", "\(maxIter)") }
            if case .explicit(let negative, let positive) = classWeight {
                guard negative > 0, positive > 0, negative.isFinite, positive.isFinite else {
                    throw Self.error("classWeight", "positive finite weights", "(\(negative), \(positive))")
                }
            }
        }

        static func error(_ parameter: String, _ expected: String, _ got: String) -> EstimatorParameterError {
            EstimatorParameterError(estimator: "LogisticRegression", parameter: parameter, expected: expected, got: got)
        }
    }

    public var configuration: Configuration

    public init(_ configuration: Configuration) { self.configuration = configuration }

    /// Fits the coefficients on `data` (rows × features) and `labels` (true = positive class, one per
    /// row); `featureNames` (one per column, or empty for "x0", "x1", …) are kept in the model.
    public func fit(
        _ data: FeatureMatrix, labels: [Bool], featureNames: [String] = []
    ) throws(EstimatorParameterError) -> Model {
        try configuration.validate()
        guard labels.count == data.rows else {
            throw Configuration.error("labels", "one per row (\(data.rows))", "\(labels.count)")
        }
        guard featureNames.isEmpty || featureNames.count == data.columns else {
            throw Configuration.error(
                "featureNames", "one per column (\(data.columns)) or none", "\(featureNames.count)")
        }
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard positives > 0, positives < labels.count else {
            throw Configuration.error("labels", "both classes present", "\(positives) positive of \(labels.count)")
        }
        guard data.values.allSatisfy(\.isFinite) else {
            throw Configuration.error("data", "finite values", "NaN or infinity")
        }
        let weights: (negative: Double, positive: Double)
        switch configuration.classWeight {
        case .none: weights = (1, 1)
        case .balanced:
            let n = Double(labels.count)
            weights = (n / (2 * Double(labels.count - positives)), n / (2 * Double(positives)))
        case .explicit(let negative, let positive): weights = (negative, positive)
        }
        let names = featureNames.isEmpty ? (0..<data.columns).map { "x\($0)" } : featureNames
        let solver = NewtonSolver(
            data: data, labels: labels, weights: weights, c: configuration.c)
        let (beta, iterations) = solver.solve(tolerance: configuration.tolerance, maxIter: configuration.maxIter)
        return Model(
            coefficients: Array(beta[0..<data.columns]), intercept: beta[data.columns], featureNames: names,
            iterations: iterations)
    }
}
