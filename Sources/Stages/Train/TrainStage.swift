import Foundation
import Frame
import Learn
import Parquet
import Pipeline

/// The `train` stage (recommendation and rating part): tunes each configured model on a
/// validation slice carved from train_interactions, evaluates it on test_interactions (or across
/// the k folds), refits it on all training pairs, and writes every fitted model as a table.
public struct TrainStage: StageImplementation {
    public static let name = "train"

    /// The tables the features stage produces that this stage reads.
    public static let inputTables = [
        "train_interactions", "test_interactions", "item_terms", "item_index", "customer_index",
    ]

    /// The tables the segments and churn components write.
    public static let segmentTables = ["segments", "segment_assignments", "segment_model"]
    public static let churnTables = [
        "churn_coefficients", "churn_model", "churn_evaluation", "churn_calibration", "churn_out_of_fold",
    ]

    public static let kind = StageKind(
        name: name, algorithmVersion: "3", parameters: TrainSettings.specs,
        reads: [
            .whenSet("models", inputTables), .parameter("segments.table"), .parameter("churn.table"),
        ],
        writes: [
            .whenSet("models", ["metrics", "trials", "models"]), .prefixedParameterKeys("models", prefix: "model_"),
            .whenSet("segments", segmentTables), .whenSet("churn", churnTables),
        ],
        summary: "Tune, evaluate and fit recommendation and rating models, customer segments and churn; "
            + "write metrics, trials and model tables.")

    public init() {}

    public func run(_ context: StageContext) throws -> StageResult {
        let settings = try TrainSettings(context.params, stage: Self.name)
        // Segments and churn first: a popularity model `by_segment` uses this run's segments.
        var sections: [(name: String, output: TrainingOutput)] = []
        for (section, train) in [
            ("segments", SegmentTraining.run), ("churn", ChurnTraining.run),
        ] as [(String, (JSONValue, String, Frame, String, Int64) throws(StageError) -> TrainingOutput)] {
            var params = context.params[section] ?? .null
            guard params != .null else { continue }
            let tableName = params["table"]?.stringValue ?? ""
            if params["key"] == nil || params["key"] == .null, case .object(var members) = params {
                members.removeAll { $0.key == "key" }
                members.append(("key", .string(StageTableKeys.customerKey(of: tableName, in: context.config))))
                params = .object(members)
            }
            let table = try TableStageIO(stage: Self.name, context: context).read(tableName)
            let output = try train(params, "params." + section, table, tableName, context.seed)
            for (name, frame) in output.tables { try write(frame, name, context) }
            sections.append((section, output))
            context.log.info("\(section): trained on \(table.rowCount) rows of '\(tableName)'")
        }
        var counters: [(key: String, value: JSONValue)] = []
        var metrics: [(key: String, value: JSONValue)] = []
        if !settings.models.isEmpty {
            let segments = sections.first { $0.name == "segments" }?.output
            let output = try trainModels(settings, context, segments: segments)
            counters += output.counters.objectMembers ?? []
            metrics += output.metrics.objectMembers ?? []
        }
        for (section, output) in sections {
            counters.append((section, output.counters))
            metrics.append((section, output.metrics))
        }
        return StageResult(counters: .object(counters), metrics: .object(metrics))
    }

    private func write(_ frame: Frame, _ table: String, _ context: StageContext) throws(StageError) {
        do { try ParquetWriter.write(frame, to: context.outputPath(table)) } catch {
            throw StageError.parquet(stage: Self.name, table: table, error)
        }
    }

    /// The recommendation and rating models: tune, evaluate, refit, and write their tables.
    private func trainModels(_ settings: TrainSettings, _ context: StageContext, segments: TrainingOutput?) throws
        -> (counters: JSONValue, metrics: JSONValue)
    {
        var inputs = try TrainingInputReader(context: context).read()
        if let segments {
            inputs.segments = try Self.customerSegments(segments, context: context, customers: inputs.customerCount)
        } else if let model = settings.models.first(where: { m in
            m.grid.contains { $0.name == "by_segment" && $0.values.contains(.bool(true)) }
        }) {
            throw StageError.invalidParameter(
                stage: Self.name, path: model.path + ".by_segment",
                message: "popularity by segment needs segments fitted in this stage (params.segments)")
        }
        let log = context.log
        let training = TrainingRun(
            settings: settings, inputs: inputs, seed: UInt64(bitPattern: context.seed), log: { log.info($0) })
        let outcome = try training.run()
        let output = TrainOutput(settings: settings, inputs: inputs, outcome: outcome)
        for (table, frame) in output.tables { try write(frame, table, context) }
        // `models` last: it records each model table's SHA-256, so the score stage (which reads
        // it) reruns whenever any model changes.
        let models = output.modelTables
        var hashes: [String] = []
        for m in models {
            let table = TrainedModels.tableName(m.name)
            do { hashes.append(try SHA256Hex.ofFile(context.outputPath(table)).sha256) } catch {
                throw StageError.invalidParameter(stage: Self.name, path: table, message: "cannot hash: \(error)")
            }
        }
        try write(output.modelsFrame(models, tableHashes: hashes), "models", context)
        return (output.counters, output.metrics)
    }

    /// Each customer index's segment from the segments just fitted (matched on the customer id:
    /// segment_assignments' key column against customer_index's id column), −1 when the customer
    /// has none (not in the segmented table, or noise).
    static func customerSegments(_ segments: TrainingOutput, context: StageContext, customers: Int) throws(StageError)
        -> (of: [Int32], count: Int)
    {
        let index = try TableStageIO(stage: name, context: context).read("customer_index")
        guard let assignments = segments.tables.first(where: { $0.name == "segment_assignments" })?.frame,
            let count = segments.tables.first(where: { $0.name == "segments" })?.frame.rowCount,
            index.columns.count >= 2, assignments.columns.count >= 2,
            case .int32(let labels) = assignments.columns[1].values
        else {
            throw StageError.invalidParameter(
                stage: name, path: "params.segments", message: "segments gave no customer assignments")
        }
        var segmentOf: [String: Int32] = [:]
        for r in 0..<assignments.rowCount {
            if let key = ValueFormatter.text(assignments.columns[0], r) { segmentOf[key] = labels[r] }
        }
        var out = [Int32](repeating: -1, count: customers)
        for r in 0..<min(customers, index.rowCount) {
            if let key = ValueFormatter.text(index.columns[1], r), let s = segmentOf[key], s >= 0 { out[r] = s }
        }
        return (out, count)
    }
}
