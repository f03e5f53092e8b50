/// The blocked assignment and centre-sum kernel of Lloyd's algorithm.
///
/// Distances to the centres come from one gemm per 256 rows: the argmin of
/// `‖c‖² − 2 x·c` is the closest centre (`‖x‖²` is the same for every centre), as scikit-learn
/// computes it. No allocation happens per row.
struct KMeansKernel: Sendable {
    let centres: [Double]
    let centreNorms: [Double]
    let clusters: Int
    let features: Int
    static let subBlock = 256

    init(centres: [Double], clusters: Int, features: Int) {
        self.centres = centres
        self.clusters = clusters
        self.features = features
        var norms = [Double](repeating: 0, count: clusters)
        for c in 0..<clusters {
            var s = 0.0
            for j in 0..<features { s += centres[c * features + j] * centres[c * features + j] }
            norms[c] = s
        }
        centreNorms = norms
    }

    /// Labels rows `range` of `x` into `labels`, and when `sums` is given adds each row into its
    /// centre's sum (clusters × features) and count.
    func assign(
        _ x: UnsafePointer<Double>, range: Range<Int>, labels: UnsafeMutablePointer<Int32>,
        sums: UnsafeMutablePointer<Double>?, counts: UnsafeMutablePointer<Int>?
    ) {
        let k = clusters
        let d = features
        var scratch = [Double](repeating: 0, count: Self.subBlock * k)
        scratch.withUnsafeMutableBufferPointer { dots in
            centres.withUnsafeBufferPointer { c in
                centreNorms.withUnsafeBufferPointer { norms in
                    var start = range.lowerBound
                    while start < range.upperBound {
                        let m = min(Self.subBlock, range.upperBound - start)
                        if d > 0 {
                            DenseAlgebra.gemm(
                                m: m, n: k, k: d, a: x + start * d, b: c.baseAddress!, transB: true,
                                c: dots.baseAddress!)
                        } else {
                            for i in 0..<(m * k) { dots[i] = 0 }
                        }
                        for r in 0..<m {
                            var best = 0
                            var bestValue = Double.infinity
                            for j in 0..<k {
                                let v = norms[j] - 2 * dots[r * k + j]
                                if v < bestValue {
                                    bestValue = v
                                    best = j
                                }
                            }
                            let row = start + r
                            labels[row] = Int32(best)
                            if let sums, let counts {
                                counts[best] += 1
                                let s = sums + best * d
                                let xr = x + row * d
                                for f in 0..<d { s[f] += xr[f] }
                            }
                        }
                        start += m
                    }
                }
            }
        }
    }

    /// The squared distance from row `row` of `x` to centre `centre`.
    @inline(__always)
    func squaredDistance(_ x: UnsafePointer<Double>, row: Int, centre: Int) -> Double {
        centres.withUnsafeBufferPointer { c in
            var s = 0.0
            let xr = x + row * features
            let cr = c.baseAddress! + centre * features
            for f in 0..<features {
                let t = xr[f] - cr[f]
                s += t * t
            }
            return s
        }
    }

    /// Σ ‖x_i − c_{labels[i]}‖², partial sums per fixed block added in block order.
    func inertia(_ data: FeatureMatrix, labels: [Int32]) -> Double {
        data.values.withUnsafeBufferPointer { xb in
            let rows = SharedRows(xb.baseAddress!)
            let partials = RowBlocks.map(count: data.rows) { range in
                var s = 0.0
                for i in range { s += squaredDistance(rows.base, row: i, centre: Int(labels[i])) }
                return s
            }
            return partials.reduce(0, +)
        }
    }
}
