import ArgumentParser
import Foundation
import Ingest
import Pipeline
import Stages

/// `bespoke sniff`: prints the options a source without declared columns would be read with.
struct SniffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sniff",
        abstract:
            "Print the options sniffed from a CSV, TSV or JSON Lines file (or a Parquet or SQLite file's schema).",
        discussion: """
            The --json output is a source's "options" object for pipeline.json. Exit codes: 0 ok; 65 not readable \
            as text; 66 no such file; 74 I/O error.
            """)

    @Argument(help: "The file to sniff (plain or .gz).")
    var file: String

    @Flag(help: "Print the options as JSON, ready for pipeline.json.")
    var json = false

    @Option(help: "Bytes sampled from the head and evenly across the file.")
    var sampleBytes: Int = SourceOptions.defaultSampleBytes

    func validate() throws {
        guard SourceOptions.sampleBytesRange.contains(sampleBytes) else {
            throw ValidationError(
                "--sample-bytes must be in \(SourceOptions.sampleBytesRange.lowerBound)...\(SourceOptions.sampleBytesRange.upperBound)"
            )
        }
    }

    func run() throws {
        var given = SourceOptions(columns: [], sampleBytes: sampleBytes)
        let options: SourceOptions
        let sniffed: SniffResult?
        do throws(IngestError) {
            if SourceFormat.infer(fromPath: file) == .sqlite { given.query = try PipelineStarter.firstTableQuery(file) }
            (options, sniffed) = try SourceSchema.resolve(path: file, options: given, hints: SniffHints())
        } catch {
            FileHandle.standardError.write(Data("bespoke: \(error)\n".utf8))
            throw ExitCode(error.exitCode)
        }
        if json {
            printOut(Pipeline.CanonicalJSON.string(SourceOptionsJSON.object(options, path: file, explicit: true)))
            return
        }
        printOut(Self.describe(file: file, options: options, sniffed: sniffed))
    }

    static func describe(file: String, options: SourceOptions, sniffed: SniffResult?) -> String {
        let format = options.format ?? SourceFormat.infer(fromPath: file) ?? .csv
        var lines: [String] = []
        if let s = sniffed {
            var dialect = [format.rawValue]
            if format != .jsonl {
                dialect.append("delimiter \(Self.show(options.delimiter ?? ","))")
                dialect.append(options.quote.isEmpty ? "no quoting" : "quote \(Self.show(options.quote))")
                dialect.append(options.header ? "header" : "no header")
            }
            dialect.append(options.encoding.rawValue)
            dialect.append("\(s.lineEnding.rawValue) line ends")
            lines.append("\(file): " + dialect.joined(separator: ", "))
            lines.append(
                "sampled \(s.sampledBytes) bytes\(s.wholeFile ? " (the whole file)" : ""), \(s.sampledRecords) records"
                    + (s.irregularRecords > 0 ? ", \(s.irregularRecords) set aside (field count or syntax)" : ""))
            var table = TextTable(
                ["column", "source", "type", "format", "values", "nulls", "exceptions", "examples"],
                rightAligned: [4, 5, 6])
            for c in s.columns {
                table.append([
                    c.mapping.name, c.mapping.source == c.mapping.name ? "" : c.mapping.source, c.mapping.type.rawValue,
                    c.mapping.format ?? "", String(c.values), String(c.nulls), String(c.exceptions),
                    c.examples.joined(separator: ", "),
                ])
            }
            lines.append(table.render())
            lines += s.notes.map { "note: " + $0 }
        } else {
            lines.append("\(file): \(format.rawValue), schema from the file")
            var table = TextTable(["column", "type", "required"])
            for c in options.columns { table.append([c.name, c.type.rawValue, c.required ? "yes" : "no"]) }
            lines.append(table.render())
        }
        return lines.joined(separator: "\n")
    }

    static func show(_ s: String) -> String { s == "\t" ? "tab" : "'\(s)'" }
}
