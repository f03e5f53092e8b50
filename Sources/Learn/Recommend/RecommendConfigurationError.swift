/// Why a recommender's configuration or inputs were refused: the parameter, what was expected and
/// what was got ("item_knn.neighbours must be ≥ 1, got 0").
public enum RecommendConfigurationError: Error, Equatable, CustomStringConvertible {
    /// A hyperparameter outside its allowed range or set.
    case invalidParameter(name: String, expected: String, got: String)
    /// An input array or matrix whose shape does not match the others.
    case shapeMismatch(name: String, expected: String, got: String)

    public var description: String {
        switch self {
        case .invalidParameter(let name, let expected, let got): "\(name) must be \(expected), got \(got)"
        case .shapeMismatch(let name, let expected, let got): "\(name) must have \(expected), got \(got)"
        }
    }

    /// Throws `invalidParameter` unless `condition` holds.
    static func require(
        _ condition: Bool, _ name: String, _ expected: String, _ got: some CustomStringConvertible
    ) throws(RecommendConfigurationError) {
        if !condition { throw .invalidParameter(name: name, expected: expected, got: got.description) }
    }

    /// Throws `shapeMismatch` unless `condition` holds.
    static func requireShape(
        _ condition: Bool, _ name: String, _ expected: String, _ got: some CustomStringConvertible
    ) throws(RecommendConfigurationError) {
        if !condition { throw .shapeMismatch(name: name, expected: expected, got: got.description) }
    }
}
