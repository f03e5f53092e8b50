import Foundation

/// Measures of a binary classifier's scores against true labels, as scikit-learn's
/// `roc_auc_score`, `average_precision_score`, `precision_recall_fscore_support` and
/// `calibration_curve` compute them.
public enum ClassificationMetrics {
    /// The counts and rates of predicting positive when the score is ≥ a threshold.
    public struct AtThreshold: Sendable, Equatable {
        public var threshold: Double
        public var truePositives: Int
        public var falsePositives: Int
        public var trueNegatives: Int
        public var falseNegatives: Int
        /// tp / (tp + fp), 0 when nothing is predicted positive (scikit-learn's zero_division=0).
        public var precision: Double
        /// tp / (tp + fn), 0 when there is no positive row.
        public var recall: Double
        /// The harmonic mean of precision and recall, 0 when both are 0.
        public var f1: Double
        /// (tp + tn) / rows.
        public var accuracy: Double
    }

    /// One bin of a calibration table.
    public struct CalibrationBin: Sendable, Equatable {
        /// The bin's probability range `[lower, upper]`.
        public var lower: Double
        public var upper: Double
        /// The mean predicted probability of the bin's rows (NaN for an empty bin).
        public var meanPredicted: Double
        /// The share of the bin's rows that are positive (NaN for an empty bin).
        public var observedRate: Double
        /// The number of rows in the bin.
        public var count: Int
    }

    /// The area under the ROC curve; tied scores count half, as `roc_auc_score` (the curve's
    /// thresholds are the distinct scores, and the area is the trapezoid rule over them).
    public static func rocAUC(scores: [Double], labels: [Bool]) throws(EstimatorParameterError) -> Double {
        let curve = try Curve(scores: scores, labels: labels, metric: "rocAUC")
        guard curve.positives > 0, curve.negatives > 0 else {
            throw error("rocAUC", "labels", "both classes present", "only one class")
        }
        // Keep only the corners (scikit-learn's drop_intermediate), then the trapezoid rule.
        var fps: [Double] = [0]
        var tps: [Double] = [0]
        let n = curve.tps.count
        for i in 0..<n {
            if i > 0 && i < n - 1 {
                let collinearF = curve.fps[i + 1] - 2 * curve.fps[i] + curve.fps[i - 1] == 0
                let collinearT = curve.tps[i + 1] - 2 * curve.tps[i] + curve.tps[i - 1] == 0
                if collinearF && collinearT { continue }
            }
            fps.append(Double(curve.fps[i]))
            tps.append(Double(curve.tps[i]))
        }
        let lastF = fps.last!
        let lastT = tps.last!
        var area = 0.0
        for i in 1..<fps.count {
            area += (fps[i] / lastF - fps[i - 1] / lastF) * (tps[i] / lastT + tps[i - 1] / lastT) / 2
        }
        return area
    }

    /// Average precision (`average_precision_score`): `Σ (Rₖ − Rₖ₋₁) Pₖ` over the distinct score
    /// thresholds in decreasing order, the step-wise area under the precision–recall curve.
    public static func averagePrecision(scores: [Double], labels: [Bool]) throws(EstimatorParameterError) -> Double {
        let curve = try Curve(scores: scores, labels: labels, metric: "averagePrecision")
        guard curve.positives > 0 else {
            throw error("averagePrecision", "labels", "at least one positive", "none")
        }
        var previousRecall = 0.0
        var sum = 0.0
        let total = Double(curve.positives)
        for i in 0..<curve.tps.count {
            let recall = Double(curve.tps[i]) / total
            let precision = Double(curve.tps[i]) / Double(curve.tps[i] + curve.fps[i])
            sum += (recall - previousRecall) * precision
            previousRecall = recall
        }
        return sum
    }

    /// Precision, recall, F1 and accuracy when rows scoring ≥ `threshold` are called positive.
    public static func atThreshold(
        _ threshold: Double, scores: [Double], labels: [Bool]
    ) throws(EstimatorParameterError) -> AtThreshold {
        try checkShapes(scores, labels, "atThreshold")
        var tp = 0
        var fp = 0
        var positives = 0
        for (s, l) in zip(scores, labels) {
            if l { positives += 1 }
            if s >= threshold {
                if l { tp += 1 } else { fp += 1 }
            }
        }
        return counts(threshold: threshold, tp: tp, fp: fp, positives: positives, rows: labels.count)
    }

    /// The threshold among the distinct scores that maximises F1 (the highest such threshold on a tie).
    public static func bestF1Threshold(scores: [Double], labels: [Bool]) throws(EstimatorParameterError) -> AtThreshold
    {
        let curve = try Curve(scores: scores, labels: labels, metric: "bestF1Threshold")
        var best: AtThreshold?
        for i in 0..<curve.tps.count {
            let candidate = counts(
                threshold: curve.thresholds[i], tp: curve.tps[i], fp: curve.fps[i], positives: curve.positives,
                rows: labels.count)
            if best == nil || candidate.f1 > best!.f1 { best = candidate }
        }
        return best!
    }

    /// A calibration table of `bins` equal-width probability bins over [0, 1], as
    /// `calibration_curve(strategy="uniform")` bins them (a probability on an inner edge goes to
    /// the lower bin) but keeping empty bins, with count 0 and NaN rates, so the table has a fixed shape.
    public static func calibration(
        probabilities: [Double], labels: [Bool], bins: Int = 10
    ) throws(EstimatorParameterError) -> [CalibrationBin] {
        try checkShapes(probabilities, labels, "calibration")
        guard bins >= 1 else { throw error("calibration", "bins", "≥ 1", "\(bins)") }
        guard probabilities.allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
            throw error("calibration", "probabilities", "values in [0, 1]", "a value outside")
        }
        let edges = (0...bins).map { Double($0) / Double(bins) }
        var sums = [Double](repeating: 0, count: bins)
        var hits = [Double](repeating: 0, count: bins)
        var counts = [Int](repeating: 0, count: bins)
        for (p, l) in zip(probabilities, labels) {
            // The first inner edge ≥ p (numpy's searchsorted, side left) over edges[1 ..< bins].
            var lo = 1
            var hi = bins
            while lo < hi {
                let mid = (lo + hi) / 2
                if edges[mid] < p { lo = mid + 1 } else { hi = mid }
            }
            let bin = lo - 1
            sums[bin] += p
            hits[bin] += l ? 1 : 0
            counts[bin] += 1
        }
        return (0..<bins).map { b in
            CalibrationBin(
                lower: edges[b], upper: edges[b + 1],
                meanPredicted: counts[b] == 0 ? .nan : sums[b] / Double(counts[b]),
                observedRate: counts[b] == 0 ? .nan : hits[b] / Double(counts[b]), count: counts[b])
        }
    }

    /// The mean negative log-likelihood of `labels` under `probabilities` (`log_loss`), with
    /// probabilities clipped to [ε, 1 − ε], ε the double machine epsilon.
    public static func logLoss(probabilities: [Double], labels: [Bool]) throws(EstimatorParameterError) -> Double {
        try checkShapes(probabilities, labels, "logLoss")
        let eps = Double.ulpOfOne
        var sum = 0.0
        for (p, l) in zip(probabilities, labels) {
            let q = min(max(p, eps), 1 - eps)
            sum -= l ? log(q) : log(1 - q)
        }
        return sum / Double(labels.count)
    }

    static func counts(threshold: Double, tp: Int, fp: Int, positives: Int, rows: Int) -> AtThreshold {
        let fn = positives - tp
        let tn = rows - positives - fp
        let precision = tp + fp == 0 ? 0 : Double(tp) / Double(tp + fp)
        let recall = positives == 0 ? 0 : Double(tp) / Double(positives)
        let f1 = precision + recall == 0 ? 0 : 2 * Double(tp) / Double(2 * tp + fp + fn)
        return AtThreshold(
            threshold: threshold, truePositives: tp, falsePositives: fp, trueNegatives: tn, falseNegatives: fn,
            precision: precision, recall: recall, f1: f1, accuracy: Double(tp + tn) / Double(rows))
    }

    static func checkShapes(_ scores: [Double], _ labels: [Bool], _ metric: String) throws(EstimatorParameterError) {
        guard scores.count == labels.count else {
            throw error(metric, "scores", "one per label (\(labels.count))", "\(scores.count)")
        }
        guard !labels.isEmpty else { throw error(metric, "labels", "at least one row", "none") }
        guard scores.allSatisfy({ !$0.isNaN }) else { throw error(metric, "scores", "numbers", "NaN") }
    }

    static func error(_ metric: String, _ parameter: String, _ expected: String, _ got: String)
        -> EstimatorParameterError
    {
        EstimatorParameterError(
            estimator: "ClassificationMetrics.\(metric)", parameter: parameter, expected: expected, got: got)
    }

    /// Cumulative true and false positives at each distinct score, in decreasing score order
    /// (scikit-learn's `_binary_clf_curve`).
    struct Curve {
        var thresholds: [Double] = []
        var tps: [Int] = []
        var fps: [Int] = []
        var positives = 0
        var negatives = 0

        init(scores: [Double], labels: [Bool], metric: String) throws(EstimatorParameterError) {
            try ClassificationMetrics.checkShapes(scores, labels, metric)
            let order = scores.indices.sorted { scores[$0] > scores[$1] }
            var tp = 0
            var fp = 0
            for (k, i) in order.enumerated() {
                if labels[i] { tp += 1 } else { fp += 1 }
                if k == order.count - 1 || scores[order[k + 1]] != scores[i] {
                    thresholds.append(scores[i])
                    tps.append(tp)
                    fps.append(fp)
                }
            }
            positives = tp
            negatives = fp
        }
    }
}
