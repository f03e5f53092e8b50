/// Errors of predicted ratings against actual ones (explicit-feedback models).
public enum RatingPredictionErrors {
    /// √(mean of (predicted − actual)²).
    public static func rootMeanSquaredError(
        predicted: [Double], actual: [Double]
    ) throws(RecommendConfigurationError) -> Double {
        try check(predicted, actual)
        var sum = 0.0
        for (p, a) in zip(predicted, actual) { sum += (p - a) * (p - a) }
        return (sum / Double(actual.count)).squareRoot()
    }

    /// Mean of |predicted − actual|.
    public static func meanAbsoluteError(
        predicted: [Double], actual: [Double]
    ) throws(RecommendConfigurationError) -> Double {
        try check(predicted, actual)
        var sum = 0.0
        for (p, a) in zip(predicted, actual) { sum += abs(p - a) }
        return sum / Double(actual.count)
    }

    private static func check(_ predicted: [Double], _ actual: [Double]) throws(RecommendConfigurationError) {
        try RecommendConfigurationError.requireShape(
            predicted.count == actual.count, "predicted ratings", "one per actual rating (\(actual.count))",
            predicted.count)
        try RecommendConfigurationError.require(!actual.isEmpty, "actual ratings", "at least 1", 0)
    }
}
