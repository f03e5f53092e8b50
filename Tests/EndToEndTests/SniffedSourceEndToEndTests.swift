import Foundation
import Frame
import Parquet
import Pipeline
import TestSupport
import Testing

/// Issue 11: sources without declared columns are sniffed at collect time; `validate` checks
/// source options, paths and the column names stage parameters give; `run` stops before any
/// stage on a missing source.
@Suite struct SniffedSourceEndToEndTests {
    /// A pipeline in a fresh folder.
    static func workspace(_ label: String, _ pipeline: String, files: [String: String] = [:]) throws
        -> TemporaryDirectory
    {
        let folder = TemporaryDirectory("bespoke-e2e-\(label)")
        WorkspaceCleanup.removeAtExit(folder)
        for (name, text) in files { try text.write(toFile: folder.file(name), atomically: true, encoding: .utf8) }
        try pipeline.write(toFile: folder.file("pipeline.json"), atomically: true, encoding: .utf8)
        return folder
    }

    /// The Fixtures read with no options at all give the shipped pipeline's collect tables.
    @Test func columnlessFixturesCollectLikeTheShippedPipeline() throws {
        let fixtures = PipelineWorkspace.fixtures
        let folder = try Self.workspace(
            "sniffed-collect",
            """
            {"version": 1, "sources": {
               "events": {"path": "\(fixtures)/events.csv.gz"},
               "customers": {"path": "\(fixtures)/customers.csv.gz"},
               "items": {"path": "\(fixtures)/items.csv.gz"}},
             "stages": [{"name": "collect", "uses": "collect"}]}
            """)
        let run = try BuiltExecutable.run("bespoke", ["run", "--pipeline", folder.file("pipeline.json"), "--run", "s"])
        #expect(run.status == 0, "\(run.stderr)")
        let shipped = try FixtureRun.completed().artifacts
        for table in ["events", "customers", "items", "rejects"] {
            let a = try shipped.frame("collect", table)
            let b = try ParquetReader(path: folder.file("runs/s/collect/\(table).parquet")).read()
            #expect(b.schema.fields.map(\.name) == a.schema.fields.map(\.name))
            #expect(b.schema.fields.map(\.type) == a.schema.fields.map(\.type), "types of \(table)")
            #expect(b.rowCount == a.rowCount, "rows of \(table)")
            for k in a.schema.fields.indices where b.rowCount == a.rowCount {
                let x = (0..<a.rowCount).map { ValueFormatter.text(a.columns[k], $0) }
                let y = (0..<b.rowCount).map { ValueFormatter.text(b.columns[k], $0) }
                #expect(x == y, "\(table).\(a.schema.fields[k].name)")
            }
        }
        let manifest = try StageManifest.load(folder.file("runs/s/collect/_manifest.json"))!
        let schema = manifest.counters["sources"]?["events"]?["schema"]
        #expect(schema?["origin"]?.stringValue == "sniffed")
        #expect(schema?["delimiter"]?.stringValue == ",")
        #expect(schema?["columns"]?["timestamp"]?.stringValue == "timestamp")
        #expect(schema?["columns"]?["quantity"]?.stringValue == "int")
    }

    /// A mostly-int column with one `2x` is sniffed int; the `2x` row is a reject. When rejects
    /// pass the limit, the error names the column and the type that would hold every value.
    @Test func sniffedTypeTooNarrowIsNamedWhenRejectsPassTheLimit() throws {
        let rows = (1...1000).map { "\($0),\($0 == 777 ? "2x" : String($0 * 3))" }
        let csv = "id,n\n" + rows.joined(separator: "\n") + "\n"
        let pipeline = """
            {"version": 1, "sources": {"s": {"path": "s.csv"}},
             "stages": [{"name": "collect", "uses": "collect", "params": {"max_reject_share": LIMIT}}]}
            """
        let ok = try Self.workspace(
            "sniff-2x-ok", pipeline.replacingOccurrences(of: "LIMIT", with: "0.01"), files: ["s.csv": csv])
        let passed = try BuiltExecutable.run("bespoke", ["run", "--pipeline", ok.file("pipeline.json"), "--run", "r"])
        #expect(passed.status == 0, "\(passed.stderr)")
        let table = try ParquetReader(path: ok.file("runs/r/collect/s.parquet")).read()
        #expect(table.schema.fields.map(\.type) == [.int64, .int64])
        #expect(table.rowCount == 999)
        let rejects = try ParquetReader(path: ok.file("runs/r/collect/rejects.parquet")).read()
        #expect(rejects.ints("line") == [778])
        #expect(rejects.strings("reason") == ["column 'n': cannot parse '2x' as int"])

        let strict = try Self.workspace(
            "sniff-2x-strict", pipeline.replacingOccurrences(of: "LIMIT", with: "0.0005"), files: ["s.csv": csv])
        let failed = try BuiltExecutable.run(
            "bespoke", ["run", "--pipeline", strict.file("pipeline.json"), "--run", "r"])
        #expect(failed.status == 65)
        #expect(
            failed.stderr.contains(
                "column 'n' was sniffed as int from a sample, but 1 values of the file are not; every value fits string"
            ), "\(failed.stderr)")
    }

    /// What sniffing could not settle (dates that read day or month first) reaches the nightly
    /// run: a warning in collect's log and the source's schema notes in its manifest.
    @Test func sniffNotesAreWarnedAndKeptInTheManifest() throws {
        let rows = (1...60).map { "\($0),\(String(format: "%02d/%02d/2024", $0 % 12 + 1, $0 % 12 + 1))" }
        let folder = try Self.workspace(
            "sniff-notes",
            """
            {"version": 1, "sources": {"s": {"path": "s.csv"}},
             "stages": [{"name": "collect", "uses": "collect"}]}
            """, files: ["s.csv": "id,day\n" + rows.joined(separator: "\n") + "\n"])
        let run = try BuiltExecutable.run("bespoke", ["run", "--pipeline", folder.file("pipeline.json"), "--run", "r"])
        #expect(run.status == 0, "\(run.stderr)")
        let manifest = try StageManifest.load(folder.file("runs/r/collect/_manifest.json"))!
        let notes = manifest.counters["sources"]?["s"]?["schema"]?["notes"]
        let note = "column 'day': no value tells day-first from month-first dates; read as %m/%d/%Y (month first)"
        #expect(notes == [.string(note)])
        let log = try String(contentsOfFile: folder.file("runs/r/collect/stage.log"), encoding: .utf8)
        #expect(log.contains("WARN") && log.contains("s: sniffed " + note), "\(log)")
    }

    @Test func validateChecksSourceOptionsPathsAndColumns() throws {
        let folder = try Self.workspace(
            "validate-sources",
            """
            {"version": 1, "sources": {
               "a": {"path": "a.csv", "options": {"encoding": "latin1", "delimeter": ";",
                     "columns": [{"name": "id", "type": "int"}, {"name": "price", "type": "double"}]}},
               "b": {"path": "missing.csv", "key": ["id"],
                     "options": {"columns": [{"name": "id", "type": "int"}, {"name": "amount", "type": "double"}]}}},
             "stages": [
               {"name": "collect", "uses": "collect"},
               {"name": "dedupe", "uses": "dedupe", "params": {"tables": {"b": {"key": ["idd"]}}}},
               {"name": "impute", "uses": "impute", "params": {"tables": {"b": {"columns": {"amount": {"strategy": "median"}}, "indicator": true}}}},
               {"name": "outliers", "uses": "outliers", "params": {"tables": {
                  "a": [{"column": "prise", "rule": "iqr", "action": "drop"}],
                  "b": [{"column": "amount_imputed", "rule": "iqr", "action": "flag"}]}}}]}
            """, files: ["a.csv": "id,price\n1,2.5\n"])
        let result = try BuiltExecutable.run("bespoke", ["validate", folder.file("pipeline.json")])
        #expect(result.status == 78)
        let p = folder.file("pipeline.json")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(
            lines == [
                "bespoke: warning: \(p): $.sources.b.path: no such file 'missing.csv'",
                "bespoke: \(p): $.sources.a.options.delimeter: unknown key 'delimeter' (did you mean 'delimiter'?)",
                "bespoke: \(p): $.sources.a.options.encoding: expected one of utf-8, latin-1; got 'latin1' (did you mean 'latin-1'?)",
                "bespoke: \(p): $.stages[1].params.tables.b.key[0]: no column 'idd' in source 'b' (did you mean 'id'?); its declared columns: id, amount",
                "bespoke: \(p): $.stages[3].params.tables.a[0].column: no column 'prise' in source 'a' (did you mean 'price'?); its declared columns: id, price",
            ], "\(result.stderr)")
    }

    @Test func missingSourceWarnsInValidateAndStopsRunBeforeAnyStage() throws {
        let folder = try Self.workspace(
            "missing-source",
            """
            {"version": 1, "sources": {"a": {"path": "a.csv"}, "b": {"path": "b.csv"}},
             "stages": [{"name": "collect", "uses": "collect"}]}
            """, files: ["a.csv": "id\n1\n"])
        let validate = try BuiltExecutable.run("bespoke", ["validate", folder.file("pipeline.json")])
        #expect(validate.status == 0)
        #expect(
            validate.stderr.contains("warning: \(folder.file("pipeline.json")): $.sources.b.path: no such file 'b.csv'")
        )
        let run = try BuiltExecutable.run("bespoke", ["run", "--pipeline", folder.file("pipeline.json"), "--run", "r"])
        #expect(run.status == 66)
        #expect(run.stderr.contains("stage 'collect' reads source 'b': b.csv: no such file"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("runs/r")), "the run folder was created")
    }
}
