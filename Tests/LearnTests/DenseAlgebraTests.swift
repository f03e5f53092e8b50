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
}
