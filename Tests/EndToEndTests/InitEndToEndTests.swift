import Foundation
import Frame
import Parquet
import Pipeline
import TestSupport
import Testing

/// Issue 11: `bespoke init` on the Fixtures' three files writes a pipeline that validates and
/// runs, and whose collect gives the same tables — values and types — as the shipped
/// pipeline.json's collect.
@Suite struct InitEndToEndTests {
    static let runID = "init-1"

    /// The workspace with the written pipeline, after one whole run of it.
    static let written: Result<(folder: TemporaryDirectory, stdout: String), FixtureRun.Failed> = {
        let folder = TemporaryDirectory("bespoke-e2e-init")
        WorkspaceCleanup.removeAtExit(folder)
        do {
            let files = ["events", "customers", "items"].map { PipelineWorkspace.fixtures + "/\($0).csv.gz" }
            let written = try BuiltExecutable.run("bespoke", ["init"] + files + ["-o", folder.file("pipeline.json")])
            guard written.status == 0 else {
                return .failure(.init(description: "bespoke init exited \(written.status): \(written.stderr)"))
            }
            let run = try BuiltExecutable.run(
                "bespoke", ["run", "--pipeline", folder.file("pipeline.json"), "--run", runID])
            guard run.status == 0 else {
                return .failure(.init(description: "bespoke run exited \(run.status): \(run.stderr)"))
            }
            return .success((folder, written.stdout))
        } catch {
            return .failure(.init(description: "\(error)"))
        }
    }()

    @Test func writesAValidPipelineWithGuessedKeys() throws {
        let (folder, stdout) = try Self.written.get()
        #expect(stdout.contains("events: \(PipelineWorkspace.fixtures)/events.csv.gz, 11 columns, key event_id"))
        #expect(
            stdout.contains("customers: \(PipelineWorkspace.fixtures)/customers.csv.gz, 6 columns, key customer_id"))
        #expect(stdout.contains("items: \(PipelineWorkspace.fixtures)/items.csv.gz, 6 columns, key item_id"))
        let doc = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: folder.file("pipeline.json")))))
        #expect(
            doc["stages"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == [
                "collect", "dedupe", "impute", "outliers",
            ])
        #expect(
            doc["sources"]?.objectMembers?.map { $0.value["key"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
                == [["event_id"], ["customer_id"], ["item_id"]])
        let validate = try BuiltExecutable.run("bespoke", ["validate", folder.file("pipeline.json")])
        #expect(validate.status == 0, "\(validate.stderr)")
        // Impute fills the customers' columns with a few holes; not the mostly empty event columns.
        let impute = doc["stages"]!.arrayValue![2]["params"]!["tables"]!
        #expect(impute["customers"]?["columns"]?.objectMembers?.map(\.key) == ["age", "gender", "income"])
        #expect(impute["events"] == nil)
    }

    /// Same column names, types and values, and the same rejects (source, line, kind). The one
    /// difference is on purpose: the shipped pipeline marks more columns required (which only
    /// makes their Parquet fields non-nullable here, as none of their values is null), while init
    /// marks only the guessed keys required — a null elsewhere is a value, not a bad row.
    @Test(arguments: ["events", "customers", "items", "rejects"])
    func collectGivesTheShippedTables(table: String) throws {
        let shipped = try FixtureRun.completed().artifacts.frame("collect", table)
        let (folder, _) = try Self.written.get()
        let ours = try ParquetReader(path: folder.file("runs/\(Self.runID)/collect/\(table).parquet")).read()
        #expect(ours.schema.fields.map(\.name) == shipped.schema.fields.map(\.name))
        #expect(ours.schema.fields.map(\.type) == shipped.schema.fields.map(\.type))
        let requiredOnlyInShipped = zip(shipped.schema.fields, ours.schema.fields).filter {
            !$0.0.nullable && $0.1.nullable
        }.map(\.0.name)
        let expectedRequired: [String: [String]] = [
            "events": ["customer_id", "event_type", "timestamp", "ingested_at"], "customers": [], "items": [],
            "rejects": [],
        ]
        #expect(requiredOnlyInShipped == expectedRequired[table]!)
        #expect(ours.rowCount == shipped.rowCount)
        for (k, field) in shipped.schema.fields.enumerated() {
            let a = (0..<shipped.rowCount).map { ValueFormatter.text(shipped.columns[k], $0) }
            let b = (0..<ours.rowCount).map { ValueFormatter.text(ours.columns[k], $0) }
            if table == "rejects" && field.name == "source" { continue }
            #expect(a == b, "column \(field.name) of \(table) differs")
        }
    }

    /// collect's manifest says which schema each source was read with.
    @Test func manifestRecordsTheSchemaUsed() throws {
        let (folder, _) = try Self.written.get()
        let manifest = try StageManifest.load(folder.file("runs/\(Self.runID)/collect/_manifest.json"))!
        let schema = manifest.counters[at: "sources", "customers", "schema"]
        #expect(schema?["origin"]?.stringValue == "declared")
        #expect(schema?["columns"]?["signup_date"]?.stringValue == "date")
    }
}
