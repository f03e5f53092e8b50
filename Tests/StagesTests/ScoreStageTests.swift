import Foundation
import Frame
import Pipeline
import Stages
import Testing

/// The score stage on a catalogue of five items and four customers, with models trained by the
/// train stage on the same tables. Popularity (distinct customers): item 10 by three customers,
/// 11, 12 and 13 by one each, 14 by none.
@Suite struct ScoreStageTests {
    static func int32s(_ v: [Int32]) -> Column { Column(.int32(v)) }

    /// c0 (id 1) had items 10, 11; c1 had 10, 12; c2 had 10, 13; c3 (id 4) is only in the customer table.
    static func features() -> [String: Frame] {
        let c: [Int32] = [0, 0, 1, 1, 2, 2], i: [Int32] = [0, 1, 0, 2, 0, 3]
        let t = Column(.timestamp([1, 2, 3, 4, 5, 6].map { Int64($0) * 86_400_000_000 }))
        let interactions = Toy.frame([
            ("customer_index", int32s(c)), ("item_index", int32s(i)),
            ("customer_id", Toy.ints(c.map { Int64($0) + 1 })), ("item_id", Toy.ints(i.map { Int64($0) + 10 })),
            ("strength", Toy.doubles([1, 1, 1, 1, 1, 1])), ("events", Toy.ints([1, 1, 1, 1, 1, 1])),
            ("rating", Toy.doubles([nil, nil, nil, nil, nil, nil])), ("first_time", t), ("last_time", t),
        ])
        let empty = interactions.slice(0..<0)
        return [
            "interactions": interactions, "train_interactions": interactions, "test_interactions": empty,
            "customer_index": Toy.frame([
                ("customer_index", int32s([0, 1, 2, 3])), ("customer_id", Toy.ints([1, 2, 3, 4])),
            ]),
            "item_index": Toy.frame([
                ("item_index", int32s([0, 1, 2, 3, 4])), ("item_id", Toy.ints([10, 11, 12, 13, 14])),
            ]),
            "item_terms": Toy.frame([
                ("item_index", int32s([])), ("item_id", Toy.ints([])), ("term", Toy.strings([])),
                ("weight", Toy.doubles([])),
            ]),
            "items": Toy.frame([
                ("item_id", Toy.ints([10, 11, 12, 13, 14])),
                ("title", Toy.strings(["Apple", "Apricot", "Banana", "Blueberry", "Cherry"])),
                ("category", Toy.strings(["A", "A", "B", "B", "C"])),
                ("price", Toy.doubles([10, 20, 30, 40, 50])),
                ("in_stock", Column(.bool([true, true, true, true, false]))),
            ]),
        ]
    }

    /// Trains `models` with the train stage, then scores with `params`.
    func score(models: JSONValue, _ params: JSONValue) throws -> StageHarness.Outcome {
        var tables = Self.features()
        let trained = try StageHarness().run(
            "train", params: ["models": models],
            tables: tables.filter {
                ["train_interactions", "test_interactions", "item_terms", "item_index", "customer_index"].contains(
                    $0.key)
            })
        for (name, frame) in trained.tables { tables[name] = frame }
        let inputs = tables.filter { $0.key != "train_interactions" && $0.key != "test_interactions" }
        return try StageHarness().run("score", params: params, tables: inputs)
    }

    static func rows(_ f: Frame) -> [String] {
        (0..<f.rowCount).map { r in
            ["customer_id", "rank", "item_id", "model", "reason"].map { Toy.values(f[$0])[r] ?? "null" }
                .joined(separator: " ")
        }
    }

    @Test func popularityWithFiltersCapAndColdStart() throws {
        let out = try score(
            models: ["pop": ["kind": "popularity"]],
            [
                "model": "pop", "k": 2, "segments": false, "churn": false,
                "item_columns": ["in_stock": "in_stock"], "filters": ["max_per_category": 1],
            ])
        let recs = try #require(out.tables["recommendations"])
        // c0 saw both A items; of 12 and 13 (both B, tied at 1) the cap allows one; 14 is out of
        // stock: one item is all the catalogue allows. c1: 11 (A) and 13 (B); c2: 11 and 12.
        // c3 has no history: popularity (new customer), 10 then — 11 being A too — 12.
        #expect(
            Self.rows(recs) == [
                "1 1 12 pop popular overall",
                "2 1 11 pop popular overall", "2 2 13 pop popular overall",
                "3 1 11 pop popular overall", "3 2 12 pop popular overall",
                "4 1 10 popularity popular overall (new customer)",
                "4 2 12 popularity popular overall (new customer)",
            ])
        #expect(Toy.values(recs["score"]) == ["1.0", "1.0", "1.0", "1.0", "1.0", "3.0", "1.0"])
        #expect(out.counters["cold_start_customers"] == 1)
        #expect(out.files.contains("customer_segments.parquet") == false)
    }

    @Test func priceRangeAndExcludedCategories() throws {
        let out = try score(
            models: ["pop": ["kind": "popularity"]],
            [
                "model": "pop", "k": 3, "segments": false, "churn": false,
                "filters": ["min_price": 15, "max_price": 45, "exclude_categories": ["B"]],
            ])
        let recs = try #require(out.tables["recommendations"])
        // Allowed: 11 only (10 is too cheap, 12 and 13 are B, 14 too dear).
        #expect(Set(Toy.values(recs["item_id"])) == ["11"])
        // c0 already had 11; the others get it.
        #expect(Toy.values(recs["customer_id"]) == ["2", "3", "4"])
    }

    @Test func itemKNNReasonsNameTheCustomersOwnItem() throws {
        let out = try score(
            models: ["knn": ["kind": "item_knn"]], ["model": "knn", "k": 2, "segments": false, "churn": false])
        let recs = try #require(out.tables["recommendations"])
        let titles = ["Apple", "Apricot", "Banana", "Blueberry", "Cherry"]
        let history: [String: Set<String>] = [
            "1": ["Apple", "Apricot"], "2": ["Apple", "Banana"], "3": ["Apple", "Blueberry"],
        ]
        for (customer, (model, reason)) in zip(
            Toy.values(recs["customer_id"]), zip(Toy.values(recs["model"]), Toy.values(recs["reason"])))
        {
            if model == "knn" {
                let title = try #require(reason?.replacingOccurrences(of: "because you viewed or bought ", with: ""))
                #expect(history[customer!]?.contains(title) == true && titles.contains(title), "\(reason ?? "")")
            } else {
                #expect(reason?.hasPrefix("popular") == true)
            }
        }
        // Every customer gets two items, none already had.
        var perCustomer: [String: Int] = [:]
        for c in Toy.values(recs["customer_id"]) { perCustomer[c!, default: 0] += 1 }
        #expect(perCustomer == ["1": 2, "2": 2, "3": 2, "4": 2])
    }

    @Test func unknownModelNamesTheTrainedOnes() throws {
        #expect {
            _ = try score(models: ["pop": ["kind": "popularity"]], ["model": "als", "segments": false, "churn": false])
        } throws: { error in
            "\(error)".contains("params.model") && "\(error)".contains("no model 'als'")
                && "\(error)".contains("trained: pop")
        }
    }
}
