import Testing

@testable import Learn

@Suite struct DenseAlgebraTests {
    @Test func gemmMultipliesRowMajor() {
        let a: [Double] = [1, 2, 3, 4, 5, 6]  // 2 × 3
        let b: [Double] = [7, 8, 9, 10, 11, 12]  // 3 × 2
        var c = [Double](repeating: 0, count: 4)
        DenseAlgebra.gemm(m: 2, n: 2, k: 3, a: a, b: b, c: &c)
        #expect(c == [58, 64, 139, 154])
    }

    @Test func gramFillsBothTriangles() {
        let a: [Double] = [1, 2, 3, 4, 5, 6]  // 3 × 2
        var c = [Double](repeating: 0, count: 4)
        DenseAlgebra.gram(rows: 3, n: 2, a: a, c: &c)
        #expect(c == [35, 44, 44, 56])
    }

    @Test func choleskySolveAndInverse() throws {
        // [[4, 2], [2, 3]] x = [2, 1] → x = [0.5, 0]; inverse = [[3, -2], [-2, 4]] / 8.
        var a: [Double] = [4, 2, 2, 3]
        var b: [Double] = [2, 1]
        try DenseAlgebra.solvePositiveDefinite(n: 2, a: &a, b: &b)
        #expect(abs(b[0] - 0.5) < 1e-15 && abs(b[1]) < 1e-15)
        var m: [Double] = [4, 2, 2, 3]
        try DenseAlgebra.invertPositiveDefinite(n: 2, a: &m)
        let expected = [3.0 / 8, -2.0 / 8, -2.0 / 8, 4.0 / 8]
        for (x, y) in zip(m, expected) { #expect(abs(x - y) < 1e-15) }
    }

    @Test func notPositiveDefiniteIsAnError() {
        var a: [Double] = [1, 2, 2, 1]
        #expect(throws: DenseAlgebra.Failure.notPositiveDefinite(order: 2)) {
            try DenseAlgebra.invertPositiveDefinite(n: 2, a: &a)
        }
    }

    /// A random symmetric positive-definite matrix: G·Gᵀ / n + I, seeded.
    static func spd(_ n: Int, seed: UInt64) -> [Double] {
        var random = SeededRandom(seed: seed)
        let g = (0..<n * n).map { _ in random.nextGaussian() }
        var a = [Double](repeating: 0, count: n * n)
        DenseAlgebra.gemm(m: n, n: n, k: n, alpha: 1 / Double(n), a: g, b: g, transB: true, c: &a)
        for i in 0..<n { a[i * n + i] += 1 }
        return a
    }

    /// Above two tiles (256) the inverse runs tile by tile on both cores: A·A⁻¹ is the identity
    /// to rounding, A⁻¹ is exactly symmetric, and the bits are the same run in order on one thread
    /// (no dependence on who runs which tile). 700 = two full tiles and a partial one.
    @Test(arguments: [300, 700])
    func tiledInverseIsTheInverseWhateverTheThreads(n: Int) throws {
        let a = Self.spd(n, seed: UInt64(n))
        var parallel = a
        try DenseAlgebra.invertPositiveDefinite(n: n, a: &parallel)
        var sequential = a
        try DenseAlgebra.invertPositiveDefinite(n: n, a: &sequential, parallel: false)
        #expect(parallel == sequential)
        var product = [Double](repeating: 0, count: n * n)
        DenseAlgebra.gemm(m: n, n: n, k: n, a: a, b: parallel, c: &product)
        var worst = 0.0
        for i in 0..<n { for j in 0..<n { worst = max(worst, abs(product[i * n + j] - (i == j ? 1 : 0))) } }
        #expect(worst < 1e-12, "max |A·A⁻¹ − I| = \(worst)")
        var asymmetric = 0
        for i in 0..<n { for j in 0..<i where parallel[i * n + j] != parallel[j * n + i] { asymmetric += 1 } }
        #expect(asymmetric == 0)
    }

    /// A failing leading minor in a later tile is reported with its order in the whole matrix.
    @Test func notPositiveDefiniteInALaterTileNamesItsOrder() {
        let n = 700
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { a[i * n + i] = i == 599 ? -1 : 2 }
        #expect(throws: DenseAlgebra.Failure.notPositiveDefinite(order: 600)) {
            try DenseAlgebra.invertPositiveDefinite(n: n, a: &a)
        }
    }
}
