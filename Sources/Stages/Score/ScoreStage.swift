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
        name: name, algorithmVersion: "1", parameters: ScoreSettings.specs,
        reads: [
            .table("interactions"), .table("customer_index"), .table("item_index"), .table("item_terms"),
            .table("models"),
            .parameter("items"), .whenSet("segments", ["customer_features", "segment_model"]),
            .whenSet("churn", ["customer_features", "churn_model"]),
        ],
        writes: [
            .table("recommendations"), .whenSet("segments", ["customer_segments"]), .whenSet("churn", ["churn_scores"]),
        ],
        summary: "Recommendations with reasons, customer segments and churn risk for every customer.")

    public init() {}

    public func run(_ context: StageContext) throws -> StageResult {
        let settings = try ScoreSettings(context.params, stage: Self.name)
        let io = TableStageIO(stage: Self.name, context: context)
        let customers = try io.read("customer_index")
        let items = try io.read("item_index")
        let customerCount = customers.rowCount, itemCount = items.rowCount
        let catalogue = try settings.itemsTable.map { t throws(StageError) in try io.read(t) }
        let interactions = try io.read("interactions")
        let histories = try Self.matrix(interactions, customers: customerCount, items: itemCount)
        var counters: [(key: String, value: JSONValue)] = [
            ("customers", .int(customerCount)), ("items", .int(itemCount)),
        ]

        // Segments first: cold-start popularity is per segment.
        var segmentOf = [Int32](repeating: -1, count: customerCount)
        var segmentNames: [String] = []
        var features: Frame? = nil
        if settings.segments || settings.churn { features = try io.read("customer_features") }
        if settings.segments, let features {
            let model = try SegmentModel.load(try io.read("segment_model"))
            let assigned = try model.assign(features, table: "customer_features")
            let index = try Self.customerIndex(features, count: customerCount)
            for (row, c) in index.enumerated() { segmentOf[c] = assigned[row] }
            segmentNames = model.segmentNames
            try io.write(Self.segmentFrame(customers, segmentOf, model), table: "customer_segments")
            var sizes = [Int](repeating: 0, count: segmentNames.count)
            for s in segmentOf where s >= 0 { sizes[Int(s)] += 1 }
            counters.append(
                ("segments", .object(segmentNames.enumerated().map { ($1, .int(sizes[$0])) })))
        }
        if settings.churn, let features {
            let model = try ChurnModel.load(try io.read("churn_model"))
            let scores = try model.scores(features, table: "customer_features", top: model.featureNames.count)
            let index = try Self.customerIndex(features, count: customerCount)
            let frame = Self.churnFrame(customers, index: index, scores: scores, settings: settings)
            try io.write(frame.frame, table: "churn_scores")
            counters.append(("churn_bands", .object(frame.bands)))
        }

        // Recommendations.
        let directory = (context.inputPath("models")! as NSString).deletingLastPathComponent
        let models: [String: TrainedModel]
        do { models = try TrainedModels.load(directory: directory, only: [settings.model]) } catch {
            throw StageError.invalidParameter(stage: Self.name, path: "params.model", message: error.description)
        }
        guard let trained = models[settings.model] else {
            let trained = (try? TrainedModels.names(directory: directory)) ?? []
            throw StageError.invalidParameter(
                stage: Self.name, path: "params.model",
                message: "no model '\(settings.model)' was trained"
                    + DidYouMean.hint(for: settings.model, among: trained)
                    + "; trained: " + trained.joined(separator: ", "))
        }
        guard case .ranking(let model) = trained else {
            throw StageError.invalidParameter(
                stage: Self.name, path: "params.model",
                message: "'\(settings.model)' is a rating model; name a ranking model (popularity, item_knn, als, …)")
        }
        let catalogueInfo = try CatalogueInfo(
            catalogue, items: items, settings: settings, stage: Self.name, itemCount: itemCount)
        let recommender = Recommending(
            model: model, modelName: settings.model, histories: histories, catalogue: catalogueInfo,
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

    /// The `customer_index` of each row of a features table.
    static func customerIndex(_ f: Frame, count: Int) throws(StageError) -> [Int] {
        guard case .int32(let v)? = f["customer_index"]?.values, v.allSatisfy({ $0 >= 0 && Int($0) < count }) else {
            throw .invalidParameter(
                stage: name, path: "customer_features",
                message: "expected an int32 customer_index column within the customer index")
        }
        return v.map(Int.init)
    }

    static func segmentFrame(_ customers: Frame, _ segmentOf: [Int32], _ model: SegmentModel) -> Frame {
        let rows = (0..<customers.rowCount).filter { segmentOf[$0] >= 0 || model.method != "kmeans" }
        return try! Frame(
            schema: Schema([
                Field("customer_index", .int32, nullable: false), customers.schema.fields[1],
                Field("segment", .int32, nullable: false), Field("segment_name", .string, nullable: false),
            ]),
            columns: [
                Column(.int32(rows.map { Int32($0) })), customers.columns[1].gather(rows),
                Column(.int32(rows.map { segmentOf[$0] })),
                Column(.string(StringArray(rows.map { model.name(of: segmentOf[$0]) }))),
            ])
    }

    static func churnFrame(_ customers: Frame, index: [Int], scores: ChurnModel.Scores, settings: ScoreSettings)
        -> (frame: Frame, bands: [(key: String, value: JSONValue)])
    {
        let order = index.indices.sorted { index[$0] < index[$1] }
        var band: [String] = []
        var drivers: [[String?]] = [[], [], []]
        var counts = [Int](repeating: 0, count: settings.bandNames.count)
        for row in order {
            let p = scores.probabilities[row]
            let b = settings.bandCuts.firstIndex { p < $0 } ?? settings.bandCuts.count
            counts[b] += 1
            band.append(settings.bandNames[b])
            let up = scores.reasons(row).filter { $0.contribution > 0 }.prefix(3).map(\.feature)
            for j in 0..<3 { drivers[j].append(j < up.count ? up[j] : nil) }
        }
        var fields = [
            Field("customer_index", .int32, nullable: false), customers.schema.fields[1],
            Field("probability", .double, nullable: false), Field("band", .string, nullable: false),
        ]
        var columns = [
            Column(.int32(order.map { Int32(index[$0]) })), customers.columns[1].gather(order.map { index[$0] }),
            Column(.double(order.map { scores.probabilities[$0] })), Column(.string(StringArray(band))),
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
