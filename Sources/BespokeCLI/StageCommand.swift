import ArgumentParser
import Foundation
import Pipeline

/// The arguments of every stage program (DESIGN.md §3):
/// `EXECUTABLE --pipeline pipeline.json --run ID --stage NAME [--force]`.
public struct StageArguments: ParsableArguments {
    @OptionGroup var pipeline: PipelineOptions
    @OptionGroup var runOption: RunOption

    @Option(name: .long, help: "The stage to run, as named in pipeline.json.")
    var stage: String?

    @Flag(name: .long, help: "Recompute even if the stage is up to date.")
    var force = false

    @Flag(name: .long, help: .hidden)
    var recomputeCorrupt = false

    public init() {}
}

/// `bespoke stage`: runs one stage of the pipeline under the stage contract. Built-in stages
/// are handed to their `bespoke-<kind>` program; custom command stages run here.
struct StageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stage",
        abstract: "Run one stage (fingerprint, skip if up to date, atomic commit), as make and cron do.")

    @OptionGroup var arguments: StageArguments

    func run() throws {
        guard let name = arguments.stage else {
            throw ValidationError("missing --stage NAME")
        }
        let format = arguments.pipeline.logFormat
        do {
            let config = try arguments.pipeline.load()
            guard let stage = config.stage(named: name) else {
                throw EngineError.unknownStage(name, known: config.stages.map(\.name))
            }
            var implementation: (any StageImplementation)?
            if case .builtIn(let kind) = stage.kind {
                // Linked in: run here. Otherwise hand over to the kind's own executable.
                guard let linked = EngineRegistry.implementation(for: kind.name) else {
                    throw ExitCode(try StageProgram.delegate(to: kind, arguments: CommandLine.arguments))
                }
                implementation = linked
            }
            try StageProgram.run(arguments, stage: name, config: config, implementation: implementation)
        } catch {
            throw engineExit(error, format: format)
        }
    }
}

/// The command line of a `bespoke-<kind>` executable, named after the program in its usage line.
struct StageProgramCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: CommandLine.arguments.first.map { ($0 as NSString).lastPathComponent } ?? "bespoke-stage",
            abstract: "Run one stage of the pipeline (fingerprint, skip if up to date, atomic commit).")
    }

    @OptionGroup var arguments: StageArguments
}

/// The entry point of the `bespoke-<kind>` executables: a few lines each over this.
///
/// ```swift
/// // Sources/bespoke-impute/main.swift
/// import BespokeCLI
/// import Stages
/// StageProgram.main(kind: "impute", implementation: ImputeStage())
/// ```
public enum StageProgram {
    /// Parses the stage arguments, runs the stage contract with `implementation`, and exits
    /// with the stage's exit code.
    public static func main(kind: String, implementation: any StageImplementation) -> Never {
        let arguments: StageArguments
        do { arguments = try StageProgramCommand.parse().arguments } catch {
            StageProgramCommand.exit(withError: error)
        }
        let format = arguments.pipeline.logFormat
        do {
            let config = try arguments.pipeline.load()
            let name = arguments.stage ?? config.stages.first { $0.kindName == kind }?.name ?? kind
            guard let stage = config.stage(named: name) else {
                throw EngineError.unknownStage(name, known: config.stages.map(\.name))
            }
            guard stage.kindName == kind else {
                throw ValidationError("stage '\(name)' uses '\(stage.kindName)', not '\(kind)'")
            }
            try run(arguments, stage: name, config: config, implementation: implementation)
            exit(0)
        } catch let e as ValidationError {
            StageProgramCommand.exit(withError: e)
        } catch {
            exit(engineExit(error, format: format).rawValue)
        }
    }

    static func run(
        _ arguments: StageArguments, stage: String, config: PipelineConfig,
        implementation: (any StageImplementation)?
    ) throws {
        let folder = try arguments.runOption.folder(config)
        let log = StageLog(format: arguments.pipeline.logFormat, run: folder.id)
        let runner = StageRunner(
            config: config, folder: folder, log: log,
            options: .init(force: arguments.force, recomputeCorrupt: arguments.recomputeCorrupt))
        do { _ = try runner.run(stage: stage, implementation: implementation) } catch {
            // The runner has printed the failure with its log's path; exit without repeating it.
            if log.hasReportedFailure { throw ExitCode(engineExitStatus(error)) }
            throw error
        }
    }

    /// Runs `bespoke-<kind>` with the same arguments and returns its exit code.
    static func delegate(to kind: StageKind, arguments: [String]) throws -> Int32 {
        let here = (ChildProcess.currentExecutable as NSString).deletingLastPathComponent
        let env = ProcessInfo.processInfo.environment
        let local = here + "/" + kind.executableName
        guard
            let exe = access(local, X_OK) == 0
                ? local : ChildProcess.lookup(kind.executableName, path: env["PATH"] ?? "")
        else {
            throw EngineError.executableNotFound(
                stage: kind.name, executable: kind.executableName, searched: [here, "PATH"])
        }
        // Everything after the subcommand name is passed through.
        let rest = Array(arguments.drop { $0 != "stage" }.dropFirst())
        let pid = try ChildProcess.spawn([exe] + rest, environment: env, diesWithParent: true).pid
        let end = ChildProcess.wait(pid)
        return end.exitCode ?? 128 + (end.signal ?? 0)
    }
}
