import Foundation
import Frame
import Learn

/// One row per (customer, item), sorted by customer then item, as contiguous arrays.
struct InteractionTable {
    var customer: [Int32] = []
    var item: [Int32] = []
    var strength: [Double] = []
    var events: [Int64] = []
    /// The last rating of the pair, NaN when there is none.
    var rating: [Double] = []
    var first: [Int64] = []
    var last: [Int64] = []

    var count: Int { customer.count }

    mutating func append(contentsOf o: InteractionTable) {
        customer += o.customer
        item += o.item
        strength += o.strength
        events += o.events
        rating += o.rating
        first += o.first
        last += o.last
    }

    /// The rows at `rows`, in that order.
    func gather(_ rows: [Int]) -> InteractionTable {
        InteractionTable(
            customer: rows.map { customer[$0] }, item: rows.map { item[$0] }, strength: rows.map { strength[$0] },
            events: rows.map { events[$0] }, rating: rows.map { rating[$0] }, first: rows.map { first[$0] },
            last: rows.map { last[$0] })
    }

    /// Row offsets per customer: customer `c`'s rows are `offsets[c] ..< offsets[c + 1]`.
    func offsets(customers: Int) -> [Int] {
        var o = [Int](repeating: 0, count: customers + 1)
        for c in customer { o[Int(c) + 1] += 1 }
        for c in 0..<customers { o[c + 1] += o[c] }
        return o
    }
}

/// Aggregates events into interactions: strength is the sum of event weights (optionally decayed
/// by age) or the last rating; returns and cancellations (negative quantity) and rows without an
/// item are left out. Customers are processed in fixed blocks over both cores, each block with its
/// own item slots, and the blocks' rows are joined in customer order.
struct InteractionBuilder {
    let log: EventLog
    let itemCount: Int
    let asOf: Int64
    /// Weight of each event type (by index into `log.types`).
    let typeWeights: [Double]
    let halfLifeDays: Double?
    let useRating: Bool

    /// The interactions of events with `lower < t ≤ upper(c)` (and t ≤ as_of), leaving out each
    /// customer's items in `excluding`.
    func aggregate(
        customers: Int, lower: Int64 = .min, upper: [Int64]? = nil, excluding: InteractionTable? = nil,
        only: [Bool]? = nil
    ) -> InteractionTable {
        let blockSize = max(256, customers / 256)
        let blocks = (customers + blockSize - 1) / blockSize
        let excludedOffsets = excluding?.offsets(customers: customers)
        let parts = ParallelWork.map(count: blocks) { b in
            aggregateBlock(
                b * blockSize..<min(customers, (b + 1) * blockSize), lower: lower, upper: upper, excluding: excluding,
                excludedOffsets: excludedOffsets, only: only)
        }
        var out = InteractionTable()
        for p in parts { out.append(contentsOf: p) }
        return out
    }

    private func aggregateBlock(
        _ range: Range<Int>, lower: Int64, upper: [Int64]?, excluding: InteractionTable?, excludedOffsets: [Int]?,
        only: [Bool]?
    ) -> InteractionTable {
        var out = InteractionTable()
        var slot = [Int32](repeating: -1, count: max(itemCount, 1))
        var excludedStamp = [Int32](repeating: -1, count: excluding == nil ? 0 : max(itemCount, 1))
        var touched: [Int32] = []
        var strength: [Double] = [], events: [Int64] = [], rating: [Double] = [], first: [Int64] = []
        var last: [Int64] = [], ratingTime: [Int64] = []
        let day = Double(EventLog.microsPerDay)
        for c in range where only?[c] ?? true {
            if let excluding, let excludedOffsets {
                for i in excludedOffsets[c]..<excludedOffsets[c + 1] {
                    excludedStamp[Int(excluding.item[i])] = Int32(c)
                }
            }
            let top = min(asOf, upper?[c] ?? asOf)
            touched.removeAll(keepingCapacity: true)
            for r in log.offsets[c]..<log.offsets[c + 1] {
                let t = log.time[r]
                if t > top { break }
                if t <= lower { continue }
                let item = log.item[r]
                if item < 0 || log.quantity[r] < 0 { continue }
                if excluding != nil, excludedStamp[Int(item)] == Int32(c) { continue }
                var s = Int(slot[Int(item)])
                if s < 0 {
                    s = touched.count
                    slot[Int(item)] = Int32(s)
                    touched.append(item)
                    if strength.count <= s {
                        strength.append(0)
                        events.append(0)
                        rating.append(.nan)
                        first.append(0)
                        last.append(0)
                        ratingTime.append(0)
                    }
                    strength[s] = 0
                    events[s] = 0
                    rating[s] = .nan
                    first[s] = t
                }
                last[s] = t
                events[s] += 1
                if !useRating {
                    var w = typeWeights[Int(log.type[r])]
                    if let h = halfLifeDays { w *= pow(0.5, Double(asOf - t) / day / h) }
                    strength[s] += w
                }
                if let ratings = log.rating, !ratings[r].isNaN {
                    rating[s] = ratings[r]
                    ratingTime[s] = t
                }
            }
            // Emit in item order.
            touched.sort()
            for item in touched {
                let s = Int(slot[Int(item)])
                slot[Int(item)] = -1
                if useRating && rating[s].isNaN { continue }
                out.customer.append(Int32(c))
                out.item.append(item)
                out.strength.append(useRating ? rating[s] : strength[s])
                out.events.append(events[s])
                out.rating.append(rating[s])
                out.first.append(first[s])
                out.last.append(last[s])
            }
        }
        return out
    }

    /// Per-customer temporal holdout: each customer's pairs ordered by first time, then item; the
    /// last `ceil(fraction × n)` are test, at least one pair staying in training. The training
    /// side is rebuilt from the customer's events up to the first test pair's time, so training
    /// never sees an event later than any of that customer's test interactions.
    func holdout(_ all: InteractionTable, customers: Int, fraction: Double) -> (
        train: InteractionTable, test: InteractionTable
    ) {
        let offsets = all.offsets(customers: customers)
        var testRows: [Int] = []
        var cut = [Int64](repeating: asOf, count: customers)
        var rows: [Int] = []
        for c in 0..<customers {
            let n = offsets[c + 1] - offsets[c]
            guard n >= 2 else { continue }
            // The tolerance keeps 0.1 × 30 (3.0000000000000004 in binary) at 3.
            let m = min(n - 1, Int((fraction * Double(n) - 1e-9).rounded(.up)))
            guard m > 0 else { continue }
            rows.removeAll(keepingCapacity: true)
            rows.append(contentsOf: offsets[c]..<offsets[c + 1])
            rows.sort {
                all.first[$0] < all.first[$1] || (all.first[$0] == all.first[$1] && all.item[$0] < all.item[$1])
            }
            // The test pairs are the last m by first time: the earliest of them starts the cut.
            cut[c] = all.first[rows[n - m]]
            let start = testRows.count
            testRows.append(contentsOf: rows[(n - m)...])
            testRows[start...].sort()
        }
        let test = all.gather(testRows)
        // Only customers with test pairs are rebuilt; the others keep their pairs as they are.
        var hasTest = [Bool](repeating: false, count: customers)
        for r in testRows { hasTest[Int(all.customer[r])] = true }
        let rebuilt = aggregate(customers: customers, upper: cut, excluding: test, only: hasTest)
        let rebuiltOffsets = rebuilt.offsets(customers: customers)
        let train = Self.merge(
            all, rebuilt, customers: customers, take: hasTest, offsets: offsets, rebuiltOffsets: rebuiltOffsets)
        return (train, test)
    }

    /// Customer by customer, the rows of `rebuilt` where `take` is set, else those of `all`.
    static func merge(
        _ all: InteractionTable, _ rebuilt: InteractionTable, customers: Int, take: [Bool], offsets: [Int],
        rebuiltOffsets: [Int]
    ) -> InteractionTable {
        var out = InteractionTable()
        for c in 0..<customers {
            let (source, range) =
                take[c] ? (rebuilt, rebuiltOffsets[c]..<rebuiltOffsets[c + 1]) : (all, offsets[c]..<offsets[c + 1])
            out.customer += source.customer[range]
            out.item += source.item[range]
            out.strength += source.strength[range]
            out.events += source.events[range]
            out.rating += source.rating[range]
            out.first += source.first[range]
            out.last += source.last[range]
        }
        return out
    }

    /// A global cutoff: training is every event up to `cutoff`; test is the pairs first met after
    /// it (items the customer had not interacted with before).
    func cutoff(customers: Int, at cutoff: Int64) -> (train: InteractionTable, test: InteractionTable) {
        let train = aggregate(customers: customers, upper: [Int64](repeating: cutoff, count: customers))
        let test = aggregate(customers: customers, lower: cutoff, excluding: train)
        return (train, test)
    }

    /// Seeded folds of equal size (± 1): fold of row `i` after a seeded shuffle of the rows.
    static func folds(count: Int, folds k: Int, seed: Int64) -> [Int32] {
        var rng = SeededRandom(seed: UInt64(bitPattern: seed))
        var order = Array(0..<count)
        if count > 1 {
            for i in stride(from: count - 1, to: 0, by: -1) {
                let j = Int(rng.next() % UInt64(i + 1))
                order.swapAt(i, j)
            }
        }
        var fold = [Int32](repeating: 0, count: count)
        for (position, row) in order.enumerated() { fold[row] = Int32(position % k) }
        return fold
    }
}
