import Ingest
import Pipeline

/// The `features` stage's parameters, read and checked: which tables and columns play which role,
/// the reference time, the windows, the interaction weights, the split and the churn labels.
struct FeaturesSettings {
    /// The event column of each role; nil when the role is absent from this log.
    struct Roles {
        var customer: String
        var item: String
        var time: String
        var eventType: String?
        var quantity: String?
        var price: String?
        var rating: String?
        var order: String?
    }

    enum Strength: String { case events, rating }

    enum SplitMethod: String { case holdout, cutoff, kfold, none }

    var eventsTable: String
    var customersTable: String?
    var itemsTable: String?
    /// Roles as given (defaults included); `resolve(against:)` drops the optional ones a log lacks.
    var roles: Roles
    /// Which optional roles name a column other than the default (those must exist).
    var explicitRoles: Set<String>
    /// Members of `customer_columns` and `item_columns` set to other than the default (those columns must exist).
    var explicitCustomerColumns: Set<String>
    var explicitItemColumns: Set<String>
    var customerKey: String
    var signupColumn: String?
    var customerColumns: [String]?
    var itemKey: String
    var categoryColumn: String?
    var textColumns: [String]
    var asOf: Int64?
    var windows: [Int]
    var purchaseTypes: [String]
    var viewTypes: [String]
    var defaultEventType: String
    var maxLevels: Int
    var topCategories: Int
    var strength: Strength
    var weights: [(type: String, weight: Double)]
    var defaultWeight: Double
    var halfLifeDays: Double?
    var stopWords: Bool
    var minDF: Int
    var maxDF: Double
    var sublinearTF: Bool
    var lowercase: Bool
    var split: SplitMethod
    var testFraction: Double
    var splitCutoff: Int64?
    var folds: Int
    var horizonDays: Int
    var churnCutoff: Int64?
    var activityTypes: [String]?

    static let roleSpecs: [ParameterSpec] = [
        ParameterSpec("customer", .string, default: "customer_id", "Column holding the customer id."),
        ParameterSpec("item", .string, default: "item_id", "Column holding the item id."),
        ParameterSpec("time", .string, default: "timestamp", "Timestamp or date column of the event."),
        ParameterSpec(
            "event_type", .nullable(.string), default: "event_type",
            "Column holding the event type; null (or absent) makes every row `default_event_type`."),
        ParameterSpec(
            "quantity", .nullable(.string), default: "quantity",
            "Units per line; a negative quantity is a return or cancellation. Absent means 1."),
        ParameterSpec("price", .nullable(.string), default: "price", "Unit price; spend is price × quantity."),
        ParameterSpec("rating", .nullable(.string), default: "rating", "Explicit rating (stars)."),
        ParameterSpec(
            "order", .nullable(.string), default: .null,
            "Order or invoice id grouping purchase lines; without it, the lines a customer bought at the same instant form one order."
        ),
    ]

    static let specs: [ParameterSpec] = [
        ParameterSpec("events", .string, default: "events", "The event log table."),
        ParameterSpec(
            "customers", .nullable(.string), default: "customers",
            "Customer table for demographics and tenure; null when there is none."),
        ParameterSpec(
            "items", .nullable(.string), default: "items",
            "Item catalogue for categories and text; null when there is none."),
        ParameterSpec(
            "columns", .object(roleSpecs), default: .object([]),
            "Which event column plays which role. An optional role whose default column is missing is left out; a column named here must exist."
        ),
        ParameterSpec(
            "customer_columns",
            .object([
                ParameterSpec("key", .string, default: "customer_id", "The customer table's id column."),
                ParameterSpec("signup", .nullable(.string), default: "signup_date", "Signup date, for tenure."),
                ParameterSpec(
                    "columns", .nullable(.array(of: .string)), default: .null,
                    "Demographic columns; null takes every other column (`_imputed` indicators excepted)."),
            ]), default: .object([]), "The customer table's columns."),
        ParameterSpec(
            "item_columns",
            .object([
                ParameterSpec("key", .string, default: "item_id", "The catalogue's id column."),
                ParameterSpec("category", .nullable(.string), default: "category", "Category column."),
                ParameterSpec(
                    "text", .array(of: .string), default: ["title", "description"],
                    "Text columns joined for TF-IDF (those missing from the catalogue are skipped)."),
            ]), default: .object([]), "The catalogue's columns."),
        ParameterSpec(
            "as_of", .nullable(.string), default: .null,
            "Reference time (ISO 8601) for recency and windows; null means the latest event. Later events are ignored."),
        ParameterSpec(
            "windows", .array(of: .int(1...36_500), minCount: 1), default: [7, 30, 90],
            "Window lengths in days for per-type counts: as_of − w days < t ≤ as_of."),
        ParameterSpec(
            "purchase_types", .array(of: .string, minCount: 1), default: ["purchase"], "Event types that are purchases."
        ),
        ParameterSpec(
            "view_types", .array(of: .string), default: ["view"], "Event types that are views, for conversion."),
        ParameterSpec(
            "default_event_type", .string, default: "purchase",
            "The type of every event when the log has no event-type column (invoice lines are purchases)."),
        ParameterSpec(
            "max_levels", .int(1...1000), default: 10,
            "One-hot columns per categorical demographic (most frequent levels; the rest go to `<column>_other`)."),
        ParameterSpec(
            "top_categories", .int(0...1000), default: 10, "Categories given a share-of-spend column, by total spend."),
        ParameterSpec(
            "interactions",
            .object([
                ParameterSpec(
                    "strength", .oneOf(["events", "rating"]), default: "events",
                    "events: weighted event counts; rating: the customer's last rating of the item."),
                ParameterSpec(
                    "weights", .map(of: .double(0...1e6)), default: ["view": 1, "cart": 3, "purchase": 5],
                    "Weight per event type."),
                ParameterSpec("default_weight", .double(0...1e6), default: 1, "Weight of a type not in `weights`."),
                ParameterSpec(
                    "half_life_days", .nullable(.double(1e-6...1e6)), default: .null,
                    "Time decay: an event half_life_days before as_of counts half. Null: no decay."),
            ]), default: .object([]), "How (customer, item) interactions are weighted."),
        ParameterSpec(
            "text",
            .object([
                ParameterSpec("stop_words", .oneOf(["none", "english"]), default: "none", "Stop words removed."),
                ParameterSpec("min_df", .int(1...Int64(Int32.max)), default: 1, "Fewest items a term must occur in."),
                ParameterSpec("max_df", .double(0...1), default: 1.0, "Largest share of items a term may occur in."),
                ParameterSpec("sublinear_tf", .bool, default: false, "Use 1 + ln(tf)."),
                ParameterSpec("lowercase", .bool, default: true, "Lower-case before tokenising."),
            ]), default: .object([]), "TF-IDF over the catalogue's text columns."),
        ParameterSpec(
            "split",
            .object([
                ParameterSpec(
                    "method", .oneOf(["holdout", "cutoff", "kfold", "none"]), default: "holdout",
                    "holdout: each customer's latest interactions; cutoff: everything after a time; kfold: seeded folds; none."
                ),
                ParameterSpec(
                    "fraction", .double(0.000001...0.999999), default: 0.2,
                    "Holdout: share of each customer's interactions held out (at least one stays in training)."),
                ParameterSpec(
                    "cutoff", .nullable(.string), default: .null,
                    "Cutoff time (ISO 8601); null: as_of minus the churn horizon."),
                ParameterSpec("folds", .int(2...100), default: 5, "kfold: number of folds."),
            ]), default: .object([]), "How interactions are split for evaluation."),
        ParameterSpec(
            "churn",
            .object([
                ParameterSpec(
                    "horizon_days", .int(1...36_500), default: 30,
                    "A customer churned when no purchase follows within this many days."),
                ParameterSpec(
                    "cutoff", .nullable(.string), default: .null,
                    "Labelling time (ISO 8601); null: as_of minus the horizon."),
                ParameterSpec(
                    "activity_types", .nullable(.array(of: .string, minCount: 1)), default: .null,
                    "Event types that make a customer active before the cutoff; null: any event."),
            ]), default: .object([]), "Churn labels for customers active before a cutoff."),
    ]

    init(_ params: JSONValue, stage: String) throws(StageError) {
        let p = try ParameterReader(params, specs: Self.specs, stage: stage, path: "params")
        eventsTable = try p.string("events") ?? "events"
        customersTable = try p.string("customers")
        itemsTable = try p.string("items")

        let c = try ParameterReader(
            p.value("columns"), specs: Self.roleSpecs, stage: stage, path: p.childPath("columns"))
        explicitRoles = Self.nonDefault(c)
        roles = Roles(
            customer: try c.string("customer") ?? "customer_id", item: try c.string("item") ?? "item_id",
            time: try c.string("time") ?? "timestamp", eventType: try c.string("event_type"),
            quantity: try c.string("quantity"), price: try c.string("price"), rating: try c.string("rating"),
            order: try c.string("order"))

        let cc = try ParameterReader(
            p.value("customer_columns"), specs: Self.section("customer_columns"), stage: stage,
            path: p.childPath("customer_columns"))
        explicitCustomerColumns = Self.nonDefault(cc)
        customerKey = try cc.string("key") ?? "customer_id"
        signupColumn = try cc.string("signup")
        customerColumns = try cc.strings("columns")

        let ic = try ParameterReader(
            p.value("item_columns"), specs: Self.section("item_columns"), stage: stage,
            path: p.childPath("item_columns"))
        explicitItemColumns = Self.nonDefault(ic)
        itemKey = try ic.string("key") ?? "item_id"
        categoryColumn = try ic.string("category")
        textColumns = try ic.strings("text") ?? []

        asOf = try Self.time(p, "as_of", stage: stage)
        windows = try Self.ints(p, "windows")
        purchaseTypes = try p.strings("purchase_types") ?? []
        viewTypes = try p.strings("view_types") ?? []
        defaultEventType = try p.string("default_event_type") ?? "purchase"
        maxLevels = Int(try p.int("max_levels", in: 1...1000) ?? 10)
        topCategories = Int(try p.int("top_categories", in: 0...1000) ?? 10)

        let i = try ParameterReader(
            p.value("interactions"), specs: Self.section("interactions"), stage: stage,
            path: p.childPath("interactions"))
        strength = Strength(rawValue: try i.oneOf("strength", ["events", "rating"]))!
        weights = []
        for m in try i.object("weights") {
            guard let w = m.value.doubleValue, w >= 0 else {
                throw i.fail("weights." + m.key, "a number ≥ 0", m.value)
            }
            weights.append((m.key, w))
        }
        defaultWeight = try i.double("default_weight", in: 0...1e6) ?? 1
        halfLifeDays = try i.double("half_life_days", in: 1e-6...1e6)

        let t = try ParameterReader(
            p.value("text"), specs: Self.section("text"), stage: stage, path: p.childPath("text"))
        stopWords = try t.oneOf("stop_words", ["none", "english"]) == "english"
        minDF = Int(try t.int("min_df", in: 1...Int64(Int32.max)) ?? 1)
        maxDF = try t.double("max_df", in: 0...1) ?? 1
        sublinearTF = try t.bool("sublinear_tf")
        lowercase = try t.bool("lowercase")

        let s = try ParameterReader(
            p.value("split"), specs: Self.section("split"), stage: stage, path: p.childPath("split"))
        split = SplitMethod(rawValue: try s.oneOf("method", ["holdout", "cutoff", "kfold", "none"]))!
        testFraction = try s.double("fraction", in: 0.000001...0.999999) ?? 0.2
        splitCutoff = try Self.time(s, "cutoff", stage: stage)
        folds = Int(try s.int("folds", in: 2...100) ?? 5)

        let h = try ParameterReader(
            p.value("churn"), specs: Self.section("churn"), stage: stage, path: p.childPath("churn"))
        horizonDays = Int(try h.int("horizon_days", in: 1...36_500) ?? 30)
        churnCutoff = try Self.time(h, "cutoff", stage: stage)
        activityTypes = try h.strings("activity_types")
    }

    /// The members whose value differs from the default. The validator fills defaults in, so a
    /// column that is "named" is one other than the default: a default column that a log lacks
    /// leaves its role out, while a column the user chose must exist.
    private static func nonDefault(_ p: ParameterReader) -> Set<String> {
        Set(p.members.filter { m in p.specs.first { $0.name == m.key }?.defaultValue != m.value }.map(\.key))
    }

    /// The member specs of the object parameter `name`.
    static func section(_ name: String) -> [ParameterSpec] {
        specs.first { $0.name == name }!.constraint.objectSpecs
    }

    private static func time(_ p: ParameterReader, _ key: String, stage: String) throws(StageError) -> Int64? {
        guard let text = try p.string(key) else { return nil }
        guard let t = ISOTimestamp.micros(text) else {
            throw .invalidParameter(
                stage: stage, path: p.childPath(key),
                message: "expected an ISO 8601 date or time (2024-06-30 or 2024-06-30T12:00:00Z), got \"\(text)\"")
        }
        return t
    }

    private static func ints(_ p: ParameterReader, _ key: String) throws(StageError) -> [Int] {
        let v = try p.value(key)
        guard let items = v.arrayValue, !items.isEmpty else { throw p.fail(key, "a non-empty array of integers", v) }
        var out: [Int] = []
        for item in items {
            guard let i = item.intValue, (1...36_500).contains(i) else {
                throw p.fail(key, "an array of integers in 1...36500", v)
            }
            out.append(Int(i))
        }
        return out
    }

    /// The weight of events of `type`.
    func weight(of type: String) -> Double { weights.first { $0.type == type }?.weight ?? defaultWeight }
}

extension ParameterConstraint {
    /// The member specs of an object constraint.
    var objectSpecs: [ParameterSpec] {
        if case .object(let specs) = self { return specs }
        if case .nullable(let inner) = self { return inner.objectSpecs }
        return []
    }
}
