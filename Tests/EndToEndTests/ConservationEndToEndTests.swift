import Frame
import Pipeline
import Testing

/// Issue 4, check 5: rows are conserved at every stage — rows in = rows out + rows dropped or
/// rejected — in the manifests' counters, in the files they list, and from stage to stage.
@Suite struct ConservationEndToEndTests {
    @Test func collectConservesEachSource() throws {
        let run = try FixtureRun.completed()
        let manifest = try run.artifacts.manifest("collect")
        let rejects = try run.artifacts.frame("collect", "rejects").strings("source")
        for table in ["events", "customers", "items"] {
            let c = manifest.counters[at: "sources", table]
            let records = try #require(c?["records"]?.int), out = try #require(c?["rows_out"]?.int)
            let rejected = try #require(c?["rejects"]?.int)
            #expect(records == out + rejected, "\(table)")
            #expect(records == FixtureTruth.count(table, "data_rows"), "\(table)")
            #expect(rejected == rejects.filter { $0 == table }.count, "\(table): rejects.parquet rows")
            #expect(manifest.output(forTable: table)?.rows == Int64(out), "\(table): manifest output rows")
        }
        #expect(manifest.counters["rejects"]?.int == rejects.count)
    }

    @Test(arguments: [("dedupe", "collect"), ("impute", "dedupe"), ("outliers", "impute")])
    func stageConservesEachTable(stage: String, upstream: String) throws {
        let run = try FixtureRun.completed()
        let manifest = try run.artifacts.manifest(stage), previous = try run.artifacts.manifest(upstream)
        let rejectTables = stage == "impute" ? [] : try run.artifacts.frame(stage, "rejects").strings("source_table")
        var totals = (rowsIn: 0, rowsOut: 0)
        for (table, c) in manifest.counters["tables"]?.objectMembers ?? [] {
            let rowsIn = try #require(c["rows_in"]?.int), rowsOut = try #require(c["rows_out"]?.int)
            let dropped = rejectTables.filter { $0 == table }.count
            #expect(rowsIn == rowsOut + dropped, "\(stage) \(table): \(rowsIn) in, \(rowsOut) out, \(dropped) dropped")
            #expect(
                previous.output(forTable: table)?.rows == Int64(rowsIn),
                "\(stage) \(table): rows in ≠ \(upstream)'s rows out")
            #expect(manifest.output(forTable: table)?.rows == Int64(rowsOut), "\(stage) \(table): manifest output rows")
            #expect(try run.artifacts.frame(stage, table).rowCount == rowsOut, "\(stage) \(table): Parquet rows")
            totals.rowsIn += rowsIn
            totals.rowsOut += rowsOut
        }
        #expect(manifest.counters["tables"]?.objectMembers?.count == 2, "\(stage): tables counted")
        #expect(manifest.counters["rows_in"]?.int == totals.rowsIn)
        #expect(manifest.counters["rows_out"]?.int == totals.rowsOut)
        #expect(totals.rowsIn == totals.rowsOut + rejectTables.count)
        // items is not in params.tables: the stage does not write it at all.
        #expect(manifest.output(forTable: "items") == nil)
    }
}
