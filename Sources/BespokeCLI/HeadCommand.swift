import ArgumentParser
import Foundation
import Frame
import Parquet

/// `bespoke head FILE`: the first rows as an aligned table, reading only the row groups needed.
struct HeadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "head",
        abstract: "Show the first rows of a Parquet file as an aligned table.")

    @Argument(help: "The Parquet file.")
    var file: String

    @Option(name: .short, help: "How many rows to show.")
    var n: Int = 10

    @Option(help: "Comma-separated columns to show, in this order, each once (default: all).")
    var columns: String?

    func validate() throws {
        guard n >= 0 else { throw ValidationError("-n must be 0 or more, got \(n)") }
        _ = try columns.map(Self.columnList)
    }

    func run() throws {
        do {
            let reader = try ParquetReader(path: file)
            let names = try columns.map(Self.columnList)
            var frames: [Frame] = []
            var rows = 0
            var group = 0
            while rows < n && group < reader.rowGroupCount {
                let f = try reader.readRowGroup(group, columns: names)
                frames.append(f)
                rows += f.rowCount
                group += 1
            }
            let schema = try reader.read(columns: names, rowGroups: []).schema
            let frame = try Frame.concatenate(frames, schema: schema)
            print(Self.render(frame.slice(0..<min(n, frame.rowCount))))
            if reader.rowCount > n { print("(\(n) of \(reader.rowCount) rows)") }
        } catch {
            throw fail(error)
        }
    }

    /// The names of a `--columns` list; a name given twice is a usage error (exit 64).
    static func columnList(_ s: String) throws(ValidationError) -> [String] {
        let names = s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw ValidationError("--columns names '\(name)' more than once")
        }
        return names
    }

    /// Column names over their values; NULL for nulls (and the string "NULL" quoted, so the two
    /// differ), long strings clipped, numbers right-aligned.
    static func render(_ frame: Frame) -> String {
        let numeric: Set<Int> = Set(
            frame.schema.fields.enumerated().compactMap { i, f in
                [.int32, .int64, .double].contains(f.type) ? i : nil
            })
        var table = TextTable(frame.schema.names, rightAligned: numeric)
        for row in 0..<frame.rowCount {
            table.append(
                frame.columns.map { column in
                    guard let text = ValueFormatter.text(column, row) else { return "NULL" }
                    if case .string = column.values, text == "NULL" { return "\"NULL\"" }
                    return InspectCommand.clip(TextTable.oneLine(text), to: 40)
                })
        }
        return table.render()
    }
}
