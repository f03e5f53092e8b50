import COpenBLAS

/// Dense linear algebra over OpenBLAS and LAPACKE: the one place `Learn` calls C.
///
/// Matrices are `[Double]` in row-major order with their shapes passed alongside. OpenBLAS runs
/// on one thread here: its blocked kernels may sum in a different order for another thread count,
/// and results must not depend on that. `Learn` parallelises over users, items or rows itself.
public enum DenseAlgebra {
    /// Why a factorisation failed.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The matrix is not positive definite: the leading minor of order `order` is not positive.
        case notPositiveDefinite(order: Int)
        /// LAPACKE reported an illegal argument (a bug in the caller).
        case illegalArgument(routine: String, position: Int)

        public var description: String {
            switch self {
            case .notPositiveDefinite(let order):
                "matrix is not positive definite (leading minor of order \(order) is not positive)"
            case .illegalArgument(let routine, let position):
                "\(routine): argument \(position) is illegal"
            }
        }
    }

    private static let singleThreaded: Void = { openblas_set_num_threads(1) }()

    /// Makes OpenBLAS single-threaded before its first use.
    @inline(__always) static func prepare() { _ = singleThreaded }

    /// `c = alpha · op(a) · op(b) + beta · c`; `a` is `m × k` (or `k × m` when `transA`), `b` is
    /// `k × n` (or `n × k` when `transB`), `c` is `m × n`.
    public static func gemm(
        m: Int, n: Int, k: Int, alpha: Double = 1, a: UnsafePointer<Double>, transA: Bool = false,
        b: UnsafePointer<Double>, transB: Bool = false, beta: Double = 0, c: UnsafeMutablePointer<Double>
    ) {
        prepare()
        cblas_dgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(transA ? m : k), b, Int32(transB ? k : n), beta, c,
            Int32(n))
    }

    /// `y = alpha · op(a) · x + beta · y` for `a` of `m × n`, row-major; `op(a)` is `aᵀ` when
    /// `transA` (then `x` has `m` values and `y` has `n`).
    public static func gemv(
        m: Int, n: Int, alpha: Double = 1, a: UnsafePointer<Double>, transA: Bool = false, x: UnsafePointer<Double>,
        beta: Double = 0, y: UnsafeMutablePointer<Double>
    ) {
        prepare()
        cblas_dgemv(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(max(1, n)), x, 1,
            beta, y, 1)
    }

    /// `gemv` in single precision.
    public static func gemv(
        m: Int, n: Int, alpha: Float = 1, a: UnsafePointer<Float>, transA: Bool = false, x: UnsafePointer<Float>,
        beta: Float = 0, y: UnsafeMutablePointer<Float>
    ) {
        prepare()
        cblas_sgemv(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(max(1, n)), x, 1,
            beta, y, 1)
    }

    /// `gram` in single precision.
    public static func gram(
        rows: Int, n: Int, alpha: Float = 1, a: UnsafePointer<Float>, beta: Float = 0, c: UnsafeMutablePointer<Float>
    ) {
        prepare()
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(rows), alpha, a, Int32(n), beta, c, Int32(n))
        mirrorUpper(n: n, c)
    }

    /// `c = alpha · aᵀa + beta · c` for `a` of `rows × n`; fills both triangles of the `n × n` result.
    public static func gram(
        rows: Int, n: Int, alpha: Double = 1, a: UnsafePointer<Double>, beta: Double = 0,
        c: UnsafeMutablePointer<Double>
    ) {
        prepare()
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(rows), alpha, a, Int32(n), beta, c, Int32(n))
        mirrorUpper(n: n, c)
    }

    /// Solves `a · x = b` for symmetric positive-definite `a` (`n × n`, overwritten by its
    /// Cholesky factor) and `nrhs` right-hand sides `b` (`n × nrhs`, overwritten by `x`).
    public static func solvePositiveDefinite(
        n: Int, a: UnsafeMutablePointer<Double>, b: UnsafeMutablePointer<Double>, nrhs: Int = 1
    ) throws(Failure) {
        prepare()
        let info = LAPACKE_dposv(
            LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "U")), Int32(n), Int32(nrhs), a, Int32(n), b, Int32(nrhs))
        try check(info, "dposv")
    }

    /// Copies the upper triangle of row-major `n × n` `a` into its lower triangle.
    static func mirrorUpper<T>(n: Int, _ a: UnsafeMutablePointer<T>) {
        for i in 0..<n {
            for j in 0..<i { a[i * n + j] = a[j * n + i] }
        }
    }

    static func check(_ info: Int32, _ routine: String) throws(Failure) {
        if info > 0 { throw .notPositiveDefinite(order: Int(info)) }
        if info < 0 { throw .illegalArgument(routine: routine, position: Int(-info)) }
    }
}
