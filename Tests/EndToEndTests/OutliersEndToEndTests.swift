import Frame
import Pipeline
import Testing

/// Issue 4, check 4: `outliers` catches every planted outlier — the ten ages of 250 become null
/// (customers kept), the 30 quantities of 9999 and 30 negative prices go to `rejects.parquet` with
/// their rule — and drops or changes nothing else.
@Suite struct OutliersEndToEndTests {
    @Test func plantedAgesBecomeNullAndCustomersStay() throws {
        let run = try FixtureRun.completed()
        let before = try run.artifacts.frame("impute", "customers"),
            after = try run.artifacts.frame("outliers", "customers")
        let planted = FixtureTruth.rows("customers", "outliers", "age")
        #expect(planted.count == 10)
        #expect(planted.allSatisfy { $0["value"]?.int == 250 })
        let ids = Set(planted.map { $0["customer_id"]!.intValue! })

        #expect(after.rowCount == before.rowCount)
        #expect(after.ints("customer_id") == before.ints("customer_id"))
        for name in before.schema.names where name != "age" {
            #expect(after[name]! == before[name]!, "column '\(name)' changed")
        }
        let keys = after.ints("customer_id"), was = before.ints("age"), now = after.ints("age")
        for i in 0..<after.rowCount {
            if ids.contains(keys[i]!) {
                #expect(
                    was[i] == 250 && now[i] == nil,
                    "customer \(keys[i]!): age \(was[i].map(String.init) ?? "null") → \(now[i].map(String.init) ?? "null")"
                )
            } else if was[i] != now[i] {
                Issue.record(
                    "customer \(keys[i]!): age changed from \(was[i].map(String.init) ?? "null") to \(now[i].map(String.init) ?? "null")"
                )
            }
        }
        #expect(now.filter { $0 == nil }.count == 10, "ages null after outliers")
    }

    @Test func plantedEventsAreDroppedWithTheirRule() throws {
        let run = try FixtureRun.completed()
        let before = try run.artifacts.frame("impute", "events")
        let rejects = try run.artifacts.frame("outliers", "rejects")
        let eventOfRow = before.ints("event_id")
        var got: [Int64: String] = [:]
        for (i, (table, row)) in zip(rejects.strings("source_table"), rejects.ints("row")).enumerated() {
            #expect(table == "events")
            let id = eventOfRow[Int(row!)]!
            #expect(got.updateValue(rejects.strings("rule")[i]!, forKey: id) == nil, "event \(id) dropped twice")
            let values = try JSONParser.parse(rejects.strings("values")[i]!)
            #expect(values["event_id"]?.intValue == id, "reject \(i): values are not row \(row!)'s")
        }
        var expected: [Int64: String] = [:]
        for r in FixtureTruth.rows("events", "outliers", "quantity") {
            #expect(r["value"]?.int == 9999)
            expected[r["event_id"]!.intValue!] = "quantity:iqr"
        }
        for r in FixtureTruth.rows("events", "outliers", "negative_price") {
            #expect(r["value"]!.doubleValue! < 0)
            expected[r["event_id"]!.intValue!] = "price:bounds"
        }
        #expect(expected.count == 60)
        #expect(got == expected)

        // Nothing else dropped, no value changed.
        let dropped = Set(got.keys)
        #expect(
            try run.artifacts.frame("outliers", "events") == before.filter(eventOfRow.map { !dropped.contains($0!) }))
    }

    @Test func countersRecordEachRule() throws {
        let counters = try FixtureRun.completed().artifacts.manifest("outliers").counters
        let customerRules = counters[at: "tables", "customers", "rules"]?.arrayValue ?? []
        #expect(
            customerRules.map { "\($0["column"]!.stringValue!):\($0["rule"]!.stringValue!)=\($0["outliers"]!.int!)" }
                == ["age:bounds=10"])
        let eventRules = counters[at: "tables", "events", "rules"]?.arrayValue ?? []
        #expect(
            eventRules.map { "\($0["column"]!.stringValue!):\($0["rule"]!.stringValue!)=\($0["outliers"]!.int!)" }
                == ["quantity:iqr=30", "price:bounds=30"])
        #expect(counters["dropped"]?.int == 60)
        #expect(counters["outliers"]?.int == 70)
    }
}
