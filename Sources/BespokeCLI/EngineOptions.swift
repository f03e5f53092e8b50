import ArgumentParser
import Foundation
import Pipeline
import Stages

/// The built-in stage kinds this binary knows, and their in-process implementations.
///
/// The one place the CLI learns about `Stages`.
enum EngineRegistry {
    static let kinds = StageKindRegistry(BuiltInStages.kinds)

    static func implementation(for kind: String) -> (any StageImplementation)? {
        BuiltInStages.implementation(for: kind)
    }
}

/// Options every engine command shares: which pipeline file, and how to log.
struct PipelineOptions: ParsableArguments {
    @Option(name: .long, help: "The pipeline file.")
    var pipeline: String = PipelineDefaults.fileName

    @Option(name: .long, help: "Log format on stderr: text or json (one JSON object a line).")
    var logFormat: StageLog.Format =
        ProcessInfo.processInfo.environment[StageLog.formatVariable]
        .flatMap(StageLog.Format.init(rawValue:)) ?? .text

    func load() throws(EngineError) -> PipelineConfig {
        do { return try PipelineValidator(registry: EngineRegistry.kinds).load(path: pipeline) } catch {
            throw .pipeline(error)
        }
    }
}

/// `--run ID`: the run folder to use; today's UTC date by default (or $BESPOKE_RUN).
struct RunOption: ParsableArguments {
    @Option(name: .long, help: "Run id (default: $BESPOKE_RUN, else today's UTC date, YYYY-MM-DD).")
    var run: String?

    var id: String { run ?? ProcessInfo.processInfo.environment["BESPOKE_RUN"] ?? RunFolder.defaultID() }

    func folder(_ config: PipelineConfig) throws(EngineError) -> RunFolder {
        try RunFolder(runsDirectory: config.runsDirectory, id: id)
    }
}

extension StageLog.Format: ExpressibleByArgument {}

/// Prints an engine error as one clear line on stderr and returns its exit code.
func engineExit(_ error: any Error, format: StageLog.Format = .text) -> ExitCode {
    if let e = error as? ExitCode { return e }
    let status = engineExitStatus(error)
    let message = String(describing: error)
    switch format {
    case .text:
        FileHandle.standardError.write(
            Data(
                message.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { "bespoke: " + $0 }.joined(separator: "\n").utf8 + [0x0A]))
    case .json:
        let line = Pipeline.CanonicalJSON.string(
            .object([
                ("ts", .string(Timestamp.now())), ("level", "error"), ("msg", .string(message)),
                ("exit_code", .number(JSONNumber(Int(status)))),
            ]))
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
    return ExitCode(status)
}

/// The exit code that goes with an engine or stage error.
func engineExitStatus(_ error: any Error) -> Int32 {
    (error as? ExitCodeProviding)?.exitStatus.rawValue ?? exitStatus(for: error)
}

/// Writes text to stdout, with a final newline if missing.
func printOut(_ text: String) {
    FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}
