import COpenBLAS
import Frame

extension DenseAlgebra {
    /// Tile size of the blocked inverse: large enough for BLAS to run near its peak on a tile,
    /// small enough that the tiles of one step keep both cores busy.
    static let inverseTile = 256

    /// Replaces symmetric positive-definite `a` (`n × n`) by its inverse, both triangles filled.
    ///
    /// Up to two tiles, LAPACK's Cholesky inverse (`dpotrf`, `dpotri`) on the matrix as it is in
    /// memory (its lower triangle in LAPACK's column-major terms, so LAPACKE makes no transposed
    /// copy). Larger matrices run the same three steps tile by tile on both cores: a right-looking
    /// Cholesky `A = L·Lᵀ`, then `W = L⁻¹` column tile by column tile, then `A⁻¹ = Wᵀ·W`. Every
    /// tile is one single-threaded BLAS call on fixed tile boundaries, so the result is the same
    /// bits whichever core runs which tile and however many there are; `parallel: false` runs
    /// them in order on one thread (tests compare the two).
    public static func invertPositiveDefinite(
        n: Int, a: UnsafeMutablePointer<Double>, parallel: Bool = true
    ) throws(Failure) {
        prepare()
        let nb = inverseTile
        let lower = Int8(UInt8(ascii: "L"))
        if n <= 2 * nb {
            try check(LAPACKE_dpotrf(LAPACK_COL_MAJOR, lower, Int32(n), a, Int32(n)), "dpotrf")
            try check(LAPACKE_dpotri(LAPACK_COL_MAJOR, lower, Int32(n), a, Int32(n)), "dpotri")
            mirrorUpper(n: n, a)
            return
        }
        let matrix = TileMatrix(base: a, n: n, tile: nb)
        try matrix.cholesky(parallel: parallel)
        matrix.invertLower(parallel: parallel)
        matrix.multiplyTransposeByItself(parallel: parallel)
        mirrorLower(n: n, a)
    }

    /// Copies the row-major lower triangle of `a` into its upper triangle (the tiles fill the
    /// column-major upper triangle, which is the row-major lower one).
    static func mirrorLower(n: Int, _ a: UnsafeMutablePointer<Double>) {
        let matrix = SharedBuffer(a)
        ParallelWork.forEachRange(count: n, minimumPerThread: 256) { rows in
            for i in rows {
                for j in (i + 1)..<max(i + 1, n) { matrix[i * n + j] = matrix[j * n + i] }
            }
        }
    }
}

/// An `n × n` column-major matrix cut into square tiles of `tile` (the last may be smaller), worked
/// on by tasks that each write their own tiles.
private struct TileMatrix: @unchecked Sendable {
    let base: UnsafeMutablePointer<Double>
    let n: Int
    let tile: Int

    var tiles: Int { (n + tile - 1) / tile }
    func start(_ t: Int) -> Int { t * tile }
    func size(_ t: Int) -> Int { min(tile, n - t * tile) }
    /// The element at (row, column).
    func at(_ row: Int, _ column: Int) -> UnsafeMutablePointer<Double> { base + column * n + row }
    var ld: Int32 { Int32(n) }

    /// `A = L·Lᵀ`, `L` in the lower triangle (the strict upper triangle is left as it was).
    func cholesky(parallel: Bool) throws(DenseAlgebra.Failure) {
        for k in 0..<tiles {
            let k0 = start(k), kb = size(k)
            let info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(kb), at(k0, k0), ld)
            if info > 0 { throw .notPositiveDefinite(order: k0 + Int(info)) }
            if info < 0 { throw .illegalArgument(routine: "dpotrf", position: Int(-info)) }
            let below = k + 1..<tiles
            guard !below.isEmpty else { break }
            // The panel under the diagonal tile: A[i, k] ← A[i, k] · L[k, k]⁻ᵀ, one row tile a task.
            _ = ParallelWork.map(count: below.count, parallel: parallel) { t in
                let i0 = start(k + 1 + t)
                cblas_dtrsm(
                    CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, Int32(size(k + 1 + t)),
                    Int32(kb), 1, at(k0, k0), ld, at(i0, k0), ld)
                return true
            }
            // The trailing matrix: A[j.., j] −= A[j.., k] · A[j, k]ᵀ, one column tile a task.
            _ = ParallelWork.map(count: below.count, parallel: parallel) { t in
                let j = k + 1 + t, j0 = start(j), jb = size(j)
                cblas_dsyrk(
                    CblasColMajor, CblasLower, CblasNoTrans, Int32(jb), Int32(kb), -1, at(j0, k0), ld, 1,
                    at(j0, j0), ld)
                let rest = n - j0 - jb
                if rest > 0 {
                    cblas_dgemm(
                        CblasColMajor, CblasNoTrans, CblasTrans, Int32(rest), Int32(jb), Int32(kb), -1,
                        at(j0 + jb, k0), ld, at(j0, k0), ld, 1, at(j0 + jb, j0), ld)
                }
                return true
            }
        }
    }

    /// Replaces `L` (lower triangle) by `W = L⁻¹`, zeros above the diagonal of each diagonal tile.
    ///
    /// Column tile j of W solves `L[j.., j..] · X = I` and needs L's columns from j on, so tiles
    /// are solved a few at a time from the left and written back once no later tile needs them.
    func invertLower(parallel: Bool) {
        var next = 0
        while next < tiles {
            let batch = next..<min(tiles, next + ParallelWork.threads)
            let solved = ParallelWork.map(count: batch.count, parallel: parallel) { t in
                let j0 = start(batch.lowerBound + t), jb = size(batch.lowerBound + t), m = n - j0
                var x = [Double](repeating: 0, count: m * jb)
                for c in 0..<jb { x[c * m + c] = 1 }
                cblas_dtrsm(
                    CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, Int32(m), Int32(jb), 1,
                    at(j0, j0), ld, &x, Int32(m))
                return x
            }
            for (t, x) in solved.enumerated() {
                let j0 = start(batch.lowerBound + t), jb = size(batch.lowerBound + t), m = n - j0
                x.withUnsafeBufferPointer { x in
                    for c in 0..<jb { (at(j0, j0 + c)).update(from: x.baseAddress! + c * m, count: m) }
                }
            }
            next = batch.upperBound
        }
    }

    /// `Wᵀ·W` into the upper triangle (column-major), from `W` in the lower one: the off-diagonal
    /// tiles (I < J) first, into the strict upper triangle W does not use, then the diagonal tiles
    /// through a scratch tile, since each overlaps W's own diagonal tile.
    func multiplyTransposeByItself(parallel: Bool) {
        let pairs = (0..<tiles).flatMap { j in (0..<j).map { (i: $0, j: j) } }
        _ = ParallelWork.map(count: pairs.count, parallel: parallel) { p in
            let (i, j) = pairs[p]
            let i0 = start(i), j0 = start(j)
            // W is lower: rows above J contribute zeros to this tile.
            cblas_dgemm(
                CblasColMajor, CblasTrans, CblasNoTrans, Int32(size(i)), Int32(size(j)), Int32(n - j0), 1,
                at(j0, i0), ld, at(j0, j0), ld, 0, at(i0, j0), ld)
            return true
        }
        let diagonal = ParallelWork.map(count: tiles, parallel: parallel) { j in
            let j0 = start(j), jb = size(j)
            var c = [Double](repeating: 0, count: jb * jb)
            cblas_dsyrk(
                CblasColMajor, CblasUpper, CblasTrans, Int32(jb), Int32(n - j0), 1, at(j0, j0), ld, 0, &c, Int32(jb))
            return c
        }
        for (j, c) in diagonal.enumerated() {
            let j0 = start(j), jb = size(j)
            for col in 0..<jb { for row in 0...col { at(j0 + row, j0 + col).pointee = c[col * jb + row] } }
        }
    }
}
