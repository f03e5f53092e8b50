import Frame

/// An item–item linear autoencoder with a closed-form fit (Steck 2019, "Embarrassingly Shallow
/// Autoencoders for Sparse Data").
///
/// With `X` the customer × item matrix, `G = XᵀX + λI` and `P = G⁻¹`, the weights are
/// `B_ij = −P_ij / P_jj` for `i ≠ j` and `B_jj = 0`: the least-squares `B` minimising
/// `‖X − XB‖² + λ‖B‖²` under a zero diagonal. A customer's scores are their history times `B`.
/// The cost is one dense items × items matrix in memory and an O(items³) inversion, so the item
/// count is what limits it, not the number of customers or interactions.
public struct EASE: Sendable {
    public var configuration: Configuration

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Hyperparameters of EASE.
    public struct Configuration: Sendable, Equatable, Codable {
        /// `λ`, the L2 penalty on the weights (Steck's experiments use values in the hundreds).
        public var lambda: Double
        /// The most memory, in bytes, the dense items × items matrix may take (8 bytes per item
        /// pair); a fit over it throws rather than driving the machine into swap.
        public var memoryLimitBytes: Int
        /// Whether to fit and score on 1 for every interaction with strength > 0 (and 0 otherwise)
        /// instead of the strengths themselves: Steck's setting, and the one to use when strengths
        /// are counts whose size says little about preference.
        public var binary: Bool

        public init(lambda: Double = 500, memoryLimitBytes: Int = 8 << 30, binary: Bool = false) {
            self.lambda = lambda
            self.memoryLimitBytes = memoryLimitBytes
            self.binary = binary
        }

        /// Throws the first value out of its range.
        public func validate() throws(Failure) {
            if !(lambda > 0) || !lambda.isFinite {
                throw .invalidParameter(name: "lambda", expected: "finite and > 0", got: "\(lambda)")
            }
            if memoryLimitBytes < 1 {
                throw .invalidParameter(name: "memoryLimitBytes", expected: "≥ 1", got: "\(memoryLimitBytes)")
            }
        }
    }

    /// Why a fit failed.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case invalidParameter(name: String, expected: String, got: String)
        /// An interaction strength is not finite.
        case invalidStrength(user: Int, item: Int, value: Double)
        /// The dense items × items matrix would exceed the configured memory limit.
        case memoryLimitExceeded(items: Int, bytesNeeded: Int, limit: Int)
        /// `XᵀX + λI` lost positive definiteness in floating point (not expected for λ > 0).
        case notPositiveDefinite(order: Int)

        public var description: String {
            switch self {
            case .invalidParameter(let name, let expected, let got):
                "EASE \(name) must be \(expected), got \(got)"
            case .invalidStrength(let user, let item, let value):
                "EASE interaction strengths must be finite, got \(value) at user \(user), item \(item)"
            case .memoryLimitExceeded(let items, let bytesNeeded, let limit):
                "EASE on \(items) items needs \(bytesNeeded) bytes for its dense items × items matrix "
                    + "(items² × 8), over memoryLimitBytes = \(limit)"
            case .notPositiveDefinite(let order):
                "EASE: XᵀX + λI is not positive definite (leading minor of order \(order)); raise lambda"
            }
        }
    }

    /// The bytes of the one dense items × items matrix the fit holds (G, inverted and turned into
    /// B in place), or nil when that overflows `Int`.
    public static func bytesNeeded(items: Int) -> Int? {
        let (square, o1) = items.multipliedReportingOverflow(by: items)
        let (bytes, o2) = square.multipliedReportingOverflow(by: MemoryLayout<Double>.stride)
        return o1 || o2 ? nil : bytes
    }

    /// Fits the item–item weights to `interactions` (customers × items, values the strengths).
    public func fit(_ interactions: SparseMatrix) throws(Failure) -> Model {
        try configuration.validate()
        let n = interactions.columns
        let needed = Self.bytesNeeded(items: n) ?? Int.max
        if needed > configuration.memoryLimitBytes {
            throw .memoryLimitExceeded(items: n, bytesNeeded: needed, limit: configuration.memoryLimitBytes)
        }
        for r in 0..<interactions.rows {
            for p in interactions.range(ofRow: r) where !interactions.values[p].isFinite {
                throw .invalidStrength(user: r, item: Int(interactions.columnIndices[p]), value: interactions.values[p])
            }
        }
        let x = configuration.binary ? interactions.mapValues { $0 > 0 ? 1 : 0 } : interactions
        var weights = Self.gram(x)
        for j in 0..<n { weights[j * n + j] += configuration.lambda }
        do throws(DenseAlgebra.Failure) {
            if n > 0 { try DenseAlgebra.invertPositiveDefinite(n: n, a: &weights) }
        } catch {
            if case .notPositiveDefinite(let order) = error { throw .notPositiveDefinite(order: order) }
            preconditionFailure("\(error)")
        }
        // B = I − P · diag(1/diag(P)): column j of P divided by −P_jj, then a zero diagonal.
        let diagonal = (0..<n).map { weights[$0 * n + $0] }
        weights.withUnsafeMutableBufferPointer { b in
            let target = MatrixSlots(base: b.baseAddress)
            ParallelWork.forEachRange(count: n, minimumPerThread: 64) { rows in
                guard let base = target.base else { return }
                for i in rows {
                    let row = base + i * n
                    for j in 0..<n { row[j] = -row[j] / diagonal[j] }
                    row[i] = 0
                }
            }
        }
        return Model(itemCount: n, weights: weights, binary: configuration.binary)
    }

    /// `XᵀX` (items × items, row-major) for customer × item `x`.
    ///
    /// Sparse data sums, for each item j, `x_uj · x_uk` over the customers u of item j and their
    /// items k ≥ j: O(Σ_u interactions_u²) work, items split over both cores, each worker writing
    /// only its own rows, every entry summed over customers in ascending order. Data dense enough
    /// that the BLAS rank-k update over dense blocks of customers is cheaper takes that path.
    static func gram(_ x: SparseMatrix) -> [Double] {
        let n = x.columns
        var g = [Double](repeating: 0, count: n * n)
        guard n > 0, x.rows > 0 else { return g }
        var pairs = 0.0
        for u in 0..<x.rows { pairs += Double(x.range(ofRow: u).count) * Double(x.range(ofRow: u).count) }
        // A scattered sparse update costs about 8× a dense multiply-add inside BLAS.
        if pairs * 8 > Double(x.rows) * Double(n) * Double(n) {
            denseGram(x, into: &g)
            return g
        }
        let byItem = x.transposed()
        let blockSize = 64
        let blocks = (n + blockSize - 1) / blockSize
        g.withUnsafeMutableBufferPointer { gb in
            let target = MatrixSlots(base: gb.baseAddress)
            _ = ParallelWork.map(count: blocks) { block in
                let base = target.base!
                for j in block * blockSize..<min(n, (block + 1) * blockSize) {
                    let row = base + j * n
                    for q in byItem.range(ofRow: j) {
                        let u = Int(byItem.columnIndices[q])
                        let xj = byItem.values[q]
                        var p = x.rowOffsets[u]
                        let end = x.rowOffsets[u + 1]
                        // Skip to item j in the customer's ascending items.
                        var lo = p
                        var hi = end
                        while lo < hi {
                            let mid = (lo + hi) / 2
                            if Int(x.columnIndices[mid]) < j { lo = mid + 1 } else { hi = mid }
                        }
                        p = lo
                        while p < end {
                            row[Int(x.columnIndices[p])] += xj * x.values[p]
                            p += 1
                        }
                    }
                }
                return true
            }
        }
        DenseAlgebra.mirrorUpper(n: n, &g)
        return g
    }

    /// `XᵀX` by rank-k updates over dense blocks of 256 customers.
    private static func denseGram(_ x: SparseMatrix, into g: inout [Double]) {
        let n = x.columns
        let blockRows = 256
        var block = [Double](repeating: 0, count: blockRows * n)
        var start = 0
        while start < x.rows {
            let rows = min(blockRows, x.rows - start)
            for k in 0..<rows * n { block[k] = 0 }
            for r in 0..<rows {
                for p in x.range(ofRow: start + r) { block[r * n + Int(x.columnIndices[p])] = x.values[p] }
            }
            DenseAlgebra.gram(rows: rows, n: n, a: block, beta: 1, c: &g)
            start += rows
        }
    }
}

/// A mutable matrix that workers write at disjoint rows.
private struct MatrixSlots: @unchecked Sendable {
    let base: UnsafeMutablePointer<Double>?
}
