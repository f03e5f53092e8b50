import Foundation
import Frame
import Gzip
import Parquet
import Pipeline
import TestSupport
import Testing

@testable import BespokeCLI

/// `bespoke export --crm`: the score tables joined into one row per customer.
@Suite struct CRMExportTests {
    typealias Rec = ScoreFrames.Recommendation

    /// Four customers: 0 has recommendations and a segment, 1 all three tables, 2 a segment and
    /// churn but no recommendations, 3 recommendations and churn but no segment. Row groups of two
    /// rows, so customer 3's list crosses a row-group boundary.
    static func writeTables(in folder: String, stringIDs: Bool = false) throws -> [ScoreTable: String] {
        let frames = ScoreFrames(stringIDs: stringIDs)
        var options = ParquetWriteOptions()
        options.rowGroupRows = 2
        let tables: [(ScoreTable, Frame)] = [
            (
                .recommendations,
                frames.recommendations([
                    (0, [Rec(7, 0.9, "because you bought \"Tea\""), Rec(8, 0.5)]),
                    (1, [Rec(9, 0.25, "popular with Loyal, frequent", model: "popularity")]),
                    (3, [Rec(7, 0.75, "because you bought Mug"), Rec(9, 0.125, "")]),
                ])
            ),
            (.customerSegments, frames.segments([(0, 1, "Loyal"), (1, 0, "New"), (2, 1, "Loyal")])),
            (
                .churnScores,
                frames.churn([
                    (1, 0.5, "medium", ["recency_days", "orders"]),
                    (2, 0.875, "high", ["recency_days", "monetary", "tenure_days"]), (3, 0.0625, "low", []),
                ])
            ),
        ]
        var paths: [ScoreTable: String] = [:]
        for (table, frame) in tables {
            paths[table] = folder + "/" + table.name + ".parquet"
            try ParquetWriter.write(frame, to: paths[table]!, options: options)
        }
        return paths
    }

    /// Runs the exporter into a file and returns the text.
    static func export(
        _ tables: [ScoreTable: String], _ format: CRMExporter.Format, layout: CRMExporter.CSVLayout = .wide,
        in dir: TemporaryDirectory
    ) throws -> String {
        let path = dir.file("out-\(UUID().uuidString)")
        let sink = try OutputSink.open(path)
        var exporter = CRMExporter(format: format, layout: layout, tables: tables)
        exporter.flushBytes = 64  // several flushes, as on a large table
        try exporter.write(to: sink)
        try sink.close()
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    static let expectedJSONL = """
        {"customer_id":100,"segment":1,"segment_name":"Loyal","churn_probability":null,"churn_band":null,"churn_drivers":[],"recommendations":[{"rank":1,"item_id":1007,"score":0.9,"reason":"because you bought \\"Tea\\"","model":"item_knn"},{"rank":2,"item_id":1008,"score":0.5,"reason":null,"model":"item_knn"}]}
        {"customer_id":101,"segment":0,"segment_name":"New","churn_probability":0.5,"churn_band":"medium","churn_drivers":["recency_days","orders"],"recommendations":[{"rank":1,"item_id":1009,"score":0.25,"reason":"popular with Loyal, frequent","model":"popularity"}]}
        {"customer_id":102,"segment":1,"segment_name":"Loyal","churn_probability":0.875,"churn_band":"high","churn_drivers":["recency_days","monetary","tenure_days"],"recommendations":[]}
        {"customer_id":103,"segment":null,"segment_name":null,"churn_probability":0.0625,"churn_band":"low","churn_drivers":[],"recommendations":[{"rank":1,"item_id":1007,"score":0.75,"reason":"because you bought Mug","model":"item_knn"},{"rank":2,"item_id":1009,"score":0.125,"reason":"","model":"item_knn"}]}

        """

    @Test func jsonLinesJoinTheTablesPerCustomer() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let tables = try Self.writeTables(in: dir.path)
        #expect(try Self.export(tables, .jsonl, in: dir) == Self.expectedJSONL)
    }

    @Test func csvWideHasColumnsPerRank() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let tables = try Self.writeTables(in: dir.path)
        #expect(
            try Self.export(tables, .csv, in: dir) == #"""
                customer_id,segment,segment_name,churn_probability,churn_band,churn_drivers,\#
                rec_1_item_id,rec_1_score,rec_1_reason,rec_1_model,rec_2_item_id,rec_2_score,rec_2_reason,rec_2_model
                100,1,Loyal,,,,1007,0.9,"because you bought ""Tea""",item_knn,1008,0.5,,item_knn
                101,0,New,0.5,medium,recency_days; orders,1009,0.25,"popular with Loyal, frequent",popularity,,,,
                102,1,Loyal,0.875,high,recency_days; monetary; tenure_days,,,,,,,,
                103,,,0.0625,low,,1007,0.75,because you bought Mug,item_knn,1009,0.125,"",item_knn

                """#)
    }

    @Test func stringIDsAndCSVWithOneJSONColumn() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let tables = try Self.writeTables(in: dir.path, stringIDs: true)
        let csv = try Self.export(tables, .csv, layout: .json, in: dir)
        #expect(
            csv == #"""
                customer_id,segment,segment_name,churn_probability,churn_band,churn_drivers,recommendations
                c100,1,Loyal,,,,"[{""rank"":1,""item_id"":""i1007"",""score"":0.9,""reason"":""because you bought \""Tea\"""",""model"":""item_knn""},{""rank"":2,""item_id"":""i1008"",""score"":0.5,""reason"":null,""model"":""item_knn""}]"
                c101,0,New,0.5,medium,recency_days; orders,"[{""rank"":1,""item_id"":""i1009"",""score"":0.25,""reason"":""popular with Loyal, frequent"",""model"":""popularity""}]"
                c102,1,Loyal,0.875,high,recency_days; monetary; tenure_days,[]
                c103,,,0.0625,low,,"[{""rank"":1,""item_id"":""i1007"",""score"":0.75,""reason"":""because you bought Mug"",""model"":""item_knn""},{""rank"":2,""item_id"":""i1009"",""score"":0.125,""reason"":"""",""model"":""item_knn""}]"

                """#)
        let jsonl = try Self.export(tables, .jsonl, in: dir)
        let expected = Self.expectedJSONL.replacingOccurrences(of: "\"customer_id\":1", with: "\"customer_id\":\"c1")
            .replacingOccurrences(of: ",\"segment\":", with: "\",\"segment\":")
            .replacingOccurrences(of: "\"item_id\":1", with: "\"item_id\":\"i1")
            .replacingOccurrences(of: ",\"score\":", with: "\",\"score\":")
        #expect(jsonl == expected)
        #expect(jsonl.hasPrefix("{\"customer_id\":\"c100\",\"segment\":1,"))
    }

    @Test func missingTablesLeaveTheirFieldsEmpty() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let tables = try Self.writeTables(in: dir.path)
        let segmentsOnly = try Self.export([.customerSegments: tables[.customerSegments]!], .csv, in: dir)
        #expect(
            segmentsOnly == #"""
                customer_id,segment,segment_name,churn_probability,churn_band,churn_drivers
                100,1,Loyal,,,
                101,0,New,,,
                102,1,Loyal,,,

                """#)
        let noSegments = try Self.export(
            [.recommendations: tables[.recommendations]!, .churnScores: tables[.churnScores]!], .jsonl, in: dir)
        #expect(
            noSegments.split(separator: "\n")[2]
                == #"{"customer_id":102,"segment":null,"segment_name":null,"churn_probability":0.875,"churn_band":"high","churn_drivers":["recency_days","monetary","tenure_days"],"recommendations":[]}"#
        )
    }

    @Test func contractViolationsNameTheTable() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let frames = ScoreFrames()
        let unsorted = dir.file("unsorted.parquet")
        try ParquetWriter.write(frames.recommendations([(1, [Rec(1, 1)]), (0, [Rec(2, 1)])]), to: unsorted)
        #expect(
            throws: ScoreTableError.notSorted(table: "recommendations", path: unsorted, row: 1, previous: 1, found: 0)
        ) {
            try Self.export([.recommendations: unsorted], .jsonl, in: dir)
        }
        let partial = dir.file("partial.parquet")
        let ids = try Frame(
            schema: Schema([Field("customer_index", .int32), Field("customer_id", .int64)]),
            columns: [Column(.int32([0])), Column(.int64([100]))])
        try ParquetWriter.write(ids, to: partial)
        let error = #expect(throws: ScoreTableError.self) { try Self.export([.churnScores: partial], .jsonl, in: dir) }
        #expect(
            error?.description
                == "table churn_scores (\(partial)): no column 'probability' (columns: customer_index, customer_id)")
    }

    /// The executable on a run whose `score` stage wrote the tables: gzip by suffix, exit codes.
    @Test func executableExportsARunGzipped() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let tablesDir = dir.file("tables")
        try FileManager.default.createDirectory(atPath: tablesDir, withIntermediateDirectories: true)
        _ = try Self.writeTables(in: tablesDir)
        let pipeline: JSONValue = [
            "version": 1,
            "stages": [
                [
                    "name": "score",
                    "command": ["sh", "-c", "cp \"$0\"/*.parquet \"$BESPOKE_OUTPUT_DIR\"/", .string(tablesDir)],
                    "outputs": ["recommendations", "customer_segments", "churn_scores"],
                ]
            ],
        ]
        let pipelinePath = dir.file("pipeline.json")
        try Pipeline.CanonicalJSON.pretty(pipeline).write(toFile: pipelinePath, atomically: true, encoding: .utf8)
        let run = try BuiltExecutable.run("bespoke", ["run", "--pipeline", pipelinePath, "--run", "R1"])
        #expect(run.status == 0, "\(run.stderr)")

        let out = dir.file("crm.jsonl.gz")
        let export = try BuiltExecutable.run(
            "bespoke", ["export", "--crm", "--pipeline", pipelinePath, "--run", "R1", "--format", "jsonl", "-o", out])
        #expect(export.status == 0, "\(export.stderr)")
        let compressed = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out)))
        #expect(compressed.starts(with: [0x1F, 0x8B]))
        let text = try compressed.withUnsafeBytes { try GzipDecompressor().decompress($0, limit: 1 << 20) }
        #expect(String(decoding: text, as: UTF8.self) == Self.expectedJSONL)

        let noRun = try BuiltExecutable.run(
            "bespoke", ["export", "--crm", "--pipeline", pipelinePath, "--run", "R2", "--format", "csv"])
        #expect(noRun.status == 66)
        #expect(noRun.stderr.contains("run 'R2' not found"))
        let both = try BuiltExecutable.run("bespoke", ["export", "--crm", out, "--format", "csv"])
        #expect(both.status == 64)
        let neither = try BuiltExecutable.run("bespoke", ["export", "--format", "csv"])
        #expect(neither.status == 64)
    }
}
