import Foundation
import Pipeline
import TestSupport

/// `Fixtures/truth.json`: every planted defect with its line and key (see `Fixtures/README.md`).
enum FixtureTruth {
    static let document: JSONValue = {
        let path = PipelineWorkspace.fixtures + "/truth.json"
        guard let data = FileManager.default.contents(atPath: path) else { fatalError("\(path): cannot read") }
        do { return try JSONParser.parse([UInt8](data)) } catch { fatalError("\(path): \(error)") }
    }()

    static func table(_ name: String) -> JSONValue { document[at: "tables", name]! }

    /// `tables.<table>.<key>` as an integer (`valid_rows`, `distinct_valid_rows`, `data_rows`…).
    static func count(_ table: String, _ key: String) -> Int { self.table(table)[key]!.int! }

    /// The `rows` of a `{count, rows}` defect listing, checked against its `count`.
    static func rows(_ table: String, _ path: String...) -> [JSONValue] {
        var listing: JSONValue? = self.table(table)["defects"]
        for key in path { listing = listing?[key] }
        guard let rows = listing?["rows"]?.arrayValue, rows.count == listing?["count"]?.int else {
            fatalError("truth.json: tables.\(table).defects.\(path.joined(separator: ".")): no rows matching count")
        }
        return rows
    }

    /// Truth's malformed-row reasons as the reader's reject kinds (`RejectKind` codes).
    static let rejectKind = [
        "field_count": "wrong_field_count", "unparsable_number": "unparsable_value",
        "unparsable_date": "unparsable_value", "invalid_utf8": "invalid_utf8",
        "unterminated_quote": "unterminated_quote",
    ]

    /// The 1-based physical line of each row `collect` wrote for `table`: every data line (2…)
    /// except the planted malformed ones, in file order. `collect` keeps file order, so row i of
    /// its output is line `collectLines(table)[i]`.
    static func collectLines(_ table: String) -> [Int] {
        let malformed = Set(
            (self.table(table)["defects"]?["malformed"]?["rows"]?.arrayValue ?? []).map { $0["line"]!.int! })
        return (2...count(table, "physical_lines")).filter { !malformed.contains($0) }
    }
}
