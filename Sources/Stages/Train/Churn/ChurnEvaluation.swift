import Frame
import Learn
import Pipeline

/// The rows of `churn_evaluation`: one per evaluation fold, then the pooled out-of-fold row.
struct EvaluationRows {
    struct Row {
        var scope: String
        var fold: Int?
        var rows: Int
        var positives: Int
        var c: Double?
        var threshold: Double?
        var rocAUC: JSONValue
        var prAUC: JSONValue
        var precision: Double
        var recall: Double
        var f1: Double
        var accuracy: Double
        var logLoss: Double
    }

    private(set) var rows: [Row] = []

    var last: Row { rows[rows.count - 1] }

    /// Measures `probabilities` (and the calls `predicted` made from them) against `labels`.
    /// AUCs are null when the rows hold one class only.
    mutating func append(
        scope: String, fold: Int?, c: Double?, threshold: Double?, probabilities: [Double], predicted: [Bool],
        labels: [Bool], path: String
    ) throws(StageError) {
        var tp = 0
        var fp = 0
        var positives = 0
        for (p, l) in zip(predicted, labels) {
            if l { positives += 1 }
            if p { if l { tp += 1 } else { fp += 1 } }
        }
        let fn = positives - tp
        let tn = labels.count - positives - fp
        let precision = tp + fp == 0 ? 0 : Double(tp) / Double(tp + fp)
        let recall = positives == 0 ? 0 : Double(tp) / Double(positives)
        let f1 = tp == 0 ? 0 : 2 * Double(tp) / Double(2 * tp + fp + fn)
        let auc = try? ClassificationMetrics.rocAUC(scores: probabilities, labels: labels)
        let ap = try? ClassificationMetrics.averagePrecision(scores: probabilities, labels: labels)
        let logLoss = try learning(stage: ChurnTraining.stage, path: path) { () throws(EstimatorParameterError) in
            try ClassificationMetrics.logLoss(probabilities: probabilities, labels: labels)
        }
        rows.append(
            Row(
                scope: scope, fold: fold, rows: labels.count, positives: positives, c: c, threshold: threshold,
                rocAUC: auc.map { .double($0) } ?? .null, prAUC: ap.map { .double($0) } ?? .null,
                precision: precision, recall: recall, f1: f1, accuracy: Double(tp + tn) / Double(labels.count),
                logLoss: logLoss))
    }

    /// The per-fold figures for the manifest's metrics.
    var foldSummaries: [JSONValue] {
        rows.filter { $0.fold != nil }.map {
            .object([
                ("fold", .int($0.fold!)), ("rows", .int($0.rows)), ("roc_auc", $0.rocAUC), ("pr_auc", $0.prAUC),
                ("f1", .double($0.f1)), ("threshold", $0.threshold.map { .double($0) } ?? .null),
                ("c", $0.c.map { .double($0) } ?? .null),
            ])
        }
    }

    func frame() throws(StageError) -> Frame {
        func optional(_ values: [Double?]) -> Column {
            Column(.double(values.map { $0 ?? 0 }), validity: values.map { $0 != nil })
        }
        do {
            return try Frame(
                schema: Schema([
                    Field("scope", .string, nullable: false), Field("fold", .int32),
                    Field("rows", .int64, nullable: false),
                    Field("positives", .int64, nullable: false), Field("c", .double), Field("threshold", .double),
                    Field("roc_auc", .double), Field("pr_auc", .double), Field("precision", .double, nullable: false),
                    Field("recall", .double, nullable: false), Field("f1", .double, nullable: false),
                    Field("accuracy", .double, nullable: false), Field("log_loss", .double, nullable: false),
                ]),
                columns: [
                    Column(.string(StringArray(rows.map(\.scope)))),
                    Column(.int32(rows.map { Int32($0.fold ?? 0) }), validity: rows.map { $0.fold != nil }),
                    Column(.int64(rows.map { Int64($0.rows) })), Column(.int64(rows.map { Int64($0.positives) })),
                    optional(rows.map(\.c)), optional(rows.map(\.threshold)), optional(rows.map(\.rocAUC.doubleValue)),
                    optional(rows.map(\.prAUC.doubleValue)), Column(.double(rows.map(\.precision))),
                    Column(.double(rows.map(\.recall))), Column(.double(rows.map(\.f1))),
                    Column(.double(rows.map(\.accuracy))), Column(.double(rows.map(\.logLoss))),
                ])
        } catch { throw .frame(stage: ChurnTraining.stage, table: "churn_evaluation", error) }
    }
}
