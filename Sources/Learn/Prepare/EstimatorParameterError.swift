/// A hyperparameter or input that an estimator cannot use, in scikit-learn's words:
/// "KMeans: clusters must be ≥ 1, got 0".
public struct EstimatorParameterError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The estimator or kernel that refused the value ("KMeans", "LogisticRegression").
    public var estimator: String
    /// The parameter or input ("clusters", "labels").
    public var parameter: String
    /// What was expected ("≥ 1", "one label per row (600)").
    public var expected: String
    /// What was found.
    public var got: String

    public init(estimator: String, parameter: String, expected: String, got: String) {
        self.estimator = estimator
        self.parameter = parameter
        self.expected = expected
        self.got = got
    }

    public var description: String { "\(estimator): \(parameter) must be \(expected), got \(got)" }
}
