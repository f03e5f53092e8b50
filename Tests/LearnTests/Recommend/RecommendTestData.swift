import Foundation

@testable import Learn

/// Shared inputs of the recommender tests.
enum RecommendTestData {
    /// The hand-worked toy interactions, customers × items:
    ///
    ///        i0 i1 i2 i3
    ///   u0 [  1  1  0  0 ]
    ///   u1 [  1  0  1  0 ]
    ///   u2 [  0  1  1  2 ]
    ///   u3 [  2  0  0  0 ]
    ///
    /// Item vectors over customers: i0 = (1,1,0,2) ‖·‖² 6; i1 = (1,0,1,0) 2; i2 = (0,1,1,0) 2;
    /// i3 = (0,0,2,0) 4. Dots: i0·i1 = 1, i0·i2 = 1, i0·i3 = 0, i1·i2 = 1, i1·i3 = 2, i2·i3 = 2.
    static let toy = SparseMatrix(
        rows: 4, columns: 4, rowIndices: [0, 0, 1, 1, 2, 2, 2, 3], columnIndices: [0, 1, 0, 2, 1, 2, 3, 0],
        values: [1, 1, 1, 1, 1, 1, 2, 2])

    /// `rows` customers × `columns` items, each customer with `minimum ... maximum` distinct
    /// items (real strengths in [1, 5), so similarities rarely tie), the last item never bought.
    static func random(rows: Int, columns: Int, minimum: Int, maximum: Int, seed: UInt64) -> SparseMatrix {
        var rng = SeededRandom(seed: seed)
        var r: [Int32] = []
        var c: [Int32] = []
        var v: [Double] = []
        for u in 0..<rows {
            let count = minimum + Int(rng.next() % UInt64(maximum - minimum + 1))
            var chosen = Set<Int32>()
            while chosen.count < count { chosen.insert(Int32(rng.next() % UInt64(columns - 1))) }
            for i in chosen.sorted() {
                r.append(Int32(u))
                c.append(i)
                v.append(1 + 4 * rng.nextUnit())
            }
        }
        return SparseMatrix(rows: rows, columns: columns, rowIndices: r, columnIndices: c, values: v)
    }

    /// Splits each customer's items: about `share` go to test (never all of a customer's items).
    static func split(_ m: SparseMatrix, share: Double, seed: UInt64) -> (train: SparseMatrix, test: SparseMatrix) {
        var rng = SeededRandom(seed: seed)
        var train: ([Int32], [Int32], [Double]) = ([], [], [])
        var test: ([Int32], [Int32], [Double]) = ([], [], [])
        for u in 0..<m.rows {
            let range = m.range(ofRow: u)
            for p in range {
                let held = rng.nextUnit() < share && p != range.lowerBound
                if held {
                    test.0.append(Int32(u))
                    test.1.append(m.columnIndices[p])
                    test.2.append(m.values[p])
                } else {
                    train.0.append(Int32(u))
                    train.1.append(m.columnIndices[p])
                    train.2.append(m.values[p])
                }
            }
        }
        return (
            SparseMatrix(
                rows: m.rows, columns: m.columns, rowIndices: train.0, columnIndices: train.1, values: train.2),
            SparseMatrix(rows: m.rows, columns: m.columns, rowIndices: test.0, columnIndices: test.1, values: test.2)
        )
    }

    /// A CSR matrix as the JSON object the Python scripts read.
    static func json(_ m: SparseMatrix) -> [String: Any] {
        [
            "rows": m.rows, "cols": m.columns, "offsets": m.rowOffsets, "columns": m.columnIndices.map { Int($0) },
            "values": m.values,
        ]
    }

    /// Model scores for one customer as an array.
    static func scores(_ model: any Recommender, user: Int?, history: History) -> [Double] {
        var s = [Double](repeating: 0, count: model.itemCount)
        s.withUnsafeMutableBufferPointer { model.scores(user: user, history: history, into: $0) }
        return s
    }

    /// A history from parallel arrays.
    static func history(_ items: [Int32], _ strengths: [Double]) -> History {
        History(items: items[...], strengths: strengths[...])
    }
}

/// Whether `a` and `b` agree to `tolerance` relative to the larger magnitude (absolute below 1).
func relativelyClose(_ a: Double, _ b: Double, _ tolerance: Double = 1e-14) -> Bool {
    if a == b { return true }
    return abs(a - b) <= tolerance * max(1, abs(a), abs(b))
}
