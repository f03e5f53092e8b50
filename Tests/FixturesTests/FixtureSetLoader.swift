import Fixtures
import Foundation
import TestSupport

/// A generated fixture set read back: the raw files, their CSV records and the parsed truth.
struct LoadedFixtures: @unchecked Sendable {  // immutable after init; truth is [String: Any]
    let folder: String
    let truth: [String: Any]
    let customers: [CSVRecord]
    let items: [CSVRecord]
    let events: [CSVRecord]
    let customerBytes: [UInt8]
    let eventBytes: [UInt8]

    init(options: FixtureOptions, label: String) throws {
        precondition(options.format == .csv && !options.gzip, "the recount reads plain CSV")
        let folder = TemporaryDirectory(label).path
        self.folder = folder
        _ = try FixtureGenerator.generate(options, into: folder)
        let read = { (name: String) throws -> [UInt8] in
            Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
        }
        truth = try JSONSerialization.jsonObject(with: Data(try read("truth.json"))) as! [String: Any]
        customerBytes = try read("customers.csv")
        eventBytes = try read("events.csv")
        customers = CSVRecords.read(customerBytes)
        items = CSVRecords.read(try read("items.csv"))
        events = CSVRecords.read(eventBytes)
    }

    func table(_ name: String) -> [String: Any] { (truth["tables"] as! [String: Any])[name] as! [String: Any] }

    func defects(_ name: String) -> [String: Any] { table(name)["defects"] as! [String: Any] }

    /// The `rows` of a `{count, rows}` listing at `path` under a table's defects.
    func rows(_ name: String, _ path: String...) -> [[String: Any]] {
        var node: Any = defects(name)
        for key in path { node = (node as! [String: Any])[key]! }
        let listing = node as! [String: Any]
        let rows = listing["rows"] as! [[String: Any]]
        precondition((listing["count"] as! Int) == rows.count, "count differs from rows at \(path)")
        return rows
    }
}

/// The default fixture set as plain CSV (the committed set is the same content, gzipped), generated once.
let defaultFixtures: LoadedFixtures = {
    var options = FixtureOptions()
    options.format = .csv
    return try! LoadedFixtures(options: options, label: "fixtures-default")
}()

extension [String: Any] {
    func int(_ key: String) -> Int { self[key] as! Int }
    func double(_ key: String) -> Double { (self[key] as! NSNumber).doubleValue }
    func string(_ key: String) -> String { self[key] as! String }
}
