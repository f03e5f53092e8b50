/// Explicit ratings (user, item, rating) over `users` × `items`, held both by user and by item.
///
/// Every rating model trains on this. Each (user, item) pair appears at most once. Users and
/// items are dense indices; an index with no rating is allowed (a customer who rated nothing in
/// the training window) and the models treat it as surprise treats an unknown id.
public struct RatingSet: Sendable {
    public let users: Int
    public let items: Int
    /// users × items; row `u` lists the items `u` rated (ascending) and the ratings.
    public let byUser: SparseMatrix
    /// items × users; the transpose of `byUser`.
    public let byItem: SparseMatrix

    /// Validates coordinate arrays and builds both CSR forms.
    ///
    /// - Throws: `RatingModelError` for arrays of different lengths, indices outside
    ///   `0 ..< users` / `0 ..< items`, non-finite ratings, or a pair rated twice.
    public init(users: Int, items: Int, userIndices: [Int32], itemIndices: [Int32], ratings: [Double])
        throws(RatingModelError)
    {
        guard users >= 0 else { throw .invalidParameter(name: "users", expected: "≥ 0", got: "\(users)") }
        guard items >= 0 else { throw .invalidParameter(name: "items", expected: "≥ 0", got: "\(items)") }
        guard itemIndices.count == userIndices.count else {
            throw .lengthMismatch(what: "itemIndices", expected: userIndices.count, got: itemIndices.count)
        }
        guard ratings.count == userIndices.count else {
            throw .lengthMismatch(what: "ratings", expected: userIndices.count, got: ratings.count)
        }
        for p in 0..<ratings.count {
            let u = userIndices[p]
            let i = itemIndices[p]
            if u < 0 || Int(u) >= users {
                throw .indexOutOfRange(axis: "user", position: p, index: u, count: users)
            }
            if i < 0 || Int(i) >= items {
                throw .indexOutOfRange(axis: "item", position: p, index: i, count: items)
            }
            if !ratings[p].isFinite { throw .nonFiniteValue(what: "rating", position: p, value: ratings[p]) }
        }
        let matrix = SparseMatrix(
            rows: users, columns: items, rowIndices: userIndices, columnIndices: itemIndices, values: ratings)
        if matrix.nonZeroCount != ratings.count {
            // SparseMatrix summed a repeated pair: find the first one to name it.
            var seen = Set<Int64>()
            for p in 0..<ratings.count {
                let key = Int64(userIndices[p]) * Int64(items) + Int64(itemIndices[p])
                if !seen.insert(key).inserted {
                    throw .duplicateRating(user: userIndices[p], item: itemIndices[p])
                }
            }
        }
        self.init(byUser: matrix)
    }

    /// Wraps a users × items rating matrix (one stored entry per rating).
    public init(byUser: SparseMatrix) {
        self.users = byUser.rows
        self.items = byUser.columns
        self.byUser = byUser
        self.byItem = byUser.transposed()
    }

    /// The number of ratings.
    public var count: Int { byUser.nonZeroCount }

    /// The mean of all ratings, summed in user-major order (0 when there are none).
    public var globalMean: Double {
        guard count > 0 else { return 0 }
        var sum = 0.0
        for v in byUser.values { sum += v }
        return sum / Double(count)
    }

    /// The smallest and largest rating: the default clipping scale.
    public var observedScale: RatingScale {
        guard let lo = byUser.values.min(), let hi = byUser.values.max() else {
            return RatingScale(lower: 0, upper: 0)
        }
        return RatingScale(lower: lo, upper: hi)
    }
}
