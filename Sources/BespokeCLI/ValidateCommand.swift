import ArgumentParser
import Pipeline

/// `bespoke validate`: checks a pipeline file without running anything.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check pipeline.json: every problem with its JSON path; exit 78 when invalid.")

    @Argument(help: "The pipeline file (default: pipeline.json).")
    var file: String = PipelineDefaults.fileName

    func run() throws {
        do {
            let config = try PipelineValidator(registry: EngineRegistry.kinds).load(path: file)
            printOut(
                "\(file): valid (version \(config.version), \(config.sources.count) sources, "
                    + "\(config.stages.count) stages)")
        } catch {
            throw engineExit(EngineError.pipeline(error))
        }
    }
}
