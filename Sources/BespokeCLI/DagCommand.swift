import ArgumentParser
import Pipeline

/// `bespoke dag`: the stages and the tables between them.
struct DagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dag", abstract: "Print the pipeline's DAG as text, Graphviz (--dot) or Mermaid (--mermaid).")

    @OptionGroup var pipeline: PipelineOptions

    @Flag(name: .long, help: "Graphviz dot output.")
    var dot = false

    @Flag(name: .long, help: "Mermaid flowchart output.")
    var mermaid = false

    func validate() throws {
        if dot && mermaid { throw ValidationError("choose one of --dot and --mermaid") }
    }

    func run() throws {
        do {
            let config = try pipeline.load()
            let graph = PipelineGraph(stages: config.stages, sources: config.sources.map(\.name))
            printOut(
                dot ? graph.dot(config: config) : mermaid ? graph.mermaid(config: config) : graph.text(config: config))
        } catch {
            throw engineExit(error, format: pipeline.logFormat)
        }
    }
}
