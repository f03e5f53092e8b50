import Foundation
import Frame
import Parquet
import Pipeline
import Stages
import TestSupport
import Testing

@Suite struct ChurnTrainingTests {
    static let sklearnAvailable: Bool = (try? PythonScript.run("import sklearn, pandas, pyarrow")) != nil

    static func train(_ params: JSONValue, _ table: Frame, seed: Int64 = 7) throws -> TrainingOutput {
        try ChurnTraining.run(params: params, path: "params.churn", table: table, tableName: "customers", seed: seed)
    }

    static func doubles(_ frame: Frame?, _ column: String) -> [Double] {
        guard case .double(let v)? = frame?[column]?.values else { return [] }
        return v
    }

    static func pooled(_ out: TrainingOutput, _ metric: String) -> Double? {
        let evaluation = out.table("churn_evaluation")
        let scopes = Toy.values(evaluation?["scope"])
        guard let row = scopes.firstIndex(of: "pooled"), let column = evaluation?[metric] else { return nil }
        return column.isNull(row) ? nil : doubles(evaluation, metric)[row]
    }

    /// Churn follows x's sign exactly: every fold's model ranks and calls every held-out row right.
    @Test func separableDataIsClassifiedPerfectly() throws {
        let table = Toy.frame([
            ("customer_id", Toy.ints([1, 2, 3, 4, 5, 6, 7, 8])),
            ("x", Toy.doubles([-4, -3, -2, -1, 1, 2, 3, 4])),
            ("churned", Column(.bool([false, false, false, false, true, true, true, true]))),
        ])
        let out = try Self.train(["folds": 2, "c": 10.0], table)
        for metric in ["roc_auc", "pr_auc", "precision", "recall", "f1", "accuracy"] {
            #expect(Self.pooled(out, metric) == 1, "\(metric)")
        }
        let coefficients = out.table("churn_coefficients")
        #expect(Toy.values(coefficients?["feature"]) == ["x", "(intercept)"])
        let beta = Self.doubles(coefficients, "coefficient")
        #expect(beta[0] > 1)
        // Symmetric data: the intercept is 0 up to the solver's tolerance.
        #expect(abs(beta[1]) < 1e-6)
        #expect(Toy.values(out.table("churn_evaluation")?["scope"]) == ["fold", "fold", "pooled"])
        #expect(out.metrics["roc_auc"]?.doubleValue == 1)
    }

    /// A Telco-style export: an identifier, text flags "Yes"/"No", a three-level contract, a numeric
    /// column with nulls, charges as text with " " for new customers, and the label "Churn" = "Yes".
    static func telco(rows: Int = 600, seed: UInt64 = 21) -> Frame {
        var rng = SplitMix64(seed: seed)
        func unit() -> Double { Double(rng.next() % 1_000_000) / 1_000_000 }
        var id: [String?] = [], gender: [String?] = [], partner: [String?] = [], contract: [String?] = []
        var tenure: [Int64?] = [], monthly: [Double?] = [], total: [String?] = [], support: [Double?] = []
        var churn: [String?] = []
        let contracts = ["Month-to-month", "One year", "Two year"]
        for i in 0..<rows {
            id.append(String(format: "%04d-XYZ", i))
            gender.append(rng.next() % 2 == 0 ? "Male" : "Female")
            let hasPartner = rng.next() % 2 == 0
            partner.append(hasPartner ? "Yes" : "No")
            let c = Int(rng.next() % 3)
            contract.append(contracts[c])
            let t = Int64(rng.next() % 72)
            tenure.append(t)
            let m = 20 + 80 * unit()
            monthly.append(m)
            total.append(t == 0 ? " " : String(format: "%.2f", m * Double(t)))
            support.append(i % 9 == 4 ? nil : Double(rng.next() % 6))
            let logit = 1.2 - 1.6 * Double(c) - 0.05 * Double(t) + 0.02 * (m - 60) - (hasPartner ? 0.4 : 0)
            churn.append(i % 50 == 7 ? nil : (unit() < 1 / (1 + exp(-logit)) ? "Yes" : "No"))
        }
        return Toy.frame([
            ("customerID", Toy.strings(id)), ("gender", Toy.strings(gender)), ("Partner", Toy.strings(partner)),
            ("Contract", Toy.strings(contract)), ("tenure", Toy.ints(tenure)), ("MonthlyCharges", Toy.doubles(monthly)),
            ("TotalCharges", Toy.strings(total)), ("SupportCalls", Toy.doubles(support)), ("Churn", Toy.strings(churn)),
        ])
    }

    static let telcoParams: JSONValue = ["key": "customerID", "label": "Churn", "positive": "Yes"]

    @Test func mixedCustomerTableTrainsWithoutHandPreparation() throws {
        let table = Self.telco()
        let out = try Self.train(Self.telcoParams, table)
        #expect(
            out.counters["columns"] == [
                "gender", "Partner", "Contract", "tenure", "MonthlyCharges", "TotalCharges", "SupportCalls",
            ])
        #expect(out.counters["unlabelled_rows"] == 12)
        #expect(out.counters["labelled_rows"] == 588)
        let features = Toy.values(out.table("churn_coefficients")?["feature"])
        for f in [
            "Contract=Month-to-month", "Contract=Two year", "Partner=Yes", "TotalCharges", "TotalCharges_missing",
            "SupportCalls_missing", "tenure",
        ] {
            #expect(features.contains(f), "\(f)")
        }
        #expect(!features.contains { $0?.hasPrefix("customerID") ?? false })
        let auc = try #require(Self.pooled(out, "roc_auc"))
        #expect(auc > 0.8, "pooled AUC \(auc)")
        #expect(Toy.values(out.table("churn_evaluation")?["scope"]).count == 6)
        let calibration = out.table("churn_calibration")
        #expect(calibration?.rowCount == 10)
        #expect(Toy.values(calibration?["count"]).compactMap { Int($0 ?? "") }.reduce(0, +) == 588)
        #expect(out.table("churn_out_of_fold")?.rowCount == 588)
        // Month-to-month contracts churn more: their coefficient is the largest contract one.
        let beta = Self.doubles(out.table("churn_coefficients"), "coefficient")
        let m2m = features.firstIndex(of: "Contract=Month-to-month")!
        let twoYear = features.firstIndex(of: "Contract=Two year")!
        #expect(beta[m2m] > beta[twoYear])
    }

    @Test func loadedModelScoresAndExplainsNewCustomers() throws {
        let table = Self.telco()
        let out = try Self.train(Self.telcoParams, table)
        let model = try ChurnModel.load(["churn_model": out.table("churn_model")!])
        #expect(model.threshold == 0.5)
        let fresh = Toy.frame([
            ("customerID", Toy.strings(["new-1", "new-2"])), ("gender", Toy.strings(["Female", nil])),
            ("Partner", Toy.strings(["No", "Yes"])), ("Contract", Toy.strings(["Three year", "Month-to-month"])),
            ("tenure", Toy.ints([2, nil])), ("MonthlyCharges", Toy.doubles([95, 30])),
            ("TotalCharges", Toy.strings([" ", "1234.5"])), ("SupportCalls", Toy.doubles([1, nil])),
        ])
        let all = try model.scores(fresh, top: model.featureNames.count)
        let beta = Self.doubles(out.table("churn_coefficients"), "coefficient")
        for row in 0..<2 {
            let p = all.probabilities[row]
            #expect(p > 0 && p < 1)
            // Every contribution plus the intercept gives the log-odds.
            let logit = all.reasons(row).reduce(beta.last!) { $0 + $1.contribution }
            #expect(abs(logit - log(p / (1 - p))) < 1e-9)
        }
        // The unseen contract level contributes nothing: no Contract feature among its reasons.
        #expect(!all.reasons(0).contains { $0.feature.hasPrefix("Contract=") })
        let top = try model.scores(fresh)
        #expect(top.probabilities == all.probabilities)
        let reasons = top.reasons(1)
        #expect(reasons.count == 3)
        #expect(reasons.map(\.feature) == all.reasons(1).prefix(3).map(\.feature))
        #expect(abs(reasons[0].contribution) >= abs(reasons[1].contribution))
        #expect(abs(reasons[1].contribution) >= abs(reasons[2].contribution))
    }

    @Test func cIsChosenByInnerCrossValidationAndThresholdForF1() throws {
        let out = try Self.train(
            ["key": "customerID", "label": "Churn", "positive": "Yes", "c": [0.001, 1, 1000], "threshold": "best_f1"],
            Self.telco())
        let search = out.metrics["c_search"]?.arrayValue ?? []
        #expect(search.count == 3)
        let losses = search.compactMap { $0["log_loss"]?.doubleValue }
        let best = losses.indices.min { losses[$0] < losses[$1] }!
        #expect(out.metrics["c"] == search[best]["c"])
        // The final threshold maximises F1 over the pooled out-of-fold probabilities.
        let oof = out.table("churn_out_of_fold")
        let p = Self.doubles(oof, "probability")
        guard case .bool(let y)? = oof?["churned"]?.values else { Issue.record("no labels"); return }
        func f1(_ t: Double) -> Double {
            var tp = 0, fp = 0, fn = 0
            for (s, l) in zip(p, y) {
                if s >= t { if l { tp += 1 } else { fp += 1 } } else if l { fn += 1 }
            }
            return Double(2 * tp) / Double(2 * tp + fp + fn)
        }
        let chosen = try #require(out.metrics["threshold"]?.doubleValue)
        #expect(p.allSatisfy { f1($0) <= f1(chosen) })
        #expect(Self.doubles(out.table("churn_evaluation"), "threshold").count == 6)
    }

    @Test func sameSeedSameTablesOtherSeedOtherFolds() throws {
        let table = Self.telco(rows: 200)
        let a = try Self.train(Self.telcoParams, table, seed: 1)
        #expect(a == (try Self.train(Self.telcoParams, table, seed: 1)))
        let b = try Self.train(Self.telcoParams, table, seed: 2)
        #expect(a.table("churn_out_of_fold")?["fold"] != b.table("churn_out_of_fold")?["fold"])
        // The final model does not depend on the folds.
        #expect(a.table("churn_coefficients") == b.table("churn_coefficients"))
    }

    @Test func labelErrorsNameThePath() throws {
        let table = Self.telco(rows: 100)
        do {
            _ = try Self.train(["key": "customerID", "label": "Churn"], table)
            Issue.record("expected an error")
        } catch { #expect("\(error)".contains("params.churn.positive") && "\(error)".contains("\"No\"")) }
        do {
            _ = try Self.train(["key": "customerID", "label": "Churn", "positive": "yes"], table)
            Issue.record("expected an error")
        } catch { #expect("\(error)".contains("values: No, Yes")) }
        do {
            _ = try Self.train(["key": "customerID", "label": "churn"], table)
            Issue.record("expected an error")
        } catch { #expect("\(error)".contains("params.churn.label") && "\(error)".contains("did you mean 'Churn'?")) }
        do {
            _ = try Self.train(Self.telcoParams.merging(["folds": 90]), table)
            Issue.record("expected an error")
        } catch { #expect("\(error)".contains("params.churn.folds")) }
    }

    /// scikit-learn on the same rows: the final model's coefficients (C = 0.5, standardised
    /// numbers and one-hot levels built from our feature names) within 1e-4, the loaded model's
    /// probabilities within 1e-6; each fold refitted on its own training rows gives our
    /// out-of-fold probabilities within 1e-6; roc_auc_score and average_precision_score of our
    /// out-of-fold probabilities equal our pooled AUCs to 1e-12.
    @Test(.enabled(if: sklearnAvailable)) func agreesWithScikitLearn() throws {
        var rng = SplitMix64(seed: 5)
        func unit() -> Double { Double(rng.next() % 1_000_000) / 1_000_000 }
        let n = 400
        var x1: [Double?] = [], x2: [Double?] = [], plan: [String?] = [], label: [Bool] = []
        for _ in 0..<n {
            let a = 10 * unit()
            let b = 100 + 50 * unit()
            let p = ["Free", "Basic", "Premium"][Int(rng.next() % 3)]
            x1.append(a)
            x2.append(b)
            plan.append(p)
            let logit = 0.6 * (a - 5) - 0.03 * (b - 125) + (p == "Free" ? 0.8 : 0)
            label.append(unit() < 1 / (1 + exp(-logit)))
        }
        let table = Toy.frame([
            ("customer_id", Toy.ints((0..<n).map { Int64($0) })), ("x1", Toy.doubles(x1)), ("x2", Toy.doubles(x2)),
            ("plan", Toy.strings(plan)), ("churned", Column(.bool(label))),
        ])
        let out = try Self.train(["c": 0.5, "tol": 1e-12], table)
        let model = try ChurnModel.load(["churn_model": out.table("churn_model")!])
        let probabilities = try model.probabilities(table)
        let dir = TemporaryDirectory("bespoke-churn")
        defer { dir.remove() }
        try ParquetWriter.write(table, to: dir.file("table.parquet"))
        try ParquetWriter.write(out.table("churn_coefficients")!, to: dir.file("coefficients.parquet"))
        try ParquetWriter.write(out.table("churn_out_of_fold")!, to: dir.file("oof.parquet"))
        let text = try PythonScript.run(
            Self.sklearnScript,
            arguments: [dir.file("table.parquet"), dir.file("coefficients.parquet"), dir.file("oof.parquet")])
        let ref = try JSONParser.parse(text)
        let ours = Self.doubles(out.table("churn_coefficients"), "coefficient")
        let theirs = ref["coefficients"]?.arrayValue?.compactMap(\.doubleValue) ?? []
        #expect(theirs.count == ours.count)
        for (a, b) in zip(ours, theirs) { #expect(abs(a - b) < 1e-4, "coefficient \(a) vs \(b)") }
        let final = ref["final_probabilities"]?.arrayValue?.compactMap(\.doubleValue) ?? []
        #expect(final.count == n)
        #expect(zip(probabilities, final).allSatisfy { abs($0 - $1) < 1e-6 })
        let oof = Self.doubles(out.table("churn_out_of_fold"), "probability")
        let folds = ref["oof_probabilities"]?.arrayValue?.compactMap(\.doubleValue) ?? []
        #expect(folds.count == n)
        #expect(zip(oof, folds).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(abs(Self.pooled(out, "roc_auc")! - ref["roc_auc"]!.doubleValue!) < 1e-12)
        #expect(abs(Self.pooled(out, "pr_auc")! - ref["pr_auc"]!.doubleValue!) < 1e-12)
    }

    static let sklearnScript = #"""
        import json, sys
        import numpy as np, pandas as pd
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import roc_auc_score, average_precision_score
        df = pd.read_parquet(sys.argv[1])
        names = [f for f in pd.read_parquet(sys.argv[2])['feature'] if f != '(intercept)']
        oof = pd.read_parquet(sys.argv[3])
        y = df['churned'].to_numpy()

        def features(train, rows):
            cols = []
            for f in names:
                if '=' in f:
                    c, level = f.split('=', 1)
                    cols.append((df[c].iloc[rows] == level).astype(float).to_numpy())
                else:
                    v = df[f].to_numpy(dtype=float)
                    mean, sd = v[train].mean(), v[train].std()
                    cols.append((v[rows] - mean) / sd)
            return np.column_stack(cols)

        def fit(train):
            m = LogisticRegression(C=0.5, tol=1e-12, max_iter=10000)
            return m.fit(features(train, train), y[train])

        every = np.arange(len(df))
        final = fit(every)
        out = {'coefficients': list(map(float, final.coef_[0])) + [float(final.intercept_[0])],
               'final_probabilities': list(map(float, final.predict_proba(features(every, every))[:, 1]))}
        probs = np.zeros(len(df))
        for k in sorted(set(oof['fold'])):
            test = np.flatnonzero(oof['fold'].to_numpy() == k)
            train = np.flatnonzero(oof['fold'].to_numpy() != k)
            probs[test] = fit(train).predict_proba(features(train, test))[:, 1]
        out['oof_probabilities'] = list(map(float, probs))
        out['roc_auc'] = float(roc_auc_score(oof['churned'], oof['probability']))
        out['pr_auc'] = float(average_precision_score(oof['churned'], oof['probability']))
        print(json.dumps(out))
        """#
}

extension JSONValue {
    /// The object with `other`'s members added (replacing same-named ones).
    func merging(_ other: JSONValue) -> JSONValue {
        var members = objectMembers ?? []
        for m in other.objectMembers ?? [] {
            members.removeAll { $0.key == m.key }
            members.append(m)
        }
        return .object(members)
    }
}
