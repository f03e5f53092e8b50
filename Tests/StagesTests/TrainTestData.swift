import Frame
import TestSupport

/// Interaction tables shaped as the features stage writes them, built from (customer, item,
/// strength, rating, time) tuples, for driving the train stage.
struct TrainTestData {
    struct Pair {
        var customer: Int
        var item: Int
        var strength: Double = 1
        var rating: Double? = nil
        var time: Int64 = 0
        var fold: Int32? = nil
    }

    var customers: Int
    var items: Int
    var train: [Pair]
    var test: [Pair]
    /// (item, term, weight) rows of item_terms.
    var terms: [(item: Int, term: String, weight: Double)] = []

    static func interactions(_ pairs: [Pair], folds: Bool) -> Frame {
        let sorted = pairs.sorted { ($0.customer, $0.item) < ($1.customer, $1.item) }
        var columns: [(String, Column)] = [
            ("customer_index", Column(.int32(sorted.map { Int32($0.customer) }))),
            ("item_index", Column(.int32(sorted.map { Int32($0.item) }))),
            ("customer_id", Column(.string(StringArray(sorted.map { "c\($0.customer)" })))),
            ("item_id", Column(.string(StringArray(sorted.map { "i\($0.item)" })))),
            ("strength", Column(.double(sorted.map(\.strength)))),
            ("events", Column(.int64(sorted.map { _ in 1 }))),
            ("rating", Column(.double(sorted.map { $0.rating ?? 0 }), validity: sorted.map { $0.rating != nil })),
            ("first_time", Column(.timestamp(sorted.map(\.time)))),
            ("last_time", Column(.timestamp(sorted.map(\.time)))),
        ]
        if folds { columns.append(("fold", Column(.int32(sorted.map { $0.fold ?? 0 })))) }
        return Toy.frame(columns)
    }

    var tables: [String: Frame] {
        let folds = train.contains { $0.fold != nil }
        return [
            "train_interactions": Self.interactions(train, folds: folds),
            "test_interactions": Self.interactions(test, folds: false),
            "customer_index": Toy.frame([
                ("customer_index", Column(.int32((0..<customers).map(Int32.init)))),
                ("customer_id", Column(.string(StringArray((0..<customers).map { "c\($0)" })))),
            ]),
            "item_index": Toy.frame([
                ("item_index", Column(.int32((0..<items).map(Int32.init)))),
                ("item_id", Column(.string(StringArray((0..<items).map { "i\($0)" })))),
            ]),
            "item_terms": Toy.frame([
                ("item_index", Column(.int32(terms.map { Int32($0.item) }))),
                ("item_id", Column(.string(StringArray(terms.map { "i\($0.item)" })))),
                ("term", Column(.string(StringArray(terms.map(\.term))))),
                ("weight", Column(.double(terms.map(\.weight)))),
            ]),
        ]
    }

    /// Co-purchase blocks: `blocks` groups of `blockSize` items; each customer belongs to one
    /// block and buys `perCustomer` of its items (earlier ones in training, the last `held` in
    /// test), plus one item of a small globally popular set as noise. Ratings are a customer
    /// bias plus an item bias plus noise, on 1...5; every item has the terms of its block.
    static func blocks(
        customers: Int = 240, blocks: Int = 4, blockSize: Int = 12, perCustomer: Int = 6, held: Int = 2,
        seed: UInt64 = 7
    ) -> TrainTestData {
        var random = SplitMix64(seed: seed)
        let items = blocks * blockSize
        var train: [Pair] = []
        var test: [Pair] = []
        let itemBias = (0..<items).map { _ in Double.random(in: -1...1, using: &random) }
        for c in 0..<customers {
            let block = c % blocks
            let customerBias = Double.random(in: -0.5...0.5, using: &random)
            var chosen = Array(0..<blockSize).shuffled(using: &random).prefix(perCustomer).map {
                block * blockSize + $0
            }
            let noise = Int.random(in: 0..<3, using: &random) * blockSize + blockSize - 1
            if !chosen.contains(noise) { chosen.insert(noise, at: 0) }
            for (t, item) in chosen.enumerated() {
                let rating = min(
                    5, max(1, (3 + customerBias + itemBias[item] + Double.random(in: -0.3...0.3, using: &random))))
                let pair = Pair(
                    customer: c, item: item, strength: Double(1 + t % 3), rating: rating.rounded(), time: Int64(t))
                if t >= chosen.count - held { test.append(pair) } else { train.append(pair) }
            }
        }
        var terms: [(item: Int, term: String, weight: Double)] = []
        for i in 0..<items {
            terms.append((i, "block\(i / blockSize)", 0.8))
            terms.append((i, "item\(i)", 0.6))
        }
        return TrainTestData(customers: customers, items: items, train: train, test: test, terms: terms)
    }
}
