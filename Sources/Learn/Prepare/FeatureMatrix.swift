/// A dense matrix of observations: `rows × columns` doubles in row-major order.
///
/// The input of every segmentation and classification kernel: row `i` is
/// `values[i * columns ..< (i + 1) * columns]`. The caller builds it (usually from
/// `FeaturePreparation.Model.transform`); the kernels never copy it.
public struct FeatureMatrix: Sendable, Equatable {
    /// `rows × columns` values, row-major.
    public var values: [Double]
    /// The number of observations.
    public var rows: Int
    /// The number of features of each observation.
    public var columns: Int

    /// Wraps `values` as `rows × columns`; the count must match.
    public init(values: [Double], rows: Int, columns: Int) throws(EstimatorParameterError) {
        guard rows >= 0, columns >= 0, values.count == rows * columns else {
            throw EstimatorParameterError(
                estimator: "FeatureMatrix", parameter: "values",
                expected: "rows × columns = \(rows) × \(columns) = \(rows * columns) values",
                got: "\(values.count)")
        }
        self.values = values
        self.rows = rows
        self.columns = columns
    }

    /// The value at `row`, `column`.
    @inlinable public subscript(row: Int, column: Int) -> Double { values[row * columns + column] }

    /// The rows `indices`, in that order, as a new matrix.
    public func gatheringRows(_ indices: [Int]) -> FeatureMatrix {
        var out = [Double]()
        out.reserveCapacity(indices.count * columns)
        values.withUnsafeBufferPointer { v in
            for i in indices { out.append(contentsOf: v[i * columns..<(i + 1) * columns]) }
        }
        // The shape is consistent by construction.
        return try! FeatureMatrix(values: out, rows: indices.count, columns: columns)
    }

    /// The population variance of each column (divided by `rows`), two-pass for accuracy.
    public func columnVariances() -> [Double] {
        guard rows > 0 else { return [Double](repeating: 0, count: columns) }
        var mean = [Double](repeating: 0, count: columns)
        var sq = [Double](repeating: 0, count: columns)
        values.withUnsafeBufferPointer { v in
            for i in 0..<rows {
                for j in 0..<columns { mean[j] += v[i * columns + j] }
            }
            for j in 0..<columns { mean[j] /= Double(rows) }
            for i in 0..<rows {
                for j in 0..<columns {
                    let d = v[i * columns + j] - mean[j]
                    sq[j] += d * d
                }
            }
        }
        return sq.map { $0 / Double(rows) }
    }
}
