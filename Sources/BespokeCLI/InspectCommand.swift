import ArgumentParser
import Foundation
import Parquet

/// `bespoke inspect FILE`: schema, rows, row groups, per-column codec, sizes and statistics.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a Parquet file's schema, row groups, codecs, sizes and statistics.")

    @Argument(help: "The Parquet file.")
    var file: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let summary: ParquetSummary
        do { summary = ParquetSummary(try ParquetReader(path: file)) } catch { throw fail(error) }
        print(json ? Self.renderJSON(summary) : Self.renderText(summary))
    }

    static func renderJSON(_ summary: ParquetSummary) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(summary)) ?? Data(), as: UTF8.self)
    }

    static func renderText(_ s: ParquetSummary) -> String {
        var out: [String] = []
        out.append("file        \(s.path)")
        out.append("size        \(s.fileBytes) bytes")
        out.append("created by  \(s.createdBy ?? "(not recorded)")")
        out.append("rows        \(s.rows) in \(s.rowGroups.count) row group\(s.rowGroups.count == 1 ? "" : "s")")
        out.append("")
        out.append("schema")
        var schema = TextTable(["column", "physical", "logical", "repetition", "reads as"])
        for c in s.schema {
            schema.append([
                c.name, c.physicalType, c.logicalType ?? "-", c.repetition,
                c.type ?? "unsupported: \(c.unsupported ?? "")",
            ])
        }
        out.append(schema.render(indent: "  "))
        for g in s.rowGroups {
            out.append("")
            out.append(
                "row group \(g.index): \(g.rows) rows, \(g.compressedBytes) bytes compressed, \(g.uncompressedBytes) uncompressed"
            )
            var t = TextTable(
                [
                    "column", "codec", "encodings", "values", "compressed", "uncompressed", "nulls", "NaNs", "min",
                    "max",
                ],
                rightAligned: [3, 4, 5, 6, 7])
            for c in g.columns {
                t.append([
                    c.column, c.codec, c.encodings.joined(separator: ","), String(c.values), String(c.compressedBytes),
                    String(c.uncompressedBytes), c.nullCount.map(String.init) ?? "-",
                    c.nanCount.map(String.init) ?? "-",
                    Self.clip(c.min ?? "-"), Self.clip(c.max ?? "-"),
                ])
            }
            out.append(t.render(indent: "  "))
        }
        let keys = s.keyValueMetadata.keys.sorted()
        if !keys.isEmpty {
            out.append("")
            out.append("key/value metadata: \(keys.joined(separator: ", "))")
        }
        return out.joined(separator: "\n")
    }

    static func clip(_ s: String, to width: Int = 32) -> String {
        s.count <= width ? s : String(s.prefix(width - 1)) + "…"
    }
}
