import ArgumentParser
import Foundation
import Pipeline

/// `bespoke status`: for each stage of a run, up to date or why not.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show, per stage, whether it is up to date, stale (and exactly why), missing or failed.",
        discussion: "Exits 0 when every stage is up to date and 1 when work is pending, for cron checks.")

    @OptionGroup var pipeline: PipelineOptions
    @OptionGroup var runOption: RunOption

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let format = pipeline.logFormat
        do {
            let config = try pipeline.load()
            let folder = try runOption.folder(config)
            let status = try RunStatus.compute(config: config, folder: folder)
            printOut(json ? Pipeline.CanonicalJSON.pretty(status.json) : status.text())
            if status.pendingWork { throw ExitCode(1) }
        } catch {
            throw engineExit(error, format: format)
        }
    }
}
