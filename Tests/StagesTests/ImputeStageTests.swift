import Foundation
import Frame
import Pipeline
import Stages
import Testing

@Suite struct ImputeStageTests {
    /// Hand-computable: income of city A
    /// {100, 300} → median 200, of B {200, 1000} → 600, all {100, 300, 200, 1000} → 250.
    static let customers = Toy.frame([
        ("age", Toy.ints([30, nil, 40, 61, nil, 20, 50])),
        ("income", Toy.doubles([100, .nan, 300, nil, 200, 1000, nil])),
        ("city", Toy.strings(["A", "A", "A", "B", "B", "B", nil])),
        ("gender", Toy.strings(["F", nil, "M", "M", "F", nil, "X"])),
    ])

    func run(_ columns: JSONValue, indicator: Bool = false) throws -> StageHarness.Outcome {
        try StageHarness().run(
            "impute", params: ["tables": ["customers": ["columns": columns, "indicator": .bool(indicator)]]],
            tables: ["customers": Self.customers])
    }

    /// Present ages are {30, 40, 61, 20, 50}: mean 40.2 (filled as 40), median 40.
    @Test(arguments: [("mean", 40.2), ("median", 40.0)])
    func meanAndMedianOfAnIntColumn(strategy: String, statistic: Double) throws {
        let out = try run(["age": ["strategy": .string(strategy)]])
        #expect(Toy.values(out.tables["customers"]?["age"]) == ["30", "40", "40", "61", "40", "20", "50"])
        #expect(out.counters.at("tables.customers.columns.age.imputed") == 2)
        #expect(out.counters.at("tables.customers.columns.age.statistic")?.doubleValue == statistic)
        #expect(out.counters.at("tables.customers.columns.age.value") == 40)
        #expect(out.tables["customers"]?["age"]?.validity == nil)
    }

    @Test func halfwayMeansRoundToEven() throws {
        // {1, 2} → 1.5 → 2; {2, 3} → 2.5 → 2.
        for (values, fill) in [([1, 2, nil], "2"), ([2, 3, nil], "2")] as [([Int64?], String)] {
            let out = try StageHarness().run(
                "impute", params: ["tables": ["t": ["columns": ["x": ["strategy": "mean"]]]]],
                tables: ["t": Toy.frame([("x", Toy.ints(values))])])
            #expect(Toy.values(out.tables["t"]?["x"]).last == fill)
        }
    }

    @Test func meanOfADoubleColumnFillsNullAndNaN() throws {
        let out = try run(["income": ["strategy": "mean"]])
        // (100 + 300 + 200 + 1000) / 4
        #expect(
            Toy.values(out.tables["customers"]?["income"]) == [
                "100.0", "400.0", "300.0", "400.0", "200.0", "1000.0", "400.0",
            ])
        #expect(out.counters.at("tables.customers.columns.income.imputed") == 3)
    }

    @Test func medianPerGroupFallsBackToGlobal() throws {
        let out = try run(["income": ["strategy": "median", "group_by": ["city"]]])
        // Row 1 (A) → 200, row 3 (B) → 600, row 6 (no city) → global 250.
        #expect(
            Toy.values(out.tables["customers"]?["income"]) == [
                "100.0", "200.0", "300.0", "600.0", "200.0", "1000.0", "250.0",
            ])
        let c = try #require(out.counters.at("tables.customers.columns.income"))
        #expect(c["value"] == 250.0)
        #expect(c["imputed_with_global"] == 1)
        #expect(c.at("groups.A.value") == 200.0)
        #expect(c.at("groups.B.value") == 600.0)
        #expect(c.at("groups.B.imputed") == 1)

        // Groups with fewer than 3 present values use the global median.
        let small = try run(["income": ["strategy": "median", "group_by": ["city"], "min_group_size": 3]])
        #expect(
            Toy.values(small.tables["customers"]?["income"]) == [
                "100.0", "250.0", "300.0", "250.0", "200.0", "1000.0", "250.0",
            ])
        #expect(small.counters.at("tables.customers.columns.income.imputed_with_global") == 3)
    }

    @Test func modeTakesTheSmallestOfTiedValues() throws {
        // F and M appear twice each: pandas' mode()[0] is "F".
        let out = try run(["gender": ["strategy": "mode"]])
        #expect(Toy.values(out.tables["customers"]?["gender"]) == ["F", "F", "M", "M", "F", "F", "X"])
        #expect(out.counters.at("tables.customers.columns.gender.value") == "F")
        // Per city: A has F, M (tie → F); B has M, F (tie → F).
        let grouped = try run(["gender": ["strategy": "mode", "group_by": ["city"]]])
        #expect(grouped.counters.at("tables.customers.columns.gender.groups.A.value") == "F")
    }

    @Test func constantAndIndicator() throws {
        let out = try run(
            ["gender": ["strategy": "constant", "value": "U"], "age": ["strategy": "constant", "value": "-1"]],
            indicator: true)
        let t = try #require(out.tables["customers"])
        #expect(Toy.values(t["gender"]) == ["F", "U", "M", "M", "F", "U", "X"])
        #expect(Toy.values(t["age"]) == ["30", "-1", "40", "61", "-1", "20", "50"])
        #expect(t.schema.names == ["age", "income", "city", "gender", "gender_imputed", "age_imputed"])
        #expect(Toy.values(t["gender_imputed"]) == ["false", "true", "false", "false", "false", "true", "false"])
        #expect(t.schema.fields[4].nullable == false)
        #expect(out.counters.at("imputed") == 4)
        #expect(out.counters.at("rows_in") == 7 && out.counters.at("rows_out") == 7)
    }

    @Test func constantsOfDatesAndTimestamps() throws {
        let f = Toy.frame([
            ("d", Column(.date([0, 0]), validity: [true, false])),
            ("ts", Column(.timestamp([0, 0]), validity: [false, true])),
        ])
        let out = try StageHarness().run(
            "impute",
            params: [
                "tables": [
                    "t": [
                        "columns": [
                            "d": ["strategy": "constant", "value": "2024-02-29"],
                            "ts": ["strategy": "constant", "value": "2024-02-29T12:30:00.5Z"],
                        ]
                    ]
                ]
            ],
            tables: ["t": f])
        #expect(Toy.values(out.tables["t"]?["d"]) == ["1970-01-01", "2024-02-29"])
        #expect(Toy.values(out.tables["t"]?["ts"]) == ["2024-02-29T12:30:00.500000Z", "1970-01-01T00:00:00Z"])
    }

    @Test func misspeltColumnSuggestsTheName() throws {
        let e = #expect(throws: StageError.self) { try run(["incme": ["strategy": "median"]]) }
        #expect(
            e?.description.hasPrefix("impute: table 'customers': column 'incme' not found (did you mean 'income'?)")
                == true)
        #expect(e?.description.contains("params.tables.customers.columns.incme") == true)
        #expect(e?.exitStatus == .dataError)
    }

    @Test func misspeltWhereColumnNamesItsPath() throws {
        let e = #expect(throws: StageError.self) {
            try run(["income": ["strategy": "median", "where": ["column": "ctiy", "in": ["Paris"]]]])
        }
        #expect(e?.description.contains("column 'ctiy' not found (did you mean 'city'?)") == true)
        #expect(e?.description.contains("params.tables.customers.columns.income.where.column") == true)
        #expect(e?.exitStatus == .dataError)
    }

    @Test func medianOfAStringColumnIsADataError() throws {
        let e = #expect(throws: StageError.self) { try run(["gender": ["strategy": "median"]]) }
        #expect(
            e?.description == "impute: table 'customers': column 'gender' is string, expected a numeric column "
                + "(int32, int64, double, timestamp, date) for strategy 'median' (at params.tables.customers.columns.gender.strategy)"
        )
        #expect(e?.exitStatus == .dataError)
    }

    @Test func constantThatDoesNotFitTheType() throws {
        let e = #expect(throws: StageError.self) { try run(["age": ["strategy": "constant", "value": "old"]]) }
        #expect(e?.exitStatus == .invalidPipeline)
        #expect(e?.description.contains("params.tables.customers.columns.age.value") == true)
    }

    @Test func valueWithoutConstantIsRejected() throws {
        let e = #expect(throws: StageError.self) { try run(["age": ["strategy": "mean", "value": "3"]]) }
        #expect(e?.description.contains("applies to strategy \"constant\" only") == true)
    }

    @Test func deterministicBytes() throws {
        let a = try run(["income": ["strategy": "median", "group_by": ["city"]]], indicator: true)
        let b = try run(["income": ["strategy": "median", "group_by": ["city"]]], indicator: true)
        #expect(try a.bytes("customers.parquet") == b.bytes("customers.parquet"))
        #expect(a.rejects == nil)
    }
}
