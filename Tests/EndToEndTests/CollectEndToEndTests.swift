import Frame
import Pipeline
import Testing

/// Issue 4, check 1: `collect` refuses exactly the planted malformed rows, with their source, line
/// and reason, and writes every valid row in file order.
@Suite struct CollectEndToEndTests {
    @Test func rejectsAreExactlyThePlantedMalformedRows() throws {
        let run = try FixtureRun.completed()
        let rejects = try run.artifacts.frame("collect", "rejects")
        let got = zip(zip(rejects.strings("source"), rejects.ints("line")), rejects.strings("kind")).map {
            "\($0.0!):\($0.1!):\($1!)"
        }
        var expected: [String] = []
        for table in ["events", "customers", "items"] {
            for row in FixtureTruth.table(table)[at: "defects", "malformed", "rows"]?.arrayValue ?? [] {
                let reason = row["reason"]!.stringValue!
                expected.append(
                    "\(table):\(row["line"]!.int!):\(FixtureTruth.rejectKind[reason] ?? "unmapped reason \(reason)")")
            }
        }
        #expect(expected.count == 54)
        #expect(got.count == expected.count)
        #expect(Set(got).count == got.count, "a record is rejected twice")
        #expect(Set(got).subtracting(expected).sorted() == [], "rejected but not planted")
        #expect(Set(expected).subtracting(got).sorted() == [], "planted but not rejected")
    }

    @Test(arguments: ["events", "customers", "items"])
    func rowsOutAreTheValidRows(table: String) throws {
        let run = try FixtureRun.completed()
        let frame = try run.artifacts.frame("collect", table)
        #expect(frame.rowCount == FixtureTruth.count(table, "valid_rows"))

        let counters = try run.artifacts.manifest("collect").counters[at: "sources", table]
        #expect(counters?["records"]?.int == FixtureTruth.count(table, "data_rows"))
        #expect(counters?["rows_out"]?.int == FixtureTruth.count(table, "valid_rows"))
        var byKind: [String: Int] = [:]
        for (reason, count) in FixtureTruth.table(table)[at: "defects", "malformed", "by_reason"]?.objectMembers ?? [] {
            byKind[FixtureTruth.rejectKind[reason]!, default: 0] += count.int!
        }
        let recorded = (counters?["rejects_by_kind"]?.objectMembers ?? []).map { ($0.key, $0.value.int ?? -1) }
        #expect(Dictionary(uniqueKeysWithValues: recorded) == byKind)
    }

    /// Every row truth names by line holds that line's key: the output is the valid lines in file
    /// order, nothing shifted, dropped or added.
    @Test func validRowsKeepFileOrder() throws {
        let run = try FixtureRun.completed()
        for (table, key) in [("events", "event_id"), ("customers", "customer_id")] {
            let lines = FixtureTruth.collectLines(table)
            let rowOfLine = Dictionary(uniqueKeysWithValues: lines.enumerated().map { ($1, $0) })
            let keys = try run.artifacts.frame("collect", table).ints(key)
            #expect(keys.count == lines.count)
            var checked = 0
            for (name, listing) in FixtureTruth.table(table)["defects"]!.objectMembers! where name != "malformed" {
                let groups = listing["rows"] != nil ? [listing] : listing.objectMembers!.map(\.value)
                for row in groups.flatMap({ $0["rows"]!.arrayValue! }) {
                    let line = row["line"]!.int!
                    #expect(rowOfLine[line].map { keys[$0] } == row[key]!.intValue, "\(table) line \(line) (\(name))")
                    if let original = row["original_line"]?.int {
                        #expect(rowOfLine[original].map { keys[$0] } == row[key]!.intValue, "\(table) line \(original)")
                    }
                    checked += 1
                }
            }
            // events: 500 duplicates + 300 re-sends + 100 missing prices + 60 outliers;
            // customers: 15 duplicates + 150 missing values + 10 outliers.
            #expect(checked == (table == "events" ? 960 : 175))
        }
    }
}
