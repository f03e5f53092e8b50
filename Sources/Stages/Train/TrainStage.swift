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
        name: name, algorithmVersion: "1", parameters: TrainSettings.specs,
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
        var counters: [(key: String, value: JSONValue)] = []
        var metrics: [(key: String, value: JSONValue)] = []
        if !settings.models.isEmpty {
            let output = try trainModels(settings, context)
            counters += output.counters.objectMembers ?? []
            metrics += output.metrics.objectMembers ?? []
        }
        for (section, train) in [
            ("segments", SegmentTraining.run), ("churn", ChurnTraining.run),
        ] as [(String, (JSONValue, String, Frame, String, Int64) throws(StageError) -> TrainingOutput)] {
            let params = context.params[section] ?? .null
            guard params != .null else { continue }
            let tableName = params["table"]?.stringValue ?? ""
            let table = try TableStageIO(stage: Self.name, context: context).read(tableName)
            let output = try train(params, "params." + section, table, tableName, context.seed)
            for (name, frame) in output.tables { try write(frame, name, context) }
            counters.append((section, output.counters))
            metrics.append((section, output.metrics))
            context.log.info("\(section): trained on \(table.rowCount) rows of '\(tableName)'")
        }
        return StageResult(counters: .object(counters), metrics: .object(metrics))
    }

    private func write(_ frame: Frame, _ table: String, _ context: StageContext) throws(StageError) {
        do { try ParquetWriter.write(frame, to: context.outputPath(table)) } catch {
            throw StageError.parquet(stage: Self.name, table: table, error)
        }
    }

    /// The recommendation and rating models: tune, evaluate, refit, and write their tables.
    private func trainModels(_ settings: TrainSettings, _ context: StageContext) throws -> (
        counters: JSONValue, metrics: JSONValue
    ) {
        let inputs = try TrainingInputReader(context: context).read()
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
}
