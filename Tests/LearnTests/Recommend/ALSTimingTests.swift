import Foundation
import Frame
import Testing

@testable import Learn

/// Wall-clock timings at benchmark scale, printed, never asserted; run only with
/// `BESPOKE_TIMING=1` in a release build (`swift build -c release --build-tests -Xswiftc
/// -enable-testing`, then `BESPOKE_TIMING=1 swift test -c release --skip-build --filter Timing`).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["BESPOKE_TIMING"] == "1"))
struct ALSTimingTests {
    /// About 20M interactions of 140k customers over 27k items, item popularity skewed
    /// (item = ⌊27000 · v²⌋ for uniform v), 20 to 266 draws per customer.
    private func benchmarkMatrix() -> SparseMatrix {
        var random = SeededRandom(seed: 1)
        let users = 140_000
        let items = 27_000
        var rows: [Int32] = []
        var columns: [Int32] = []
        rows.reserveCapacity(21_000_000)
        columns.reserveCapacity(21_000_000)
        for u in 0..<users {
            let count = 20 + Int(random.next() % 247)
            for _ in 0..<count {
                let v = random.nextUnit()
                rows.append(Int32(u))
                columns.append(Int32(Double(items) * v * v))
            }
        }
        let values = [Double](repeating: 1, count: rows.count)
        return SparseMatrix(rows: users, columns: items, rowIndices: rows, columnIndices: columns, values: values)
    }

    private func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    @Test func alsIterationAtBenchmarkScale() throws {
        var matrix: SparseMatrix!
        let build = seconds { matrix = benchmarkMatrix() }
        print(
            "timing: matrix \(matrix.rows) × \(matrix.columns), \(matrix.nonZeroCount) interactions, built in \(build) s"
        )
        let byItem = matrix.transposed()
        let f = 64
        let als = ALS(.init(factors: f))
        var random = SeededRandom(seed: 2)
        var users = (0..<matrix.rows * f).map { _ in random.nextUnit() / 8 }
        var items = (0..<matrix.columns * f).map { _ in random.nextUnit() / 8 }
        for iteration in 0..<2 {
            let userStep = try seconds { try als.solveRows(matrix, side: "user", fixed: items, solved: &users) }
            let itemStep = try seconds { try als.solveRows(byItem, side: "item", fixed: users, solved: &items) }
            var loss = 0.0
            let lossTime = seconds { loss = als.trainingLoss(matrix, userFactors: users, itemFactors: items) }
            print(
                "timing: iteration \(iteration) (CG, 3 steps, \(ParallelWork.threads) threads): users \(userStep) s, "
                    + "items \(itemStep) s, loss \(lossTime) s (loss \(loss))")
        }
    }

    @Test func easeFitOnThreeThousandItems() throws {
        var random = SeededRandom(seed: 3)
        var rows: [Int32] = []
        var columns: [Int32] = []
        for u in 0..<50_000 {
            for _ in 0..<40 {
                let v = random.nextUnit()
                rows.append(Int32(u))
                columns.append(Int32(3000 * v * v))
            }
        }
        let matrix = SparseMatrix(
            rows: 50_000, columns: 3000, rowIndices: rows, columnIndices: columns,
            values: [Double](repeating: 1, count: rows.count))
        var gram: [Double] = []
        let gramTime = seconds { gram = EASE.gram(matrix) }
        let fitTime = try seconds { _ = try EASE().fit(matrix) }
        print("timing: EASE 50000 × 3000 (\(matrix.nonZeroCount) nnz): Gram \(gramTime) s, whole fit \(fitTime) s")
        #expect(gram.count == 9_000_000)
    }
}
