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
    /// solved in parallel chunks and the result is the same for any number of threads. `T` is the
    /// precision of the conjugate-gradient solver; the Cholesky solver runs in double precision.
    func solveRows<T: ALSScalar>(_ matrix: SparseMatrix, side: String, fixed: [T], solved: inout [T]) throws(Failure) {
        let f = configuration.factors
        precondition(fixed.count == matrix.columns * f && solved.count == matrix.rows * f)
        guard matrix.rows > 0 else { return }
        guard case .conjugateGradient(let steps) = configuration.solver else {
            var exact = solved.map { Double($0) }
            try solveRowsExactly(matrix, side: side, fixed: fixed.map { Double($0) }, solved: &exact)
            solved = exact.map { T($0) }
            return
        }
        var gram = [T](repeating: 0, count: f * f)
        if matrix.columns > 0 { T.gram(rows: matrix.columns, n: f, a: fixed, beta: 0, c: &gram) }
        for k in 0..<f { gram[k * f + k] += T(configuration.regularization) }
        let regularised = gram
        let alpha = configuration.alpha
        let chunks = (matrix.rows + Self.rowsPerChunk - 1) / Self.rowsPerChunk
        solved.withUnsafeMutableBufferPointer { out in
            let target = RowSlots(base: out.baseAddress!)
            _ = ParallelWork.map(count: chunks) { chunk in
                let rows = chunk * Self.rowsPerChunk..<min(matrix.rows, (chunk + 1) * Self.rowsPerChunk)
                let system = RowSystem(
                    matrix: matrix, fixed: fixed, gram: regularised, factors: f, alpha: alpha, rows: rows,
                    lightRows: lightRowLimit)
                system.conjugateGradient(rows: rows, steps: steps, into: target.base)
                return true
            }
        }
    }

    /// A half-step with the exact solver: each row's system built and solved by Cholesky.
    private func solveRowsExactly(_ matrix: SparseMatrix, side: String, fixed: [Double], solved: inout [Double])
        throws(Failure)
    {
        let f = configuration.factors
        var gram = [Double](repeating: 0, count: f * f)
        if matrix.columns > 0 { DenseAlgebra.gram(rows: matrix.columns, n: f, a: fixed, c: &gram) }
        for k in 0..<f { gram[k * f + k] += configuration.regularization }
        let regularised = gram
        let alpha = configuration.alpha
        let chunks = (matrix.rows + Self.rowsPerChunk - 1) / Self.rowsPerChunk
        let failures: [Failure?] = solved.withUnsafeMutableBufferPointer { out in
            let target = RowSlots(base: out.baseAddress!)
            return ParallelWork.map(count: chunks) { chunk in
                let rows = chunk * Self.rowsPerChunk..<min(matrix.rows, (chunk + 1) * Self.rowsPerChunk)
                var system = [Double](repeating: 0, count: f * f)
                var solution = [Double](repeating: 0, count: f)
                for u in rows {
                    let entries = matrix.range(ofRow: u)
                    ALS.buildSystem(
                        gram: regularised, fixed: fixed, factors: f, alpha: alpha, items: matrix.columnIndices[entries],
                        strengths: matrix.values[entries], matrix: &system, rightHandSide: &solution)
                    do throws(DenseAlgebra.Failure) {
                        try DenseAlgebra.solvePositiveDefinite(n: f, a: &system, b: &solution)
                    } catch {
                        if case .notPositiveDefinite(let order) = error {
                            return .singularSystem(side: side, row: u, order: order)
                        }
                        preconditionFailure("\(error)")
                    }
                    solution.withUnsafeBufferPointer { (target.base + u * f).update(from: $0.baseAddress!, count: f) }
                }
                return nil
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
                                var error = Double.dot(x, gx.baseAddress!, f)
                                for q in matrix.range(ofRow: u) {
                                    let s = matrix.values[q]
                                    guard s > 0 else { continue }
                                    let c = 1 + alpha * s
                                    let score = Double.dot(x, ys.baseAddress! + Int(matrix.columnIndices[q]) * f, f)
                                    error += c * (1 - score) * (1 - score) - score * score
                                    sums[2] += alpha * s
                                }
                                sums[0] += error
                                sums[1] += Double.dot(x, x, f)
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
private struct RowSlots<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}

/// The floating-point types ALS's conjugate-gradient half-steps run in, with the BLAS routines
/// and vector kernels they use.
protocol ALSScalar: BinaryFloatingPoint, SIMDScalar, Sendable {
    /// `DenseAlgebra.gemv` in this precision.
    static func blasGemv(
        m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, transA: Bool, x: UnsafePointer<Self>, beta: Self,
        y: UnsafeMutablePointer<Self>)
    /// `DenseAlgebra.gram` in this precision.
    static func blasGram(rows: Int, n: Int, a: UnsafePointer<Self>, beta: Self, c: UnsafeMutablePointer<Self>)
    /// One SIMD register of this precision (4 doubles, 8 floats): `dot` keeps two of them.
    associatedtype Lanes: SIMD where Lanes.Scalar == Self
}

extension ALSScalar {
    @inline(__always)
    static func gemv(
        m: Int, n: Int, alpha: Self = 1, a: UnsafePointer<Self>, transA: Bool = false, x: UnsafePointer<Self>,
        beta: Self = 0, y: UnsafeMutablePointer<Self>
    ) {
        blasGemv(m: m, n: n, alpha: alpha, a: a, transA: transA, x: x, beta: beta, y: y)
    }

    @inline(__always)
    static func gram(rows: Int, n: Int, a: UnsafePointer<Self>, beta: Self = 0, c: UnsafeMutablePointer<Self>) {
        blasGram(rows: rows, n: n, a: a, beta: beta, c: c)
    }

    /// `Σ a[k]·b[k]` with two registers of running sums in a fixed order.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, _ n: Int) -> Self {
        let width = Lanes.scalarCount
        let bytes = width * MemoryLayout<Self>.stride
        var s0 = Lanes()
        var s1 = Lanes()
        var k = 0
        let ra = UnsafeRawPointer(a)
        let rb = UnsafeRawPointer(b)
        while k + 2 * width <= n {
            let o = k * MemoryLayout<Self>.stride
            s0 +=
                ra.loadUnaligned(fromByteOffset: o, as: Lanes.self)
                * rb.loadUnaligned(fromByteOffset: o, as: Lanes.self)
            s1 +=
                ra.loadUnaligned(fromByteOffset: o + bytes, as: Lanes.self)
                * rb.loadUnaligned(fromByteOffset: o + bytes, as: Lanes.self)
            k += 2 * width
        }
        var total = (s0 + s1).sum()
        while k < n {
            total += a[k] * b[k]
            k += 1
        }
        return total
    }
}

extension Double: ALSScalar {
    @inline(__always)
    static func blasGemv(
        m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, transA: Bool, x: UnsafePointer<Double>, beta: Double,
        y: UnsafeMutablePointer<Double>
    ) {
        DenseAlgebra.gemv(m: m, n: n, alpha: alpha, a: a, transA: transA, x: x, beta: beta, y: y)
    }

    @inline(__always)
    static func blasGram(rows: Int, n: Int, a: UnsafePointer<Double>, beta: Double, c: UnsafeMutablePointer<Double>) {
        DenseAlgebra.gram(rows: rows, n: n, a: a, beta: beta, c: c)
    }

    typealias Lanes = SIMD4<Double>
}

extension Float: ALSScalar {
    @inline(__always)
    static func blasGemv(
        m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, transA: Bool, x: UnsafePointer<Float>, beta: Float,
        y: UnsafeMutablePointer<Float>
    ) {
        DenseAlgebra.gemv(m: m, n: n, alpha: alpha, a: a, transA: transA, x: x, beta: beta, y: y)
    }

    @inline(__always)
    static func blasGram(rows: Int, n: Int, a: UnsafePointer<Float>, beta: Float, c: UnsafeMutablePointer<Float>) {
        DenseAlgebra.gram(rows: rows, n: n, a: a, beta: beta, c: c)
    }

    typealias Lanes = SIMD8<Float>
}

/// `y += a · x` over `n` values.
@inline(__always)
private func axpy<T: ALSScalar>(_ a: T, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int) {
    for k in 0..<n { y[k] += a * x[k] }
}

/// The per-row systems of one half-step, with one worker's scratch (allocated once per chunk of
/// rows, never per row).
private final class RowSystem<T: ALSScalar> {
    /// Interactions per rank-k update when a heavy row builds its matrix.
    static var gatherRows: Int { 1024 }
    /// The most bytes of gathered factors a worker keeps for one row (8 MiB: 16384 interactions
    /// at 64 factors). Rows up to that run CG on their gathered factors, which stay in cache
    /// across the steps; heavier rows (the few most popular items) build their matrix instead, so
    /// memory stays bounded whatever an item's popularity. Measured at 64 factors on the benchmark
    /// shape, building the matrix costs about three times the gathered CG per interaction.
    static var gatheredBytes: Int { 8 << 20 }

    let matrix: SparseMatrix
    let fixed: [T]
    /// `YᵀY + λI`, factors × factors.
    let gram: [T]
    let f: Int
    let alpha: Double
    /// The fixed factors of one row's interactions, gathered contiguously (up to `lightRows × f`).
    private let block: UnsafeMutablePointer<T>
    /// Per gathered interaction: a score, `c − 1` and `c · p`.
    private let scores: UnsafeMutablePointer<T>
    private let weights: UnsafeMutablePointer<T>
    private let targets: UnsafeMutablePointer<T>
    /// The most interactions a light row may have.
    private let lightRows: Int
    /// A heavy row's whole matrix `YᵀC_uY + λI` (f × f).
    private let dense: UnsafeMutablePointer<T>
    /// CG's residual, direction, `A · direction`, and a heavy row's right-hand side (f each).
    private let r: UnsafeMutablePointer<T>
    private let p: UnsafeMutablePointer<T>
    private let ap: UnsafeMutablePointer<T>
    private let b: UnsafeMutablePointer<T>

    /// Scratch sized for the rows `rows` will solve (their largest row, capped).
    init(
        matrix: SparseMatrix, fixed: [T], gram: [T], factors: Int, alpha: Double, rows: Range<Int>,
        lightRows: Int?
    ) {
        let lightRows = lightRows ?? max(Self.gatherRows, Self.gatheredBytes / (MemoryLayout<T>.stride * factors))
        self.lightRows = lightRows
        var largest = 0
        for u in rows { largest = max(largest, matrix.rowOffsets[u + 1] - matrix.rowOffsets[u]) }
        let capacity = max(1, largest > lightRows ? max(lightRows, Self.gatherRows) : largest)
        self.matrix = matrix
        self.fixed = fixed
        self.gram = gram
        self.f = factors
        self.alpha = alpha
        block = .allocate(capacity: capacity * factors)
        scores = .allocate(capacity: capacity)
        weights = .allocate(capacity: capacity)
        targets = .allocate(capacity: capacity)
        dense = .allocate(capacity: factors * factors)
        r = .allocate(capacity: factors)
        p = .allocate(capacity: factors)
        ap = .allocate(capacity: factors)
        b = .allocate(capacity: factors)
    }

    deinit {
        for buffer in [block, scores, weights, targets, dense, r, p, ap, b] { buffer.deallocate() }
    }

    /// `steps` conjugate-gradient steps on each row, from the row's current factors in `out`.
    ///
    /// The same iteration as `implicit`'s `least_squares_cg` (residual from the current factors,
    /// stop early once the squared residual is below 1e-20). A row with up to `lightRows`
    /// interactions gathers their fixed factors `Y_u` once and forms `A·p` as
    /// `(YᵀY + λI)·p + Y_uᵀ((C_u − I)(Y_u p))` with two matrix–vector products per step:
    /// O(interactions · factors + factors²) per step, never the row's matrix. A heavier row
    /// (a popular item) would stream its factors from memory at every step, so it builds its
    /// matrix once with rank-k updates instead (O(interactions · factors²) at BLAS speed) and
    /// runs the same CG iteration on it.
    func conjugateGradient(rows: Range<Int>, steps: Int, into out: UnsafeMutablePointer<T>) {
        let f = self.f
        fixed.withUnsafeBufferPointer { ys in
            gram.withUnsafeBufferPointer { gb in
                matrix.columnIndices.withUnsafeBufferPointer { columns in
                    matrix.values.withUnsafeBufferPointer { values in
                        let y = ys.baseAddress!
                        let g = gb.baseAddress!
                        for u in rows {
                            let x = out + u * f
                            let start = matrix.rowOffsets[u]
                            let n = matrix.rowOffsets[u + 1] - start
                            let light = n <= lightRows
                            if light {
                                gather(
                                    start: start, count: n, columns: columns.baseAddress!, values: values.baseAddress!,
                                    y: y)
                                // r = Y_uᵀ(C_u p − (C_u − I) Y_u x) − (YᵀY + λI) x
                                r.update(repeating: 0, count: f)
                                if n > 0 {
                                    T.gemv(m: n, n: f, a: block, x: x, y: scores)
                                    for q in 0..<n { scores[q] = targets[q] - weights[q] * scores[q] }
                                    T.gemv(m: n, n: f, a: block, transA: true, x: scores, y: r)
                                }
                                T.gemv(m: f, n: f, alpha: -1, a: g, x: x, beta: 1, y: r)
                            } else {
                                buildHeavySystem(
                                    start: start, count: n, columns: columns.baseAddress!, values: values.baseAddress!,
                                    y: y, g: g)
                                r.update(from: b, count: f)
                                T.gemv(m: f, n: f, alpha: -1, a: dense, x: x, beta: 1, y: r)
                            }
                            p.update(from: r, count: f)
                            var rsOld = T.dot(r, r, f)
                            if rsOld < T(1e-20) { continue }
                            for _ in 0..<steps {
                                if light {
                                    T.gemv(m: f, n: f, a: g, x: p, y: ap)
                                    if n > 0 {
                                        T.gemv(m: n, n: f, a: block, x: p, y: scores)
                                        for q in 0..<n { scores[q] *= weights[q] }
                                        T.gemv(m: n, n: f, a: block, transA: true, x: scores, beta: 1, y: ap)
                                    }
                                } else {
                                    T.gemv(m: f, n: f, a: dense, x: p, y: ap)
                                }
                                let curvature = T.dot(p, ap, f)
                                guard curvature > 0 else { break }
                                let step = rsOld / curvature
                                axpy(step, p, x, f)
                                axpy(-step, ap, r, f)
                                let rsNew = T.dot(r, r, f)
                                if rsNew < T(1e-20) { break }
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

    /// Copies the fixed factors of interactions `start ..< start + count` into `block`, with their
    /// `c − 1` into `weights` and `c · p` into `targets`.
    @inline(__always)
    private func gather(
        start: Int, count: Int, columns: UnsafePointer<Int32>, values: UnsafePointer<Double>, y: UnsafePointer<T>
    ) {
        for q in 0..<count {
            let s = values[start + q]
            let positive = s > 0
            weights[q] = positive ? T(alpha * s) : 0
            targets[q] = positive ? T(1 + alpha * s) : 0
            (block + q * f).update(from: y + Int(columns[start + q]) * f, count: f)
        }
    }

    /// `dense = YᵀY + λI + Y_uᵀ(C_u − I)Y_u` and `b = Y_uᵀ C_u p(u)` for a heavy row, by rank-k
    /// updates over blocks of `gatherRows` interactions (rows scaled by `√(c − 1)`).
    private func buildHeavySystem(
        start: Int, count: Int, columns: UnsafePointer<Int32>, values: UnsafePointer<Double>, y: UnsafePointer<T>,
        g: UnsafePointer<T>
    ) {
        dense.update(from: g, count: f * f)
        b.update(repeating: 0, count: f)
        var done = 0
        while done < count {
            let k = min(Self.gatherRows, count - done)
            for q in 0..<k {
                let s = values[start + done + q]
                let yi = y + Int(columns[start + done + q]) * f
                let row = block + q * f
                guard s > 0 else {
                    row.update(repeating: 0, count: f)
                    continue
                }
                axpy(T(1 + alpha * s), yi, b, f)
                let root = T((alpha * s).squareRoot())
                for j in 0..<f { row[j] = root * yi[j] }
            }
            T.gram(rows: k, n: f, a: block, beta: 1, c: dense)
            done += k
        }
    }
}

extension ALS {
    /// Fills `matrix` with `YᵀC_uY + λI` (upper triangle; `gram` is `YᵀY + λI`) and
    /// `rightHandSide` with `YᵀC_u p(u)` for one history.
    static func buildSystem(
        gram: [Double], fixed: [Double], factors f: Int, alpha: Double, items: ArraySlice<Int32>,
        strengths: ArraySlice<Double>, matrix: inout [Double], rightHandSide: inout [Double]
    ) {
        // The rank-k update Σ (c − 1)·y yᵀ runs as one BLAS `syrk` over the rows scaled by
        // √(c − 1), gathered in blocks (vectorised, unlike a scalar loop over the triangle).
        let blockRows = min(max(items.count, 1), 256)
        var block = [Double](repeating: 0, count: blockRows * f)
        matrix.withUnsafeMutableBufferPointer { ab in
            rightHandSide.withUnsafeMutableBufferPointer { bb in
                fixed.withUnsafeBufferPointer { ys in
                    block.withUnsafeMutableBufferPointer { blk in
                        let a = ab.baseAddress!
                        let b = bb.baseAddress!
                        gram.withUnsafeBufferPointer { a.update(from: $0.baseAddress!, count: f * f) }
                        b.update(repeating: 0, count: f)
                        var rows = 0
                        for (item, s) in zip(items, strengths) where s > 0 {
                            let yi = ys.baseAddress! + Int(item) * f
                            let weight = alpha * s
                            if weight != 0 {
                                let root = weight.squareRoot()
                                let row = blk.baseAddress! + rows * f
                                for k in 0..<f { row[k] = root * yi[k] }
                                rows += 1
                                if rows == blockRows {
                                    DenseAlgebra.gram(rows: rows, n: f, a: blk.baseAddress!, beta: 1, c: a)
                                    rows = 0
                                }
                            }
                            axpy(1 + weight, yi, b, f)
                        }
                        if rows > 0 { DenseAlgebra.gram(rows: rows, n: f, a: blk.baseAddress!, beta: 1, c: a) }
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
}
