import Frame
import Pipeline
import Testing

/// Issue 4, check 2: `dedupe` removes exactly the planted exact duplicates and re-sends, keeping
/// the later re-send (`keep: last` by `ingested_at`), and no other row.
@Suite struct DedupeEndToEndTests {
    /// The dedupe rejects as "table:line:rule", lines through collect's row → line map.
    @Test func dropsExactlyThePlantedDuplicates() throws {
        let run = try FixtureRun.completed()
        let rejects = try run.artifacts.frame("dedupe", "rejects")
        let lines = [
            "events": FixtureTruth.collectLines("events"), "customers": FixtureTruth.collectLines("customers"),
        ]
        let tables = rejects.strings("source_table"), rows = rejects.ints("row"), rules = rejects.strings("rule")
        let values = rejects.strings("values")
        var got: [String] = []
        var keyOfDropped: [String: Int64] = [:]
        for i in 0..<rejects.rowCount {
            guard let table = tables[i], let tableLines = lines[table], let row = rows[i].map(Int.init),
                tableLines.indices.contains(row)
            else {
                Issue.record(
                    "reject \(i): unexpected table \(tables[i] ?? "null") or row \(rows[i].map(String.init) ?? "null")")
                continue
            }
            let entry = "\(table):\(tableLines[row]):\(rules[i]!)"
            got.append(entry)
            let keyName = table == "events" ? "event_id" : "customer_id"
            keyOfDropped[entry] = try JSONParser.parse(values[i]!)[keyName]?.intValue
        }
        var expected: [String: Int64] = [:]
        for row in FixtureTruth.rows("events", "duplicates") {
            expected["events:\(row["line"]!.int!):exact_duplicate"] = row["event_id"]!.intValue
        }
        for row in FixtureTruth.rows("events", "resent") {
            expected["events:\(row["original_line"]!.int!):key_duplicate"] = row["event_id"]!.intValue
        }
        for row in FixtureTruth.rows("customers", "duplicates") {
            expected["customers:\(row["line"]!.int!):exact_duplicate"] = row["customer_id"]!.intValue
        }
        #expect(expected.count == 815)
        #expect(got.count == expected.count)
        #expect(Set(got).subtracting(expected.keys).sorted() == [], "dropped but not planted")
        #expect(Set(expected.keys).subtracting(got).sorted() == [], "planted but not dropped")
        #expect(keyOfDropped == expected, "the dropped rows' keys (from rejects.values) differ from truth")
    }

    /// For each re-sent event the row that stays is the re-send, with its later `ingested_at`.
    @Test func keepsTheLaterResend() throws {
        let run = try FixtureRun.completed()
        let events = try run.artifacts.frame("dedupe", "events")
        let rowOfEvent = events.rowIndex(byKey: "event_id")
        let ingested = events.ints("ingested_at")
        let resent = FixtureTruth.rows("events", "resent")
        #expect(resent.count == 300)
        for r in resent {
            let id = r["event_id"]!.intValue!
            let later = microseconds(iso8601: r["ingested_at"]!.stringValue!)!
            let earlier = microseconds(iso8601: r["original_ingested_at"]!.stringValue!)!
            #expect(earlier < later, "truth: event \(id) re-sent earlier than first sent")
            #expect(rowOfEvent[id].map { ingested[$0] } == later, "event \(id): kept row is not the re-send")
        }
    }

    @Test(arguments: [("events", "event_id"), ("customers", "customer_id"), ("items", "item_id")])
    func rowCountsAreDistinctValidRows(table: String, key: String) throws {
        let run = try FixtureRun.completed()
        // items has no planted defect and is not in dedupe's params: it is read from collect.
        let frame = try run.artifacts.frame(table == "items" ? "collect" : "dedupe", table)
        #expect(frame.rowCount == FixtureTruth.count(table, "distinct_valid_rows"))
        #expect(Set(frame.ints(key)).count == frame.rowCount, "keys are not unique")
    }

    /// The output is collect's table with exactly the rejected rows removed, values untouched.
    @Test(arguments: ["events", "customers"])
    func noOtherRowChanges(table: String) throws {
        let run = try FixtureRun.completed()
        let input = try run.artifacts.frame("collect", table)
        let rejects = try run.artifacts.frame("dedupe", "rejects")
        var keep = [Bool](repeating: true, count: input.rowCount)
        for (t, row) in zip(rejects.strings("source_table"), rejects.ints("row")) where t == table {
            keep[Int(row!)] = false
        }
        #expect(try run.artifacts.frame("dedupe", table) == input.filter(keep))

        let counters = try run.artifacts.manifest("dedupe").counters[at: "tables", table]
        let planted = (
            exact: FixtureTruth.rows(table, "duplicates").count,
            key: table == "events" ? FixtureTruth.rows(table, "resent").count : 0
        )
        #expect(counters?["exact_duplicates"]?.int == planted.exact)
        #expect(counters?["key_duplicates"]?.int == planted.key)
    }

    /// Items carry no planted defect and are not in dedupe's params: no stage after collect
    /// writes them (DESIGN §2: a table a stage does not change is not copied).
    @Test func itemsAreNotCopiedPastCollect() throws {
        let run = try FixtureRun.completed()
        #expect(try run.artifacts.manifest("collect").output(forTable: "items") != nil)
        for stage in ["dedupe", "impute", "outliers"] {
            #expect(try run.artifacts.manifest(stage).output(forTable: "items") == nil, "\(stage) wrote items")
        }
    }
}
