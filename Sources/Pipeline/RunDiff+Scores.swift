import Foundation
import Frame

/// The domain diff of score tables: how each customer's recommendations, segment and churn band
/// moved between two runs. Customers are matched by `customer_id` (the `customer_index` of a
/// customer may differ between runs when the customer table changed).
extension RunDiff {
    /// How the top-K lists of the customers in both runs compare.
    public struct RecommendationChange: Sendable, Equatable {
        public var customersInBoth: Int
        public var onlyInA: Int
        public var onlyInB: Int
        /// Mean over customers in both of |A ∩ B| / |A ∪ B| of their item sets (1 when both are
        /// empty); nil when no customer is in both.
        public var meanJaccard: Double?
        /// Customers in both whose list differs in its items or their order.
        public var changed: Int

        /// `changed` over `customersInBoth`; nil when no customer is in both.
        public var changedShare: Double? { customersInBoth == 0 ? nil : Double(changed) / Double(customersInBoth) }
    }

    /// Counts of customers (in both runs) by their label in A and their label in B.
    public struct Migration: Sendable, Equatable {
        public struct Cell: Sendable, Equatable {
            public var from: String
            public var to: String
            public var count: Int

            public init(from: String, to: String, count: Int) {
                self.from = from
                self.to = to
                self.count = count
            }
        }

        public var customersInBoth: Int
        public var onlyInA: Int
        public var onlyInB: Int
        /// Every label of either run, in order: segments by their id, bands by the lowest
        /// probability they hold, then by name.
        public var labels: [String]
        /// The non-zero cells, in `labels` order of `from`, then of `to`.
        public var cells: [Cell]

        /// Customers whose label changed.
        public var moved: Int { cells.filter { $0.from != $0.to }.reduce(0) { $0 + $1.count } }

        public func count(from: String, to: String) -> Int {
            cells.first { $0.from == from && $0.to == to }?.count ?? 0
        }
    }

    /// The domain diff of one stage that wrote score tables in both runs.
    public struct ScoreDiff: Sendable {
        public var stage: String
        public var recommendations: RecommendationChange?
        public var segments: Migration?
        public var churnBands: Migration?
    }

    /// The score tables both runs' `stage` wrote, compared; nil when it wrote none in both.
    static func compareScores(
        stage: String, a: (folder: RunFolder, manifest: StageManifest), b: (folder: RunFolder, manifest: StageManifest),
        include: (ScoreTable) -> Bool = { _ in true }
    ) throws(EngineError) -> ScoreDiff? {
        func paths(_ table: ScoreTable) -> (String, String)? {
            guard include(table), let pa = table.path(in: a.folder, stage: stage, manifest: a.manifest),
                let pb = table.path(in: b.folder, stage: stage, manifest: b.manifest)
            else { return nil }
            return (pa, pb)
        }
        var diff = ScoreDiff(stage: stage)
        do throws(ScoreTableError) {
            if let p = paths(.recommendations) { diff.recommendations = try recommendationChange(p.0, p.1) }
            if let p = paths(.customerSegments) {
                diff.segments = try migration(.customerSegments, p.0, p.1, label: 3, order: 2)
            }
            if let p = paths(.churnScores) {
                diff.churnBands = try migration(.churnScores, p.0, p.1, label: 3, order: 2)
            }
        } catch {
            throw .scoreTable(error)
        }
        if diff.recommendations == nil && diff.segments == nil && diff.churnBands == nil { return nil }
        return diff
    }

    /// Run A's lists are held as item numbers (one flat array), run B is streamed against them.
    static func recommendationChange(_ pathA: String, _ pathB: String) throws(ScoreTableError) -> RecommendationChange {
        var itemNumbers: [ScoreID: Int32] = [:]
        func number(_ c: Column, _ r: Int) -> Int32 {
            let id = ScoreValue.id(c, r)
            guard let id else { return -1 }
            if let n = itemNumbers[id] { return n }
            let n = Int32(itemNumbers.count)
            itemNumbers[id] = n
            return n
        }
        // Columns follow ScoreTable.recommendations.columns: 1 customer_id, 2 rank, 3 item_id.
        var customerOfA: [ScoreID: Int] = [:]
        var starts: [Int] = [0]
        var items: [Int32] = []
        var readerA = try ScoreTableReader(table: .recommendations, path: pathA)
        while let next = try readerA.next() {
            let rows = ScoreTableReader.ranked(next.pieces)
            guard let first = rows.first, let id = ScoreValue.id(first.columns[1], first.row),
                customerOfA[id] == nil
            else { continue }
            customerOfA[id] = starts.count - 1
            for (c, r) in rows { items.append(number(c[3], r)) }
            starts.append(items.count)
        }
        var matched = [Bool](repeating: false, count: starts.count - 1)
        var result = RecommendationChange(customersInBoth: 0, onlyInA: 0, onlyInB: 0, meanJaccard: nil, changed: 0)
        var jaccardSum = 0.0
        var readerB = try ScoreTableReader(table: .recommendations, path: pathB)
        var seenB = Set<ScoreID>()
        while let next = try readerB.next() {
            let rows = ScoreTableReader.ranked(next.pieces)
            guard let first = rows.first, let id = ScoreValue.id(first.columns[1], first.row),
                seenB.insert(id).inserted
            else { continue }
            guard let i = customerOfA[id] else {
                result.onlyInB += 1
                continue
            }
            matched[i] = true
            result.customersInBoth += 1
            let listA = items[starts[i]..<starts[i + 1]]
            let listB = rows.map { number($0.columns[3], $0.row) }
            if !listA.elementsEqual(listB) { result.changed += 1 }
            let setA = Set(listA)
            let setB = Set(listB)
            let union = setA.union(setB).count
            jaccardSum += union == 0 ? 1 : Double(setA.intersection(setB).count) / Double(union)
        }
        result.onlyInA = matched.count - result.customersInBoth
        if result.customersInBoth > 0 { result.meanJaccard = jaccardSum / Double(result.customersInBoth) }
        return result
    }

    /// Counts customers by (label in A, label in B). `label` is the column of the label (null
    /// labels read as "null"); `order` a numeric column whose smallest value per label orders
    /// the labels (segment id, churn probability).
    static func migration(_ table: ScoreTable, _ pathA: String, _ pathB: String, label: Int, order: Int)
        throws(ScoreTableError) -> Migration
    {
        var labelNumbers: [String: Int] = [:]
        var labels: [String] = []
        var orderKeys: [Double] = []
        func number(_ columns: [Column], _ r: Int) -> Int {
            let text = ScoreValue.string(columns[label], r) ?? "null"
            let key = ScoreValue.double(columns[order], r) ?? .infinity
            if let n = labelNumbers[text] {
                orderKeys[n] = min(orderKeys[n], key)
                return n
            }
            labelNumbers[text] = labels.count
            labels.append(text)
            orderKeys.append(key)
            return labels.count - 1
        }
        var labelOfA: [ScoreID: Int] = [:]
        var readerA = try ScoreTableReader(table: table, path: pathA)
        while let next = try readerA.next() {
            let p = next.pieces[0]
            let r = p.rows.lowerBound
            guard let id = ScoreValue.id(p.frame.columns[1], r), labelOfA[id] == nil else { continue }
            labelOfA[id] = number(p.frame.columns, r)
        }
        var counts: [Int: Int] = [:]
        var inBoth = 0
        var onlyInB = 0
        var seenB = Set<ScoreID>()
        var readerB = try ScoreTableReader(table: table, path: pathB)
        while let next = try readerB.next() {
            let p = next.pieces[0]
            let r = p.rows.lowerBound
            guard let id = ScoreValue.id(p.frame.columns[1], r), seenB.insert(id).inserted else { continue }
            let to = number(p.frame.columns, r)
            guard let from = labelOfA[id] else {
                onlyInB += 1
                continue
            }
            inBoth += 1
            counts[from * Int(Int32.max) + to, default: 0] += 1
        }
        let rank = labels.indices.sorted { (orderKeys[$0], labels[$0]) < (orderKeys[$1], labels[$1]) }
        var position = [Int](repeating: 0, count: labels.count)
        for (p, n) in rank.enumerated() { position[n] = p }
        let cells = counts.map { key, count in (from: key / Int(Int32.max), to: key % Int(Int32.max), count: count) }
            .sorted { (position[$0.from], position[$0.to]) < (position[$1.from], position[$1.to]) }
            .map { Migration.Cell(from: labels[$0.from], to: labels[$0.to], count: $0.count) }
        return Migration(
            customersInBoth: inBoth, onlyInA: labelOfA.count - inBoth, onlyInB: onlyInB,
            labels: rank.map { labels[$0] },
            cells: cells)
    }
}
