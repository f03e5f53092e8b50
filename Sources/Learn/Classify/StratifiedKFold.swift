/// Seeded stratified k-fold assignment: every class spread as evenly as possible over the folds.
///
/// The rows of each class (classes in increasing label order) are shuffled with a generator derived
/// from the seed for that class, then dealt to folds round-robin, continuing where the previous
/// class stopped. Each fold therefore holds ⌊n_c/k⌋ or ⌈n_c/k⌉ rows of every class c and fold
/// sizes differ by at most one, as scikit-learn's `StratifiedKFold(shuffle=True)` (whose exact rows
/// differ: its random stream is NumPy's).
public struct StratifiedKFold: Sendable, Equatable {
    /// The number of folds, ≥ 2.
    public var folds: Int

    public init(folds: Int = 5) { self.folds = folds }

    /// The fold (0 ..< folds) of each row.
    public func assign(labels: [Int32], seed: UInt64) throws(EstimatorParameterError) -> [Int32] {
        guard folds >= 2 else {
            throw EstimatorParameterError(
                estimator: "StratifiedKFold", parameter: "folds", expected: "≥ 2", got: "\(folds)")
        }
        guard labels.count >= folds else {
            throw EstimatorParameterError(
                estimator: "StratifiedKFold", parameter: "labels", expected: "at least folds (\(folds)) rows",
                got: "\(labels.count)")
        }
        let root = SeededRandom(seed: seed)
        let order = labels.indices.sorted { labels[$0] < labels[$1] || (labels[$0] == labels[$1] && $0 < $1) }
        var out = [Int32](repeating: 0, count: labels.count)
        var start = 0
        var classIndex = 0
        while start < order.count {
            var end = start
            while end < order.count && labels[order[end]] == labels[order[start]] { end += 1 }
            var rows = Array(order[start..<end])
            var random = root.derived(classIndex)
            for i in stride(from: rows.count - 1, to: 0, by: -1) {
                let j = Int(random.next() % UInt64(i + 1))
                rows.swapAt(i, j)
            }
            for (j, row) in rows.enumerated() { out[row] = Int32((start + j) % folds) }
            start = end
            classIndex += 1
        }
        return out
    }
}
