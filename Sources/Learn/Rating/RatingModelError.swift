/// Why a rating model could not be configured, fitted or rebuilt from saved arrays.
///
/// Messages follow scikit-learn's: the parameter or array, what was expected, what was got.
public enum RatingModelError: Error, Equatable, CustomStringConvertible {
    /// A configuration value is outside its allowed range.
    case invalidParameter(name: String, expected: String, got: String)
    /// Two arrays that must have the same length do not (`what` names them).
    case lengthMismatch(what: String, expected: Int, got: Int)
    /// A user or item index at `position` of the input lies outside `0 ..< count`.
    case indexOutOfRange(axis: String, position: Int, index: Int32, count: Int)
    /// The rating at `position` is NaN or infinite.
    case nonFiniteValue(what: String, position: Int, value: Double)
    /// The same (user, item) pair is rated twice; the caller decides which rating counts.
    case duplicateRating(user: Int32, item: Int32)
    /// A fit was asked of an empty rating set (or an empty held-out set for a blend).
    case noRatings
    /// A saved array does not have the shape the model needs.
    case shapeMismatch(array: String, expected: String, got: String)
    /// The blend's normal equations could not be solved.
    case blendNotSolvable(reason: String)

    public var description: String {
        switch self {
        case .invalidParameter(let name, let expected, let got):
            "\(name) must be \(expected), got \(got)"
        case .lengthMismatch(let what, let expected, let got):
            "\(what) must have \(expected) entries, got \(got)"
        case .indexOutOfRange(let axis, let position, let index, let count):
            "\(axis) index at position \(position) must be in 0..<\(count), got \(index)"
        case .nonFiniteValue(let what, let position, let value):
            "\(what) at position \(position) must be finite, got \(value)"
        case .duplicateRating(let user, let item):
            "each (user, item) pair must be rated once, got several ratings for user \(user), item \(item)"
        case .noRatings:
            "at least one rating is needed to fit, got none"
        case .shapeMismatch(let array, let expected, let got):
            "\(array) must have \(expected), got \(got)"
        case .blendNotSolvable(let reason):
            "the blend's least-squares system could not be solved: \(reason)"
        }
    }
}
