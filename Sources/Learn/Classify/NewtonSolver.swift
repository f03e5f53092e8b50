import Foundation

/// Newton's method for L2-regularised logistic regression (see `LogisticRegression`).
///
/// Parameters are `β = (w, b)`, `p = features + 1` of them. One evaluation makes a single pass
/// over the rows in fixed blocks (independent of the thread count) and returns the objective,
/// gradient and Hessian summed in block order, so the fit is bit-identical on any number of cores.
struct NewtonSolver: Sendable {
    let data: FeatureMatrix
    let labels: [Bool]
    let weights: (negative: Double, positive: Double)
    let c: Double

    static let subBlock = 256

    struct Evaluation {
        var objective: Double
        var gradient: [Double]
        var hessian: [Double]
    }

    /// Objective, gradient and (when `withHessian`) Hessian at `beta`.
    func evaluate(_ beta: [Double], withHessian: Bool) -> Evaluation {
        let d = data.columns
        let p = d + 1
        let labels = labels
        let weights = weights
        let partials = data.values.withUnsafeBufferPointer { xb in
            let rows = SharedRows(xb.baseAddress!)
            return RowBlocks.map(count: data.rows) { range -> Evaluation in
                var loss = 0.0
                var gradient = [Double](repeating: 0, count: p)
                var hessian = [Double](repeating: 0, count: withHessian ? p * p : 0)
                var scores = [Double](repeating: 0, count: Self.subBlock)
                var weighted = [Double](repeating: 0, count: withHessian ? Self.subBlock * p : 0)
                var start = range.lowerBound
                while start < range.upperBound {
                    let m = min(Self.subBlock, range.upperBound - start)
                    let x = rows.base + start * d
                    for r in 0..<m { scores[r] = beta[d] }
                    if d > 0 {
                        beta.withUnsafeBufferPointer { w in
                            scores.withUnsafeMutableBufferPointer { s in
                                DenseAlgebra.gemm(m: m, n: 1, k: d, a: x, b: w.baseAddress!, beta: 1, c: s.baseAddress!)
                            }
                        }
                    }
                    for r in 0..<m {
                        let positive = labels[start + r]
                        let s = positive ? weights.positive : weights.negative
                        let z = scores[r]
                        loss += s * LogisticLoss.loss(z, positive: positive)
                        let prob = LogisticLoss.sigmoid(z)
                        let residual = s * (prob - (positive ? 1 : 0))
                        let xr = x + r * d
                        for f in 0..<d { gradient[f] += residual * xr[f] }
                        gradient[d] += residual
                        if withHessian {
                            let h = (s * prob * (1 - prob)).squareRoot()
                            for f in 0..<d { weighted[r * p + f] = h * xr[f] }
                            weighted[r * p + d] = h
                        }
                    }
                    if withHessian {
                        weighted.withUnsafeBufferPointer { a in
                            hessian.withUnsafeMutableBufferPointer { h in
                                DenseAlgebra.gram(rows: m, n: p, a: a.baseAddress!, beta: 1, c: h.baseAddress!)
                            }
                        }
                    }
                    start += m
                }
                return Evaluation(objective: loss, gradient: gradient, hessian: hessian)
            }
        }
        var total = Evaluation(
            objective: 0, gradient: [Double](repeating: 0, count: p),
            hessian: [Double](repeating: 0, count: withHessian ? p * p : 0))
        for part in partials {
            total.objective += part.objective
            for i in 0..<p { total.gradient[i] += part.gradient[i] }
            if withHessian { for i in 0..<(p * p) { total.hessian[i] += part.hessian[i] } }
        }
        // Scale by C and add the penalty ½‖w‖² (not on the intercept).
        var penalty = 0.0
        total.objective *= c
        for i in 0..<p { total.gradient[i] *= c }
        if withHessian { for i in 0..<(p * p) { total.hessian[i] *= c } }
        for f in 0..<d {
            penalty += beta[f] * beta[f]
            total.gradient[f] += beta[f]
            if withHessian { total.hessian[f * p + f] += 1 }
        }
        total.objective += 0.5 * penalty
        return total
    }

    /// Runs Newton steps from β = 0; returns β and the number of steps.
    func solve(tolerance: Double, maxIter: Int) -> ([Double], Int) {
        let p = data.columns + 1
        var totalWeight = 0.0
        for l in labels { totalWeight += l ? weights.positive : weights.negative }
        let scale = c * totalWeight
        var beta = [Double](repeating: 0, count: p)
        var current = evaluate(beta, withHessian: true)
        var iterations = 0
        while iterations < maxIter {
            let gradientNorm = current.gradient.reduce(0) { max($0, abs($1)) }
            if gradientNorm / scale <= tolerance { break }
            iterations += 1
            guard let step = newtonStep(current) else { break }
            var slope = 0.0
            for i in 0..<p { slope += current.gradient[i] * step[i] }
            if slope >= 0 { break }  // no descent direction left at machine precision
            var t = 1.0
            var accepted = false
            for _ in 0..<60 {
                let candidate = (0..<p).map { beta[$0] + t * step[$0] }
                let next = evaluate(candidate, withHessian: true)
                if next.objective <= current.objective + 1e-4 * t * slope {
                    beta = candidate
                    current = next
                    accepted = true
                    break
                }
                t *= 0.5
            }
            if !accepted { break }  // the objective cannot fall further in floating point
        }
        return (beta, iterations)
    }

    /// Solves `H Δ = −g` by Cholesky, adding a small ridge when `H` is numerically singular (the
    /// intercept direction of perfectly separated data).
    private func newtonStep(_ e: Evaluation) -> [Double]? {
        let p = e.gradient.count
        var largest = 0.0
        for i in 0..<p { largest = max(largest, e.hessian[i * p + i]) }
        var ridge = 0.0
        for _ in 0..<8 {
            var h = e.hessian
            for i in 0..<p { h[i * p + i] += ridge }
            var step = e.gradient.map { -$0 }
            do {
                try h.withUnsafeMutableBufferPointer { hb throws(DenseAlgebra.Failure) in
                    try step.withUnsafeMutableBufferPointer { sb throws(DenseAlgebra.Failure) in
                        try DenseAlgebra.solvePositiveDefinite(n: p, a: hb.baseAddress!, b: sb.baseAddress!)
                    }
                }
                return step
            } catch {
                ridge = ridge == 0 ? 1e-12 * max(largest, 1) : ridge * 100
            }
        }
        return nil
    }
}
