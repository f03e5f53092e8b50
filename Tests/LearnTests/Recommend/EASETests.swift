import Foundation
import TestSupport
import Testing

@testable import Learn

private let numpyAvailable = (try? PythonScript.run("import numpy")) != nil

/// A customers × items matrix with about `density` of its cells set to strengths 1 to 5.
private func randomInteractions(users: Int, items: Int, density: Double, seed: UInt64) -> SparseMatrix {
    var random = SeededRandom(seed: seed)
    var rows: [Int32] = []
    var columns: [Int32] = []
    var values: [Double] = []
    for u in 0..<users {
        for i in 0..<items where random.nextUnit() < density {
            rows.append(Int32(u))
            columns.append(Int32(i))
            values.append(Double(1 + random.next() % 5))
        }
    }
    return SparseMatrix(rows: users, columns: items, rowIndices: rows, columnIndices: columns, values: values)
}

/// numpy's closed form: `P = inv(XᵀX + λI)`, `B = −P / diag(P)` column-wise, zero diagonal.
private let numpyScript = """
    import json, sys
    import numpy as np
    d = json.load(open(sys.argv[1]))
    X = np.array(d["dense"]).reshape(d["users"], d["items"])
    if d["binary"]:
        X = (X > 0).astype(float)
    P = np.linalg.inv(X.T @ X + d["lambda"] * np.eye(d["items"]))
    B = -P / np.diag(P)
    np.fill_diagonal(B, 0.0)
    print(json.dumps(B.ravel().tolist()))
    """

private struct NumpyInput: Encodable {
    var users: Int
    var items: Int
    var dense: [Double]
    var lambda: Double
    var binary: Bool
}

@Suite struct EASETests {
    /// X = [[1, 1], [1, 0], [0, 1]], λ = 1: G = [[3, 1], [1, 3]], P = [[3, −1], [−1, 3]] / 8,
    /// B_01 = −P_01 / P_11 = 1/3 = B_10. A history {item 0 (strength 2)} scores [0, 2/3].
    @Test func tinyClosedFormByHand() throws {
        let x = SparseMatrix(
            rows: 3, columns: 2, rowIndices: [0, 0, 1, 2], columnIndices: [0, 1, 0, 1], values: [1, 1, 1, 1])
        let model = try EASE(.init(lambda: 1)).fit(x)
        let expected = [0, 1.0 / 3, 1.0 / 3, 0]
        for (a, b) in zip(model.weights, expected) { #expect(abs(a - b) < 1e-10) }
        var scores = [Double](repeating: .nan, count: 2)
        scores.withUnsafeMutableBufferPointer {
            model.scores(user: nil, history: History(items: [0], strengths: [2]), into: $0)
        }
        #expect(abs(scores[0]) < 1e-10 && abs(scores[1] - 2.0 / 3) < 1e-10)
        #expect(model.strongestContributor(user: nil, history: History(items: [0], strengths: [2]), item: 1) == 0)
    }

    /// Against numpy on a random 50 × 30 matrix, with strengths and binarised, on the sparse Gram
    /// path (density 0.2) and the dense BLAS path (density 0.7). 1e-9: both invert a matrix whose
    /// condition number is below 1e3 in float64, so they agree to ~1e-13.
    @Test(.enabled(if: numpyAvailable), arguments: [(0.2, false), (0.2, true), (0.7, false)])
    func equalsNumpysClosedForm(density: Double, binary: Bool) throws {
        let x = randomInteractions(users: 50, items: 30, density: density, seed: 31)
        let lambda = 10.0
        let model = try EASE(.init(lambda: lambda, binary: binary)).fit(x)
        var dense = [Double](repeating: 0, count: 50 * 30)
        for u in 0..<50 {
            for p in x.range(ofRow: u) { dense[u * 30 + Int(x.columnIndices[p])] = x.values[p] }
        }
        let directory = TemporaryDirectory("bespoke-ease")
        defer { directory.remove() }
        let path = directory.file("input.json")
        try JSONEncoder().encode(NumpyInput(users: 50, items: 30, dense: dense, lambda: lambda, binary: binary))
            .write(to: URL(fileURLWithPath: path))
        let expected = try JSONDecoder().decode(
            [Double].self, from: Data(try PythonScript.run(numpyScript, arguments: [path]).utf8))
        let difference = zip(model.weights, expected).map { abs($0 - $1) }.max()!
        print("EASE vs numpy (density \(density), binary \(binary)): max |ΔB| \(difference)")
        #expect(difference < 1e-9)
    }

    /// The sparse Gram loop and the dense BLAS path compute the same XᵀX.
    @Test func sparseAndDenseGramAgree() {
        let x = randomInteractions(users: 40, items: 25, density: 0.3, seed: 5)
        var dense = [Double](repeating: 0, count: 25 * 25)
        for u in 0..<40 {
            let r = x.range(ofRow: u)
            for p in r {
                for q in r {
                    dense[Int(x.columnIndices[p]) * 25 + Int(x.columnIndices[q])] += x.values[p] * x.values[q]
                }
            }
        }
        // Integer strengths: every sum is exact, so equality is exact whatever the order.
        #expect(EASE.gram(x) == dense)
    }

    @Test func memoryLimitErrorNamesItemsBytesAndLimit() throws {
        let x = randomInteractions(users: 10, items: 30, density: 0.3, seed: 1)
        #expect {
            try EASE(.init(memoryLimitBytes: 7199)).fit(x)
        } throws: { error in
            "\(error)"
                == "EASE on 30 items needs 7200 bytes for its dense items × items matrix (items² × 8), "
                + "over memoryLimitBytes = 7199"
        }
        _ = try EASE(.init(memoryLimitBytes: 7200)).fit(x)
    }

    @Test func invalidLambdaIsRejected() {
        let x = randomInteractions(users: 5, items: 4, density: 0.5, seed: 1)
        #expect {
            try EASE(.init(lambda: 0)).fit(x)
        } throws: { error in
            "\(error)" == "EASE lambda must be finite and > 0, got 0.0"
        }
    }

    /// The `Recommender` contract: finite scores for any history (customer identity unused), the
    /// score is the sum of the history's shares, and the reason is the largest share.
    @Test func satisfiesTheRecommenderContract() throws {
        let x = randomInteractions(users: 60, items: 20, density: 0.25, seed: 9)
        let model = try EASE().fit(x)
        #expect(model.name == "ease" && model.itemCount == 20)
        let history = History(items: [1, 4, 9], strengths: [2, 1, 3])
        var scores = [Double](repeating: .nan, count: 20)
        scores.withUnsafeMutableBufferPointer { model.scores(user: nil, history: history, into: $0) }
        #expect(scores.allSatisfy { $0.isFinite })
        for item in 0..<20 {
            let shares = zip(history.items, history.strengths).map { j, s in s * model.weights[Int(j) * 20 + item] }
            #expect(abs(shares.reduce(0, +) - scores[item]) < 1e-12)
            let best = shares.indices.filter { shares[$0] > 0 }.max { shares[$0] < shares[$1] }
            #expect(
                model.strongestContributor(user: nil, history: history, item: item) == best.map { history.items[$0] })
        }
        var empty = [Double](repeating: .nan, count: 20)
        empty.withUnsafeMutableBufferPointer {
            model.scores(user: 0, history: History(items: [], strengths: []), into: $0)
        }
        #expect(empty.allSatisfy { $0 == 0 })
        let reloaded = EASE.Model(itemCount: 20, weights: model.weights, binary: false)
        var again = [Double](repeating: 0, count: 20)
        again.withUnsafeMutableBufferPointer { reloaded.scores(user: nil, history: history, into: $0) }
        #expect(again == scores)
    }
}
