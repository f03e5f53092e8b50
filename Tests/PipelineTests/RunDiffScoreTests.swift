import Foundation
import Frame
import Parquet
import Pipeline
import TestSupport
import Testing

/// The domain diff of score tables: top-K overlap, segment migration and churn-band movements,
/// on runs whose `score` stage copies hand-written tables into place.
@Suite struct RunDiffScoreTests {
    typealias Rec = ScoreFrames.Recommendation

    /// Writes the three tables into `folder` (row groups of two rows).
    static func writeTables(
        in folder: String, stringIDs: Bool, recommendations: [(customer: Int32, items: [Int32])],
        segments: [(customer: Int32, segment: Int32, name: String)],
        churn: [(customer: Int32, probability: Double, band: String, drivers: [String])]
    ) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let frames = ScoreFrames(stringIDs: stringIDs)
        var options = ParquetWriteOptions()
        options.rowGroupRows = 2
        let lists = recommendations.map { (customer: $0.customer, items: $0.items.map { Rec($0, 1 / Double($0 + 1)) }) }
        try ParquetWriter.write(
            frames.recommendations(lists), to: folder + "/recommendations.parquet", options: options)
        try ParquetWriter.write(frames.segments(segments), to: folder + "/customer_segments.parquet", options: options)
        try ParquetWriter.write(frames.churn(churn), to: folder + "/churn_scores.parquet", options: options)
    }

    static func writePipeline(_ h: EngineHarness, tables: String) throws {
        let doc: JSONValue = [
            "version": 1,
            "stages": [
                [
                    "name": "score",
                    "command": ["sh", "-c", "cp \"$0\"/*.parquet \"$BESPOKE_OUTPUT_DIR\"/", .string(tables)],
                    "outputs": ["recommendations", "customer_segments", "churn_scores"],
                ]
            ],
        ]
        try Pipeline.CanonicalJSON.pretty(doc).write(toFile: h.pipelinePath, atomically: true, encoding: .utf8)
    }

    /// Run A: customers 0…3; run B: 0…2 and 4. In both: 0, 1, 2.
    /// Lists {1,2,3}→{1,2,4}: Jaccard 2/4; {4,5,6}→{4,5,6}: 1; (7,8,9)→(9,8,7): 1 but reordered.
    /// Mean 2.5/3; 2 of 3 changed.
    static func makeRuns(_ h: EngineHarness, stringIDs: Bool) throws {
        try writeTables(
            in: h.root + "/tables-a", stringIDs: stringIDs,
            recommendations: [(0, [1, 2, 3]), (1, [4, 5, 6]), (2, [7, 8, 9]), (3, [1, 2])],
            segments: [(0, 1, "Loyal"), (1, 0, "New"), (2, 1, "Loyal"), (3, 2, "Lapsed")],
            churn: [(0, 0.1, "low", ["recency_days"]), (1, 0.5, "medium", []), (2, 0.9, "high", [])])
        try writeTables(
            in: h.root + "/tables-b", stringIDs: stringIDs,
            recommendations: [(0, [1, 2, 4]), (1, [4, 5, 6]), (2, [9, 8, 7]), (4, [1])],
            segments: [(0, 1, "Loyal"), (1, 1, "Loyal"), (2, 2, "Lapsed"), (4, 0, "New")],
            churn: [(0, 0.4, "medium", []), (1, 0.6, "medium", []), (2, 0.2, "low", [])])
        try writePipeline(h, tables: h.root + "/tables-a")
        #expect(try h.bespoke("run", "--run", "A").status == 0)
        #expect(try h.bespoke("run", "--run", "A2").status == 0)
        try writePipeline(h, tables: h.root + "/tables-b")
        #expect(try h.bespoke("run", "--run", "B").status == 0)
    }

    @Test(arguments: [false, true]) func handComputedOverlapAndMigrations(stringIDs: Bool) throws {
        let h = try EngineHarness("diff-scores")
        try Self.makeRuns(h, stringIDs: stringIDs)
        let config = try PipelineValidator().load(path: h.pipelinePath)
        let scores = try #require(try RunDiff.compare(config: config, runA: "A", runB: "B").stages.first?.scores)
        #expect(scores.stage == "score")
        let recs = try #require(scores.recommendations)
        #expect((recs.customersInBoth, recs.onlyInA, recs.onlyInB, recs.changed) == (3, 1, 1, 2))
        let expectedMean: Double = (0.5 + 1 + 1) / 3
        #expect(recs.meanJaccard == expectedMean)

        let segments = try #require(scores.segments)
        #expect(segments.labels == ["New", "Loyal", "Lapsed"])  // by segment id
        #expect((segments.customersInBoth, segments.onlyInA, segments.onlyInB, segments.moved) == (3, 1, 1, 2))
        #expect(
            segments.cells == [
                .init(from: "New", to: "Loyal", count: 1), .init(from: "Loyal", to: "Loyal", count: 1),
                .init(from: "Loyal", to: "Lapsed", count: 1),
            ])
        let bands = try #require(scores.churnBands)
        #expect(bands.labels == ["low", "medium", "high"])  // by the lowest probability each holds
        #expect(
            bands.cells == [
                .init(from: "low", to: "medium", count: 1), .init(from: "medium", to: "medium", count: 1),
                .init(from: "high", to: "low", count: 1),
            ])

        let text = try h.bespoke("diff", "A", "B")
        #expect(text.status == 0)
        #expect(
            text.stdout.hasSuffix(
                """
                scores of stage score (customers matched by customer_id)
                  recommendations: 3 customers in both, 1 only in A, 1 only in B
                    mean top-K Jaccard overlap 0.833333; lists changed (items or order): 2 of 3 (66.7%)
                  segments: 3 customers in both, 1 only in A, 1 only in B; 2 moved
                    A \\ B   New  Loyal  Lapsed
                    New       0      1       0
                    Loyal     0      1       1
                    Lapsed    0      0       0
                  churn bands: 3 customers in both, 0 only in A, 0 only in B; 2 moved
                    A \\ B   low  medium  high
                    low       0       1     0
                    medium    0       1     0
                    high      1       0     0

                """), "\(text.stdout)")

        let json = try JSONParser.parse(try h.bespoke("diff", "A", "B", "--json").stdout)
        let s = try #require(json["stages"]?.arrayValue?.first?["scores"])
        #expect(s["recommendations"]?["mean_jaccard"] == .number(JSONNumber(expectedMean)))
        #expect(s["recommendations"]?["changed"] == 2 && s["recommendations"]?["customers_in_both"] == 3)
        #expect(s["segments"]?["labels"] == ["New", "Loyal", "Lapsed"])
        #expect(s["segments"]?["matrix"] == [[0, 1, 0], [0, 1, 1], [0, 0, 0]])
        #expect(s["churn_bands"]?["matrix"] == [[0, 1, 0], [0, 1, 0], [1, 0, 0]])
        #expect(s["churn_bands"]?["moved"] == 2)
    }

    @Test func identicalRunsOverlapFullyWithAnIdentityMatrix() throws {
        let h = try EngineHarness("diff-scores-same")
        try Self.makeRuns(h, stringIDs: false)
        let same = try h.bespoke("diff", "A", "A2", "--fail-if-diff")
        #expect(same.status == 0)
        #expect(
            same.stdout == """
                diff A → A2
                no differences
                scores of stage score (customers matched by customer_id)
                  recommendations: 4 customers in both, 0 only in A, 0 only in B
                    mean top-K Jaccard overlap 1; lists changed (items or order): 0 of 4 (0.0%)
                  segments: 4 customers in both, 0 only in A, 0 only in B; 0 moved
                    A \\ B   New  Loyal  Lapsed
                    New       1      0       0
                    Loyal     0      2       0
                    Lapsed    0      0       1
                  churn bands: 3 customers in both, 0 only in A, 0 only in B; 0 moved
                    A \\ B   low  medium  high
                    low       1       0     0
                    medium    0       1     0
                    high      0       0     1

                """)
        // Only the segments asked for: the other score tables are left out of the domain diff.
        let config = try PipelineValidator().load(path: h.pipelinePath)
        let only = try RunDiff.compare(
            config: config, runA: "A", runB: "A2", options: .init(tables: ["customer_segments"]))
        let scores = try #require(only.stages.first?.scores)
        #expect(scores.recommendations == nil && scores.churnBands == nil)
        #expect(scores.segments?.moved == 0)
    }
}
