import ArgumentParser
import Foundation
import Pipeline
import Stages

/// `bespoke validate`: checks a pipeline file without running anything.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check pipeline.json: every problem with its JSON path; exit 78 when invalid.",
        discussion: """
            Checks the file's shape and stage parameters, every source's reader options, and the column names \
            stage parameters give for sources whose columns are declared. A source file that does not exist is a \
            warning (it may arrive before the run); `bespoke run` fails on it with exit 66 before any stage starts.
            """)

    @Argument(help: "The pipeline file (default: pipeline.json).")
    var file: String = PipelineDefaults.fileName

    func run() throws {
        let config: PipelineConfig
        do { config = try PipelineValidator(registry: EngineRegistry.kinds).load(path: file) } catch {
            throw engineExit(EngineError.pipeline(error))
        }
        let findings = SourceCheck.run(config)
        for warning in findings.warnings {
            FileHandle.standardError.write(Data("bespoke: warning: \(file): \(warning)\n".utf8))
        }
        if !findings.errors.isEmpty {
            throw engineExit(EngineError.pipeline(.invalid(file: file, issues: findings.errors)))
        }
        printOut(
            "\(file): valid (version \(config.version), \(config.sources.count) sources, "
                + "\(config.stages.count) stages)")
    }
}
