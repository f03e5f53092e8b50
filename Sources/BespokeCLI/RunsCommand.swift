import ArgumentParser
import Pipeline

/// `bespoke runs`: the history of runs, from each run's run.json.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "List past runs and how they ended.")

    @OptionGroup var pipeline: PipelineOptions

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        do {
            let config = try pipeline.load()
            let history = RunHistory(runsDirectory: config.runsDirectory)
            printOut(json ? Pipeline.CanonicalJSON.pretty(history.json) : history.text())
        } catch {
            throw engineExit(error, format: pipeline.logFormat)
        }
    }
}
