import Frame

/// The schemas of the three fixture tables, in file column order.
public enum FixtureTables {
    public static let customers = Schema([
        Field("customer_id", .int64, nullable: false),
        Field("signup_date", .date, nullable: false),
        Field("age", .int32),
        Field("gender", .string),
        Field("income", .double),
        Field("city", .string, nullable: false),
    ])

    public static let items = Schema([
        Field("item_id", .int64, nullable: false),
        Field("title", .string, nullable: false),
        Field("description", .string, nullable: false),
        Field("category", .string, nullable: false),
        Field("brand", .string, nullable: false),
        Field("price", .double, nullable: false),
    ])

    public static let events = Schema([
        Field("event_id", .int64, nullable: false),
        Field("customer_id", .int64, nullable: false),
        Field("item_id", .int64),
        Field("event_type", .string, nullable: false),
        Field("timestamp", .timestamp, nullable: false),
        Field("quantity", .int32),
        Field("price", .double),
        Field("session_id", .string, nullable: false),
        Field("query", .string),
        Field("rating", .int32),
        Field("ingested_at", .timestamp, nullable: false),
    ])
}
