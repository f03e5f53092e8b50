import ArgumentParser
import Pipeline

/// `bespoke schema`: a JSON Schema of pipeline.json for editors.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print a JSON Schema for pipeline.json (point your editor's \"$schema\" at it).")

    func run() throws {
        printOut(Pipeline.CanonicalJSON.pretty(PipelineJSONSchema.document(registry: EngineRegistry.kinds)))
    }
}
