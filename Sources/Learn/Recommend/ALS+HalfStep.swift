import Frame

extension ALS {
    /// Rows handed to a worker at a time: small enough to balance heavy and light rows over both
    /// cores, large enough that taking a chunk costs nothing next to solving it.
    static let rowsPerChunk = 256

    /// One half-step: solves every row of `solved` (`matrix.rows × factors`, row-major) against the
    /// fixed factors `fixed` (`matrix.columns × factors`), the rows of `matrix` holding strengths.
    ///
    /// Row u solves `(YᵀY + λI + Yᵀ(C_u − I)Y) x_u = Yᵀ C_u p(u)`. `YᵀY + λI` is computed once; a
    /// row's solve reads only it, the fixed factors and its own interactions, so the rows are
    /// solved in parallel chunks and the result is the same for any number of threads.
    func solveRows(_ matrix: SparseMatrix, side: String, fixed: [Double], solved: inout [Double]) throws(Failure) {
        let f = configuration.factors
        precondition(fixed.count == matrix.columns * f && solved.count == matrix.rows * f)
        guard matrix.rows > 0 else { return }
        var gram = [Double](repeating: 0, count: f * f)
        if matrix.columns > 0 { DenseAlgebra.gram(rows: matrix.columns, n: f, a: fixed, c: &gram) }
        for k in 0..<f { gram[k * f + k] += configuration.regularization }
        let regularised = gram
        let alpha = configuration.alpha
        let solver = configuration.solver
        let chunks = (matrix.rows + Self.rowsPerChunk - 1) / Self.rowsPerChunk
        let failures: [Failure?] = solved.withUnsafeMutableBufferPointer { out in
            let target = RowSlots(base: out.baseAddress!)
            return ParallelWork.map(count: chunks) { chunk in
                let rows = chunk * Self.rowsPerChunk..<min(matrix.rows, (chunk + 1) * Self.rowsPerChunk)
                let system = RowSystem(matrix: matrix, fixed: fixed, gram: regularised, factors: f, alpha: alpha)
                switch solver {
                case .conjugateGradient(let steps):
                    system.conjugateGradient(rows: rows, steps: steps, into: target.base)
                    return nil
                case .cholesky:
                    guard let singular = system.cholesky(rows: rows, into: target.base) else { return nil }
                    return .singularSystem(side: side, row: singular.row, order: singular.order)
                }
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
    }

    /// The training loss of `implicit`'s `calculate_loss`: `(Σ_{u,i} c_ui (p_ui − x_uᵀy_i)² +
    /// λ (Σ‖x_u‖² + Σ‖y_i‖²)) / Σ_{u,i} c_ui`, over every cell of the matrix (absent cells have
    /// c = 1, p = 0), so it is comparable across data sets of different sizes.
    ///
    /// The cells without interactions are summed as `x_uᵀ (YᵀY) x_u` minus the interacting cells'
    /// share, so the cost is O(interactions · factors + users · factors²).
    func trainingLoss(_ matrix: SparseMatrix, userFactors: [Double], itemFactors: [Double]) -> Double {
        let f = configuration.factors
        var gram = [Double](repeating: 0, count: f * f)
        if matrix.columns > 0 { DenseAlgebra.gram(rows: matrix.columns, n: f, a: itemFactors, c: &gram) }
        let itemGram = gram
        let alpha = configuration.alpha
        let chunks = (matrix.rows + Self.rowsPerChunk - 1) / Self.rowsPerChunk
        // Per chunk: (error, ‖x‖², confidence beyond 1); chunks are fixed, so the sum order is too.
        let partial: [SIMD4<Double>] = ParallelWork.map(count: chunks) { chunk in
            let rows = chunk * Self.rowsPerChunk..<min(matrix.rows, (chunk + 1) * Self.rowsPerChunk)
            var scratch = [Double](repeating: 0, count: f)
            var sums = SIMD4<Double>()
            userFactors.withUnsafeBufferPointer { xs in
                itemFactors.withUnsafeBufferPointer { ys in
                    itemGram.withUnsafeBufferPointer { g in
                        scratch.withUnsafeMutableBufferPointer { gx in
                            for u in rows {
                                let x = xs.baseAddress! + u * f
                                Self.symmetricProduct(g.baseAddress!, x, into: gx.baseAddress!, f)
                                var error = Self.dot(x, gx.baseAddress!, f)
                                for q in matrix.range(ofRow: u) {
                                    let s = matrix.values[q]
                                    guard s > 0 else { continue }
                                    let c = 1 + alpha * s
                                    let score = Self.dot(x, ys.baseAddress! + Int(matrix.columnIndices[q]) * f, f)
                                    error += c * (1 - score) * (1 - score) - score * score
                                    sums[2] += alpha * s
                                }
                                sums[0] += error
                                sums[1] += Self.dot(x, x, f)
                            }
                        }
                    }
                }
            }
            return sums
        }
        var total = SIMD4<Double>()
        for p in partial { total += p }
        var itemNorm = 0.0
        for k in 0..<itemGram.count where k % (f + 1) == 0 { itemNorm += itemGram[k] }
        let cells = Double(matrix.rows) * Double(matrix.columns) + total[2]
        return (total[0] + configuration.regularization * (total[1] + itemNorm)) / cells
    }
}

/// A mutable buffer that workers write at disjoint rows.
private struct RowSlots: @unchecked Sendable {
    let base: UnsafeMutablePointer<Double>
}

/// The per-row systems of one half-step, with one worker's scratch vectors (allocated once per
/// chunk of rows, never per row).
private final class RowSystem {
    let matrix: SparseMatrix
    let fixed: [Double]
    /// `YᵀY + λI`, factors × factors.
    let gram: [Double]
    let f: Int
    let alpha: Double
    var residual: [Double]
    var direction: [Double]
    var product: [Double]

    init(matrix: SparseMatrix, fixed: [Double], gram: [Double], factors: Int, alpha: Double) {
        self.matrix = matrix
        self.fixed = fixed
        self.gram = gram
        self.f = factors
        self.alpha = alpha
        residual = [Double](repeating: 0, count: factors)
        direction = residual
        product = residual
    }

    /// `steps` conjugate-gradient steps on each row, from the row's current factors in `out`.
    ///
    /// The same iteration as `implicit`'s `least_squares_cg` (residual from the current factors,
    /// stop early once the squared residual is below 1e-20), with `A·p` formed as
    /// `(YᵀY + λI)·p + Σ_i (c_ui − 1)(y_iᵀp) y_i` over the row's interactions only.
    func conjugateGradient(rows: Range<Int>, steps: Int, into out: UnsafeMutablePointer<Double>) {
        let f = self.f
        let alpha = self.alpha
        fixed.withUnsafeBufferPointer { ys in
            gram.withUnsafeBufferPointer { g in
                matrix.columnIndices.withUnsafeBufferPointer { columns in
                    matrix.values.withUnsafeBufferPointer { values in
                        residual.withUnsafeMutableBufferPointer { rb in
                            direction.withUnsafeMutableBufferPointer { pb in
                                product.withUnsafeMutableBufferPointer { apb in
                                    let y = ys.baseAddress!
                                    let r = rb.baseAddress!
                                    let p = pb.baseAddress!
                                    let ap = apb.baseAddress!
                                    for u in rows {
                                        let x = out + u * f
                                        let entries = matrix.range(ofRow: u)
                                        // r = b − A x
                                        ALS.symmetricProduct(g.baseAddress!, x, into: r, f)
                                        for k in 0..<f { r[k] = -r[k] }
                                        for q in entries {
                                            let s = values[q]
                                            guard s > 0 else { continue }
                                            let yi = y + Int(columns[q]) * f
                                            let weight = alpha * s
                                            ALS.axpy((1 + weight) - weight * ALS.dot(yi, x, f), yi, r, f)
                                        }
                                        p.update(from: r, count: f)
                                        var rsOld = ALS.dot(r, r, f)
                                        if rsOld < 1e-20 { continue }
                                        for _ in 0..<steps {
                                            ALS.symmetricProduct(g.baseAddress!, p, into: ap, f)
                                            for q in entries {
                                                let s = values[q]
                                                guard s > 0, alpha != 0 else { continue }
                                                let yi = y + Int(columns[q]) * f
                                                ALS.axpy(alpha * s * ALS.dot(yi, p, f), yi, ap, f)
                                            }
                                            let curvature = ALS.dot(p, ap, f)
                                            guard curvature > 0 else { break }
                                            let step = rsOld / curvature
                                            ALS.axpy(step, p, x, f)
                                            ALS.axpy(-step, ap, r, f)
                                            let rsNew = ALS.dot(r, r, f)
                                            if rsNew < 1e-20 { break }
                                            let beta = rsNew / rsOld
                                            for k in 0..<f { p[k] = r[k] + beta * p[k] }
                                            rsOld = rsNew
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The exact solution of each row's system by Cholesky, written over the row's factors in
    /// `out`; returns the first row whose system is not positive definite, if any.
    func cholesky(rows: Range<Int>, into out: UnsafeMutablePointer<Double>) -> (row: Int, order: Int)? {
        var a = [Double](repeating: 0, count: f * f)
        for u in rows {
            let entries = matrix.range(ofRow: u)
            ALS.buildSystem(
                gram: gram, fixed: fixed, factors: f, alpha: alpha, items: matrix.columnIndices[entries],
                strengths: matrix.values[entries], matrix: &a, rightHandSide: &residual)
            do throws(DenseAlgebra.Failure) {
                try DenseAlgebra.solvePositiveDefinite(n: f, a: &a, b: &residual)
            } catch {
                if case .notPositiveDefinite(let order) = error { return (u, order) }
                preconditionFailure("\(error)")
            }
            residual.withUnsafeBufferPointer { (out + u * f).update(from: $0.baseAddress!, count: f) }
        }
        return nil
    }
}

extension ALS {
    /// Fills `matrix` with `YᵀC_uY + λI` (upper triangle; `gram` is `YᵀY + λI`) and
    /// `rightHandSide` with `YᵀC_u p(u)` for one history.
    static func buildSystem(
        gram: [Double], fixed: [Double], factors f: Int, alpha: Double, items: ArraySlice<Int32>,
        strengths: ArraySlice<Double>, matrix: inout [Double], rightHandSide: inout [Double]
    ) {
        matrix.withUnsafeMutableBufferPointer { ab in
            rightHandSide.withUnsafeMutableBufferPointer { bb in
                fixed.withUnsafeBufferPointer { ys in
                    let a = ab.baseAddress!
                    let b = bb.baseAddress!
                    gram.withUnsafeBufferPointer { a.update(from: $0.baseAddress!, count: f * f) }
                    b.update(repeating: 0, count: f)
                    for (item, s) in zip(items, strengths) where s > 0 {
                        let yi = ys.baseAddress! + Int(item) * f
                        let weight = alpha * s
                        if weight != 0 {
                            for row in 0..<f {
                                let w = weight * yi[row]
                                if w == 0 { continue }
                                let arow = a + row * f
                                for k in row..<f { arow[k] += w * yi[k] }
                            }
                        }
                        axpy(1 + weight, yi, b, f)
                    }
                }
            }
        }
    }

    /// `out = g · v` for symmetric `g` (`n × n`), summed as `Σ_j v_j · g[j, :]` so it vectorises.
    @inline(__always)
    static func symmetricProduct(
        _ g: UnsafePointer<Double>, _ v: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, _ n: Int
    ) {
        out.update(repeating: 0, count: n)
        for j in 0..<n { axpy(v[j], g + j * n, out, n) }
    }

    /// `Σ a[k]·b[k]` with eight running sums (two SIMD4 lanes) in a fixed order.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        var s0 = SIMD4<Double>()
        var s1 = SIMD4<Double>()
        var k = 0
        let ra = UnsafeRawPointer(a)
        let rb = UnsafeRawPointer(b)
        while k + 8 <= n {
            let o = k * MemoryLayout<Double>.stride
            s0 += ra.loadUnaligned(fromByteOffset: o, as: SIMD4<Double>.self)
                * rb.loadUnaligned(fromByteOffset: o, as: SIMD4<Double>.self)
            s1 += ra.loadUnaligned(fromByteOffset: o + 32, as: SIMD4<Double>.self)
                * rb.loadUnaligned(fromByteOffset: o + 32, as: SIMD4<Double>.self)
            k += 8
        }
        var total = (s0 + s1).sum()
        while k < n {
            total += a[k] * b[k]
            k += 1
        }
        return total
    }

    /// `y += a · x` over `n` values.
    @inline(__always)
    static func axpy(_ a: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        for k in 0..<n { y[k] += a * x[k] }
    }
}
