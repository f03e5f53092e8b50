import Foundation
import Frame
import Learn
import Parquet
import Pipeline

/// The `features` stage: from an event log (and optionally a customer table and an item
/// catalogue) to what models use — customer and item features, TF-IDF item terms, weighted
/// (customer, item) interactions with dense indices, an evaluation split that never lets training
/// see the future, and churn labels whose features stop at the labelling cutoff.
public struct FeaturesStage: StageImplementation {
    public static let name = "features"

    public static let outputTables = [
        "customer_index", "item_index", "customer_features", "item_features", "item_terms", "vocabulary",
        "interactions", "train_interactions", "test_interactions", "churn_features",
    ]

    public static let kind = StageKind(
        name: name, algorithmVersion: "2", parameters: FeaturesSettings.specs,
        reads: [.parameter("events"), .parameter("customers"), .parameter("items")],
        writes: outputTables.map { .table($0) },
        summary: "Customer and item features, TF-IDF terms, interactions with an evaluation split, and churn labels.")

    public init() {}

    public func run(_ context: StageContext) throws -> StageResult {
        let settings = try FeaturesSettings(context.params, stage: Self.name)
        let io = TableStageIO(stage: Self.name, context: context)
        let customers = try settings.customersTable.map { t throws(StageError) in try io.read(t) }
        let items = try settings.itemsTable.map { t throws(StageError) in try io.read(t) }
        // The event frame lives only while it is encoded: its strings (types, order ids) are the
        // largest thing the stage would otherwise hold to the end.
        let (eventCount, inputs) = try { () throws(StageError) -> (Int, FeatureInputs) in
            let events = try Self.readEvents(settings, io: io, context: context)
            return (
                events.rowCount,
                try FeatureInputs(
                    events: events, customers: customers, items: items, settings: settings, stage: Self.name)
            )
        }()
        let log = inputs.log
        let asOf = settings.asOf ?? inputs.latestEvent
        context.log.info(
            "\(eventCount) events, \(inputs.customers.count) customers, \(inputs.items.count) items; as of "
                + Self.isoText(asOf))

        // Index tables.
        try io.write(Self.indexFrame("customer_index", inputs.customers), table: "customer_index")
        try io.write(Self.indexFrame("item_index", inputs.items), table: "item_index")

        // Customer features, as of `asOf`.
        // Top categories as of the churn cutoff, for both tables: they share their columns and no
        // category choice depends on what happens after the cutoff.
        let defaultCutoff = asOf - Int64(settings.horizonDays) * EventLog.microsPerDay
        let churnCutoff = settings.churnCutoff ?? defaultCutoff
        let top = inputs.topCategories(until: churnCutoff)
        let customerFeatures = inputs.customerFeatures(asOf: asOf, top: top)
        try io.write(customerFeatures, table: "customer_features")

        // Item features and text.
        try io.write(inputs.itemFeatures(asOf: asOf), table: "item_features")
        let text = try inputs.itemTerms(settings: settings, stage: Self.name)
        try io.write(text.terms, table: "item_terms")
        try io.write(text.vocabulary, table: "vocabulary")

        // Interactions and the split.
        let builder = InteractionBuilder(
            log: log, itemCount: inputs.items.count, asOf: asOf,
            typeWeights: log.types.map { settings.weight(of: $0) }, halfLifeDays: settings.halfLifeDays,
            useRating: settings.strength == .rating)
        if settings.strength == .rating && log.rating == nil {
            throw StageError.invalidParameter(
                stage: Self.name, path: "params.interactions.strength",
                message: "strength \"rating\" needs a rating column; table '\(settings.eventsTable)' has none "
                    + "(set params.columns.rating)")
        }
        let nCustomers = inputs.customers.count
        let all = builder.aggregate(customers: nCustomers)
        try io.write(inputs.interactionFrame(all), table: "interactions")
        var splitCounters: [(key: String, value: JSONValue)] = [("method", .string(settings.split.rawValue))]
        switch settings.split {
        case .holdout, .cutoff:
            let parts: (train: InteractionTable, test: InteractionTable)
            if settings.split == .holdout {
                parts = builder.holdout(all, customers: nCustomers, fraction: settings.testFraction)
                splitCounters.append(("fraction", .double(settings.testFraction)))
            } else {
                let cut = settings.splitCutoff ?? defaultCutoff
                parts = builder.cutoff(customers: nCustomers, at: cut)
                splitCounters.append(("cutoff", .string(Self.isoText(cut))))
            }
            try io.write(inputs.interactionFrame(parts.train), table: "train_interactions")
            try io.write(inputs.interactionFrame(parts.test), table: "test_interactions")
            splitCounters += [("train", .int(parts.train.count)), ("test", .int(parts.test.count))]
        case .kfold:
            let fold = InteractionBuilder.folds(count: all.count, folds: settings.folds, seed: context.seed)
            try io.write(inputs.interactionFrame(all, fold: fold), table: "train_interactions")
            try io.write(inputs.interactionFrame(InteractionTable()), table: "test_interactions")
            splitCounters += [("folds", .int(settings.folds)), ("train", .int(all.count)), ("test", 0)]
        case .none:
            try io.write(inputs.interactionFrame(all), table: "train_interactions")
            try io.write(inputs.interactionFrame(InteractionTable()), table: "test_interactions")
            splitCounters += [("train", .int(all.count)), ("test", 0)]
        }

        // Churn labels: features as of the cutoff, the label from the horizon after it.
        let churn = inputs.churnFeatures(cutoff: churnCutoff, top: top, settings: settings)
        try io.write(churn.frame, table: "churn_features")
        let horizonEnd = churnCutoff + Int64(settings.horizonDays) * EventLog.microsPerDay
        if horizonEnd > inputs.latestEvent {
            context.log.warning(
                "churn horizon ends after the latest event: customers labelled churned may still buy within it")
        }

        let counters: JSONValue = .object([
            ("events_in", .int(eventCount)),
            ("null_customer", .int(inputs.nullCustomerRows)),
            ("null_item", .int(inputs.nullItemRows)),
            ("null_time", .int(inputs.nullTimeRows)),
            ("after_as_of", .int(inputs.rowsAfter(asOf))),
            ("return_lines", .int(inputs.returnLines)),
            ("customers", .int(nCustomers)),
            ("items", .int(inputs.items.count)),
            ("event_types", .array(log.types.map { .string($0) })),
            ("interactions", .int(all.count)),
            ("split", .object(splitCounters)),
            ("item_terms", .int(text.terms.rowCount)),
            ("vocabulary", .int(text.vocabulary.rowCount)),
            (
                "churn",
                .object([
                    ("cutoff", .string(Self.isoText(churnCutoff))),
                    ("horizon_days", .int(settings.horizonDays)), ("labelled", .int(churn.frame.rowCount)),
                    ("churned", .int(churn.churned)),
                ])
            ),
            ("as_of", .string(Self.isoText(asOf))),
        ])
        return StageResult(counters: counters)
    }

    /// The event columns the roles use (all columns when a required one is missing, so the error
    /// lists them): the rest of a wide log is never decoded.
    static func readEvents(_ settings: FeaturesSettings, io: TableStageIO, context: StageContext) throws(StageError)
        -> Frame
    {
        let table = settings.eventsTable
        guard let path = context.inputPath(table) else { return try io.read(table) }
        do throws(ParquetError) {
            let reader = try ParquetReader(path: path)
            let available = Set(reader.schema.names)
            let r = settings.roles
            guard [r.customer, r.item, r.time].allSatisfy(available.contains) else { return try reader.read() }
            var names: [String] = []
            for name in [r.customer, r.item, r.time, r.eventType, r.quantity, r.price, r.rating, r.order]
            where name.map(available.contains) == true && !names.contains(name!) {
                names.append(name!)
            }
            return try reader.read(columns: names)
        } catch {
            throw .parquet(stage: name, table: table, error)
        }
    }

    /// A time as the ISO 8601 text logs and counters show.
    static func isoText(_ micros: Int64) -> String { ValueFormatter.text(Column(.timestamp([micros])), 0)! }

    static func indexFrame(_ name: String, _ index: KeyIndex) -> Frame {
        let id = name == "customer_index" ? "customer_id" : "item_id"
        return try! Frame(
            schema: Schema([Field(name, .int32, nullable: false), Field(id, index.ids.type, nullable: false)]),
            columns: [Column(.int32((0..<Int32(index.count)).map { $0 })), index.ids])
    }
}
