import Foundation
import Frame
import Learn
import Pipeline

/// What the catalogue says about each item index: its title for reasons, its category for the
/// cap, and whether the filters allow it.
struct CatalogueInfo {
    var titles: [String]
    var category: [Int32]
    var allowed: [Bool]
    var eligibleCount: Int { allowed.reduce(0) { $0 + ($1 ? 1 : 0) } }

    init(_ catalogue: Frame?, items: Frame, settings: ScoreSettings, stage: String, itemCount: Int) throws(StageError) {
        let ids = items.columns[1]
        titles = (0..<itemCount).map { ValueFormatter.text(ids, $0) ?? "" }
        category = [Int32](repeating: -1, count: itemCount)
        allowed = [Bool](repeating: true, count: itemCount)
        let excluded = Set(settings.excludeItems)
        for i in 0..<itemCount where excluded.contains(titles[i]) { allowed[i] = false }
        guard let catalogue else { return }
        let table = settings.itemsTable ?? "items"
        func column(_ name: String?, _ key: String, required: Bool = false) throws(StageError) -> Column? {
            guard let name else { return nil }
            guard let i = catalogue.schema.index(of: name) else {
                if !required
                    && ScoreSettings.itemColumnSpecs.first(where: { $0.name == key })?.defaultValue
                        == .string(name)
                {
                    return nil
                }
                throw .unknownColumn(
                    stage: stage, table: table, column: name, available: catalogue.schema.names,
                    path: "params.item_columns.\(key)")
            }
            return catalogue.columns[i]
        }
        let keyColumn = try column(settings.itemKey, "key", required: true)!
        var rowOf: [String: Int] = [:]
        for r in 0..<catalogue.rowCount {
            if let k = ValueFormatter.text(keyColumn, r), rowOf[k] == nil { rowOf[k] = r }
        }
        let row = (0..<itemCount).map { rowOf[ValueFormatter.text(ids, $0) ?? ""] ?? -1 }
        if let t = try column(settings.titleColumn, "title") {
            for i in 0..<itemCount where row[i] >= 0 {
                if let title = ValueFormatter.text(t, row[i]), !title.isEmpty { titles[i] = title }
            }
        }
        if let c = try column(settings.categoryColumn, "category") {
            var codes: [String: Int32] = [:]
            let excludedCategories = Set(settings.excludeCategories)
            for i in 0..<itemCount where row[i] >= 0 {
                guard let name = ValueFormatter.text(c, row[i]) else { continue }
                if excludedCategories.contains(name) { allowed[i] = false }
                if codes[name] == nil { codes[name] = Int32(codes.count) }
                category[i] = codes[name]!
            }
        }
        if settings.minPrice != nil || settings.maxPrice != nil {
            guard let p = try column(settings.priceColumn, "price", required: true) else {
                throw .invalidParameter(
                    stage: stage, path: "params.filters", message: "a price range needs params.item_columns.price")
            }
            for i in 0..<itemCount {
                // An item without a known price is outside any range.
                let price = row[i] >= 0 ? ValueFormatter.text(p, row[i]).flatMap(Double.init) : nil
                guard let price else {
                    allowed[i] = false
                    continue
                }
                if let lo = settings.minPrice, price < lo { allowed[i] = false }
                if let hi = settings.maxPrice, price > hi { allowed[i] = false }
            }
        }
        if let s = try column(settings.inStockColumn, "in_stock", required: true) {
            for i in 0..<itemCount {
                guard row[i] >= 0, let text = ValueFormatter.text(s, row[i]) else {
                    allowed[i] = false
                    continue
                }
                allowed[i] = allowed[i] && (text == "true" || (Double(text).map { $0 > 0 } ?? false))
            }
        }
    }
}

/// Popularity of the customer's segment first and overall popularity to break its ties: the
/// score `segment count × (1 + max overall) + overall count` orders lexicographically.
struct SegmentPopularity: Recommender {
    let base: PopularityRecommender.Model
    let scale: Double
    var name: String { "popularity" }
    var itemCount: Int { base.itemCount }

    init(_ base: PopularityRecommender.Model) {
        self.base = base
        scale = (base.itemScores.max() ?? 0) + 1
    }

    func scores(user: Int?, history: History, into scores: UnsafeMutableBufferPointer<Double>) {
        let group = user.flatMap { $0 < base.customerGroups.count ? Int(base.customerGroups[$0]) : nil }
        let groupScores = group.flatMap { $0 >= 0 ? base.scores(group: $0) : nil }
        for i in 0..<itemCount {
            let g = groupScores.map { $0[$0.startIndex + i] } ?? 0
            scores[i] = g * scale + base.itemScores[i]
        }
    }

    /// The count a person would read: within the customer's segment when the item is popular
    /// there, else overall.
    func displayScore(user: Int, item: Int) -> Double {
        guard popularInSegment(user: user, item: item) else { return base.itemScores[item] }
        let row = base.scores(group: Int(base.customerGroups[user]))
        return row[row.startIndex + item]
    }

    /// Whether `item` is popular within the customer's segment (else only overall).
    func popularInSegment(user: Int, item: Int) -> Bool {
        guard user < base.customerGroups.count, base.customerGroups[user] >= 0 else { return false }
        let row = base.scores(group: Int(base.customerGroups[user]))
        return row[row.startIndex + item] > 0
    }

    func strongestContributor(user: Int?, history: History, item: Int) -> Int32? { nil }
}

/// Chooses each customer's K items and says why.
struct Recommending {
    let model: any Recommender
    let modelName: String
    let histories: SparseMatrix
    let catalogue: CatalogueInfo
    let segmentOf: [Int32]
    let segmentNames: [String]
    let settings: ScoreSettings
    /// The content model's terms by number (byte order of item_terms' distinct terms).
    let terms: [String]

    struct Result {
        var customer: [Int32] = []
        var rank: [Int32] = []
        var item: [Int32] = []
        var score: [Double] = []
        var model: [String] = []
        var reason: [String] = []
        var coldStart = 0
        var filled = 0
        var rows: Int { customer.count }

        func frame(customers: Frame, items: Frame) -> Frame {
            try! Frame(
                schema: Schema([
                    Field("customer_index", .int32, nullable: false), customers.schema.fields[1],
                    Field("rank", .int32, nullable: false), Field("item_index", .int32, nullable: false),
                    items.schema.fields[1], Field("score", .double, nullable: false),
                    Field("model", .string, nullable: false), Field("reason", .string, nullable: false),
                ]),
                columns: [
                    Column(.int32(customer)), customers.columns[1].gather(customer.map(Int.init)),
                    Column(.int32(rank)), Column(.int32(item)), items.columns[1].gather(item.map(Int.init)),
                    Column(.double(score)), Column(.string(StringArray(model))),
                    Column(.string(StringArray(reason))),
                ])
        }
    }

    func run() throws -> Result {
        let n = histories.rows
        let k = settings.k
        let popularity = SegmentPopularity(
            try PopularityRecommender.fit(histories, groups: segmentOf, groupCount: segmentNames.count))
        var warm: [Int] = [], cold: [Int] = []
        for c in 0..<n {
            if histories.range(ofRow: c).count >= max(settings.minHistory, 1) { warm.append(c) } else { cold.append(c) }
        }
        // Scored from the whole history (the model folds it in: no customer is scored from stale
        // training-time state).
        // Popularity keeps no state from the history; by segment it looks up the customer's
        // training-time segment by index (the same customer_index as tonight's).
        let foldIn: [Int32]? = model is PopularityRecommender.Model ? nil : [Int32](repeating: -1, count: warm.count)
        let main = try CappedSelection.recommend(
            model, histories: histories, customers: warm, k: k, modelUsers: foldIn,
            excludeSeen: settings.excludeSeen, allowedItems: catalogue.allowed, itemCategory: catalogue.category,
            maxPerCategory: settings.maxPerCategory)
        // Popularity for the cold, and to fill lists the model left short.
        let short = warm.indices.filter { main.offsets[$0 + 1] - main.offsets[$0] < k }
        let popularCustomers = cold + short.map { warm[$0] }
        let popular = try CappedSelection.recommend(
            popularity, histories: histories, customers: popularCustomers, k: k, modelUsers: nil,
            excludeSeen: settings.excludeSeen, allowedItems: catalogue.allowed, itemCategory: catalogue.category,
            maxPerCategory: settings.maxPerCategory)
        var lists = [[(item: Int32, score: Double, fromModel: Bool)]](repeating: [], count: n)
        for (position, c) in warm.enumerated() {
            lists[c] = zip(main.items(at: position), main.scores(at: position)).map { ($0, $1, true) }
        }
        var filled = 0
        for (position, c) in popularCustomers.enumerated() {
            var seen = Set(lists[c].map(\.item))
            var perCategory: [Int32: Int] = [:]
            for e in lists[c] where catalogue.category[Int(e.item)] >= 0 {
                perCategory[catalogue.category[Int(e.item)], default: 0] += 1
            }
            for item in popular.items(at: position) {
                if lists[c].count >= k { break }
                if seen.contains(item) { continue }
                let cat = catalogue.category[Int(item)]
                if let cap = settings.maxPerCategory, cat >= 0, perCategory[cat, default: 0] >= cap { continue }
                if cat >= 0 { perCategory[cat, default: 0] += 1 }
                seen.insert(item)
                lists[c].append((item, popularity.displayScore(user: c, item: Int(item)), false))
                if position >= cold.count { filled += 1 }
            }
        }
        // Reasons, over both cores in fixed blocks.
        let block = 256
        let chosen = lists
        let blocks = ParallelWork.map(count: (n + block - 1) / block) { b -> [[String]] in
            let customers = Array(b * block..<min(n, (b + 1) * block))
            let sources = modelSources(
                customers: customers, items: customers.map { chosen[$0].filter(\.fromModel).map(\.item) })
            return customers.enumerated().map { position, c in
                let history = History(histories, user: c)
                return chosen[c].map { e in
                    reason(
                        customer: c, history: history, entry: e, popularity: popularity,
                        source: sources[position][e.item])
                }
            }
        }
        var result = Result()
        result.coldStart = cold.count
        result.filled = filled
        for (b, reasons) in blocks.enumerated() {
            for (j, r) in reasons.enumerated() {
                let c = b * block + j
                for (rank, e) in lists[c].enumerated() {
                    result.customer.append(Int32(c))
                    result.rank.append(Int32(rank + 1))
                    result.item.append(e.item)
                    result.score.append(e.score)
                    result.model.append(e.fromModel ? modelName : "popularity")
                    result.reason.append(r[rank])
                }
            }
        }
        return result
    }

    private func reason(
        customer c: Int, history: History, entry e: (item: Int32, score: Double, fromModel: Bool),
        popularity: SegmentPopularity, source: Int32??
    ) -> String {
        let item = Int(e.item)
        if !e.fromModel || model is PopularityRecommender.Model {
            let segment = segmentOf[c]
            if segment >= 0, Int(segment) < segmentNames.count, popularity.popularInSegment(user: c, item: item) {
                return "popular with \(segmentNames[Int(segment)])"
                    + (history.count < settings.minHistory ? " (new customer)" : "")
            }
            return "popular overall" + (history.count < settings.minHistory ? " (new customer)" : "")
        }
        if let content = model as? ContentRecommender.Model {
            let terms = content.topSharedTerms(history: history, item: item, count: 3)
            let words = terms.compactMap { termText($0) }
            if !words.isEmpty { return "matches your interest in " + words.joined(separator: ", ") }
        }
        if let source = source ?? nil {
            return "because you \(settings.reasonVerb) \(catalogue.titles[Int(source)])"
        }
        return "recommended by \(modelName)"
    }

    /// The history item behind each model-chosen item of each customer, asked of the model once
    /// per customer (ALS: one factorisation for all of a customer's items) or, for a hybrid,
    /// once per batch of customers (each component scores the batch once).
    private func modelSources(customers: [Int], items: [[Int32]]) -> [[Int32: Int32?]] {
        let histories = customers.map { History(self.histories, user: $0) }
        var found: [[Int32?]] = []
        if let hybrid = model as? HybridRecommender.Model {
            let batchRows = max(1, min(32, (1 << 20) / max(hybrid.itemCount, 1)))
            var start = 0
            while start < customers.count {
                let part = start..<min(customers.count, start + batchRows)
                found += hybrid.strongestContributors(
                    users: part.map { _ in nil }, histories: Array(histories[part]), items: Array(items[part]))
                start = part.upperBound
            }
        } else {
            found = zip(histories, items).map { model.strongestContributors(user: nil, history: $0, items: $1) }
        }
        return zip(items, found).map { items, sources in
            var map: [Int32: Int32?] = [:]
            for (item, source) in zip(items, sources) { map[item] = .some(source) }
            return map
        }
    }

    /// The text of term `t` of the content model (terms are numbered in byte order of the
    /// distinct terms of item_terms).
    private func termText(_ t: Int32) -> String? {
        Int(t) < terms.count ? terms[Int(t)] : nil
    }
}
