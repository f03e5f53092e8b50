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

    @Option(help: "Comma-separated columns to show, in this order (default: all).")
    var columns: String?

    func validate() throws {
        guard n >= 0 else { throw ValidationError("-n must be 0 or more, got \(n)") }
    }

    func run() throws {
        do {
            let reader = try ParquetReader(path: file)
            let names = columns.map(Self.columnList)
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

    static func columnList(_ s: String) -> [String] {
        s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Column names over their values; NULL for nulls, long strings clipped, numbers right-aligned.
    static func render(_ frame: Frame) -> String {
        let numeric: Set<Int> = Set(
            frame.schema.fields.enumerated().compactMap { i, f in
                [.int32, .int64, .double].contains(f.type) ? i : nil
            })
        var table = TextTable(frame.schema.names, rightAligned: numeric)
        for row in 0..<frame.rowCount {
            table.append(
                frame.columns.map {
                    InspectCommand.clip(ValueFormatter.text($0, row).map(TextTable.oneLine) ?? "NULL", to: 40)
                })
        }
        return table.render()
    }
}
