import Pipeline

/// The `score` stage's parameters.
struct ScoreSettings {
    /// Nil when the pipeline wants no recommendations (a customer table without events).
    var model: String?
    var k: Int
    var excludeSeen: Bool
    var minHistory: Int
    var itemsTable: String?
    var itemKey: String
    var titleColumn: String?
    var categoryColumn: String?
    var priceColumn: String?
    var inStockColumn: String?
    var excludeItems: [String]
    var excludeCategories: [String]
    var minPrice: Double?
    var maxPrice: Double?
    var maxPerCategory: Int?
    var reasonVerb: String
    var segments: Bool
    var churn: Bool
    var customersTable: String?
    /// Nil: the table's declared key, else customer_id (resolved by the stage, which sees the pipeline).
    var customerKey: String?
    var bandCuts: [Double]
    var bandNames: [String]

    static let itemColumnSpecs: [ParameterSpec] = [
        ParameterSpec("key", .string, default: "item_id", "The catalogue's id column."),
        ParameterSpec("title", .nullable(.string), default: "title", "Item title, quoted in reasons."),
        ParameterSpec("category", .nullable(.string), default: "category", "Category, for filters and the cap."),
        ParameterSpec("price", .nullable(.string), default: "price", "Price, for the price range."),
        ParameterSpec(
            "in_stock", .nullable(.string), default: .null,
            "A bool or numeric column: only items in stock (true, or > 0) are recommended."),
    ]

    static let filterSpecs: [ParameterSpec] = [
        ParameterSpec("exclude_items", .array(of: .string), default: [], "Item ids never recommended."),
        ParameterSpec("exclude_categories", .array(of: .string), default: [], "Categories never recommended."),
        ParameterSpec("min_price", .nullable(.double(0...1e15)), default: .null, "Lowest price recommended."),
        ParameterSpec("max_price", .nullable(.double(0...1e15)), default: .null, "Highest price recommended."),
        ParameterSpec(
            "max_per_category", .nullable(.int(1...100_000)), default: .null,
            "At most this many items of one category in a customer's list."),
    ]

    static let specs: [ParameterSpec] = [
        ParameterSpec(
            "model", .nullable(.string), default: nil,
            "The trained ranking model (a name in the train stage's models); null for no recommendations "
                + "(a customer table without events: segments and churn only)."),
        ParameterSpec("k", .int(1...10_000), default: 10, "Recommendations per customer."),
        ParameterSpec("exclude_seen", .bool, default: true, "Leave out items already in the customer's history."),
        ParameterSpec(
            "min_history", .int(0...1_000_000), default: 1,
            "Customers with fewer items in their history get the popularity of their segment (then overall)."),
        ParameterSpec("items", .nullable(.string), default: "items", "The item catalogue; null when there is none."),
        ParameterSpec("item_columns", .object(itemColumnSpecs), default: .object([]), "The catalogue's columns."),
        ParameterSpec("filters", .object(filterSpecs), default: .object([]), "Business filters."),
        ParameterSpec(
            "reason_verb", .string, default: "viewed or bought",
            "How reasons name the customer's own item: \"because you <verb> <title>\"."),
        ParameterSpec("segments", .bool, default: true, "Assign segments (needs the train stage's segment model)."),
        ParameterSpec("churn", .bool, default: true, "Score churn risk (needs the train stage's churn model)."),
        ParameterSpec(
            "customers", .nullable(.string), default: "customer_features",
            "The customers given a segment and a churn score: the features stage's table, or any customer table "
                + "with the columns the segment and churn models were trained on."),
        ParameterSpec(
            "customer_key", .nullable(.string), default: .null,
            "The customers table's id column, copied into customer_segments and churn_scores as customer_id; "
                + "null: the table's declared key when it is one column, else customer_id."),
        ParameterSpec(
            "churn_bands",
            .object([
                ParameterSpec(
                    "cuts", .array(of: .double(0...1), minCount: 1), default: [0.3, 0.6],
                    "Probabilities where the bands change, ascending."),
                ParameterSpec(
                    "names", .array(of: .string, minCount: 2), default: ["low", "medium", "high"],
                    "Band names, one more than cuts."),
            ]), default: .object([]), "Churn risk bands."),
    ]

    init(_ params: JSONValue, stage: String) throws(StageError) {
        let p = try ParameterReader(params, specs: Self.specs, stage: stage, path: "params")
        model = try p.string("model")
        k = Int(try p.int("k", in: 1...10_000) ?? 10)
        excludeSeen = try p.bool("exclude_seen")
        minHistory = Int(try p.int("min_history", in: 0...1_000_000) ?? 1)
        itemsTable = try p.string("items")
        let c = try ParameterReader(
            p.value("item_columns"), specs: Self.itemColumnSpecs, stage: stage, path: p.childPath("item_columns"))
        itemKey = try c.string("key") ?? "item_id"
        titleColumn = try c.string("title")
        categoryColumn = try c.string("category")
        priceColumn = try c.string("price")
        inStockColumn = try c.string("in_stock")
        let f = try ParameterReader(
            p.value("filters"), specs: Self.filterSpecs, stage: stage, path: p.childPath("filters"))
        excludeItems = try f.strings("exclude_items") ?? []
        excludeCategories = try f.strings("exclude_categories") ?? []
        minPrice = try f.double("min_price", in: 0...1e15)
        maxPrice = try f.double("max_price", in: 0...1e15)
        maxPerCategory = try f.int("max_per_category", in: 1...100_000).map(Int.init)
        reasonVerb = try p.string("reason_verb") ?? "viewed or bought"
        segments = try p.bool("segments")
        churn = try p.bool("churn")
        customersTable = try p.string("customers")
        customerKey = try p.string("customer_key")
        if customersTable == nil && (segments || churn) {
            throw .invalidParameter(
                stage: stage, path: p.childPath("customers"),
                message: "segments and churn score a customers table; name one, or set segments and churn to false")
        }
        if model == nil && !segments && !churn {
            throw .invalidParameter(
                stage: stage, path: p.childPath("model"),
                message: "with no model, segments and churn both false, the stage has nothing to write")
        }
        let b = try ParameterReader(
            p.value("churn_bands"), specs: Self.specs.last!.constraint.objectSpecs, stage: stage,
            path: p.childPath("churn_bands"))
        bandCuts = (try b.value("cuts").arrayValue ?? []).compactMap(\.doubleValue)
        bandNames = try b.strings("names") ?? []
        guard zip(bandCuts, bandCuts.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw b.fail("cuts", "ascending probabilities", try b.value("cuts"))
        }
        guard bandNames.count == bandCuts.count + 1 else {
            throw .invalidParameter(
                stage: stage, path: b.childPath("names"),
                message: "expected \(bandCuts.count + 1) names (one more than cuts), got \(bandNames.count)")
        }
        if let lo = minPrice, let hi = maxPrice, lo > hi {
            throw .invalidParameter(
                stage: stage, path: f.childPath("min_price"), message: "min_price \(lo) is above max_price \(hi)")
        }
    }
}
