import Foundation
import Frame
import Pipeline
import Stages
import Testing

@Suite struct DedupeStageTests {
    /// id 1: rows 0 and 2 identical, 3 and 5 later with the same `t` (a tie); id 3: row 6 has no `t`.
    static let events = Toy.frame([
        ("id", Toy.ints([1, 2, 1, 1, 3, 1, 3])),
        ("v", Toy.strings(["a", "b", "a", "c", "d", "e", "f"])),
        ("t", Toy.ints([10, 10, 10, 20, 5, 20, nil])),
    ])

    @Test(
        arguments: [
            // keep, order_by, surviving rows, key-duplicate rows
            ("last", "t", [1, 4, 5], [0, 3, 6]),
            ("first", "t", [0, 1, 4], [3, 5, 6]),
            ("first", nil, [0, 1, 4], [3, 5, 6]),
            ("last", nil, [1, 5, 6], [0, 3, 4]),
        ] as [(String, String?, [Int], [Int])])
    func keepsFirstOrLastByOrderWithTies(keep: String, orderBy: String?, survivors: [Int], keyDuplicates: [Int]) throws
    {
        let h = StageHarness()
        var settings: [(key: String, value: JSONValue)] = [("key", ["id"]), ("keep", .string(keep))]
        if let orderBy { settings.append(("order_by", .string(orderBy))) }
        let out = try h.run(
            "dedupe", params: ["tables": ["events": .object(settings)]], tables: ["events": Self.events])
        let kept = try #require(out.tables["events"])
        #expect(Toy.values(kept["v"]) == survivors.map { ["a", "b", "a", "c", "d", "e", "f"][$0] })
        #expect(out.counters.at("tables.events.exact_duplicates") == 1)
        #expect(out.counters.at("tables.events.key_duplicates") == .number(JSONNumber(keyDuplicates.count)))
        #expect(out.counters.at("rows_in") == 7)
        #expect(out.counters.at("rows_out") == .number(JSONNumber(survivors.count)))
        let rejects = try #require(out.rejects)
        #expect(Toy.values(rejects["row"]) == ([2] + keyDuplicates).sorted().map { String($0) })
        #expect(rejects.rowCount + kept.rowCount == 7)
    }

    @Test func rejectsNameRuleKeptRowAndValues() throws {
        let h = StageHarness()
        let out = try h.run(
            "dedupe", params: ["tables": ["events": ["key": ["id"], "keep": "last", "order_by": "t"]]],
            tables: ["events": Self.events])
        let r = try #require(out.rejects)
        #expect(r.schema.names == ["source_table", "row", "rule", "reason", "values"])
        #expect(Toy.values(r["source_table"]) == Array(repeating: "events", count: 4))
        #expect(Toy.values(r["rule"]) == ["key_duplicate", "exact_duplicate", "key_duplicate", "key_duplicate"])
        #expect(Toy.values(r["reason"])[1] == "same values in every column as row 0, which is kept")
        #expect(Toy.values(r["reason"])[0] == "same key (id) as row 5, which is kept (last by t)")
        #expect(Toy.values(r["values"])[3] == #"{"id":3,"v":"f","t":null}"#)
    }

    @Test func declaredKeyIsTheDefault() throws {
        let h = StageHarness()
        let out = try h.run(
            "dedupe", params: ["tables": ["events": [:]]], tables: ["events": Self.events],
            keys: ["events": ["id"]])
        #expect(Toy.values(out.tables["events"]?["v"]) == ["a", "b", "d"])
        let none = try StageHarness().run(
            "dedupe", params: ["tables": ["events": ["key": []]]], tables: ["events": Self.events],
            keys: ["events": ["id"]])
        #expect(none.tables["events"]?.rowCount == 6)
    }

    @Test(arguments: [
        (false, false, ["  Ann@X.com", "ann@x.com ", "ANN@x.com", "Bob", "bob", "Éric", "éric"]),
        (true, false, ["  Ann@X.com", "ann@x.com ", "ANN@x.com", "Bob", "bob", "Éric", "éric"]),
        (false, true, ["  Ann@X.com", "ann@x.com ", "ANN@x.com", "Bob", "Éric"]),
        (true, true, ["  Ann@X.com", "Bob", "Éric"]),
    ])
    func normalisesStringKeys(trim: Bool, casefold: Bool, survivors: [String]) throws {
        let people = Toy.frame([
            ("email", Toy.strings(["  Ann@X.com", "ann@x.com ", "ANN@x.com", "Bob", "bob", "Éric", "éric"]))
        ])
        let out = try StageHarness().run(
            "dedupe",
            params: [
                "tables": [
                    "people": [
                        "exact": false, "key": ["email"],
                        "normalize": ["trim": .bool(trim), "casefold": .bool(casefold)],
                    ]
                ]
            ],
            tables: ["people": people])
        // The stored values are never changed, only compared normalised.
        #expect(Toy.values(out.tables["people"]?["email"]) == survivors)
    }

    @Test func nullsAndNaNCompareEqualAsInPandas() throws {
        let f = Toy.frame([
            ("k", Toy.strings([nil, "x", nil, "x"])),
            ("d", Toy.doubles([.nan, -0.0, .nan, 0.0])),
        ])
        let out = try StageHarness().run("dedupe", params: ["tables": ["t": ["key": []]]], tables: ["t": f])
        #expect(out.tables["t"]?.rowCount == 2)
        #expect(out.counters.at("duplicates.exact") == 2)
    }

    /// A table the parameters do not name is neither read nor written: downstream stages read
    /// it from the stage that last produced it (DESIGN §2).
    @Test func unnamedTablesAreNotWritten() throws {
        let h = StageHarness()
        let items = Toy.frame([("item_id", Toy.ints([1, 1]))])
        let out = try h.run(
            "dedupe", params: ["tables": ["events": ["key": ["id"]]]], tables: ["events": Self.events, "items": items])
        #expect(out.files == ["events.parquet", "rejects.parquet"])
        #expect(out.counters.at("tables.items") == nil)
    }

    @Test func outputIsDeterministic() throws {
        let h = StageHarness()
        let params: JSONValue = ["tables": ["events": ["key": ["id"], "keep": "last", "order_by": "t"]]]
        let a = try h.run("dedupe", params: params, tables: ["events": Self.events])
        let b = try h.run("dedupe", params: params, tables: ["events": Self.events])
        for f in a.files { #expect(try a.bytes(f) == b.bytes(f), "\(f) differs between runs") }
    }

    @Test func unknownKeyColumnSuggestsTheName() throws {
        let e = #expect(throws: StageError.self) {
            try StageHarness().run(
                "dedupe", params: ["tables": ["events": ["key": ["idd"]]]], tables: ["events": Self.events])
        }
        #expect(
            e?.description == "dedupe: table 'events': column 'idd' not found (did you mean 'id'?) "
                + "(at params.tables.events.key; columns: id, v, t)")
        #expect(e?.exitStatus == .dataError)
    }

    @Test func orderByWithoutKeyIsAParameterError() throws {
        let e = #expect(throws: StageError.self) {
            try StageHarness().run(
                "dedupe", params: ["tables": ["events": ["order_by": "t"]]], tables: ["events": Self.events])
        }
        #expect(e?.exitStatus == .invalidPipeline)
        #expect(e?.description.contains("params.tables.events.order_by") == true)
    }

    /// A misspelt table is caught when pipeline.json is validated, before anything runs.
    @Test func unknownTableSuggestsAnInput() throws {
        let e = #expect(throws: (any Error).self) {
            try StageHarness().run("dedupe", params: ["tables": ["evnts": [:]]], tables: ["events": Self.events])
        }
        let text = e.map { String(describing: $0) } ?? ""
        #expect(
            text.hasSuffix(
                "$.stages[0].uses: kind 'dedupe' reads table 'evnts', which is neither a source nor written by any stage "
                    + "(did you mean 'events'?)"), "\(text)")
    }
}
