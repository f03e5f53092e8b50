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

    public static let kind = StageKind(
        name: name, algorithmVersion: "1", parameters: TrainSettings.specs,
        reads: inputTables.map { .table($0) },
        writes: [
            .table("metrics"), .table("trials"), .table("models"), .prefixedParameterKeys("models", prefix: "model_"),
        ],
        summary: "Tune, evaluate and fit recommendation and rating models; write metrics, trials and model tables."
    )

    public init() {}

    public func run(_ context: StageContext) throws -> StageResult {
        let settings = try TrainSettings(context.params, stage: Self.name)
        let inputs = try TrainingInputReader(context: context).read()
        let log = context.log
        let training = TrainingRun(
            settings: settings, inputs: inputs, seed: UInt64(bitPattern: context.seed), log: { log.info($0) })
        let outcome = try training.run()
        let output = TrainOutput(settings: settings, inputs: inputs, outcome: outcome)
        for (table, frame) in output.tables {
            do { try ParquetWriter.write(frame, to: context.outputPath(table)) } catch {
                throw StageError.parquet(stage: Self.name, table: table, error)
            }
        }
        let models = output.modelTables
        var hashes: [String] = []
        for m in models {
            let table = TrainedModels.tableName(m.name)
            do { hashes.append(try SHA256Hex.ofFile(context.outputPath(table)).sha256) } catch {
                throw StageError.invalidParameter(stage: Self.name, path: table, message: "cannot hash: \(error)")
            }
        }
        do {
            try ParquetWriter.write(output.modelsFrame(models, tableHashes: hashes), to: context.outputPath("models"))
        } catch {
            throw StageError.parquet(stage: Self.name, table: "models", error)
        }
        return StageResult(counters: output.counters, metrics: output.metrics)
    }
}
