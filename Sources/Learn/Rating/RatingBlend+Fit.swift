extension RatingBlend.Configuration {
    /// Fits the weights from `predictions`, n × models row-major (row r holds every model's
    /// prediction of held-out rating r), against `targets` (n true ratings).
    public func fit(predictions: [Double], models: Int, targets: [Double]) throws(RatingModelError)
        -> RatingBlend.Model
    {
        try validate()
        guard models >= 1 else { throw .invalidParameter(name: "models", expected: "≥ 1", got: "\(models)") }
        let n = targets.count
        guard n > 0 else { throw .noRatings }
        guard predictions.count == n * models else {
            throw .lengthMismatch(what: "predictions (targets × models)", expected: n * models, got: predictions.count)
        }
        for (p, v) in predictions.enumerated() where !v.isFinite {
            throw .nonFiniteValue(what: "prediction", position: p, value: v)
        }
        for (p, v) in targets.enumerated() where !v.isFinite {
            throw .nonFiniteValue(what: "target", position: p, value: v)
        }
        var columnMeans = [Double](repeating: 0, count: models)
        var targetMean = 0.0
        for r in 0..<n {
            for m in 0..<models { columnMeans[m] += predictions[r * models + m] }
            targetMean += targets[r]
        }
        for m in 0..<models { columnMeans[m] /= Double(n) }
        targetMean /= Double(n)
        var centred = [Double](repeating: 0, count: n * models)
        var rhs = [Double](repeating: 0, count: models)
        for r in 0..<n {
            let y = targets[r] - targetMean
            for m in 0..<models {
                let x = predictions[r * models + m] - columnMeans[m]
                centred[r * models + m] = x
                rhs[m] += x * y
            }
        }
        var gram = [Double](repeating: 0, count: models * models)
        centred.withUnsafeBufferPointer { a in
            gram.withUnsafeMutableBufferPointer { c in
                DenseAlgebra.gram(rows: n, n: models, a: a.baseAddress!, c: c.baseAddress!)
            }
        }
        for m in 0..<models { gram[m * models + m] += ridge * Double(n) }
        do {
            try DenseAlgebra.solvePositiveDefinite(n: models, a: &gram, b: &rhs)
        } catch {
            throw .blendNotSolvable(reason: error.description)
        }
        var intercept = targetMean
        for m in 0..<models { intercept -= rhs[m] * columnMeans[m] }
        let scale = ratingScale ?? RatingScale(lower: targets.min()!, upper: targets.max()!)
        return try RatingBlend.Model(weights: rhs, intercept: intercept, ratingScale: scale)
    }
}
