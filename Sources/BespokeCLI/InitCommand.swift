import ArgumentParser
import Foundation
import Ingest
import Pipeline
import Stages

/// `bespoke init`: writes a starting pipeline.json for the given files, then validates it.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a starting pipeline.json for your files: sniffed sources, a guessed key, and cleaning stages.",
        discussion: """
            Each file becomes a source with its sniffed options and columns written out, a key guessed from a \
            unique column named like an id, and collect → dedupe → impute → outliers stages with parameters for \
            the columns found. Edit what it wrote, then `bespoke run`. Exit codes: 0 written and valid; 65 a file \
            is not readable as data; 66 no such file; 73 the output exists (use --force) or cannot be written; \
            78 the written pipeline does not validate.
            """)

    @Argument(help: "The source files (CSV, TSV, JSON Lines, plain or .gz; Parquet; SQLite).")
    var files: [String]

    @Option(name: [.short, .customLong("output")], help: "The pipeline file to write.")
    var output: String = PipelineDefaults.fileName

    @Flag(help: "Overwrite the output file if it exists.")
    var force = false

    @Option(help: "Bytes sampled from each text file's head and evenly across it.")
    var sampleBytes: Int = SourceOptions.defaultSampleBytes

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one file") }
        guard SourceOptions.sampleBytesRange.contains(sampleBytes) else {
            throw ValidationError(
                "--sample-bytes must be in \(SourceOptions.sampleBytesRange.lowerBound)...\(SourceOptions.sampleBytesRange.upperBound)"
            )
        }
    }

    func run() throws {
        let outputPath =
            ((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(output) as NSString)
            .standardizingPath
        let target = output.hasPrefix("/") ? (output as NSString).standardizingPath : outputPath
        if FileManager.default.fileExists(atPath: target) && !force {
            FileHandle.standardError.write(Data("bespoke: \(output) exists; pass --force to overwrite it\n".utf8))
            throw ExitCode(ExitStatus.cannotCreate)
        }
        var starter = PipelineStarter(sampleBytes: sampleBytes)
        for file in files {
            do { try starter.add(file: file, pipelineDirectory: (target as NSString).deletingLastPathComponent) } catch
            {
                FileHandle.standardError.write(Data("bespoke: \(error)\n".utf8))
                throw ExitCode(error.exitCode)
            }
        }
        do { try ReadableJSON.string(starter.document).write(toFile: target, atomically: true, encoding: .utf8) } catch
        {
            FileHandle.standardError.write(
                Data("bespoke: \(output): cannot write: \(error.localizedDescription)\n".utf8))
            throw ExitCode(ExitStatus.cannotCreate)
        }
        for source in starter.sources {
            let key = source.key.isEmpty ? "no key found" : "key " + source.key.joined(separator: ", ")
            printOut("\(source.name): \(source.path), \(source.options.columns.count) columns, \(key)")
            for note in source.sniffed?.notes ?? [] { printOut("  note: " + note) }
        }
        if let table = starter.customerTable {
            let churn = PipelineStarter.churnLabel(table).map {
                "churn on \($0.column)" + ($0.positive.map { " = \($0)" } ?? "")
            }
            printOut(
                "\(table.name) is a customer table without events: train and score give segments"
                    + (churn.map { " and " + $0 } ?? " (no churn label found: add a churn section to train)")
                    + ", no recommendations")
        }
        let config: PipelineConfig
        do { config = try PipelineValidator(registry: EngineRegistry.kinds).load(path: output) } catch {
            throw engineExit(EngineError.pipeline(error))
        }
        let findings = SourceCheck.run(config)
        if !findings.errors.isEmpty {
            throw engineExit(EngineError.pipeline(.invalid(file: output, issues: findings.errors)))
        }
        printOut("wrote \(output): \(config.sources.count) sources, \(config.stages.count) stages; valid")
    }
}
