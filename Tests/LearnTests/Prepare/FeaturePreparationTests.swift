import Foundation
import Learn
import Testing

@Suite struct FeaturePreparationTests {
    @Test func numericByHand() throws {
        // Median of 1, 3, 10 is 3; filled 1 3 3 10: mean 4.25, population variance 46.75 / 4.
        let config = FeaturePreparation.Configuration(columns: [.init("age", .numeric(.init(missingIndicator: true)))])
        let input: [String: FeaturePreparation.Input] = ["age": .numeric([1, nil, 3, 10])]
        let model = try FeaturePreparation.fit(config, columns: input)
        #expect(model.medians == [3] && model.means == [4.25] && model.scales == [(46.75 / 4).squareRoot()])
        let out = try model.transform(input)
        #expect(out.names == ["age", "age_missing"] && out.rows == 4)
        let s = (46.75 / 4).squareRoot()
        #expect(out.matrix == [-3.25 / s, 0, -1.25 / s, 1, -1.25 / s, 0, 5.75 / s, 0])
    }

    @Test func categoricalLevelsCapAndUnseen() throws {
        // a ×2, then b, c, missing once each (ties by value): the top 2 are a, b; c and the
        // missing level share "other"; z, never seen, gives all zeros.
        let config = FeaturePreparation.Configuration(columns: [
            .init("city", .categorical(.init(missing: .level, maxLevels: 2)))
        ])
        let model = try FeaturePreparation.fit(config, columns: ["city": .categorical(["a", "b", nil, "a", "c"])])
        #expect(model.levels == [["a", "b"]] && model.otherLevels == [["c", "missing"]])
        #expect(model.outputNames == ["city=a", "city=b", "city=other"])
        let out = try model.transform(["city": .categorical(["b", nil, "z", "c"])])
        #expect(out.matrix == [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1])
    }

    @Test func modeFillTakesTheSmallestOfTiedValues() throws {
        let config = FeaturePreparation.Configuration(columns: [.init("plan", .categorical(.init(missing: .mode)))])
        let model = try FeaturePreparation.fit(config, columns: ["plan": .categorical(["pro", "basic", nil])])
        #expect(model.fillLevels == ["basic"])
        #expect(model.outputNames == ["plan=basic", "plan=pro"])  // basic now counts 2
    }

    @Test func equalFrequencyBinsByHand() throws {
        // 1 … 8 in 4 bins: edges at the quantiles 1, 2.75, 4.5, 6.25, 8.
        let config = FeaturePreparation.Configuration(columns: [
            .init("spend", .numeric(.init(standardise: false, bins: 4)))
        ])
        let input: [String: FeaturePreparation.Input] = ["spend": .numeric((1...8).map { Double($0) })]
        let model = try FeaturePreparation.fit(config, columns: input)
        #expect(model.binEdges == [[1, 2.75, 4.5, 6.25, 8]])
        let out = try model.transform(input)
        #expect(out.names == ["spend", "spend_bin0", "spend_bin1", "spend_bin2", "spend_bin3"])
        let bins = (0..<8).map { r in (0..<4).first { out.matrix[r * 5 + 1 + $0] == 1 }! }
        #expect(bins == [0, 0, 1, 1, 2, 2, 3, 3])
    }

    @Test func automaticLogOnlyForSkewedNonNegativeColumns() throws {
        var random = SeededRandom(seed: 2)
        let skewed = (0..<500).map { _ in exp(2 * random.nextGaussian()) }
        let symmetric = (0..<500).map { _ in random.nextGaussian() }
        let config = FeaturePreparation.Configuration(columns: [
            .init("spend", .numeric(.init(log: .auto))), .init("score", .numeric(.init(log: .auto))),
        ])
        let model = try FeaturePreparation.fit(
            config, columns: ["spend": .numeric(skewed), "score": .numeric(symmetric)])
        #expect(model.logApplied == [true, false])
    }

    @Test func constantColumnKeepsScaleOne() throws {
        let config = FeaturePreparation.Configuration(columns: [.init("flag", .numeric(.init()))])
        let model = try FeaturePreparation.fit(config, columns: ["flag": .numeric([0.5, 0.5, 0.5])])
        #expect(model.scales == [1])
        #expect(try model.transform(["flag": .numeric([0.5, 1.5])]).matrix == [0, 1])
    }

    @Test func errorsNameTheColumn() {
        let config = FeaturePreparation.Configuration(columns: [.init("age", .numeric(.init()))])
        #expect {
            try FeaturePreparation.fit(config, columns: ["age": .categorical(["x"])])
        } throws: {
            ($0 as? EstimatorParameterError)?.description
                == "FeaturePreparation: age must be a numeric input column, got a categorical one"
        }
        #expect {
            try FeaturePreparation.fit(config, columns: [:])
        } throws: {
            ($0 as? EstimatorParameterError)?.description
                == "FeaturePreparation: columns must be a column named \"age\", got none"
        }
    }

    /// A seeded customer table: plan (string), city (string, blanks), active (yes/no), age
    /// (numeric, blanks), spend (skewed numeric), churn label planted from plan, active and age.
    static func customers(rows: Int, seed: UInt64) -> (
        columns: [String: FeaturePreparation.Input], raw: [String: JSONValue], churn: [Bool]
    ) {
        var random = SeededRandom(seed: seed)
        let cities = ["Paris", "Lyon", "Nice", "Lille", "Brest"]
        let plans = ["basic", "pro", "team"]
        var plan = [String?]()
        var city = [String?]()
        var active = [String?]()
        var age = [Double?]()
        var spend = [Double?]()
        var churn = [Bool]()
        for _ in 0..<rows {
            let p = plans[Int(random.next() % 3)]
            let c = random.nextUnit() < 0.1 ? nil : cities[min(4, Int(pow(random.nextUnit(), 2) * 5))]
            let a = random.nextUnit() < 0.7 ? "yes" : "no"
            let years = random.nextUnit() < 0.15 ? nil : (20 + 50 * random.nextUnit()).rounded()
            let s = exp(3 + random.nextGaussian())
            var z = -1.0 + (a == "no" ? 2 : 0) + (p == "basic" ? 1 : 0) - 0.03 * ((years ?? 45) - 45)
            z += 0.1 * random.nextGaussian()
            plan.append(p)
            city.append(c)
            active.append(a)
            age.append(years)
            spend.append(s)
            churn.append(random.nextUnit() < 1 / (1 + exp(-z)))
        }
        let columns: [String: FeaturePreparation.Input] = [
            "plan": .categorical(plan), "city": .categorical(city), "active": .categorical(active),
            "age": .numeric(age), "spend": .numeric(spend),
        ]
        let raw: [String: JSONValue] = [
            "plan": .array(plan.map { .string($0) }), "city": .array(city.map { .string($0) }),
            "active": .array(active.map { .string($0) }),
            "age": .array(age.map { $0.map { .number($0) } ?? .string(nil) }),
            "spend": .array(spend.map { $0.map { .number($0) } ?? .string(nil) }),
        ]
        return (columns, raw, churn)
    }

    @Test func mixedCustomerTableFeedsLogisticRegression() throws {
        let (columns, _, churn) = Self.customers(rows: 600, seed: 31)
        let config = FeaturePreparation.Configuration(columns: [
            .init("plan", .categorical(.init())), .init("city", .categorical(.init())),
            .init("active", .categorical(.init())),
            .init("age", .numeric(.init(missingIndicator: true))), .init("spend", .numeric(.init(log: .auto))),
        ])
        let prepared = try FeaturePreparation.fit(config, columns: columns)
        let (matrix, rows, names) = try prepared.transform(columns)
        let data = try FeatureMatrix(values: matrix, rows: rows, columns: names.count)
        let cv = try LogisticRegression.crossValidated(
            data, labels: churn, featureNames: names, cValues: [0.01, 1, 100], folds: 3, seed: 1)
        let auc = try ClassificationMetrics.rocAUC(scores: cv.model.probability(data), labels: churn)
        #expect(prepared.logApplied == [false, false, false, false, true])
        #expect(auc > 0.7)
        // The planted effects come out with the right signs.
        let coefficient = { (name: String) in cv.model.coefficients[names.firstIndex(of: name)!] }
        #expect(coefficient("active=no") > coefficient("active=yes"))
        #expect(coefficient("plan=basic") > coefficient("plan=pro"))
        #expect(coefficient("age") < 0)
    }

    @Test(
        .enabled(if: SklearnOracle.available, "scikit-learn is not installed"),
        arguments: [
            FeaturePreparation.CategoricalMissing.level, .mode,
        ])
    func agreesWithColumnTransformer(missing: FeaturePreparation.CategoricalMissing) throws {
        let (train, rawTrain, _) = Self.customers(rows: 300, seed: 5)
        var (test, rawTest, _) = Self.customers(rows: 50, seed: 6)
        // An unseen level at transform time.
        var cities = rawTest["city"]!
        if case .array(var values) = cities {
            values[0] = .string("Zurich")
            cities = .array(values)
        }
        rawTest["city"] = cities
        if case .categorical(let strings, var valid) = test["city"]! {
            var list = (0..<strings.count).map { valid[$0] ? strings[$0] : "" }
            list[0] = "Zurich"
            valid[0] = true
            test["city"] = .categorical(strings: .init(list), valid: valid)
        }
        let config = FeaturePreparation.Configuration(columns: [
            .init("age", .numeric(.init())), .init("spend", .numeric(.init())),
            .init("plan", .categorical(.init(missing: missing))), .init("city", .categorical(.init(missing: missing))),
        ])
        let model = try FeaturePreparation.fit(config, columns: train)
        let out = try model.transform(test)
        let reference = try SklearnOracle.run(
            """
            import pandas as pd
            from sklearn.compose import ColumnTransformer
            from sklearn.pipeline import make_pipeline
            from sklearn.impute import SimpleImputer
            from sklearn.preprocessing import StandardScaler, OneHotEncoder
            d = json.load(open(sys.argv[1]))
            def frame(t):
                f = pd.DataFrame({"age": pd.Series(t["age"], dtype=float), "spend": pd.Series(t["spend"], dtype=float)})
                for c in ["plan", "city"]:
                    f[c] = pd.Series([np.nan if v is None else v for v in t[c]], dtype=object)
                return f
            if d["missing"] == "level":
                imp = SimpleImputer(strategy="constant", fill_value="missing")
            else:
                imp = SimpleImputer(strategy="most_frequent")
            ct = ColumnTransformer([
                ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), ["age", "spend"]),
                ("cat", make_pipeline(imp, OneHotEncoder(handle_unknown="ignore", sparse_output=False)), ["plan", "city"])])
            ct.fit(frame(d["train"]))
            out = ct.transform(frame(d["test"]))
            print(json.dumps({"names": ct.get_feature_names_out().tolist(), "matrix": out.ravel().tolist()}))
            """,
            input: ["train": .object(rawTrain), "test": .object(rawTest), "missing": .string(missing.rawValue)])
        let theirNames = (reference["names"] as! [String]).map {
            $0.replacingOccurrences(of: "num__", with: "").replacingOccurrences(of: "cat__plan_", with: "plan=")
                .replacingOccurrences(of: "cat__city_", with: "city=")
        }
        let theirs = SklearnOracle.doubles(reference["matrix"])
        #expect(Set(theirNames) == Set(out.names))
        var worst = 0.0
        for (j, name) in out.names.enumerated() {
            let k = theirNames.firstIndex(of: name)!
            for r in 0..<out.rows {
                worst = max(worst, abs(out.matrix[r * out.names.count + j] - theirs[r * theirNames.count + k]))
            }
        }
        print("preparation (\(missing)): \(out.names.count) columns, max |ours − sklearn| \(worst)")
        // Same medians, means and population scales; only summation order differs: 1e-12.
        #expect(worst < 1e-12)
        // The unseen city gives zeros in every city column.
        let cityColumns = out.names.indices.filter { out.names[$0].hasPrefix("city=") }
        #expect(cityColumns.allSatisfy { out.matrix[$0] == 0 })
    }
}
