/// One customer's history: the items they interacted with (ascending, distinct) and the strength
/// of each, a row of the interaction matrix.
public struct History: Sendable {
    public var items: ArraySlice<Int32>
    public var strengths: ArraySlice<Double>

    public init(items: ArraySlice<Int32>, strengths: ArraySlice<Double>) {
        precondition(items.count == strengths.count, "history items and strengths differ in length")
        self.items = items
        self.strengths = strengths
    }

    /// Row `user` of `matrix` (customers × items).
    public init(_ matrix: SparseMatrix, user: Int) {
        let r = matrix.range(ofRow: user)
        self.init(items: matrix.columnIndices[r], strengths: matrix.values[r])
    }

    public var count: Int { items.count }
}

/// A fitted top-K recommendation model.
///
/// A model scores every item for one customer given that customer's history, so the same fitted
/// model serves evaluation (training histories) and tomorrow's scoring (full histories), and a
/// customer the model never saw can still be scored. `user` is the customer's row in the matrix
/// the model was fitted on, or nil for a customer it never saw; models that keep per-customer
/// state (user factors, user neighbours) use it, the others ignore it.
public protocol Recommender: Sendable {
    /// The name recorded with each recommendation ("item_knn", "als", …).
    var name: String { get }
    /// Items the model can score: indices `0 ..< itemCount`.
    var itemCount: Int { get }
    /// Writes a score for every item into `scores` (`itemCount` slots; higher is better). Items the
    /// model has no opinion on get `-Double.infinity`.
    func scores(user: Int?, history: History, into scores: UnsafeMutableBufferPointer<Double>)
    /// The item of `history` that contributes most to `item`'s score, for a reason a person can
    /// read ("because you bought …"), or nil when the model cannot attribute it.
    func strongestContributor(user: Int?, history: History, item: Int) -> Int32?
    /// Scores for a batch of customers, row-major (see the extension's default).
    func scores(users: [Int?], histories: [History], into scores: UnsafeMutableBufferPointer<Double>)
    /// The strongest contributor of each of several items for one customer.
    func strongestContributors(user: Int?, history: History, items: [Int32]) -> [Int32?]
}

/// Batched forms: a model that can score many customers at once faster than one by one (ALS's
/// item products as one matrix product) implements them; the others loop.
extension Recommender {
    /// Scores for a batch of customers: row `r` of `scores` (row-major, `histories.count ×
    /// itemCount`) as `scores(user: users[r], history: histories[r], into:)` would write it.
    public func scores(
        users: [Int?], histories: [History], into scores: UnsafeMutableBufferPointer<Double>
    ) {
        defaultBatchScores(users: users, histories: histories, into: scores)
    }

    /// The strongest contributor of each of `items`, as `strongestContributor` answers one.
    public func strongestContributors(user: Int?, history: History, items: [Int32]) -> [Int32?] {
        items.map { strongestContributor(user: user, history: history, item: Int($0)) }
    }

    /// The loop every batch falls back on.
    func defaultBatchScores(users: [Int?], histories: [History], into scores: UnsafeMutableBufferPointer<Double>) {
        precondition(users.count == histories.count, "one user slot per history")
        precondition(scores.count == histories.count * itemCount, "scores must have rows × \(itemCount) slots")
        for r in histories.indices {
            let row = UnsafeMutableBufferPointer(rebasing: scores[r * itemCount..<(r + 1) * itemCount])
            self.scores(user: users[r], history: histories[r], into: row)
        }
    }
}
