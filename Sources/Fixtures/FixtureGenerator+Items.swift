/// The item catalogue table: clean, no planted defects.
extension FixtureGenerator {
    struct ItemsResult {
        let table: TruthValue
        let perItem: [TruthValue]
        let lines: Int
    }

    static func writeItems(
        _ catalogue: Catalogue, options: FixtureOptions, path: String, formatter: TextFormatter
    ) throws(FixtureError) -> ItemsResult {
        let sink = try TableSink(path: path, schema: FixtureTables.items, options: options, formatter: formatter)
        do {
            for item in catalogue.items {
                try sink.append([
                    .int(item.id), .text(item.title), .text(item.description),
                    .text(Vocabulary.categories[item.category].name), .text(Vocabulary.brands[item.brand]),
                    .cents(item.priceCents),
                ])
            }
            try sink.finish()
        } catch {
            sink.abandon()
            throw error
        }
        let rows = sink.rowsWritten
        let lines = rows + (options.format == .csv ? 1 : 0)
        let table = TruthValue.object([
            "file": .string(options.fileName("items")),
            "columns": .array(FixtureTables.items.names.map { .string($0) }),
            "key": .string("item_id"),
            "physical_lines": .int(lines),
            "data_rows": .int(rows),
            "natural_rows": .int(rows),
            "valid_rows": .int(rows),
            "distinct_valid_rows": .int(rows),
            "defects": .object([:]),
            "categories": .array(Vocabulary.categories.map { .string($0.name) }),
            "natural_ranges": .string(
                "price 1.99-1999.99, always ending in .99; titles and descriptions may hold commas, double quotes and non-ASCII letters"
            ),
        ])
        let perItem: [TruthValue] = catalogue.items.map {
            .object(["item_id": .int($0.id), "factor": .int($0.factor)])
        }
        return ItemsResult(table: table, perItem: perItem, lines: lines)
    }
}
