import ArgumentParser
import Foundation
import Frame
import Gzip
import Parquet
import Pipeline

/// `bespoke export FILE --format csv|jsonl`: streams a Parquet file out as text, one row group
/// in memory at a time. `bespoke export --crm --run ID`: joins the run's score tables into one
/// row per customer for a CRM import (see `CRMExporter`).
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a Parquet file, or a run's scores per customer (--crm), as CSV or JSON Lines.",
        discussion: """
            FILE mode streams one Parquet file row group by row group. --crm joins the tables \
            recommendations, customer_segments and churn_scores of a run's score stage into one row \
            per customer: customer_id, segment, segment_name, churn_probability, churn_band, \
            churn_drivers and the recommendations in rank order with their reasons (JSON Lines: an \
            array of {rank, item_id, score, reason, model}; CSV: rec_<r>_item_id, rec_<r>_score, \
            rec_<r>_reason, rec_<r>_model columns, or one JSON column with --csv-recommendations json).
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, jsonl
    }

    @Argument(help: "The Parquet file (not with --crm).")
    var file: String?

    @Option(help: "Output format: csv or jsonl.")
    var format: Format

    @Option(name: .short, help: "Output file (stdout when absent); a name ending in .gz is gzip-compressed.")
    var output: String?

    @Option(help: "Comma-separated columns to export, in this order, each once (default: all; not with --crm).")
    var columns: String?

    @Flag(help: "Export the run's score tables joined per customer, shaped for a CRM import.")
    var crm = false

    @OptionGroup var pipeline: PipelineOptions

    @OptionGroup var runOption: RunOption

    @Option(
        help: """
            With --crm: the stage whose tables to export (default: the last stage that writes \
            recommendations, customer_segments or churn_scores, else 'score').
            """)
    var stage: String?

    @Option(help: "With --crm and csv: recommendations as 'wide' rec_<r>_… columns or one 'json' column.")
    var csvRecommendations: CRMExporter.CSVLayout = .wide

    func validate() throws {
        if crm {
            guard file == nil else { throw ValidationError("give either a FILE or --crm, not both") }
            guard columns == nil else { throw ValidationError("--columns applies to FILE exports, not --crm") }
        } else {
            guard file != nil else { throw ValidationError("give a Parquet FILE to export, or --crm") }
            _ = try columns.map(HeadCommand.columnList)
            guard stage == nil, runOption.run == nil else {
                throw ValidationError("--run and --stage apply to --crm exports")
            }
        }
    }

    func run() throws {
        guard let file else { return try exportScores() }
        do {
            let reader = try ParquetReader(path: file)
            let names = try columns.map(HeadCommand.columnList)
            let sink = try OutputSink.open(output)
            var exporter = TextExporter(format: format == .csv ? .csv : .jsonl)
            let schema = try reader.read(columns: names, rowGroups: []).schema
            try sink.write(exporter.header(schema))
            for g in 0..<reader.rowGroupCount {
                let frame = try reader.readRowGroup(g, columns: names)
                try sink.write(exporter.rows(frame))
            }
            try sink.close()
        } catch {
            throw fail(error)
        }
    }

    private func exportScores() throws {
        do {
            let config = try pipeline.load()
            let tables = try ScoreTable.files(config: config, folder: try runOption.folder(config), stage: stage)
            let sink = try OutputSink.open(output)
            try CRMExporter(format: format == .csv ? .csv : .jsonl, layout: csvRecommendations, tables: tables)
                .write(to: sink)
            try sink.close()
        } catch {
            throw engineExit(error, format: pipeline.logFormat)
        }
    }
}

extension CRMExporter.CSVLayout: ExpressibleByArgument {}

/// Renders frames as CSV (header + RFC 4180 rows, empty field for null) or JSON Lines.
struct TextExporter {
    enum Format { case csv, jsonl }
    let format: Format

    func header(_ schema: Schema) -> [UInt8] {
        guard format == .csv else { return [] }
        return Array((schema.names.map { ValueFormatter.csvField($0) }.joined(separator: ",") + "\n").utf8)
    }

    mutating func rows(_ frame: Frame) -> [UInt8] {
        var out = ""
        out.reserveCapacity(frame.rowCount * 16 * max(1, frame.columns.count))
        let keys = frame.schema.names.map { ValueFormatter.jsonString($0) + ":" }
        for row in 0..<frame.rowCount {
            switch format {
            case .csv:
                for (i, column) in frame.columns.enumerated() {
                    if i > 0 { out += "," }
                    if let text = ValueFormatter.text(column, row) {
                        // A lone empty string is quoted so it differs from null.
                        out += text.isEmpty ? "\"\"" : ValueFormatter.csvField(text)
                    }
                }
            case .jsonl:
                out += "{"
                for (i, column) in frame.columns.enumerated() {
                    if i > 0 { out += "," }
                    out += keys[i]
                    out += ValueFormatter.json(column, row)
                }
                out += "}"
            }
            out += "\n"
        }
        return Array(out.utf8)
    }
}

/// Where exported bytes go: stdout, a file, or a gzip file.
final class OutputSink {
    private enum Target {
        case stdout
        case file(FileHandle)
        case gzip(GzipFileWriter)
    }

    private let target: Target

    private init(_ target: Target) { self.target = target }

    static func open(_ path: String?) throws -> OutputSink {
        guard let path else { return OutputSink(.stdout) }
        if path.hasSuffix(".gz") { return OutputSink(.gzip(try GzipFileWriter(path: path))) }
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw OutputError.cannotCreate(path: path)
        }
        return OutputSink(.file(handle))
    }

    func write(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        switch target {
        case .stdout: FileHandle.standardOutput.write(Data(bytes))
        case .file(let h): try h.write(contentsOf: Data(bytes))
        case .gzip(let g):
            let result: Result<Void, CodecError> = bytes.withUnsafeBytes { b in
                Result { () throws(CodecError) in try g.write(b) }
            }
            try result.get()
        }
    }

    func close() throws {
        switch target {
        case .stdout: break
        case .file(let h): try h.close()
        case .gzip(let g): try g.finish()
        }
    }
}

enum OutputError: Error, CustomStringConvertible {
    case cannotCreate(path: String)

    var description: String {
        switch self {
        case .cannotCreate(let path): "\(path): cannot create the output file"
        }
    }
}
