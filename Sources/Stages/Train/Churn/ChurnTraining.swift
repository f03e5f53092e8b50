import Foundation
import Frame
import Learn
import Pipeline

/// The `churn` section of the train stage: an L2-regularised logistic regression on a labelled
/// customer table, evaluated by seeded stratified k-fold cross-validation, then refitted on every
/// labelled row. Tables: `churn_coefficients`, `churn_model`, `churn_evaluation`, `churn_calibration`,
/// `churn_out_of_fold`.
///
/// Each evaluation fold fits its own preparation (medians, levels, scales) and, when `c` is a list,
/// chooses C by inner cross-validation on its training rows only, so no held-out row leaks into
/// the model that scores it. With `threshold: best_f1`, each fold's threshold is the best-F1 one on
/// its training rows; the final model's is the best-F1 one on the pooled out-of-fold
/// probabilities (the honest predictions of every row).
public enum ChurnTraining {
    /// The parameters of a `churn` section.
    public static let specs: [ParameterSpec] = ChurnSettings.specs
    static let stage = "train"

    /// Trains the churn model on `table` (called `tableName` in messages) with the section `params`
    /// found at JSON path `path`; `seed` is the stage's seed.
    public static func run(
        params: JSONValue, path: String, table: Frame, tableName: String, seed: Int64
    ) throws(StageError) -> TrainingOutput {
        let settings = try ChurnSettings(params, stage: stage, path: path)
        guard table[settings.key] != nil else {
            throw .unknownColumn(
                stage: stage, table: tableName, column: settings.key, available: table.schema.names,
                path: path + ".key")
        }
        let (labelled, labels) = try readLabels(table, settings: settings, tableName: tableName, path: path)
        let frame = labelled.count == table.rowCount ? table : table.gather(labelled)
        let features = try FeatureColumns(
            frame: frame, explicit: settings.columns, excluded: Set(settings.exclude + [settings.key, settings.label]),
            strings: true, categorical: settings.preparation.categorical, stage: stage, table: tableName, path: path)
        let configuration = features.configuration(settings.preparation)
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard positives >= settings.folds, labels.count - positives >= settings.folds else {
            throw .invalidParameter(
                stage: stage, path: path + ".folds",
                message:
                    "table '\(tableName)': \(settings.folds) folds need at least \(settings.folds) rows of each class,"
                    + " got \(positives) churned and \(labels.count - positives) not")
        }
        let root = SeededRandom(seed: UInt64(bitPattern: seed))
        var foldRandom = root.derived(1)
        let foldOf = try learning(stage: stage, path: path + ".folds") { () throws(EstimatorParameterError) in
            try StratifiedKFold(folds: settings.folds).assign(
                labels: labels.map { $0 ? 1 : 0 }, seed: foldRandom.next())
        }

        // Outer cross-validation: every row is scored by a model that never saw it.
        var outOfFold = [Double](repeating: 0, count: labels.count)
        var predicted = [Bool](repeating: false, count: labels.count)
        var evaluation = EvaluationRows()
        for fold in 0..<settings.folds {
            let train = (0..<labels.count).filter { foldOf[$0] != Int32(fold) }
            let test = (0..<labels.count).filter { foldOf[$0] == Int32(fold) }
            let trainLabels = train.map { labels[$0] }
            let testLabels = test.map { labels[$0] }
            var innerRandom = root.derived(100 + fold)
            let fitted = try fit(
                configuration, inputs: features.inputs(rows: train), labels: trainLabels, settings: settings,
                seed: innerRandom.next(), path: path)
            let testData = try learning(stage: stage, path: path) { () throws(EstimatorParameterError) in
                let t = try fitted.preparation.transform(features.inputs(rows: test))
                return try FeatureMatrix(values: t.matrix, rows: t.rows, columns: t.names.count)
            }
            let probabilities = fitted.model.probability(testData)
            let threshold = try threshold(
                settings.threshold, scores: fitted.model.probability(fitted.data), labels: trainLabels, path: path)
            for (j, row) in test.enumerated() {
                outOfFold[row] = probabilities[j]
                predicted[row] = probabilities[j] >= threshold
            }
            try evaluation.append(
                scope: "fold", fold: fold, c: fitted.c, threshold: threshold, probabilities: probabilities,
                predicted: probabilities.map { $0 >= threshold }, labels: testLabels, path: path)
        }
        try evaluation.append(
            scope: "pooled", fold: nil, c: nil, threshold: nil, probabilities: outOfFold, predicted: predicted,
            labels: labels, path: path)

        // The final model, on every labelled row.
        var finalRandom = root.derived(2)
        let final = try fit(
            configuration, inputs: features.inputs, labels: labels, settings: settings, seed: finalRandom.next(),
            path: path)
        let finalThreshold = try threshold(settings.threshold, scores: outOfFold, labels: labels, path: path)
        let calibration = try learning(stage: stage, path: path + ".calibration_bins") {
            () throws(EstimatorParameterError) in
            try ClassificationMetrics.calibration(
                probabilities: outOfFold, labels: labels, bins: settings.calibrationBins)
        }
        let model = ChurnModel(
            preparation: final.preparation, coefficients: final.model.coefficients, intercept: final.model.intercept,
            threshold: finalThreshold, c: final.c, label: settings.label, positive: settings.positive)

        let pooled = evaluation.last
        let metrics: JSONValue = .object([
            ("roc_auc", pooled.rocAUC), ("pr_auc", pooled.prAUC), ("precision", .double(pooled.precision)),
            ("recall", .double(pooled.recall)), ("f1", .double(pooled.f1)), ("accuracy", .double(pooled.accuracy)),
            ("log_loss", .double(pooled.logLoss)), ("threshold", .double(finalThreshold)), ("c", .double(final.c)),
            ("c_search", final.search), ("iterations", .int(final.model.iterations)), ("folds", .int(settings.folds)),
            ("per_fold", .array(evaluation.foldSummaries)),
        ])
        let counters: JSONValue = .object([
            ("table", .string(tableName)), ("rows", .int(table.rowCount)), ("labelled_rows", .int(labels.count)),
            ("unlabelled_rows", .int(table.rowCount - labels.count)), ("churned", .int(positives)),
            ("columns", .array(features.names.map { .string($0) })),
            ("skipped_columns", .object(features.skipped.map { ($0.column, .string($0.reason)) })),
            ("features", .int(final.preparation.outputNames.count)),
        ])
        return TrainingOutput(
            tables: [
                ("churn_coefficients", try coefficientsTable(model)), ("churn_model", model.table),
                ("churn_evaluation", try evaluation.frame()),
                ("churn_calibration", try calibrationTable(calibration)),
                (
                    "churn_out_of_fold",
                    try outOfFoldTable(
                        key: frame[settings.key]!, keyName: settings.key, labels: labels, folds: foldOf,
                        probabilities: outOfFold, predicted: predicted)
                ),
            ],
            counters: counters, metrics: metrics)
    }

    /// The labelled rows (in order) and their labels: bool columns as they are, 0/1 numbers, or
    /// text equal to `positive`; null and blank labels are left out.
    static func readLabels(
        _ table: Frame, settings: ChurnSettings, tableName: String, path: String
    ) throws(StageError) -> (rows: [Int], labels: [Bool]) {
        guard let column = table[settings.label] else {
            throw .unknownColumn(
                stage: stage, table: tableName, column: settings.label, available: table.schema.names,
                path: path + ".label")
        }
        var rows: [Int] = []
        var labels: [Bool] = []
        switch column.values {
        case .bool(let v) where settings.positive == nil:
            for r in 0..<v.count where !column.isNull(r) {
                rows.append(r)
                labels.append(v[r])
            }
        case .int32, .int64, .double, .bool, .string:
            var seen = Set<String>()
            for r in 0..<column.count {
                guard let text = ValueFormatter.text(column, r)?.trimmingCharacters(in: .whitespaces), !text.isEmpty
                else { continue }
                seen.insert(text)
                rows.append(r)
                if let positive = settings.positive {
                    labels.append(text == positive)
                } else if let v = Double(text), v == 0 || v == 1 {
                    labels.append(v == 1)
                } else {
                    throw .invalidParameter(
                        stage: stage, path: path + ".positive",
                        message: "label column '\(settings.label)' of table '\(tableName)' holds \"\(text)\":"
                            + " name the value that means churned")
                }
            }
            if let positive = settings.positive, !seen.contains(positive) {
                throw .invalidParameter(
                    stage: stage, path: path + ".positive",
                    message: "no row of '\(settings.label)' in table '\(tableName)' is \"\(positive)\"; values: "
                        + seen.sorted().prefix(10).joined(separator: ", "))
            }
        case .timestamp, .date:
            throw .unsupportedColumnType(
                stage: stage, table: tableName, column: settings.label, type: column.type,
                expected: "a bool, 0/1 or text label", path: path + ".label")
        }
        return (rows, labels)
    }

    /// A preparation and logistic regression fitted on some rows.
    struct Fitted {
        var preparation: FeaturePreparation.Model
        var data: FeatureMatrix
        var model: LogisticRegression.Model
        var c: Double
        /// The candidates and their mean inner log-loss, when C was searched.
        var search: JSONValue
    }

    static func fit(
        _ configuration: FeaturePreparation.Configuration, inputs: [String: FeaturePreparation.Input], labels: [Bool],
        settings: ChurnSettings, seed: UInt64, path: String
    ) throws(StageError) -> Fitted {
        try learning(stage: stage, path: path) { () throws(EstimatorParameterError) in
            let preparation = try FeaturePreparation.fit(configuration, columns: inputs)
            let t = try preparation.transform(inputs)
            let data = try FeatureMatrix(values: t.matrix, rows: t.rows, columns: t.names.count)
            if settings.cValues.count == 1 {
                let model = try LogisticRegression(settings.configuration).fit(
                    data, labels: labels, featureNames: t.names)
                return Fitted(preparation: preparation, data: data, model: model, c: settings.cValues[0], search: .null)
            }
            let cv = try LogisticRegression.crossValidated(
                data, labels: labels, featureNames: t.names, configuration: settings.configuration,
                cValues: settings.cValues, folds: settings.innerFolds, seed: seed)
            let search: JSONValue = .array(
                cv.cValues.indices.map {
                    .object([("c", .double(cv.cValues[$0])), ("log_loss", .double(cv.meanLogLoss[$0]))])
                })
            return Fitted(preparation: preparation, data: data, model: cv.model, c: cv.bestC, search: search)
        }
    }

    static func threshold(
        _ choice: ChurnSettings.Threshold, scores: [Double], labels: [Bool], path: String
    ) throws(StageError) -> Double {
        switch choice {
        case .fixed(let t): return t
        case .bestF1:
            return try learning(stage: stage, path: path + ".threshold") { () throws(EstimatorParameterError) in
                try ClassificationMetrics.bestF1Threshold(scores: scores, labels: labels).threshold
            }
        }
    }

    /// `churn_coefficients`: one row per feature in matrix order, then the intercept.
    static func coefficientsTable(_ model: ChurnModel) throws(StageError) -> Frame {
        let names = model.preparation.outputNames
        let layout = PreparedLayout(model.preparation)
        var sources: [String] = []
        for (i, input) in model.preparation.inputNames.enumerated() {
            sources += [String](repeating: input, count: layout.widths[i])
        }
        let coefficients = model.coefficients + [model.intercept]
        do {
            return try Frame(
                schema: Schema([
                    Field("feature", .string, nullable: false), Field("source_column", .string),
                    Field("coefficient", .double, nullable: false), Field("odds_ratio", .double, nullable: false),
                ]),
                columns: [
                    Column(.string(StringArray(names + ["(intercept)"]))),
                    Column(.string(StringArray(sources + [""])), validity: sources.map { _ in true } + [false]),
                    Column(.double(coefficients)), Column(.double(coefficients.map { exp($0) })),
                ])
        } catch { throw .frame(stage: stage, table: "churn_coefficients", error) }
    }

    /// `churn_out_of_fold`: each labelled customer's held-out probability, the fold that held it
    /// out, and the call at that fold's threshold — what the evaluation measured, row by row.
    static func outOfFoldTable(
        key: Column, keyName: String, labels: [Bool], folds: [Int32], probabilities: [Double], predicted: [Bool]
    ) throws(StageError) -> Frame {
        do {
            return try Frame(
                schema: Schema([
                    Field(keyName, key.type, nullable: key.validity != nil), Field("churned", .bool, nullable: false),
                    Field("fold", .int32, nullable: false), Field("probability", .double, nullable: false),
                    Field("predicted", .bool, nullable: false),
                ]),
                columns: [
                    key, Column(.bool(labels)), Column(.int32(folds)), Column(.double(probabilities)),
                    Column(.bool(predicted)),
                ])
        } catch { throw .frame(stage: stage, table: "churn_out_of_fold", error) }
    }

    /// `churn_calibration`: one row per probability bin, empty bins with null rates.
    static func calibrationTable(_ bins: [ClassificationMetrics.CalibrationBin]) throws(StageError) -> Frame {
        do {
            return try Frame(
                schema: Schema([
                    Field("bin", .int32, nullable: false), Field("lower", .double, nullable: false),
                    Field("upper", .double, nullable: false), Field("mean_predicted", .double),
                    Field("observed_rate", .double), Field("count", .int64, nullable: false),
                ]),
                columns: [
                    Column(.int32(bins.indices.map { Int32($0) })), Column(.double(bins.map(\.lower))),
                    Column(.double(bins.map(\.upper))),
                    Column(
                        .double(bins.map { $0.count == 0 ? 0 : $0.meanPredicted }), validity: bins.map { $0.count > 0 }),
                    Column(
                        .double(bins.map { $0.count == 0 ? 0 : $0.observedRate }), validity: bins.map { $0.count > 0 }),
                    Column(.int64(bins.map { Int64($0.count) })),
                ])
        } catch { throw .frame(stage: stage, table: "churn_calibration", error) }
    }
}
