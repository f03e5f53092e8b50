import ArgumentParser
import Foundation
import Frame
import Gzip
import Parquet

/// `bespoke export FILE --format csv|jsonl`: streams a Parquet file out as text, one row group
/// in memory at a time.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a Parquet file as CSV or JSON Lines (row group by row group).")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, jsonl
    }

    @Argument(help: "The Parquet file.")
    var file: String

    @Option(help: "Output format: csv or jsonl.")
    var format: Format

    @Option(name: .short, help: "Output file (stdout when absent); a name ending in .gz is gzip-compressed.")
    var output: String?

    @Option(help: "Comma-separated columns to export, in this order (default: all).")
    var columns: String?

    func run() throws {
        do {
            let reader = try ParquetReader(path: file)
            let names = columns.map(HeadCommand.columnList)
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
}

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
