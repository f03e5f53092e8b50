import ArgumentParser
import Foundation
import Pipeline
import Stages

/// `bespoke run`: runs the pipeline's stages that are not up to date, in order.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every stage that is not up to date (or a selection), under the run folder's lock.",
        discussion: """
            Exit codes: 0 every selected stage is up to date (the run is 'incomplete', and latest does not \
            move, while another stage is stale); 1 a stage failed, or the failed stage's own sysexits code \
            (64–78); 64 usage; 66 input missing; 73 cannot create the run folder; 75 another process holds \
            the run's lock; 78 invalid pipeline.json.
            """)

    @OptionGroup var pipeline: PipelineOptions
    @OptionGroup var runOption: RunOption

    @Option(name: .long, help: "Start at this stage: it and every stage after it in execution order.")
    var from: String?

    @Option(name: .long, parsing: .singleValue, help: "Run only this stage (repeatable, or comma-separated).")
    var only: [String] = []

    @Flag(name: .long, help: "Recompute the selected stages even if they are up to date.")
    var force = false

    @Flag(name: .long, help: "After a failure, go on with stages that do not depend on the failed one.")
    var keepGoing = false

    @Flag(name: .long, help: "Print what would run and why; run nothing.")
    var dryRun = false

    func validate() throws {
        if from != nil && !only.isEmpty { throw ValidationError("--from and --only cannot be combined") }
    }

    func run() throws {
        let format = pipeline.logFormat
        do {
            let config = try pipeline.load()
            // Source options are the readers' business, so the engine's validation leaves them out;
            // checked here so that a typo fails now, not when collect reaches that source.
            let sourceErrors = SourceCheck.run(config).errors
            if !sourceErrors.isEmpty {
                throw EngineError.pipeline(.invalid(file: pipeline.pipeline, issues: sourceErrors))
            }
            let folder = try runOption.folder(config)
            let log = StageLog(format: format, run: folder.id)
            let here = (ChildProcess.currentExecutable as NSString).deletingLastPathComponent
            let driver = RunDriver(
                config: config, folder: folder, log: log,
                options: .init(
                    from: from, only: only.flatMap { $0.split(separator: ",").map(String.init) },
                    force: force, keepGoing: keepGoing, dryRun: dryRun),
                launcher: .init(
                    bespoke: ChildProcess.currentExecutable, searchDirectories: [here],
                    pipelineArgument: pipeline.pipeline))
            let summary = try driver.run()
            if !summary.succeeded { throw ExitCode(Self.exitStatus(summary)) }
        } catch {
            throw engineExit(error, format: format)
        }
    }

    /// The failed stage's own code (65 bad data, 66 missing input, 74 I/O…) when the failures
    /// agree on one sysexits code, so cron can tell them apart; 1 otherwise.
    static func exitStatus(_ summary: RunDriver.Summary) -> Int32 {
        let codes = Set(summary.failed.map(\.exitStatus))
        if codes.count == 1, let code = codes.first, (64...78).contains(code) { return code }
        return SysexitCode.stageFailed.rawValue
    }
}
