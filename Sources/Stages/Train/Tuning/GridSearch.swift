import Learn
import Pipeline

/// One evaluated grid point of one model on the validation slice.
public struct Trial: Sendable, Equatable {
    public var model: String
    /// 0-based position of the point in the model's grid.
    public var number: Int
    /// The point's values, as given (hyperparameters left out take their defaults).
    public var point: HyperparameterPoint
    public var metric: SelectionMetric
    /// nil when the slice held nothing to measure (no held-out pair, no held-out rating).
    public var value: Double?
    public var chosen: Bool
}

/// Tries every point of a model's grid on the validation slice and keeps the best.
enum GridSearch {
    /// The best point by `metric` (ties, and points that could not be measured, keep the earlier
    /// point), every trial, and the model fitted at the best point on the slice's training part.
    static func run(
        model: String, points: [HyperparameterPoint], metric: SelectionMetric,
        fit: (HyperparameterPoint) throws(ModelFitter.Failure) -> TrainedModel,
        measure: (TrainedModel) -> [MeasuredValue]
    ) throws(ModelFitter.Failure) -> (best: Int, trials: [Trial], bestModel: TrainedModel) {
        var trials: [Trial] = []
        var best = 0
        var bestValue: Double?
        var bestModel: TrainedModel?
        for (n, point) in points.enumerated() {
            let fitted = try fit(point)
            let value = ModelEvaluator.value(metric, in: measure(fitted))
            trials.append(Trial(model: model, number: n, point: point, metric: metric, value: value, chosen: false))
            if bestModel == nil || (value != nil && (bestValue == nil || metric.better(value!, than: bestValue!))) {
                if bestModel == nil || value != nil {
                    best = n
                    bestValue = value
                    bestModel = fitted
                }
            }
        }
        trials[best].chosen = true
        return (best, trials, bestModel!)
    }
}
