import Frame

/// The rows a stage dropped, for its `rejects.parquet`: which table and input row, the rule that
/// dropped it, why, and the row's values as a JSON object.
struct RejectedRows {
    static let fileName = "rejects.parquet"
    static let schema = Schema([
        Field("source_table", .string, nullable: false),
        /// 0-based row of the stage's input table.
        Field("row", .int64, nullable: false),
        Field("rule", .string, nullable: false),
        Field("reason", .string, nullable: false),
        /// `{"column": value, …}`: every column of the dropped row, as `ValueFormatter.json` writes values.
        Field("values", .string, nullable: false),
    ])

    private var sourceTable = StringArray()
    private var row: [Int64] = []
    private var rule = StringArray()
    private var reason = StringArray()
    private var values = StringArray()

    var count: Int { row.count }

    /// Records input row `index` of `frame` (table `table`) as dropped by `rule`.
    mutating func add(table: String, frame: Frame, row index: Int, rule: String, reason: String) {
        sourceTable.append(table)
        row.append(Int64(index))
        self.rule.append(rule)
        self.reason.append(reason)
        var json = "{"
        for (k, (field, column)) in zip(frame.schema.fields, frame.columns).enumerated() {
            if k > 0 { json += "," }
            json += ValueFormatter.jsonString(field.name) + ":" + ValueFormatter.json(column, index)
        }
        values.append(json + "}")
    }

    var frame: Frame {
        try! Frame(
            schema: Self.schema,
            columns: [
                Column(.string(sourceTable)), Column(.int64(row)), Column(.string(rule)),
                Column(.string(reason)), Column(.string(values)),
            ])
    }
}
