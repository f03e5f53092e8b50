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

    // MARK: A customer table without events (a telecom contract table, mall customers)

    /// Segments and churn trained on a customer table, then scored with no recommendation model:
    /// the pipeline a business without an event log runs.
    @Test func customerTableWithoutEventsGetsSegmentsAndChurnScores() throws {
        let crm = ChurnTrainingTests.telco(rows: 300)
        let trained = try StageHarness().run(
            "train",
            params: [
                "segments": ["table": "crm", "key": "customerID", "k": 3, "columns": ["tenure", "MonthlyCharges"]],
                "churn": ["table": "crm", "key": "customerID", "label": "Churn", "positive": "Yes"],
            ], tables: ["crm": crm])
        var tables = trained.tables.filter { ["segment_model", "churn_model"].contains($0.key) }
        tables["crm"] = crm
        let out = try StageHarness().run(
            "score", params: ["model": .null, "customers": "crm", "customer_key": "customerID"], tables: tables)
        #expect(out.tables["recommendations"] == nil)
        #expect(out.counters["scored_customers"] == 300)
        let ids = Toy.values(crm["customerID"])
        let positions = (0..<300).map { String($0) }
        // Customers are numbered in table order; every one gets a segment and a churn score.
        let segments = try #require(out.tables["customer_segments"])
        #expect(Toy.values(segments["customer_index"]).map { $0! } == positions)
        #expect(Toy.values(segments["customer_id"]) == ids)
        // The segment each customer is scored into is the one training gave it.
        let assignments = try #require(trained.tables["segment_assignments"])
        #expect(Toy.values(assignments["customerID"]) == ids)
        #expect(Toy.values(segments["segment"]) == Toy.values(assignments["segment"]))
        #expect(Toy.values(segments["segment_name"]) == Toy.values(assignments["segment_name"]))
        // Churn: the trained model's probability for every row, labelled or not, in table order.
        let churn = try #require(out.tables["churn_scores"])
        #expect(Toy.values(churn["customer_id"]) == ids)
        let model = try ChurnModel.load(try #require(trained.tables["churn_model"]))
        let expected = try model.probabilities(crm, table: "crm")
        guard case .double(let probability)? = churn["probability"]?.values else {
            Issue.record("probability is not a double column")
            return
        }
        #expect(probability == expected)
        let bands = Toy.values(churn["band"])
        #expect(bands == expected.map { $0 < 0.3 ? "low" : $0 < 0.6 ? "medium" : "high" })
        #expect(Set(bands).count == 3, "the planted churn spreads customers over the three bands")
    }

    /// A customer table that is not the features stage's is matched to the recommendations'
    /// customer_index by its key; a customer without events (9) is numbered after the index.
    @Test func rawCustomerTableIsMatchedToTheIndexByKey() throws {
        // Spend plants two groups: {3, 4, 9} high, {1, 2} low.
        let crm = Toy.frame([
            ("customer_id", Toy.ints([4, 2, 9, 1, 3])), ("spend", Toy.doubles([100, 1, 102, 2, 101])),
        ])
        var tables = Self.features()
        let trained = try StageHarness().run(
            "train",
            params: [
                "models": ["pop": ["kind": "popularity"]], "segments": ["table": "crm", "k": 2],
            ],
            tables: tables.filter {
                ["train_interactions", "test_interactions", "item_terms", "item_index", "customer_index"].contains(
                    $0.key)
            }.merging(["crm": crm]) { a, _ in a })
        for (name, frame) in trained.tables { tables[name] = frame }
        tables["crm"] = crm
        let inputs = tables.filter { $0.key != "train_interactions" && $0.key != "test_interactions" }
        let out = try StageHarness().run(
            "score", params: ["model": "pop", "k": 1, "customers": "crm", "churn": false], tables: inputs)
        let segments = try #require(out.tables["customer_segments"])
        #expect(Toy.values(segments["customer_index"]) == ["0", "1", "2", "3", "4"])
        #expect(Toy.values(segments["customer_id"]) == ["1", "2", "3", "4", "9"])
        // Numbered by size, largest first: the high spenders are segment 0.
        #expect(Toy.values(segments["segment"]) == ["1", "1", "0", "0", "0"])
        // Customer 4 has no history: popularity among its segment (customers 3, 4 and 9 → 3's
        // items 10 and 13, 10 first by the overall tie-break) fills its list.
        let recs = try #require(out.tables["recommendations"])
        #expect(Toy.values(recs["customer_id"]) == ["1", "2", "3", "4"])
    }

    @Test func customerKeyErrorsNameTheParameterAndRows() throws {
        let crm = Toy.frame([("customer_id", Toy.ints([1, 2, 2])), ("spend", Toy.doubles([1, 2, 3]))])
        let trained = try StageHarness().run(
            "train", params: ["segments": ["table": "crm", "k": 2]], tables: ["crm": crm])
        let tables = ["crm": crm, "segment_model": trained.tables["segment_model"]!]
        #expect {
            _ = try StageHarness().run(
                "score", params: ["model": .null, "customers": "crm", "churn": false], tables: tables)
        } throws: { error in
            "\(error)".contains("params.customer_key") && "\(error)".contains("customer_id 2 is on rows 2 and 3")
        }
        #expect {
            _ = try StageHarness().run(
                "score", params: ["model": .null, "customers": "crm", "customer_key": "id", "churn": false],
                tables: tables)
        } throws: { error in
            "\(error)".contains("params.customer_key") && "\(error)".contains("no column 'id'")
        }
        #expect {
            _ = try StageHarness().run(
                "score", params: ["model": .null, "segments": false, "churn": false], tables: tables)
        } throws: { error in
            "\(error)".contains("params.model") && "\(error)".contains("nothing to write")
        }
    }
}
