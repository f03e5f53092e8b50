import Frame

/// Behavioural features per customer, as of a time: recency, frequency, monetary value, per-window
/// counts of each event type, conversion, breadth, tenure and category affinity. Customers are
/// processed in ranges over both cores; each worker marks what it has seen in its own stamp
/// arrays (one slot per order, item and category), so no per-customer object is built.
struct CustomerFeatureBuilder {
    let log: EventLog
    let itemCount: Int
    let asOf: Int64
    let windows: [Int]
    /// Category index of each item (−1 when unknown); empty without a catalogue category.
    let itemCategory: [Int32]
    let categoryCount: Int
    /// Position among the top categories of each category, or −1.
    let topSlot: [Int32]
    /// Column names of the top categories' shares (`share_<category>`), in slot order.
    let topNames: [String]
    var topCount: Int { topNames.count }
    /// Signup time per customer (µs), or nil where unknown.
    let signup: [Int64?]

    /// The computed columns, in output order.
    struct Output {
        var names: [String]
        var columns: [Column]
    }

    /// Slots of the value matrix, one per column; counts are stored as doubles and written as int64.
    private enum Slot: Int, CaseIterable {
        case recency, sinceLastEvent, orders, purchaseLines, returnLines, monetary, averageOrder, betweenOrders
        case tenure, conversion, distinctItems, distinctCategories
    }

    func build(customers: Int) -> Output {
        let typeCount = log.types.count
        let perType = windows.count + 1
        let fixed = Slot.allCases.count
        let width = fixed + typeCount * perType + topCount
        var values = [Double](repeating: 0, count: width * customers)
        var known = [Bool](repeating: true, count: width * customers)
        let windowMicros = windows.map { Int64($0) * EventLog.microsPerDay }
        values.withUnsafeMutableBufferPointer { vb in
            known.withUnsafeMutableBufferPointer { kb in
                let v = SharedBuffer(vb.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!)
                let k = SharedBuffer(kb.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!)
                ParallelWork.forEachRange(count: customers, minimumPerThread: 2048) { range in
                    compute(range, customers: customers, width: width, windowMicros: windowMicros, values: v, known: k)
                }
            }
        }
        var names = [
            "recency_days", "days_since_last_event", "orders", "purchase_lines", "return_lines", "monetary",
            "avg_order_value", "days_between_orders", "tenure_days", "conversion", "distinct_items",
            "distinct_categories",
        ]
        let counts: Set<Int> = [
            Slot.orders.rawValue, Slot.purchaseLines.rawValue, Slot.returnLines.rawValue, Slot.distinctItems.rawValue,
            Slot.distinctCategories.rawValue,
        ]
        var isCount = [Bool](repeating: false, count: width)
        for s in counts { isCount[s] = true }
        for t in log.types {
            for w in windows { names.append(ColumnName.sanitise("\(t)_\(w)d")) }
            names.append(ColumnName.sanitise("\(t)_total"))
        }
        for s in fixed..<fixed + typeCount * perType { isCount[s] = true }
        var skip = Set<Int>()
        if log.price == nil {
            skip.insert(Slot.monetary.rawValue)
            skip.insert(Slot.averageOrder.rawValue)
        }
        if categoryCount == 0 { skip.insert(Slot.distinctCategories.rawValue) }
        var columns: [Column] = []
        var outNames: [String] = []
        for s in 0..<fixed + typeCount * perType where !skip.contains(s) {
            columns.append(
                column(s, width: width, customers: customers, values: values, known: known, count: isCount[s]))
            outNames.append(names[s])
        }
        let shareStart = fixed + typeCount * perType
        for (i, name) in topNames.enumerated() {
            columns.append(
                column(shareStart + i, width: width, customers: customers, values: values, known: known, count: false))
            outNames.append(name)
        }
        return Output(names: outNames, columns: columns)
    }

    private func column(_ s: Int, width: Int, customers: Int, values: [Double], known: [Bool], count: Bool) -> Column {
        var allKnown = true
        var validity = [Bool](repeating: true, count: customers)
        for c in 0..<customers where !known[c * width + s] {
            validity[c] = false
            allKnown = false
        }
        if count {
            return Column(.int64((0..<customers).map { Int64(values[$0 * width + s]) }))
        }
        return Column(
            .double((0..<customers).map { validity[$0] ? values[$0 * width + s] : 0 }),
            validity: allKnown ? nil : validity)
    }

    private func compute(
        _ range: Range<Int>, customers: Int, width: Int, windowMicros: [Int64], values v: SharedBuffer<Double>,
        known k: SharedBuffer<Bool>
    ) {
        let log = self.log
        var orderStamp = [Int32](repeating: -1, count: max(log.orderCount, 1))
        var itemStamp = [Int32](repeating: -1, count: max(itemCount, 1))
        var categoryStamp = [Int32](repeating: -1, count: max(categoryCount, 1))
        let fixed = Slot.allCases.count
        let perType = windows.count + 1
        let shareStart = fixed + log.types.count * perType
        var spendByTop = [Double](repeating: 0, count: topCount)
        let day = Double(EventLog.microsPerDay)
        for c in range {
            let base = c * width
            var lastPurchase: Int64? = nil
            var lastEvent: Int64? = nil
            var firstEvent: Int64? = nil
            var orders = 0, purchaseLines = 0, returnLines = 0, views = 0
            var monetary = 0.0, grossSpend = 0.0
            var firstOrderStart: Int64? = nil
            var lastOrderStart: Int64 = 0
            var lastPurchaseInstant: Int64? = nil
            var distinctItems = 0, distinctCategories = 0
            for t in 0..<topCount { spendByTop[t] = 0 }
            for r in log.offsets[c]..<log.offsets[c + 1] {
                let t = log.time[r]
                if t > asOf { break }
                if firstEvent == nil { firstEvent = t }
                lastEvent = t
                let type = Int(log.type[r])
                let age = asOf - t
                let counts = fixed + type * perType
                for (w, span) in windowMicros.enumerated() where age < span { v[base + counts + w] += 1 }
                v[base + counts + windows.count] += 1
                if log.isViewType[type] { views += 1 }
                let item = Int(log.item[r])
                if item >= 0 {
                    if itemStamp[item] != Int32(c) {
                        itemStamp[item] = Int32(c)
                        distinctItems += 1
                        if item < itemCategory.count, itemCategory[item] >= 0 {
                            let cat = Int(itemCategory[item])
                            if categoryStamp[cat] != Int32(c) {
                                categoryStamp[cat] = Int32(c)
                                distinctCategories += 1
                            }
                        }
                    }
                }
                guard log.isPurchaseType[type] else { continue }
                let q = log.quantity[r]
                let p = log.price.map { $0[r] } ?? .nan
                let amount = p.isNaN ? 0 : p * q
                if q < 0 {
                    returnLines += 1
                    monetary += amount
                    continue
                }
                if q == 0 { continue }
                purchaseLines += 1
                monetary += amount
                lastPurchase = t
                // A new order: an order id not seen for this customer, or (without one) a new instant.
                var isNew: Bool
                if let order = log.order, order[r] >= 0 {
                    let o = Int(order[r])
                    isNew = orderStamp[o] != Int32(c)
                    orderStamp[o] = Int32(c)
                } else {
                    isNew = lastPurchaseInstant != t
                }
                lastPurchaseInstant = t
                if isNew {
                    orders += 1
                    if firstOrderStart == nil { firstOrderStart = t }
                    lastOrderStart = t
                }
                let spend = log.price == nil ? q : amount
                grossSpend += spend
                if item >= 0, item < itemCategory.count, itemCategory[item] >= 0 {
                    let slot = Int(topSlot[Int(itemCategory[item])])
                    if slot >= 0 { spendByTop[slot] += spend }
                }
            }
            func set(_ s: Slot, _ value: Double?) {
                if let value { v[base + s.rawValue] = value } else { k[base + s.rawValue] = false }
            }
            set(.recency, lastPurchase.map { Double(asOf - $0) / day })
            set(.sinceLastEvent, lastEvent.map { Double(asOf - $0) / day })
            set(.orders, Double(orders))
            set(.purchaseLines, Double(purchaseLines))
            set(.returnLines, Double(returnLines))
            set(.monetary, log.price == nil ? nil : monetary)
            set(.averageOrder, orders > 0 && log.price != nil ? monetary / Double(orders) : nil)
            set(
                .betweenOrders,
                orders > 1 ? Double(lastOrderStart - firstOrderStart!) / Double(orders - 1) / day : nil)
            // Tenure counts from signup or the first event, whichever is earlier; unknown when
            // the customer had not signed up by then.
            let start = [signup[c], firstEvent].compactMap { $0 }.min()
            set(.tenure, start.flatMap { $0 <= asOf ? Double(asOf - $0) / day : nil })
            set(.conversion, views > 0 ? Double(purchaseLines) / Double(views) : nil)
            set(.distinctItems, Double(distinctItems))
            set(.distinctCategories, Double(distinctCategories))
            for s in 0..<topCount {
                if grossSpend > 0 {
                    v[base + shareStart + s] = spendByTop[s] / grossSpend
                } else {
                    k[base + shareStart + s] = false
                }
            }
        }
    }

}

/// Column names made from data (event types, categories, levels): lower case, letters, digits
/// and `_` only.
enum ColumnName {
    static func sanitise(_ text: String) -> String {
        var out = ""
        var lastUnderscore = false
        for ch in text.lowercased().unicodeScalars {
            if ch.properties.isAlphabetic || ("0"..."9").contains(ch) {
                out.unicodeScalars.append(ch)
                lastUnderscore = false
            } else if !lastUnderscore {
                out.append("_")
                lastUnderscore = true
            }
        }
        while out.hasSuffix("_") && out.count > 1 { out.removeLast() }
        while out.hasPrefix("_") && out.count > 1 { out.removeFirst() }
        return out.isEmpty ? "_" : out
    }

    /// `name`, or `name_2`, `name_3`… when taken; records the result in `taken`.
    static func unique(_ name: String, _ taken: inout Set<String>) -> String {
        var candidate = name
        var n = 2
        while taken.contains(candidate) {
            candidate = "\(name)_\(n)"
            n += 1
        }
        taken.insert(candidate)
        return candidate
    }
}
