import Foundation

/// Internal and external measures of a clustering, as scikit-learn's `sklearn.metrics` computes
/// them: silhouette, Davies–Bouldin and the adjusted Rand index.
///
/// Labels are any `Int32` values (they are renumbered densely in increasing order); noise is not
/// special here: drop DBSCAN's −1 rows before calling, as `DBSCAN.Model` does.
public enum ClusterMetrics {
    /// The mean silhouette coefficient over all rows (`silhouette_score`), exact: every pair of
    /// rows is compared once per row, in parallel over rows, keeping only one running sum per
    /// cluster per row (memory O(rows + clusters)).
    public static func silhouette(_ data: FeatureMatrix, labels: [Int32]) throws(EstimatorParameterError) -> Double {
        let samples = try silhouetteSamples(data, labels: labels)
        return samples.reduce(0, +) / Double(samples.count)
    }

    /// The silhouette on a seeded sample of `sampleSize` rows when `data` has more rows than that
    /// (as `silhouette_score(sample_size=…)`; the sample differs from scikit-learn's), exact otherwise.
    public static func silhouette(
        _ data: FeatureMatrix, labels: [Int32], sampleSize: Int, seed: UInt64
    ) throws(EstimatorParameterError) -> Double {
        guard sampleSize >= 2 else {
            throw error("silhouette", "sampleSize", "≥ 2", "\(sampleSize)")
        }
        guard data.rows > sampleSize else { return try silhouette(data, labels: labels) }
        let rows = sampleRows(count: data.rows, sampleSize: sampleSize, seed: seed)
        return try silhouette(data.gatheringRows(rows), labels: rows.map { labels[$0] })
    }

    /// `sampleSize` distinct rows of `0 ..< count`, ascending, drawn by a seeded partial shuffle.
    static func sampleRows(count: Int, sampleSize: Int, seed: UInt64) -> [Int] {
        var random = SeededRandom(seed: seed)
        var order = Array(0..<count)
        for i in 0..<sampleSize {
            let j = i + Int(random.next() % UInt64(count - i))
            order.swapAt(i, j)
        }
        return order[0..<sampleSize].sorted()
    }

    /// The silhouette coefficient of each row (`silhouette_samples`): `(b − a) / max(a, b)` with
    /// `a` the mean distance to the other rows of its cluster and `b` the lowest mean distance to
    /// another cluster; 0 for a row alone in its cluster.
    public static func silhouetteSamples(
        _ data: FeatureMatrix, labels: [Int32]
    ) throws(EstimatorParameterError) -> [Double] {
        let (dense, k) = try denseLabels(labels, rows: data.rows, metric: "silhouette")
        guard k >= 2, k <= data.rows - 1 else {
            throw error("silhouette", "number of labels", "between 2 and rows − 1 (\(data.rows - 1))", "\(k)")
        }
        var counted = [Int](repeating: 0, count: k)
        for l in dense { counted[Int(l)] += 1 }
        let sizes = counted
        let n = data.rows
        let d = data.columns
        // The rows grouped by cluster (a stable counting sort) and stored column by column, so a
        // row's distances to one cluster are one contiguous pass, four rows at a time.
        var clusterStart = [Int](repeating: 0, count: k + 1)
        for c in 0..<k { clusterStart[c + 1] = clusterStart[c] + sizes[c] }
        var next = clusterStart
        var columns = [Double](repeating: 0, count: n * d)
        for j in 0..<n {
            let slot = next[Int(dense[j])]
            next[Int(dense[j])] += 1
            for f in 0..<d { columns[f * n + slot] = data.values[j * d + f] }
        }
        let starts = clusterStart
        var out = [Double](repeating: 0, count: n)
        out.withUnsafeMutableBufferPointer { o in
            let slots = DisjointSlots(o.baseAddress!)
            data.values.withUnsafeBufferPointer { x in
                let rows = SharedRows(x.baseAddress!)
                columns.withUnsafeBufferPointer { cb in
                    let grouped = SharedRows(cb.baseAddress!)
                    _ = RowBlocks.map(count: n, minimumRows: 64) { range in
                        var sums = [Double](repeating: 0, count: k)
                        for i in range {
                            let xi = rows.base + i * d
                            for c in 0..<k {
                                sums[c] = Self.distanceSum(
                                    from: xi, to: grouped.base + starts[c], rows: starts[c + 1] - starts[c],
                                    stride: n, features: d)
                            }
                            let own = Int(dense[i])
                            if sizes[own] == 1 {
                                slots[i] = 0
                                continue
                            }
                            let a = sums[own] / Double(sizes[own] - 1)
                            var b = Double.infinity
                            for c in 0..<k where c != own { b = min(b, sums[c] / Double(sizes[c])) }
                            let value = (b - a) / max(a, b)
                            slots[i] = value.isNaN ? 0 : value
                        }
                    }
                }
            }
        }
        return out
    }

    /// `Σ_j ‖x − y_j‖` over `rows` points stored column-major from `columns` (feature `f` of point
    /// `j` at `columns[f · stride + j]`), in four lanes of a fixed order.
    @inline(__always)
    static func distanceSum(
        from x: UnsafePointer<Double>, to columns: UnsafePointer<Double>, rows m: Int, stride: Int, features d: Int
    ) -> Double {
        let raw = UnsafeRawPointer(columns)
        var lanes = SIMD4<Double>()
        var j = 0
        while j + 4 <= m {
            var squared = SIMD4<Double>()
            for f in 0..<d {
                let t =
                    SIMD4<Double>(repeating: x[f])
                    - raw.loadUnaligned(fromByteOffset: (f * stride + j) * 8, as: SIMD4<Double>.self)
                squared += t * t
            }
            lanes += squared.squareRoot()
            j += 4
        }
        var sum = lanes.sum()
        while j < m {
            var squared = 0.0
            for f in 0..<d {
                let t = x[f] - columns[f * stride + j]
                squared += t * t
            }
            sum += squared.squareRoot()
            j += 1
        }
        return sum
    }

    /// The Davies–Bouldin index (`davies_bouldin_score`): the mean over clusters of the largest
    /// `(s_i + s_j) / ‖c_i − c_j‖`, `s` being the mean distance of a cluster's rows to its centroid.
    /// Lower is better; 0 when every cluster is a single point repeated.
    public static func daviesBouldin(_ data: FeatureMatrix, labels: [Int32]) throws(EstimatorParameterError) -> Double {
        let (dense, k) = try denseLabels(labels, rows: data.rows, metric: "daviesBouldin")
        guard k >= 2, k <= data.rows - 1 else {
            throw error("daviesBouldin", "number of labels", "between 2 and rows − 1 (\(data.rows - 1))", "\(k)")
        }
        let d = data.columns
        var centroids = [Double](repeating: 0, count: k * d)
        var sizes = [Int](repeating: 0, count: k)
        for i in 0..<data.rows {
            let c = Int(dense[i])
            sizes[c] += 1
            for f in 0..<d { centroids[c * d + f] += data.values[i * d + f] }
        }
        for c in 0..<k {
            for f in 0..<d { centroids[c * d + f] /= Double(sizes[c]) }
        }
        var intra = [Double](repeating: 0, count: k)
        for i in 0..<data.rows {
            let c = Int(dense[i])
            var s = 0.0
            for f in 0..<d {
                let t = data.values[i * d + f] - centroids[c * d + f]
                s += t * t
            }
            intra[c] += s.squareRoot()
        }
        for c in 0..<k { intra[c] /= Double(sizes[c]) }
        var total = 0.0
        var allIntraZero = true
        var allCentroidsEqual = true
        for a in 0..<k {
            if intra[a] != 0 { allIntraZero = false }
            var worst = 0.0
            for b in 0..<k where b != a {
                var s = 0.0
                for f in 0..<d {
                    let t = centroids[a * d + f] - centroids[b * d + f]
                    s += t * t
                }
                let separation = s.squareRoot()
                if separation != 0 { allCentroidsEqual = false }
                let ratio = separation == 0 ? 0 : (intra[a] + intra[b]) / separation
                worst = max(worst, ratio)
            }
            total += worst
        }
        if allIntraZero || allCentroidsEqual { return 0 }
        return total / Double(k)
    }

    /// The adjusted Rand index of two labellings of the same rows (`adjusted_rand_score`):
    /// 1 for identical partitions (up to renaming), about 0 for independent ones.
    public static func adjustedRandIndex(_ truth: [Int32], _ predicted: [Int32]) throws(EstimatorParameterError)
        -> Double
    {
        guard truth.count == predicted.count else {
            throw error(
                "adjustedRandIndex", "predicted", "\(truth.count) labels, as many as truth", "\(predicted.count)")
        }
        let n = truth.count
        let (a, ka) = try denseLabels(truth, rows: n, metric: "adjustedRandIndex")
        let (b, kb) = try denseLabels(predicted, rows: n, metric: "adjustedRandIndex")
        var table = [Int](repeating: 0, count: ka * kb)
        for i in 0..<n { table[Int(a[i]) * kb + Int(b[i])] += 1 }
        var rowSums = [Int](repeating: 0, count: ka)
        var columnSums = [Int](repeating: 0, count: kb)
        var sumSquares = 0
        for r in 0..<ka {
            for c in 0..<kb {
                let v = table[r * kb + c]
                rowSums[r] += v
                columnSums[c] += v
                sumSquares += v * v
            }
        }
        // The pair confusion matrix, as sklearn's `pair_confusion_matrix`.
        var byColumn = 0
        var byRow = 0
        for r in 0..<ka {
            for c in 0..<kb {
                byColumn += table[r * kb + c] * columnSums[c]
                byRow += table[r * kb + c] * rowSums[r]
            }
        }
        let tp = sumSquares - n
        let fp = byColumn - sumSquares
        let fn = byRow - sumSquares
        let tn = n * n - fp - fn - sumSquares
        if fn == 0 && fp == 0 { return 1 }
        let numerator = 2.0 * (Double(tp) * Double(tn) - Double(fn) * Double(fp))
        let denominator = Double(tp + fn) * Double(fn + tn) + Double(tp + fp) * Double(fp + tn)
        return numerator / denominator
    }

    /// Labels renumbered 0 ..< k in increasing order of the original values, and k.
    static func denseLabels(
        _ labels: [Int32], rows: Int, metric: String
    ) throws(EstimatorParameterError) -> ([Int32], Int) {
        guard labels.count == rows else {
            throw error(metric, "labels", "one label per row (\(rows))", "\(labels.count)")
        }
        let distinct = Array(Set(labels)).sorted()
        var index = [Int32: Int32](minimumCapacity: distinct.count)
        for (i, v) in distinct.enumerated() { index[v] = Int32(i) }
        return (labels.map { index[$0]! }, distinct.count)
    }

    static func error(_ metric: String, _ parameter: String, _ expected: String, _ got: String)
        -> EstimatorParameterError
    {
        EstimatorParameterError(
            estimator: "ClusterMetrics.\(metric)", parameter: parameter, expected: expected, got: got)
    }
}
