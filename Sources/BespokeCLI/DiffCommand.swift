import ArgumentParser
import Pipeline
import Stages

/// `bespoke diff RUN_A RUN_B`: what changed between two runs.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two runs: schemas, rows (by key), changed values, statistics, counters and metrics.",
        discussion: "Exits 0 (also with differences unless --fail-if-diff, then 1); 66 when a run does not exist.")

    @OptionGroup var pipeline: PipelineOptions

    @Argument(help: "The first run id.")
    var runA: String

    @Argument(help: "The second run id.")
    var runB: String

    @Option(name: .long, parsing: .singleValue, help: "Only this stage (repeatable).")
    var stage: [String] = []

    @Option(name: .long, parsing: .singleValue, help: "Only this table (repeatable).")
    var table: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Key columns, comma-separated (default: the key the table declares; the built-in stages' tables by "
                + "customer_id, item_id, or both)."))
    var key: String?

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @Flag(name: .long, help: "Exit 1 when the runs differ.")
    var failIfDiff = false

    func run() throws {
        do {
            let config = try pipeline.load()
            let diff = try RunDiff.compare(
                config: config, runA: runA, runB: runB,
                options: .init(
                    stages: stage, tables: table,
                    key: key.map { $0.split(separator: ",").map(String.init) },
                    conventionalKeys: StageTableKeys.conventional))
            printOut(json ? Pipeline.CanonicalJSON.pretty(diff.json) : diff.text())
            if failIfDiff && diff.hasDifferences { throw ExitCode(1) }
        } catch {
            throw engineExit(error, format: pipeline.logFormat)
        }
    }
}
