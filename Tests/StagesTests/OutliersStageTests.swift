import Foundation
import Frame
import Pipeline
import Stages
import Testing

@Suite struct OutliersStageTests {
    /// quantity: Q1 = 3, Q3 = 7, IQR = 4, so k = 1.5 gives limits [−3, 13] and 9999 is the outlier.
    static let events = Toy.frame([
        ("event_id", Toy.ints([10, 11, 12, 13, 14, 15, 16, 17, 18])),
        ("quantity", Toy.ints([1, 2, 3, 4, 5, 6, 7, 8, 9999])),
        ("price", Toy.doubles([1, 2, 3, 4, 100, -5, nil, .nan, 7])),
    ])

    func run(_ rules: JSONValue, table: String = "events", frame: Frame = events) throws -> StageHarness.Outcome {
        try StageHarness().run(
            "outliers", params: ["tables": [.init(stringLiteral: table): rules]], tables: [table: frame])
    }

    @Test(arguments: [
        ("drop", ["1", "2", "3", "4", "5", "6", "7", "8"], nil as [String]?),
        ("clip", ["1", "2", "3", "4", "5", "6", "7", "8", "13"], nil),
        ("set_null", ["1", "2", "3", "4", "5", "6", "7", "8", nil], nil),
        (
            "flag", ["1", "2", "3", "4", "5", "6", "7", "8", "9999"],
            ["false", "false", "false", "false", "false", "false", "false", "false", "true"]
        ),
    ])
    func iqrWithEachAction(action: String, quantity: [String?], flags: [String]?) throws {
        let out = try run([["column": "quantity", "rule": "iqr", "action": .string(action)]])
        let t = try #require(out.tables["events"])
        #expect(Toy.values(t["quantity"]) == quantity)
        #expect(Toy.values(t["quantity_outlier"]) == (flags ?? []))
        let rule = try #require(out.counters.at("tables.events.rules")?.arrayValue?.first)
        #expect(rule["outliers"] == 1 && rule["q1"] == 3.0 && rule["q3"] == 7.0 && rule["iqr"] == 4.0)
        #expect(rule["lower"] == -3.0 && rule["upper"] == 13.0)
        if action == "drop" {
            let r = try #require(out.rejects)
            #expect(Toy.values(r["row"]) == ["8"])
            #expect(Toy.values(r["rule"]) == ["quantity:iqr"])
            #expect(
                Toy.values(r["reason"]) == [
                    "quantity = 9999 is above the upper limit 13.0 (iqr: k 1.5, q1 3.0, q3 7.0, iqr 4.0)"
                ])
            #expect(Toy.values(r["values"]) == [#"{"event_id":18,"quantity":9999,"price":7.0}"#])
            #expect(out.counters.at("tables.events.dropped") == 1)
        } else {
            #expect(out.rejects == nil)
        }
        #expect(out.counters.at("rows_in") == 9)
    }

    @Test func boundsDropNegativePricesAndKeepMissing() throws {
        let out = try run([["column": "price", "rule": "bounds", "min": 0, "action": "drop"]])
        // −5 dropped; null and NaN are missing, never outliers.
        #expect(out.tables["events"]?.rowCount == 8)
        #expect(Toy.values(out.rejects?["row"]) == ["5"])
        #expect(out.counters.at("rows_out") == 8)
    }

    /// {1, 2, 3, 4, 100}: mean 22, std (ddof 1) √1902.5 ≈ 43.6, so z(100) ≈ 1.79; median 3, MAD 1,
    /// modified z(100) = 0.6745·97 ≈ 65.4 and modified z(1) = 1.349.
    static let skewed = Toy.frame([("x", Toy.doubles([1, 2, 3, 4, 100]))])

    @Test func zscoreAndModifiedZscore() throws {
        let z3 = try run([["column": "x", "rule": "zscore", "action": "flag"]], table: "t", frame: Self.skewed)
        #expect(Toy.values(z3.tables["t"]?["x_outlier"]) == ["false", "false", "false", "false", "false"])
        let z15 = try run(
            [["column": "x", "rule": "zscore", "threshold": 1.5, "action": "flag"]], table: "t", frame: Self.skewed)
        #expect(Toy.values(z15.tables["t"]?["x_outlier"]) == ["false", "false", "false", "false", "true"])
        let rule = try #require(z15.counters.at("tables.t.rules")?.arrayValue?.first)
        #expect(rule["mean"] == 22.0 && rule["std"]?.doubleValue == 1902.5.squareRoot())
        // ddof 0: std √1522 ≈ 39.01, z(100) ≈ 2.0 > 1.9.
        let z0 = try run(
            [["column": "x", "rule": "zscore", "threshold": 1.9, "ddof": 0, "action": "flag"]], table: "t",
            frame: Self.skewed)
        #expect(Toy.values(z0.tables["t"]?["x_outlier"]).last == "true")

        let mad = try run([["column": "x", "rule": "mad", "action": "clip"]], table: "t", frame: Self.skewed)
        // Clipped to median + 3.5·MAD / 0.6745.
        #expect(
            Toy.values(mad.tables["t"]?["x"]) == [
                "1.0", "2.0", "3.0", "4.0", ValueFormatter.double(3 + 3.5 * 1 / 0.6745),
            ])
        let m = try #require(mad.counters.at("tables.t.rules")?.arrayValue?.first)
        #expect(m["median"] == 3.0 && m["mad"] == 1.0 && m["outliers"] == 1)
    }

    @Test func percentileCapsClip() throws {
        let out = try run(
            [["column": "x", "rule": "percentile", "lower_percentile": 10, "upper_percentile": 90, "action": "clip"]],
            table: "t", frame: Self.skewed)
        // numpy: quantile 0.1 → 1.4, quantile 0.9 → 61.60000000000001.
        #expect(Toy.values(out.tables["t"]?["x"]) == ["1.4", "2.0", "3.0", "4.0", "61.60000000000001"])
    }

    @Test func perGroupLimitsWithFallback() throws {
        let f = Toy.frame([
            ("city", Toy.strings(["A", "A", "A", "A", "A", "B", "B", "B", "B", "B", "C"])),
            ("x", Toy.ints([1, 2, 3, 4, 100, 10, 11, 12, 13, 14, 1000])),
        ])
        // A: limits [−1, 7] → 100; B: [8, 16] → none; C has 1 value (< 3): global [−11.5, 28.5] → 1000.
        let out = try run(
            [["column": "x", "rule": "iqr", "group_by": ["city"], "min_group_size": 3, "action": "flag"]],
            table: "t", frame: f)
        #expect(
            Toy.values(out.tables["t"]?["x_outlier"]) == [
                "false", "false", "false", "false", "true",
                "false", "false", "false", "false", "false", "true",
            ])
        let rule = try #require(out.counters.at("tables.t.rules")?.arrayValue?.first)
        #expect(rule["lower"] == -11.5 && rule["upper"] == 28.5)
        #expect(rule["groups_with_own_limits"] == 2 && rule["rows_judged_globally"] == 1)
    }

    @Test func rulesApplyInOrderOnWhatEarlierRulesLeft() throws {
        let f = Toy.frame([("x", Toy.ints([1, 2, 3, 4, 10, 11, 12, 13, 14, 100, 1000]))])
        // After the bounds rule drops 1000, Q1 = 3.25, Q3 = 12.75 over the 10 left: limits [−11, 27] → 100.
        let out = try run(
            [
                ["column": "x", "rule": "bounds", "max": 500, "action": "drop"],
                ["column": "x", "rule": "iqr", "action": "drop"],
            ], table: "t", frame: f)
        #expect(Toy.values(out.rejects?["rule"]) == ["x:bounds", "x:iqr"])
        #expect(Toy.values(out.rejects?["row"]) == ["10", "9"])
        #expect(out.tables["t"]?.rowCount == 9)
        #expect(out.counters.at("tables.t.rules")?.arrayValue?[1]["q1"] == 3.25)
        #expect(out.counters.at("dropped") == 2)
    }

    @Test func setNullOnARequiredColumnMakesItNullable() throws {
        let f = try Frame(
            schema: Schema([Field("age", .int64, nullable: false)]), columns: [Column(.int64([30, 250, 40]))])
        let out = try run(
            [["column": "age", "rule": "bounds", "min": 0, "max": 120, "action": "set_null"]], table: "customers",
            frame: f)
        #expect(Toy.values(out.tables["customers"]?["age"]) == ["30", nil, "40"])
        #expect(out.tables["customers"]?.schema.fields[0].nullable == true)
    }

    @Test func parameterThatDoesNotApplyIsRejected() throws {
        let e = #expect(throws: StageError.self) {
            try run([["column": "quantity", "rule": "zscore", "k": 3, "action": "drop"]])
        }
        #expect(
            e?.description
                == "outliers: params.tables.events[0].k: 'k' does not apply to rule \"zscore\"; it takes: ddof, threshold"
        )
        #expect(e?.exitStatus == .invalidPipeline)
    }

    @Test func unknownAndNonNumericColumns() throws {
        let e = #expect(throws: StageError.self) { try run([["column": "quantty", "rule": "iqr", "action": "drop"]]) }
        #expect(
            e?.description.hasPrefix("outliers: table 'events': column 'quantty' not found (did you mean 'quantity'?)")
                == true)
        let s = #expect(throws: StageError.self) {
            try run(
                [["column": "c", "rule": "iqr", "action": "drop"]], table: "t",
                frame: Toy.frame([("c", Toy.strings(["a"]))]))
        }
        #expect(s?.exitStatus == .dataError)
    }

    @Test func deterministicBytes() throws {
        let rules: JSONValue = [
            ["column": "quantity", "rule": "iqr", "action": "drop"],
            ["column": "price", "rule": "mad", "action": "flag"],
        ]
        let a = try run(rules), b = try run(rules)
        for f in a.files { #expect(try a.bytes(f) == b.bytes(f)) }
    }
}
