import Foundation
import Frame
import Learn
import Parquet
import Pipeline

/// The `score` stage: what each customer sees tomorrow. Recommendations from a trained model over
/// the customer's whole history, with business filters, a per-category cap, a readable reason and
/// popularity (of the customer's segment, else overall) for customers with too little history;
/// the segment of every customer; and churn risk with its band and the features pushing it up.
public struct ScoreStage: StageImplementation {
    public static let name = "score"

    public static let kind = StageKind(
        name: name, algorithmVersion: "2", parameters: ScoreSettings.specs,
        reads: [
            .whenSet("model", ["interactions", "customer_index", "item_index", "item_terms", "models"]),
            .when("model", .parameter("items")), .when("segments", .parameter("customers")),
            .when("churn", .parameter("customers")), .whenSet("segments", ["segment_model"]),
            .whenSet("churn", ["churn_model"]),
        ],
        writes: [
            .whenSet("model", ["recommendations"]), .whenSet("segments", ["customer_segments"]),
            .whenSet("churn", ["churn_scores"]),
        ],
        summary: "Recommendations with reasons, customer segments and churn risk for every customer.")

    public init() {}

    public func run(_ context: StageContext) throws -> StageResult {
        let settings = try ScoreSettings(context.params, stage: Self.name)
        let io = TableStageIO(stage: Self.name, context: context)
        // The index tables come with recommendations; without them customers are numbered by table.
        let customerIndex = settings.model == nil ? nil : try io.read("customer_index")
        let items = settings.model == nil ? nil : try io.read("item_index")
        let customerCount = customerIndex?.rowCount ?? 0
        var counters: [(key: String, value: JSONValue)] = []
        if let customerIndex, let items {
            counters += [("customers", .int(customerIndex.rowCount)), ("items", .int(items.rowCount))]
        }

        // Segments first: cold-start popularity is per segment.
        var segmentOf = [Int32](repeating: -1, count: customerCount)
        var segmentNames: [String] = []
        var scored: ScoredCustomers? = nil
        if settings.segments || settings.churn, let table = settings.customersTable {
            let key = settings.customerKey ?? StageTableKeys.customerKey(of: table, in: context.config)
            let s = try ScoredCustomers(
                io.read(table), table: table, key: key, customerIndex: customerIndex, stage: Self.name)
            counters.append(("scored_customers", .int(s.rows.count)))
            if s.withoutKey > 0 {
                context.log.warning(
                    "table '\(table)': \(s.withoutKey) rows have no \(key) and get no segment "
                        + "or churn score", stage: context.stage.name)
                counters.append(("customers_without_key", .int(s.withoutKey)))
            }
            scored = s
        }
        if settings.segments, let scored {
            let model = try SegmentModel.load(try io.read("segment_model"))
            let assigned = try model.assign(scored.frame, table: scored.table)
            for (row, c) in zip(scored.rows, scored.index) where Int(c) < customerCount {
                segmentOf[Int(c)] = assigned[row]
            }
            segmentNames = model.segmentNames
            try io.write(Self.segmentFrame(scored, assigned, model), table: "customer_segments")
            var sizes = [Int](repeating: 0, count: segmentNames.count)
            for row in scored.rows where assigned[row] >= 0 { sizes[Int(assigned[row])] += 1 }
            counters.append(
                ("segments", .object(segmentNames.enumerated().map { ($1, .int(sizes[$0])) })))
        }
        if settings.churn, let scored {
            let model = try ChurnModel.load(try io.read("churn_model"))
            let scores = try model.scores(scored.frame, table: scored.table, top: model.featureNames.count)
            let frame = Self.churnFrame(scored, scores: scores, settings: settings)
            try io.write(frame.frame, table: "churn_scores")
            counters.append(("churn_bands", .object(frame.bands)))
        }

        // Recommendations.
        guard let modelName = settings.model, let customers = customerIndex, let items else {
            return StageResult(counters: .object(counters))
        }
        let itemCount = items.rowCount
        let catalogue = try settings.itemsTable.map { t throws(StageError) in try io.read(t) }
        let histories = try Self.matrix(io.read("interactions"), customers: customerCount, items: itemCount)
        let directory = (context.inputPath("models")! as NSString).deletingLastPathComponent
        let models: [String: TrainedModel]
        do { models = try TrainedModels.load(directory: directory, only: [modelName]) } catch {
            throw StageError.invalidParameter(stage: Self.name, path: "params.model", message: error.description)
        }
        guard let trained = models[modelName] else {
            let trained = (try? TrainedModels.names(directory: directory)) ?? []
            throw StageError.invalidParameter(
                stage: Self.name, path: "params.model",
                message: "no model '\(modelName)' was trained"
                    + DidYouMean.hint(for: modelName, among: trained)
                    + "; trained: " + trained.joined(separator: ", "))
        }
        guard case .ranking(let model) = trained else {
            throw StageError.invalidParameter(
                stage: Self.name, path: "params.model",
                message: "'\(modelName)' is a rating model; name a ranking model (popularity, item_knn, als, …)")
        }
        let catalogueInfo = try CatalogueInfo(
            catalogue, items: items, settings: settings, stage: Self.name, itemCount: itemCount)
        let recommender = Recommending(
            model: model, modelName: modelName, histories: histories, catalogue: catalogueInfo,
            segmentOf: segmentOf, segmentNames: segmentNames, settings: settings,
            terms: try Self.terms(io.read("item_terms")))
        let result = try recommender.run()
        try io.write(result.frame(customers: customers, items: items), table: "recommendations")
        counters += [
            ("recommendations", .int(result.rows)), ("cold_start_customers", .int(result.coldStart)),
            ("filled_from_popularity", .int(result.filled)), ("eligible_items", .int(catalogueInfo.eligibleCount)),
        ]
        return StageResult(counters: .object(counters))
    }

    /// The distinct terms of item_terms in byte order: how the content model numbers them.
    static func terms(_ f: Frame) -> [String] {
        guard case .string(let s)? = f["term"]?.values else { return [] }
        return Set((0..<s.count).map { s[$0] }).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// Interactions as a customers × items matrix of strengths.
    static func matrix(_ f: Frame, customers: Int, items: Int) throws(StageError) -> SparseMatrix {
        guard case .int32(let c)? = f["customer_index"]?.values, case .int32(let i)? = f["item_index"]?.values,
            case .double(let s)? = f["strength"]?.values
        else {
            throw .invalidParameter(
                stage: name, path: "interactions",
                message:
                    "expected int32 customer_index and item_index and a double strength (the features stage's table)")
        }
        return SparseMatrix(rows: customers, columns: items, rowIndices: c, columnIndices: i, values: s)
    }

    /// One row per scored customer: `customer_index`, `customer_id`, `segment`, `segment_name`. DBSCAN's
    /// noise (−1) is a row too: the customer was scored and belongs to no segment.
    static func segmentFrame(_ scored: ScoredCustomers, _ assigned: [Int32], _ model: SegmentModel) -> Frame {
        let segments = scored.rows.map { assigned[$0] }
        return try! Frame(
            schema: Schema([
                Field("customer_index", .int32, nullable: false), scored.idField,
                Field("segment", .int32, nullable: false), Field("segment_name", .string, nullable: false),
            ]),
            columns: [
                Column(.int32(scored.index)), scored.ids, Column(.int32(segments)),
                Column(.string(StringArray(segments.map { model.name(of: $0) }))),
            ])
    }

    static func churnFrame(_ scored: ScoredCustomers, scores: ChurnModel.Scores, settings: ScoreSettings)
        -> (frame: Frame, bands: [(key: String, value: JSONValue)])
    {
        var band: [String] = []
        var drivers: [[String?]] = [[], [], []]
        var counts = [Int](repeating: 0, count: settings.bandNames.count)
        for row in scored.rows {
            let p = scores.probabilities[row]
            let b = settings.bandCuts.firstIndex { p < $0 } ?? settings.bandCuts.count
            counts[b] += 1
            band.append(settings.bandNames[b])
            let up = scores.reasons(row).filter { $0.contribution > 0 }.prefix(3).map(\.feature)
            for j in 0..<3 { drivers[j].append(j < up.count ? up[j] : nil) }
        }
        var fields = [
            Field("customer_index", .int32, nullable: false), scored.idField,
            Field("probability", .double, nullable: false), Field("band", .string, nullable: false),
        ]
        var columns = [
            Column(.int32(scored.index)), scored.ids,
            Column(.double(scored.rows.map { scores.probabilities[$0] })), Column(.string(StringArray(band))),
        ]
        for j in 0..<3 {
            fields.append(Field("driver_\(j + 1)", .string))
            let valid = drivers[j].map { $0 != nil }
            columns.append(
                Column(
                    .string(StringArray(drivers[j].map { $0 ?? "" })), validity: valid.allSatisfy { $0 } ? nil : valid))
        }
        let frame = try! Frame(schema: Schema(fields), columns: columns)
        return (frame, settings.bandNames.enumerated().map { ($1, .int(counts[$0])) })
    }
}
