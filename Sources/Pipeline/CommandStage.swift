import Foundation

/// A custom stage: runs the stage's `command` with the contract in its environment.
///
/// The program runs in the pipeline's folder and is told, through environment variables, where
/// its inputs are and where to write:
///
/// | variable | value |
/// |---|---|
/// | `BESPOKE_STAGE` | the stage name |
/// | `BESPOKE_RUN_ID`, `BESPOKE_RUN_DIR` | the run id and its folder |
/// | `BESPOKE_OUTPUT_DIR` | the temporary folder to write into (`runs/ID/.NAME.tmp-PID/`) |
/// | `BESPOKE_INPUTS` | JSON object: input table → absolute path of its artifact |
/// | `BESPOKE_INPUT_<TABLE>` | the same, one variable per table (upper case, `-` as `_`) |
/// | `BESPOKE_OUTPUTS` | JSON array of the tables it must write (`<table>.parquet` or `<table>.*`) |
/// | `BESPOKE_PARAMS` | the stage's `params`, canonical JSON |
/// | `BESPOKE_SEED` | the pipeline's seed |
/// | `BESPOKE_PIPELINE` | the absolute path of pipeline.json |
///
/// It may also write `_counters.json` and `_metrics.json` (objects of numbers) into the folder.
/// Its stdout and stderr go to the stage log. Exit 0 is success; a sysexits code (64–78) is
/// passed on as the stage's exit code, any other non-zero code fails the stage with 1.
public struct CommandStage: StageImplementation {
    public let argv: [String]

    public init(argv: [String]) { self.argv = argv }

    public static func environment(for context: StageContext, base: [String: String]) -> [String: String] {
        var env = base
        env[RunLock.inheritedDescriptorVariable] = nil
        env["BESPOKE_STAGE"] = context.stage.name
        env["BESPOKE_RUN_ID"] = context.runID
        env["BESPOKE_RUN_DIR"] = context.runDirectory
        env["BESPOKE_OUTPUT_DIR"] = context.outputDirectory
        env["BESPOKE_INPUTS"] = CanonicalJSON.string(.object(context.inputs.map { ($0.table, .string($0.path)) }))
        for input in context.inputs { env[inputVariable(input.table)] = input.path }
        env["BESPOKE_OUTPUTS"] = CanonicalJSON.string(.array(context.stage.outputs.map { .string($0) }))
        env["BESPOKE_PARAMS"] = CanonicalJSON.string(context.params)
        env["BESPOKE_SEED"] = String(context.seed)
        env["BESPOKE_PIPELINE"] = context.config.file
        return env
    }

    /// `BESPOKE_INPUT_<TABLE>`: the table name upper-cased with `-` as `_`.
    public static func inputVariable(_ table: String) -> String {
        "BESPOKE_INPUT_" + table.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    public func run(_ context: StageContext) throws -> StageResult {
        let env = Self.environment(for: context, base: ProcessInfo.processInfo.environment)
        let started: (pid: pid_t, output: Int32?)
        do {
            started = try ChildProcess.spawn(
                argv, environment: env, workingDirectory: context.config.directory,
                captureOutput: true, diesWithParent: true)
        } catch {
            throw EngineError.commandNotFound(stage: context.stage.name, program: argv[0])
        }
        context.log.info("started \(argv.joined(separator: " ")) (pid \(started.pid))")
        ChildProcess.readLines(started.output!) { context.log.programOutput($0, stage: context.stage.name) }
        let end = ChildProcess.wait(started.pid)
        guard end.succeeded else {
            throw EngineError.commandFailed(
                stage: context.stage.name, exitCode: end.exitCode, signal: end.signal, log: nil)
        }
        return StageResult(childPeakMemoryBytes: end.peakMemoryBytes)
    }
}
