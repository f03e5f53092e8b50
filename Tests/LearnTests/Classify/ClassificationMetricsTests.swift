import Foundation
import Learn
import Testing

@Suite struct ClassificationMetricsTests {
    // scikit-learn's documentation example.
    static let scores: [Double] = [0.1, 0.4, 0.35, 0.8]
    static let labels = [false, false, true, true]

    @Test func aucByHand() throws {
        // Pairs (positive, negative): 0.35>0.1, 0.35<0.4, 0.8>0.1, 0.8>0.4 → 3/4.
        #expect(try ClassificationMetrics.rocAUC(scores: Self.scores, labels: Self.labels) == 0.75)
        // Every score tied: each pair counts half.
        #expect(try ClassificationMetrics.rocAUC(scores: [0.5, 0.5, 0.5, 0.5], labels: Self.labels) == 0.5)
        // One tie between a positive and a negative (0.4): (1 + 0.5 + 1 + 1) / 4.
        #expect(try ClassificationMetrics.rocAUC(scores: [0.1, 0.4, 0.4, 0.8], labels: Self.labels) == 0.875)
    }

    @Test func averagePrecisionByHand() throws {
        // Thresholds 0.8 (P 1, R ½), 0.4 (P ½, R ½), 0.35 (P ⅔, R 1): ½·1 + 0 + ½·⅔ = 5/6.
        let ap = try ClassificationMetrics.averagePrecision(scores: Self.scores, labels: Self.labels)
        #expect(abs(ap - 5.0 / 6) < 1e-15)
    }

    @Test func thresholdCountsByHand() throws {
        let m = try ClassificationMetrics.atThreshold(0.35, scores: Self.scores, labels: Self.labels)
        let confusion: [Int] = [m.truePositives, m.falsePositives, m.trueNegatives, m.falseNegatives]
        #expect(confusion == [2, 1, 1, 0])
        #expect(m.precision == 2.0 / 3 && m.recall == 1 && m.f1 == 0.8 && m.accuracy == 0.75)
        let best = try ClassificationMetrics.bestF1Threshold(scores: Self.scores, labels: Self.labels)
        #expect(best.threshold == 0.35 && best.f1 == 0.8)
        let none = try ClassificationMetrics.atThreshold(0.9, scores: Self.scores, labels: Self.labels)
        #expect(none.precision == 0 && none.f1 == 0 && none.accuracy == 0.5)
    }

    @Test func calibrationByHand() throws {
        let table = try ClassificationMetrics.calibration(
            probabilities: [0.1, 0.2, 0.5, 0.7, 0.9], labels: [false, true, false, true, true], bins: 2)
        // 0.5 sits on the inner edge and goes to the lower bin, as calibration_curve puts it.
        #expect(table.map(\.count) == [3, 2])
        #expect(abs(table[0].meanPredicted - 0.8 / 3) < 1e-15 && table[0].observedRate == 1.0 / 3)
        #expect(table[1].meanPredicted == 0.8 && table[1].observedRate == 1)
        let sparse = try ClassificationMetrics.calibration(probabilities: [0.95], labels: [true], bins: 4)
        #expect(sparse.map(\.count) == [0, 0, 0, 1] && sparse[0].meanPredicted.isNaN)
    }

    @Test func stratifiedFoldsSpreadEveryClass() throws {
        var labels = [Int32](repeating: 0, count: 103)
        for i in stride(from: 0, to: 103, by: 7) { labels[i] = 1 }  // 15 positives
        for i in stride(from: 3, to: 103, by: 50) { labels[i] = 2 }  // 3 of a rare class
        let folds = try StratifiedKFold(folds: 5).assign(labels: labels, seed: 3)
        for c in Int32(0)...2 {
            let perFold = (0..<5).map { f in (0..<103).filter { labels[$0] == c && folds[$0] == f }.count }
            #expect(perFold.max()! - perFold.min()! <= 1)
        }
        let sizes = (0..<5).map { f in folds.filter { $0 == f }.count }
        #expect(sizes.max()! - sizes.min()! <= 1)
        #expect(try StratifiedKFold(folds: 5).assign(labels: labels, seed: 3) == folds)
        #expect(try StratifiedKFold(folds: 5).assign(labels: labels, seed: 4) != folds)
        #expect(throws: EstimatorParameterError.self) { try StratifiedKFold(folds: 1).assign(labels: labels, seed: 0) }
    }

    @Test(.enabled(if: SklearnOracle.available, "scikit-learn is not installed"))
    func agreesWithScikitLearn() throws {
        // 2 000 scores rounded to two decimals, so many ties, some across classes.
        var random = SeededRandom(seed: 12)
        var scores = [Double]()
        var labels = [Bool]()
        for _ in 0..<2000 {
            let positive = random.nextUnit() < 0.3
            labels.append(positive)
            scores.append(((random.nextUnit() + (positive ? 0.4 : 0)) * 100).rounded() / 100)
        }
        let reference = try SklearnOracle.run(
            """
            from sklearn import metrics
            d = json.load(open(sys.argv[1]))
            print(json.dumps({"auc": metrics.roc_auc_score(d["y"], d["s"]),
                "ap": metrics.average_precision_score(d["y"], d["s"])}))
            """,
            input: ["s": .doubles(scores), "y": .ints(labels.map { $0 ? 1 : 0 })])
        let auc = try ClassificationMetrics.rocAUC(scores: scores, labels: labels)
        let ap = try ClassificationMetrics.averagePrecision(scores: scores, labels: labels)
        print("AUC ours \(auc) sklearn \(reference["auc"]!); AP ours \(ap) sklearn \(reference["ap"]!)")
        // Same curve, same formula; only the summation order differs: 1e-12.
        #expect(abs(auc - SklearnOracle.double(reference["auc"])) < 1e-12)
        #expect(abs(ap - SklearnOracle.double(reference["ap"])) < 1e-12)
    }
}
