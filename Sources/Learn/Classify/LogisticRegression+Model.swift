import Foundation

extension LogisticRegression {
    /// A fitted logistic regression: `P(positive | x) = 1 / (1 + exp(−(x·coefficients + intercept)))`.
    public struct Model: Sendable, Equatable {
        /// One coefficient per feature, in the column order of the training matrix.
        public var coefficients: [Double]
        /// The intercept (log-odds when every feature is 0).
        public var intercept: Double
        /// The name of each feature (one per coefficient).
        public var featureNames: [String]
        /// The number of Newton steps the fit took (0 for a model built from saved arrays).
        public var iterations: Int

        public init(coefficients: [Double], intercept: Double, featureNames: [String], iterations: Int = 0) {
            precondition(featureNames.count == coefficients.count, "one feature name per coefficient")
            self.coefficients = coefficients
            self.intercept = intercept
            self.featureNames = featureNames
            self.iterations = iterations
        }

        /// The log-odds `x·coefficients + intercept` of each row.
        public func decision(_ data: FeatureMatrix) -> [Double] {
            precondition(
                data.columns == coefficients.count, "data has \(data.columns) features, the model \(coefficients.count)"
            )
            var out = [Double](repeating: intercept, count: data.rows)
            guard data.rows > 0, data.columns > 0 else { return out }
            data.values.withUnsafeBufferPointer { x in
                coefficients.withUnsafeBufferPointer { w in
                    out.withUnsafeMutableBufferPointer { o in
                        DenseAlgebra.gemm(
                            m: data.rows, n: 1, k: data.columns, a: x.baseAddress!, b: w.baseAddress!, beta: 1,
                            c: o.baseAddress!)
                    }
                }
            }
            return out
        }

        /// The probability of the positive class for each row.
        public func probability(_ data: FeatureMatrix) -> [Double] {
            decision(data).map { LogisticLoss.sigmoid($0) }
        }
    }
}

/// The logistic function and loss, written to stay finite for any score.
enum LogisticLoss {
    @inline(__always) static func sigmoid(_ z: Double) -> Double {
        z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    }

    /// `log(1 + exp(z)) − y·z`: the negative log-likelihood of label `y` at score `z`.
    @inline(__always) static func loss(_ z: Double, positive: Bool) -> Double {
        let softplus = z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))
        return positive ? softplus - z : softplus
    }
}
