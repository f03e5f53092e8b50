import Foundation
import Frame
import Learn
import Pipeline

/// The stage's inputs resolved once: the event log encoded by role, dense customer and item
/// indices over the log and the side tables, and each index's row in the customer table and the
/// catalogue. Every table the stage writes is computed from these.
struct FeatureInputs {
    let settings: FeaturesSettings
    let log: EventLog
    let customers: KeyIndex
    let items: KeyIndex
    let latestEvent: Int64
    let nullCustomerRows: Int
    let nullItemRows: Int
    let nullTimeRows: Int
    let returnLines: Int

    let customerTable: Frame?
    /// Row of each customer in the customer table, or −1.
    let customerRow: [Int]
    let itemTable: Frame?
    /// Row of each item in the catalogue, or −1.
    let itemRow: [Int]
    /// Category index of each item, −1 when unknown; `categories` are sorted.
    let itemCategory: [Int32]
    let categories: [String]
    let categoryColumnName: String?

    init(events: Frame, customers: Frame?, items: Frame?, settings: FeaturesSettings, stage: String) throws(StageError)
    {
        self.settings = settings
        let table = settings.eventsTable
        func column(_ name: String, _ role: String, types: [DataType], expected: String) throws(StageError) -> Column {
            let i = try TableStageIO.column(
                name, in: events, stage: stage, table: table, path: "params.columns.\(role)")
            let c = events.columns[i]
            guard types.contains(c.type) else {
                throw .unsupportedColumnType(
                    stage: stage, table: table, column: name, type: c.type, expected: expected,
                    path: "params.columns.\(role)")
            }
            return c
        }
        func optional(_ name: String?, _ role: String, types: [DataType]?, expected: String) throws(StageError)
            -> Column?
        {
            guard let name else { return nil }
            if events.schema.index(of: name) == nil && !settings.explicitRoles.contains(role) { return nil }
            return try column(name, role, types: types ?? DataType.allCases, expected: expected)
        }
        let ids: [DataType] = [.int32, .int64, .string]
        let numeric: [DataType] = [.int32, .int64, .double]
        let r = settings.roles
        // Ids written as whole doubles (`17850.0`: pandas' float64 for an int column with nulls) are
        // read as int64.
        func idColumn(_ name: String, _ role: String) throws(StageError) -> Column {
            let expected = "int32, int64 or string ids (or doubles that are all whole numbers)"
            let c = try column(name, role, types: ids + [.double], expected: expected)
            guard c.type == .double else { return c }
            guard let whole = Self.wholeNumbers(c) else {
                throw .unsupportedColumnType(
                    stage: stage, table: table, column: name, type: c.type, expected: expected,
                    path: "params.columns.\(role)")
            }
            return whole
        }
        let customerColumn = try idColumn(r.customer, "customer")
        let itemColumn = try idColumn(r.item, "item")
        let timeColumn = try column(r.time, "time", types: [.timestamp, .date], expected: "a timestamp or date column")
        let typeColumn = try optional(r.eventType, "event_type", types: [.string], expected: "a string column")
        let quantityColumn = try optional(r.quantity, "quantity", types: numeric, expected: "a numeric column")
        let priceColumn = try optional(r.price, "price", types: numeric, expected: "a numeric column")
        let ratingColumn = try optional(r.rating, "rating", types: numeric, expected: "a numeric column")
        let orderColumn = try optional(r.order, "order", types: nil, expected: "a column")

        // Side tables' keys share the events' indices.
        let customerKeys = try customers.map { t throws(StageError) in
            try Self.joinKey(
                t, settings.customerKey, against: customerColumn, stage: stage,
                table: settings.customersTable ?? "customers", path: "params.customer_columns.key")
        }
        let itemKeys = try items.map { t throws(StageError) in
            try Self.joinKey(
                t, settings.itemKey, against: itemColumn, stage: stage, table: settings.itemsTable ?? "items",
                path: "params.item_columns.key")
        }
        let (customerIndex, customerCodes) = KeyIndex.build([customerColumn] + (customerKeys.map { [$0] } ?? []))
        let (itemIndex, itemCodes) = KeyIndex.build([itemColumn] + (itemKeys.map { [$0] } ?? []))
        self.customers = customerIndex
        self.items = itemIndex
        customerTable = customers
        itemTable = items
        customerRow = Self.rowOf(customerCodes.count > 1 ? customerCodes[1] : [], count: customerIndex.count)
        itemRow = Self.rowOf(itemCodes.count > 1 ? itemCodes[1] : [], count: itemIndex.count)

        // Times.
        let n = events.rowCount
        var time: [Int64]
        switch timeColumn.values {
        case .timestamp(let v): time = v
        case .date(let v): time = v.map { Int64($0) * EventLog.microsPerDay }
        default: time = []
        }
        let timeValid = timeColumn.validity
        var latest = Int64.min
        for i in 0..<n where timeValid?[i] ?? true { latest = max(latest, time[i]) }
        latestEvent = latest == .min ? 0 : latest
        nullTimeRows = timeColumn.nullCount

        // Event types, sorted; the default type stands for a missing column or a null type.
        var typeNames: [String] = []
        var typeCodes = [Int32](repeating: -1, count: n)
        if let typeColumn {
            let (index, codes) = KeyIndex.build([typeColumn])
            if case .string(let s) = index.ids.values { typeNames = (0..<s.count).map { s[$0] } }
            typeCodes = codes[0]
        }
        if typeCodes.contains(-1) && !typeNames.contains(settings.defaultEventType) {
            typeNames.append(settings.defaultEventType)
        }
        let sortedTypes = typeNames.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let remap = typeNames.map { name in Int32(sortedTypes.firstIndex(of: name)!) }
        let defaultCode = Int32(sortedTypes.firstIndex(of: settings.defaultEventType) ?? 0)
        let types = typeCodes.map { $0 >= 0 ? remap[Int($0)] : defaultCode }

        let quantity =
            quantityColumn.map { Self.doubles($0) }?.map { $0.isNaN ? 1 : $0 } ?? [Double](repeating: 1, count: n)
        var orders: [Int32]? = nil
        var orderCount = 0
        if let orderColumn {
            let frame = try! Frame(schema: Schema([Field("o", orderColumn.type)]), columns: [orderColumn])
            let groups = frame.groups(byColumns: [0], nulls: .exclude)
            orders = groups.ids
            orderCount = groups.count
        }
        let customerOfRow = customerCodes[0]
        let (offsets, rows) = EventLog.customerRows(
            customer: customerOfRow, time: time, timeValid: timeValid, customers: customerIndex.count)
        // The log is laid out in that order once (each customer's rows by time, then the rows
        // without a customer or time in their original order), so the five per-customer passes
        // read every column sequentially instead of jumping through `rows` for each event.
        let layout = EventLog.layout(customerRows: rows, rowCount: n)
        let purchaseSet = Set(settings.purchaseTypes), viewSet = Set(settings.viewTypes)
        log = EventLog(
            rowCount: n, customer: layout.apply(customerOfRow), item: layout.apply(itemCodes[0]),
            time: layout.apply(time), timeValid: timeValid.map(layout.apply), type: layout.apply(types),
            types: sortedTypes, quantity: layout.apply(quantity),
            price: priceColumn.map { layout.apply(Self.doubles($0)) },
            rating: ratingColumn.map { layout.apply(Self.doubles($0)) }, order: orders.map(layout.apply),
            orderCount: orderCount, offsets: offsets,
            isPurchaseType: sortedTypes.map { purchaseSet.contains($0) },
            isViewType: sortedTypes.map { viewSet.contains($0) })
        nullCustomerRows = customerOfRow.reduce(0) { $0 + ($1 < 0 ? 1 : 0) }
        nullItemRows = itemCodes[0].reduce(0) { $0 + ($1 < 0 ? 1 : 0) }
        var returns = 0
        for i in 0..<n where log.isReturn(i) { returns += 1 }
        returnLines = returns

        // Categories from the catalogue.
        var categoryName: String? = nil
        var itemCategory = [Int32](repeating: -1, count: itemIndex.count)
        var categories: [String] = []
        if let items, let name = settings.categoryColumn {
            if let ci = items.schema.index(of: name) {
                let c = items.columns[ci]
                guard c.type == .string else {
                    throw .unsupportedColumnType(
                        stage: stage, table: settings.itemsTable ?? "items", column: name, type: c.type,
                        expected: "a string column", path: "params.item_columns.category")
                }
                let (index, codes) = KeyIndex.build([c])
                if case .string(let s) = index.ids.values { categories = (0..<s.count).map { s[$0] } }
                for (item, row) in itemRow.enumerated() where row >= 0 { itemCategory[item] = codes[0][row] }
                categoryName = name
            } else if settings.explicitItemColumns.contains("category") {
                throw .unknownColumn(
                    stage: stage, table: settings.itemsTable ?? "items", column: name, available: items.schema.names,
                    path: "params.item_columns.category")
            }
        }
        self.itemCategory = itemCategory
        self.categories = categories
        categoryColumnName = categoryName
    }

    /// A side table's key column, checked to join the events' ids.
    private static func joinKey(
        _ frame: Frame, _ key: String, against events: Column, stage: String, table: String, path: String
    ) throws(StageError) -> Column {
        var column = frame.columns[try TableStageIO.column(key, in: frame, stage: stage, table: table, path: path)]
        if let whole = Self.wholeNumbers(column) { column = whole }
        guard KeyIndex.compatible(column.type, events.type) else {
            throw .unsupportedColumnType(
                stage: stage, table: table, column: key, type: column.type,
                expected: "ids of the events' type (\(events.type))", path: path)
        }
        return column
    }

    /// For each index, the first side-table row holding it (−1 when none).
    private static func rowOf(_ codes: [Int32], count: Int) -> [Int] {
        var row = [Int](repeating: -1, count: count)
        for (r, c) in codes.enumerated() where c >= 0 && row[Int(c)] < 0 { row[Int(c)] = r }
        return row
    }

    /// A double column as int64 when every non-null value is a whole number in int64's range.
    static func wholeNumbers(_ c: Column) -> Column? {
        guard case .double(let v) = c.values else { return nil }
        var out = [Int64](repeating: 0, count: v.count)
        for i in 0..<v.count where c.validity?[i] ?? true {
            let x = v[i]
            guard x.rounded() == x, abs(x) < 9.2e18 else { return nil }
            out[i] = Int64(x)
        }
        return Column(.int64(out), validity: c.validity)
    }

    /// A numeric column as doubles, NaN where null; bools as 0 and 1.
    static func doubles(_ c: Column) -> [Double] {
        var out: [Double]
        switch c.values {
        case .int32(let v), .date(let v): out = v.map(Double.init)
        case .int64(let v), .timestamp(let v): out = v.map(Double.init)
        case .double(let v): out = v
        case .bool(let v): out = v.map { $0 ? 1 : 0 }
        case .string(let s): out = [Double](repeating: .nan, count: s.count)
        }
        if let validity = c.validity { for i in 0..<out.count where !validity[i] { out[i] = .nan } }
        return out
    }

    func rowsAfter(_ t: Int64) -> Int {
        var n = 0
        for i in 0..<log.rowCount where (log.timeValid?[i] ?? true) && log.time[i] > t { n += 1 }
        return n
    }

    // MARK: Customer features

    /// The top categories by purchase spend (price × quantity, or quantity without prices) up to
    /// `until`, most spent first, ties by name.
    func topCategories(until: Int64) -> [Int] {
        guard !categories.isEmpty, settings.topCategories > 0 else { return [] }
        var spend = [Double](repeating: 0, count: categories.count)
        for r in 0..<log.rowCount where (log.timeValid?[r] ?? true) && log.time[r] <= until && log.isPurchase(r) {
            let item = Int(log.item[r])
            guard item >= 0, itemCategory[item] >= 0 else { continue }
            let p = log.price?[r] ?? 1
            spend[Int(itemCategory[item])] += (p.isNaN ? 0 : p) * log.quantity[r]
        }
        let ranked = (0..<categories.count).filter { spend[$0] > 0 }.sorted {
            spend[$0] > spend[$1] || (spend[$0] == spend[$1] && categories[$0] < categories[$1])
        }
        return Array(ranked.prefix(settings.topCategories))
    }

    /// `customer_features` as of `asOf`; share columns for the categories `top`.
    func customerFeatures(asOf: Int64, top: [Int]) -> Frame {
        var topSlot = [Int32](repeating: -1, count: categories.count)
        var taken = Set<String>()
        var topNames: [String] = []
        for (slot, c) in top.enumerated() {
            topSlot[c] = Int32(slot)
            topNames.append(ColumnName.unique("share_" + ColumnName.sanitise(categories[c]), &taken))
        }
        let signup = signupTimes()
        let builder = CustomerFeatureBuilder(
            log: log, itemCount: items.count, asOf: asOf, windows: settings.windows,
            itemCategory: categoryColumnName == nil ? [] : itemCategory,
            categoryCount: categoryColumnName == nil ? 0 : categories.count, topSlot: topSlot, topNames: topNames,
            signup: signup)
        let behaviour = builder.build(customers: customers.count)
        var fields = [
            Field("customer_index", .int32, nullable: false), Field("customer_id", customers.ids.type, nullable: false),
        ]
        var columns = [Column(.int32((0..<Int32(customers.count)).map { $0 })), customers.ids]
        for (name, c) in zip(behaviour.names, behaviour.columns) {
            fields.append(Field(name, c.type, nullable: c.type == .double))
            columns.append(c)
        }
        for (name, c) in demographics(asOf: asOf) {
            fields.append(Field(name, c.type))
            columns.append(c)
        }
        return try! Frame(schema: Schema(Self.uniqueNames(fields)), columns: columns)
    }

    private static func uniqueNames(_ fields: [Field]) -> [Field] {
        var taken = Set<String>()
        return fields.map { f in
            var g = f
            g.name = ColumnName.unique(f.name, &taken)
            return g
        }
    }

    private func signupTimes() -> [Int64?] {
        var out = [Int64?](repeating: nil, count: customers.count)
        guard let t = customerTable, let name = settings.signupColumn, let i = t.schema.index(of: name) else {
            return out
        }
        let c = t.columns[i]
        for (customer, row) in customerRow.enumerated() where row >= 0 && !c.isNull(row) {
            switch c.values {
            case .timestamp(let v): out[customer] = v[row]
            case .date(let v): out[customer] = Int64(v[row]) * EventLog.microsPerDay
            default: break
            }
        }
        return out
    }

    /// The demographic columns: numbers as they are, bools as 0/1, dates as days before `asOf`,
    /// strings one-hot over their most frequent levels (the rest in `<column>_other`); then
    /// `completeness`, the share of the profile columns known (not null, not imputed).
    func demographics(asOf: Int64) -> [(String, Column)] {
        guard let t = customerTable else { return [] }
        let n = customers.count
        var names: [String]
        if let given = settings.customerColumns {
            names = given
        } else {
            names = t.schema.names.filter { name in
                name != settings.customerKey && !(name.hasSuffix("_imputed") && t[name]?.type == .bool)
            }
        }
        var out: [(String, Column)] = []
        var knownCount = [Int](repeating: 0, count: n)
        var profileColumns = 0
        for name in names {
            guard let ci = t.schema.index(of: name) else { continue }
            let c = t.columns[ci]
            let imputed = t["\(name)_imputed"].flatMap { col -> [Bool]? in
                if case .bool(let v) = col.values { return v } else { return nil }
            }
            profileColumns += 1
            for (customer, row) in customerRow.enumerated() where row >= 0 {
                if !c.isNull(row) && !(imputed?[row] ?? false) { knownCount[customer] += 1 }
            }
            if name == settings.signupColumn { continue }
            switch c.type {
            case .int32, .int64, .double, .bool:
                let v = Self.doubles(c)
                out.append((ColumnName.sanitise(name), gatherDoubles(v)))
            case .date, .timestamp:
                var v = Self.doubles(c)
                let scale = c.type == .date ? 1.0 : Double(EventLog.microsPerDay)
                let reference = c.type == .date ? Double(asOf) / Double(EventLog.microsPerDay) : Double(asOf)
                for i in 0..<v.count where !v[i].isNaN { v[i] = (reference - v[i]) / scale }
                out.append((ColumnName.sanitise(name) + "_days", gatherDoubles(v)))
            case .string:
                out += oneHot(name, c)
            }
        }
        if profileColumns > 0 {
            out.append(("completeness", Column(.double(knownCount.map { Double($0) / Double(profileColumns) }))))
        }
        return out
    }

    /// Per customer, the value at their customer-table row (null when they have none or it is NaN).
    private func gatherDoubles(_ v: [Double]) -> Column {
        var values = [Double](repeating: 0, count: customers.count)
        var valid = [Bool](repeating: false, count: customers.count)
        for (customer, row) in customerRow.enumerated() where row >= 0 && !v[row].isNaN {
            values[customer] = v[row]
            valid[customer] = true
        }
        return Column(.double(values), validity: valid.allSatisfy { $0 } ? nil : valid)
    }

    private func oneHot(_ name: String, _ c: Column) -> [(String, Column)] {
        guard case .string(let s) = c.values else { return [] }
        let (index, codes) = KeyIndex.build([c])
        var frequency = [Int](repeating: 0, count: index.count)
        for code in codes[0] where code >= 0 { frequency[Int(code)] += 1 }
        // Most frequent first; ties by value (the index is sorted by value).
        let ranked = (0..<index.count).sorted {
            frequency[$0] > frequency[$1] || (frequency[$0] == frequency[$1] && $0 < $1)
        }
        let kept = Array(ranked.prefix(settings.maxLevels))
        var slot = [Int](repeating: -1, count: index.count)
        for (i, level) in kept.enumerated() { slot[level] = i }
        let hasOther = index.count > kept.count
        var columns = [[Double]](
            repeating: [Double](repeating: 0, count: customers.count), count: kept.count + (hasOther ? 1 : 0))
        for (customer, row) in customerRow.enumerated() where row >= 0 && codes[0][row] >= 0 {
            let k = slot[Int(codes[0][row])]
            columns[k >= 0 ? k : kept.count][customer] = 1
        }
        guard case .string(let levels) = index.ids.values else { return [] }
        _ = s
        var out: [(String, Column)] = []
        let base = ColumnName.sanitise(name)
        for (i, level) in kept.enumerated() {
            out.append((base + "_" + ColumnName.sanitise(levels[level]), Column(.double(columns[i]))))
        }
        if hasOther { out.append((base + "_other", Column(.double(columns[kept.count])))) }
        return out
    }

    // MARK: Churn

    /// Customers with activity up to `cutoff`, their features as of it (share columns for the
    /// categories `top`), and whether they made no purchase in the horizon after it.
    func churnFeatures(cutoff: Int64, top: [Int], settings: FeaturesSettings) -> (frame: Frame, churned: Int) {
        let features = customerFeatures(asOf: cutoff, top: top)
        let horizonEnd = cutoff + Int64(settings.horizonDays) * EventLog.microsPerDay
        let activity = settings.activityTypes.map(Set.init)
        let isActivity = log.types.map { activity?.contains($0) ?? true }
        var active: [Int] = []
        var churned: [Bool] = []
        for c in 0..<customers.count {
            var wasActive = false
            var bought = false
            for r in log.offsets[c]..<log.offsets[c + 1] {
                let t = log.time[r]
                if t <= cutoff {
                    if isActivity[Int(log.type[r])] { wasActive = true }
                } else if t <= horizonEnd {
                    if log.isPurchase(r) {
                        bought = true
                        break
                    }
                } else {
                    break
                }
            }
            if wasActive {
                active.append(c)
                churned.append(!bought)
            }
        }
        var frame = features.gather(active)
        frame = try! Frame(
            schema: Schema(frame.schema.fields + [Field("churned", .bool, nullable: false)]),
            columns: frame.columns + [Column(.bool(churned))])
        return (frame, churned.reduce(0) { $0 + ($1 ? 1 : 0) })
    }

    // MARK: Items

    /// `item_features`: events of each type, distinct buyers, mean purchase price and days since
    /// the last sale, as of `asOf`.
    func itemFeatures(asOf: Int64) -> Frame {
        let m = items.count
        let typeCount = log.types.count
        var counts = [Int64](repeating: 0, count: m * typeCount)
        var priceSum = [Double](repeating: 0, count: m)
        var priceCount = [Int](repeating: 0, count: m)
        var lastSale = [Int64?](repeating: nil, count: m)
        for r in 0..<log.rowCount where (log.timeValid?[r] ?? true) && log.time[r] <= asOf && log.item[r] >= 0 {
            let item = Int(log.item[r])
            counts[item * typeCount + Int(log.type[r])] += 1
            guard log.isPurchase(r) else { continue }
            if let p = log.price?[r], !p.isNaN {
                priceSum[item] += p
                priceCount[item] += 1
            }
            if lastSale[item].map({ log.time[r] > $0 }) ?? true { lastSale[item] = log.time[r] }
        }
        var buyers = [Int64](repeating: 0, count: m)
        var stamp = [Int32](repeating: -1, count: max(m, 1))
        for c in 0..<customers.count {
            for r in log.offsets[c]..<log.offsets[c + 1] {
                if log.time[r] > asOf { break }
                let item = Int(log.item[r])
                if item >= 0 && log.isPurchase(r) && stamp[item] != Int32(c) {
                    stamp[item] = Int32(c)
                    buyers[item] += 1
                }
            }
        }
        var fields = [Field("item_index", .int32, nullable: false), Field("item_id", items.ids.type, nullable: false)]
        var columns = [Column(.int32((0..<Int32(m)).map { $0 })), items.ids]
        if let name = categoryColumnName {
            fields.append(Field(ColumnName.sanitise(name), .string))
            let valid = itemCategory.map { $0 >= 0 }
            columns.append(
                Column(
                    .string(StringArray(itemCategory.map { $0 >= 0 ? categories[Int($0)] : "" })),
                    validity: valid.allSatisfy { $0 } ? nil : valid))
        }
        for (t, type) in log.types.enumerated() {
            fields.append(Field(ColumnName.sanitise(type) + "_count", .int64, nullable: false))
            columns.append(Column(.int64((0..<m).map { counts[$0 * typeCount + t] })))
        }
        fields.append(Field("buyers", .int64, nullable: false))
        columns.append(Column(.int64(buyers)))
        if log.price != nil {
            fields.append(Field("mean_price", .double))
            let valid = priceCount.map { $0 > 0 }
            columns.append(
                Column(
                    .double((0..<m).map { priceCount[$0] > 0 ? priceSum[$0] / Double(priceCount[$0]) : 0 }),
                    validity: valid.allSatisfy { $0 } ? nil : valid))
        }
        fields.append(Field("days_since_last_sale", .double))
        let day = Double(EventLog.microsPerDay)
        let saleValid = lastSale.map { $0 != nil }
        columns.append(
            Column(
                .double(lastSale.map { $0.map { Double(asOf - $0) / day } ?? 0 }),
                validity: saleValid.allSatisfy { $0 } ? nil : saleValid))
        return try! Frame(schema: Schema(Self.uniqueNames(fields)), columns: columns)
    }

    /// `item_terms` (item, term, TF-IDF weight; rows by item, then term) and `vocabulary` (term,
    /// document frequency, idf), over the catalogue's text columns joined by a space.
    func itemTerms(settings: FeaturesSettings, stage: String) throws(StageError) -> (terms: Frame, vocabulary: Frame) {
        let termsSchema = Schema([
            Field("item_index", .int32, nullable: false), Field("item_id", items.ids.type, nullable: false),
            Field("term", .string, nullable: false), Field("weight", .double, nullable: false),
        ])
        let vocabularySchema = Schema([
            Field("term", .string, nullable: false), Field("document_frequency", .int64, nullable: false),
            Field("idf", .double, nullable: false),
        ])
        var textColumns: [Column] = []
        if let t = itemTable {
            for name in settings.textColumns {
                guard let i = t.schema.index(of: name) else {
                    if settings.explicitItemColumns.contains("text") {
                        throw .unknownColumn(
                            stage: stage, table: settings.itemsTable ?? "items", column: name,
                            available: t.schema.names,
                            path: "params.item_columns.text")
                    }
                    continue
                }
                guard t.columns[i].type == .string else {
                    throw .unsupportedColumnType(
                        stage: stage, table: settings.itemsTable ?? "items", column: name, type: t.columns[i].type,
                        expected: "a string column", path: "params.item_columns.text")
                }
                textColumns.append(t.columns[i])
            }
        }
        let documented = (0..<items.count).filter { itemRow[$0] >= 0 }
        guard !textColumns.isEmpty, !documented.isEmpty else {
            return (Self.emptyFrame(termsSchema), Self.emptyFrame(vocabularySchema))
        }
        let documents = documented.map { item -> String in
            let row = itemRow[item]
            return textColumns.compactMap { c -> String? in
                guard case .string(let s) = c.values, !c.isNull(row) else { return nil }
                return s[row]
            }.joined(separator: " ")
        }
        let configuration = TFIDF.Configuration(
            lowercase: settings.lowercase, stopWords: settings.stopWords ? TFIDF.englishStopWords : [],
            minDF: settings.minDF, maxDF: settings.maxDF, sublinearTF: settings.sublinearTF)
        let fitted: (model: TFIDF.Model, weights: SparseMatrix)
        do { fitted = try TFIDF(configuration).fitTransform(documents) } catch {
            throw .invalidParameter(stage: stage, path: "params.text", message: error.description)
        }
        let w = fitted.weights
        var itemIndex: [Int32] = [], idRows: [Int] = [], terms = StringArray(), weights: [Double] = []
        for (d, item) in documented.enumerated() {
            for k in w.range(ofRow: d) {
                itemIndex.append(Int32(item))
                idRows.append(item)
                terms.append(fitted.model.terms[Int(w.columnIndices[k])])
                weights.append(w.values[k])
            }
        }
        let termFrame = try! Frame(
            schema: termsSchema,
            columns: [
                Column(.int32(itemIndex)), items.ids.gather(idRows), Column(.string(terms)), Column(.double(weights)),
            ])
        let vocabulary = try! Frame(
            schema: vocabularySchema,
            columns: [
                Column(.string(StringArray(fitted.model.terms))),
                Column(.int64(fitted.model.documentFrequencies.map(Int64.init))), Column(.double(fitted.model.idf)),
            ])
        return (termFrame, vocabulary)
    }

    static func emptyFrame(_ schema: Schema) -> Frame {
        try! Frame(schema: schema, columns: schema.fields.map { Column(ColumnValues.empty($0.type)) })
    }

    // MARK: Interactions

    func interactionFrame(_ t: InteractionTable, fold: [Int32]? = nil) -> Frame {
        var fields = [
            Field("customer_index", .int32, nullable: false), Field("item_index", .int32, nullable: false),
            Field("customer_id", customers.ids.type, nullable: false),
            Field("item_id", items.ids.type, nullable: false),
            Field("strength", .double, nullable: false), Field("events", .int64, nullable: false),
            Field("rating", .double), Field("first_time", .timestamp, nullable: false),
            Field("last_time", .timestamp, nullable: false),
        ]
        let ratingValid = t.rating.map { !$0.isNaN }
        var columns = [
            Column(.int32(t.customer)), Column(.int32(t.item)), customers.ids.gather(t.customer.map(Int.init)),
            items.ids.gather(t.item.map(Int.init)), Column(.double(t.strength)), Column(.int64(t.events)),
            Column(
                .double(t.rating.map { $0.isNaN ? 0 : $0 }), validity: ratingValid.allSatisfy { $0 } ? nil : ratingValid
            ),
            Column(.timestamp(t.first)), Column(.timestamp(t.last)),
        ]
        if let fold {
            fields.append(Field("fold", .int32, nullable: false))
            columns.append(Column(.int32(fold)))
        }
        return try! Frame(schema: Schema(fields), columns: columns)
    }
}
