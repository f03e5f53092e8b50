import Frame

/// Small score tables (recommendations, customer_segments, churn_scores) in the score stage's
/// contract, for tests of what reads them (`export --crm`, the domain diff).
///
/// Customer `c` has `customer_id` 100 + c and item `i` has `item_id` 1000 + i: int64, or with
/// `stringIDs` the strings "c<100 + c>" and "i<1000 + i>".
public struct ScoreFrames {
    public struct Recommendation {
        public var item: Int32
        public var score: Double
        public var reason: String?
        public var model: String

        public init(_ item: Int32, _ score: Double, _ reason: String? = nil, model: String = "item_knn") {
            self.item = item
            self.score = score
            self.reason = reason
            self.model = model
        }
    }

    public var stringIDs: Bool

    public init(stringIDs: Bool = false) { self.stringIDs = stringIDs }

    func ids(_ indices: [Int32], base: Int64, prefix: String) -> (Column, DataType) {
        let values = indices.map { base + Int64($0) }
        if stringIDs { return (Column(.string(StringArray(values.map { prefix + String($0) }))), .string) }
        return (Column(.int64(values)), .int64)
    }

    func frame(_ fields: [(String, DataType, Bool)], _ columns: [Column]) -> Frame {
        // The columns are built here to the fields' lengths and types: a failure is a bug in the test.
        try! Frame(schema: Schema(fields.map { Field($0.0, $0.1, nullable: $0.2) }), columns: columns)
    }

    static func strings(_ values: [String?]) -> Column {
        Column(.string(StringArray(values.map { $0 ?? "" })), validity: values.map { $0 != nil })
    }

    /// Rows in (customer, rank) order; ranks are 1… in each customer's list order.
    public func recommendations(_ lists: [(customer: Int32, items: [Recommendation])]) -> Frame {
        let customers = lists.flatMap { l in l.items.map { _ in l.customer } }
        let recs = lists.flatMap(\.items)
        let ranks = lists.flatMap { l in l.items.indices.map { Int32($0 + 1) } }
        let (customerIDs, idType) = ids(customers, base: 100, prefix: "c")
        let (itemIDs, _) = ids(recs.map(\.item), base: 1000, prefix: "i")
        return frame(
            [
                ("customer_index", .int32, false), ("customer_id", idType, false), ("rank", .int32, false),
                ("item_index", .int32, false), ("item_id", idType, false), ("score", .double, false),
                ("model", .string, false), ("reason", .string, true),
            ],
            [
                Column(.int32(customers)), customerIDs, Column(.int32(ranks)), Column(.int32(recs.map(\.item))),
                itemIDs, Column(.double(recs.map(\.score))), Self.strings(recs.map(\.model)),
                Self.strings(recs.map(\.reason)),
            ])
    }

    public func segments(_ rows: [(customer: Int32, segment: Int32, name: String)]) -> Frame {
        let (customerIDs, idType) = ids(rows.map(\.customer), base: 100, prefix: "c")
        return frame(
            [
                ("customer_index", .int32, false), ("customer_id", idType, false), ("segment", .int32, false),
                ("segment_name", .string, false),
            ],
            [
                Column(.int32(rows.map(\.customer))), customerIDs, Column(.int32(rows.map(\.segment))),
                Self.strings(rows.map(\.name)),
            ])
    }

    /// `drivers` holds up to three names; missing ones are null.
    public func churn(_ rows: [(customer: Int32, probability: Double, band: String, drivers: [String])]) -> Frame {
        let (customerIDs, idType) = ids(rows.map(\.customer), base: 100, prefix: "c")
        let drivers = (0..<3).map { d in Self.strings(rows.map { d < $0.drivers.count ? $0.drivers[d] : nil }) }
        return frame(
            [
                ("customer_index", .int32, false), ("customer_id", idType, false), ("probability", .double, false),
                ("band", .string, false), ("driver_1", .string, true), ("driver_2", .string, true),
                ("driver_3", .string, true),
            ],
            [
                Column(.int32(rows.map(\.customer))), customerIDs, Column(.double(rows.map(\.probability))),
                Self.strings(rows.map(\.band)),
            ] + drivers)
    }
}
