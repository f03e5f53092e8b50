import Fixtures
import Foundation
import Frame
import Parquet
import TestSupport
import Testing

/// JSON Lines and Parquet carry the same business and the defects their format can hold.
@Suite struct FixtureFormatsTests {
    static func truth(_ folder: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/truth.json")))
            as! [String: Any]
    }

    static func table(_ truth: [String: Any], _ name: String) -> [String: Any] {
        (truth["tables"] as! [String: Any])[name] as! [String: Any]
    }

    @Test func parquetTablesHoldEveryDefectButMalformedRows() throws {
        let dir = TemporaryDirectory("fixtures-parquet")
        defer { dir.remove() }
        _ = try FixtureGenerator.generate(FixtureDeterminismTests.small(.parquet), into: dir.path)
        let truth = try Self.truth(dir.path)
        let events = try ParquetReader(path: dir.file("events.parquet")).read(columns: nil, rowGroups: nil)
        let table = Self.table(truth, "events")
        let defects = table["defects"] as! [String: Any]
        #expect(events.schema == FixtureTables.events)
        #expect(events.rowCount == table.int("data_rows"))
        #expect((defects["malformed"] as! [String: Any]).int("count") == 0)
        #expect(table.int("distinct_valid_rows") == 20_000)
        let duplicates = (defects["duplicates"] as! [String: Any]).int("count")
        let resent = (defects["resent"] as! [String: Any]).int("count")
        #expect(events.rowCount == 20_000 + duplicates + resent)
        // Null prices: every view, search and rating, plus the planted missing purchase prices.
        guard case .string(let types) = events["event_type"]!.values else { Issue.record("event_type"); return }
        let price = events["price"]!
        var missing = 0, unpricedByDesign = 0
        for row in 0..<events.rowCount where price.isNull(row) {
            if types[row] == "purchase" { missing += 1 } else if types[row] != "cart" { unpricedByDesign += 1 }
        }
        let missingRows = ((defects["missing"] as! [String: Any])["price"] as! [String: Any]).int("count")
        #expect(missing == missingRows)
        #expect(price.nullCount == missing + unpricedByDesign)

        let customers = try ParquetReader(path: dir.file("customers.parquet")).read(columns: nil, rowGroups: nil)
        #expect(customers.schema == FixtureTables.customers)
        #expect(customers.rowCount == Self.table(truth, "customers").int("data_rows"))
        let missingAges =
            (((Self.table(truth, "customers")["defects"] as! [String: Any])["missing"] as! [String: Any])["age"]
            as! [String: Any]).int("count")
        #expect(customers["age"]!.nullCount == missingAges)
    }

    @Test func jsonLinesMalformedLinesAreTheOnesThatDoNotParse() throws {
        let dir = TemporaryDirectory("fixtures-jsonl")
        defer { dir.remove() }
        _ = try FixtureGenerator.generate(FixtureDeterminismTests.small(.jsonl), into: dir.path)
        let truth = try Self.truth(dir.path)
        let data = try Data(contentsOf: URL(fileURLWithPath: dir.file("events.jsonl")))
        let lines = data.split(separator: 10, omittingEmptySubsequences: false).dropLast()
        var unparsable: [Int] = []
        var wrongTypes: [Int] = []
        for (i, line) in lines.enumerated() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                unparsable.append(i + 1)
                continue
            }
            if object["quantity"] is String
                || object["timestamp"].map({ ($0 as? String)?.contains("-13-") ?? false }) == true
            {
                wrongTypes.append(i + 1)
            }
        }
        let malformed =
            ((Self.table(truth, "events")["defects"] as! [String: Any])["malformed"] as! [String: Any])["rows"]
            as! [[String: Any]]
        let textLevel = malformed.filter { ["invalid_json", "invalid_utf8"].contains($0.string("reason")) }.map {
            $0.int("line")
        }
        let valueLevel = malformed.filter { ["unparsable_number", "unparsable_date"].contains($0.string("reason")) }.map
        { $0.int("line") }
        #expect(unparsable == textLevel.sorted())
        #expect(wrongTypes == valueLevel.sorted())
        #expect(
            Set(malformed.map { $0.string("reason") }) == [
                "invalid_json", "invalid_utf8", "unparsable_number", "unparsable_date",
            ])
        #expect(lines.count == Self.table(truth, "events").int("physical_lines"))
    }
}
