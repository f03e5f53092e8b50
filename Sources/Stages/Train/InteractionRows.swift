import Frame
import Learn

/// The (customer, item) pairs of an interactions table as contiguous columns: what the models
/// train and are judged on.
public struct InteractionRows: Sendable {
    public var customers: [Int32]
    public var items: [Int32]
    public var strengths: [Double]
    /// The last rating of the pair, NaN where there is none.
    public var ratings: [Double]
    /// µs since the epoch: orders a customer's pairs for the validation split.
    public var lastTimes: [Int64]
    /// The k-fold assignment (0 ..< k), when the features stage split by folds.
    public var folds: [Int32]?

    public init(
        customers: [Int32], items: [Int32], strengths: [Double], ratings: [Double], lastTimes: [Int64],
        folds: [Int32]? = nil
    ) {
        self.customers = customers
        self.items = items
        self.strengths = strengths
        self.ratings = ratings
        self.lastTimes = lastTimes
        self.folds = folds
    }

    public var count: Int { customers.count }
    public var ratedCount: Int { ratings.reduce(0) { $0 + ($1.isNaN ? 0 : 1) } }

    /// The rows whose flag is set.
    public func subset(_ keep: [Bool]) -> InteractionRows {
        let rows = keep.indices.filter { keep[$0] }
        return InteractionRows(
            customers: rows.map { customers[$0] }, items: rows.map { items[$0] }, strengths: rows.map { strengths[$0] },
            ratings: rows.map { ratings[$0] }, lastTimes: rows.map { lastTimes[$0] },
            folds: folds.map { f in rows.map { f[$0] } })
    }

    /// Customers × items strengths (pairs are distinct, so nothing is summed).
    public func matrix(customers customerCount: Int, items itemCount: Int) -> SparseMatrix {
        SparseMatrix(
            rows: customerCount, columns: itemCount, rowIndices: customers, columnIndices: items, values: strengths)
    }

    /// The rated pairs as a rating set over `customerCount` × `itemCount`.
    public func ratingSet(customers customerCount: Int, items itemCount: Int) throws(RatingModelError) -> RatingSet {
        let rated = ratings.indices.filter { !ratings[$0].isNaN }
        return try RatingSet(
            users: customerCount, items: itemCount, userIndices: rated.map { customers[$0] },
            itemIndices: rated.map { items[$0] }, ratings: rated.map { ratings[$0] })
    }

    /// Splits off, per customer, the latest `ceil(fraction · n)` of their n pairs (by last_time,
    /// ties by item index), keeping at least one pair in training; customers with one pair stay
    /// whole: the features stage's holdout rule, applied to pairs (there are no events here to
    /// rebuild the training side from, so pairs are ordered by their last time).
    public func temporalHoldout(fraction: Double) -> (train: InteractionRows, held: InteractionRows) {
        var order = Array(0..<count)
        order.sort {
            customers[$0] != customers[$1]
                ? customers[$0] < customers[$1]
                : lastTimes[$0] != lastTimes[$1] ? lastTimes[$0] < lastTimes[$1] : items[$0] < items[$1]
        }
        var held = [Bool](repeating: false, count: count)
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && customers[order[end]] == customers[order[start]] { end += 1 }
            let n = end - start
            // The tolerance keeps 0.1 × 30 (3.0000000000000004 in binary) at 3, as features does.
            let h = min(n - 1, Int((fraction * Double(n) - 1e-9).rounded(.up)))
            for p in (end - max(h, 0))..<end where h > 0 { held[order[p]] = true }
            start = end
        }
        return (subset(held.map { !$0 }), subset(held))
    }
}
