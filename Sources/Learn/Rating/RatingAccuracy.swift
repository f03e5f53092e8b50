/// Accuracy of rating predictions against true ratings, as surprise's `accuracy.rmse` and `.mae`.
public enum RatingAccuracy {
    /// √(mean of squared errors).
    public static func rmse(predicted: [Double], actual: [Double]) throws(RatingModelError) -> Double {
        try check(predicted, actual)
        var sum = 0.0
        for (p, a) in zip(predicted, actual) { sum += (p - a) * (p - a) }
        return (sum / Double(actual.count)).squareRoot()
    }

    /// Mean of absolute errors.
    public static func mae(predicted: [Double], actual: [Double]) throws(RatingModelError) -> Double {
        try check(predicted, actual)
        var sum = 0.0
        for (p, a) in zip(predicted, actual) { sum += abs(p - a) }
        return sum / Double(actual.count)
    }

    private static func check(_ predicted: [Double], _ actual: [Double]) throws(RatingModelError) {
        guard predicted.count == actual.count else {
            throw .lengthMismatch(what: "predicted", expected: actual.count, got: predicted.count)
        }
        guard !actual.isEmpty else { throw .noRatings }
    }
}
