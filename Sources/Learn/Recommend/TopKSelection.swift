import Frame

/// Picks each customer's K best items from a `Recommender`'s scores, in parallel over customers.
public enum TopKSelection {
    /// Ranked lists for a batch of customers, flat: position `p`'s items are
    /// `items[offsets[p] ..< offsets[p + 1]]`, best first, with their `scores`.
    public struct Recommendations: Sendable, Equatable {
        /// `customers + 1` ascending offsets into `items` and `scores`.
        public let offsets: [Int]
        /// Item indices, each customer's sorted by score descending, ties by smaller index.
        public let items: [Int32]
        /// The model's score of each entry of `items`.
        public let scores: [Double]

        public init(offsets: [Int], items: [Int32], scores: [Double]) {
            precondition(offsets.first == 0 && offsets.last == items.count && items.count == scores.count)
            self.offsets = offsets
            self.items = items
            self.scores = scores
        }

        /// The number of customers.
        public var count: Int { offsets.count - 1 }
        public func items(at position: Int) -> ArraySlice<Int32> { items[offsets[position]..<offsets[position + 1]] }
        public func scores(at position: Int) -> ArraySlice<Double> { scores[offsets[position]..<offsets[position + 1]] }
    }

    /// Customers per block of parallel work: fixed, so results never depend on the thread count.
    static let block = 64
    /// The most scores one batch holds (16 MiB of doubles).
    static let batchCells = 1 << 21

    /// Up to `k` items for each customer in `customers` (rows of `histories`, customers × items,
    /// whose rows are the histories the model scores from).
    ///
    /// - Parameters:
    ///   - modelUsers: per position, the customer's row in the matrix the model was fitted on, or
    ///     −1 for a customer it never saw; nil when the rows of `histories` are those rows.
    ///   - excludeSeen: leave out the items of the customer's history.
    ///   - allowedItems: per item, whether it may be recommended at all (in stock, on sale…).
    /// Items scored −∞ are never returned; a customer with fewer eligible items gets fewer.
    public static func recommend(
        _ model: any Recommender, histories: SparseMatrix, customers: [Int], k: Int, modelUsers: [Int32]? = nil,
        excludeSeen: Bool = true, allowedItems: [Bool]? = nil
    ) throws(RecommendConfigurationError) -> Recommendations {
        typealias E = RecommendConfigurationError
        try E.require(k >= 0, "top_k.k", "≥ 0", k)
        let itemCount = model.itemCount
        if let allowedItems {
            try E.requireShape(
                allowedItems.count == itemCount, "top_k.allowed_items", "one flag per item (\(itemCount))",
                allowedItems.count)
        }
        if let modelUsers {
            try E.requireShape(
                modelUsers.count == customers.count, "top_k.model_users", "one per customer (\(customers.count))",
                modelUsers.count)
        }
        for c in customers { try E.require(c >= 0 && c < histories.rows, "top_k customer", "a row of histories", c) }

        // Customers are scored in batches (a model such as ALS scores a batch as one matrix
        // product); a batch's scores stay within `batchCells` doubles whatever the catalogue size.
        let batchRows = max(1, min(block, batchCells / max(itemCount, 1)))
        let blocks = ParallelWork.map(count: (customers.count + block - 1) / block) { b in
            var scratch = [Double](repeating: 0, count: batchRows * itemCount)
            var heap = ScoredItemHeap(capacity: k)
            var counts: [Int] = []
            var items: [Int32] = []
            var scores: [Double] = []
            let end = min(customers.count, (b + 1) * block)
            var start = b * block
            while start < end {
                let positions = start..<min(end, start + batchRows)
                let batch = positions.map { History(histories, user: customers[$0]) }
                let users: [Int?] = positions.map { position in
                    modelUsers.map { $0[position] >= 0 ? Int($0[position]) : nil } ?? customers[position]
                }
                scratch.withUnsafeMutableBufferPointer { all in
                    let buffer = UnsafeMutableBufferPointer(rebasing: all[0..<positions.count * itemCount])
                    model.scores(users: users, histories: batch, into: buffer)
                    for (r, history) in batch.enumerated() {
                        let row = buffer.baseAddress! + r * itemCount
                        if excludeSeen {
                            for j in history.items where Int(j) < itemCount { row[Int(j)] = -.infinity }
                        }
                        for i in 0..<itemCount {
                            let s = row[i]
                            guard s > -.infinity, !s.isNaN, allowedItems?[i] ?? true else { continue }
                            heap.offer(item: Int32(i), score: s)
                        }
                        let before = items.count
                        heap.drainBestFirst(into: &items, &scores)
                        counts.append(items.count - before)
                    }
                }
                start = positions.upperBound
            }
            return (counts, items, scores)
        }
        var offsets = [0]
        offsets.reserveCapacity(customers.count + 1)
        var items: [Int32] = []
        var scores: [Double] = []
        for (counts, blockItems, blockScores) in blocks {
            for c in counts { offsets.append(offsets[offsets.count - 1] + c) }
            items.append(contentsOf: blockItems)
            scores.append(contentsOf: blockScores)
        }
        return Recommendations(offsets: offsets, items: items, scores: scores)
    }

    /// Every row of `histories`, each its own row in the model.
    public static func recommendAll(
        _ model: any Recommender, histories: SparseMatrix, k: Int, excludeSeen: Bool = true,
        allowedItems: [Bool]? = nil
    ) throws(RecommendConfigurationError) -> Recommendations {
        try recommend(
            model, histories: histories, customers: Array(0..<histories.rows), k: k, excludeSeen: excludeSeen,
            allowedItems: allowedItems)
    }
}
