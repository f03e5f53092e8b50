import Learn
import Pipeline

/// The `churn` section of the train stage's params, decoded with JSON paths.
struct ChurnSettings: Sendable {
    /// How the decision threshold is set.
    enum Threshold: Sendable, Equatable {
        case fixed(Double)
        /// The score threshold with the best F1 on the model's own training rows.
        case bestF1
    }

    var table: String
    var key: String
    var label: String
    var positive: String?
    var columns: [String]?
    var exclude: [String]
    var preparation: PreparationSettings
    /// One C, or candidates chosen by inner cross-validation on log-loss.
    var cValues: [Double]
    var innerFolds: Int
    var classWeight: LogisticRegression.ClassWeight
    var tolerance: Double
    var maxIter: Int
    var folds: Int
    var threshold: Threshold
    var calibrationBins: Int

    static let specs: [ParameterSpec] = [
        ParameterSpec("table", .string, default: "churn_features", "The table of labelled customers."),
        ParameterSpec(
            "key", .nullable(.string), default: .null,
            "The column identifying a customer (never a feature); null: the table's declared key when it is one "
                + "column, else customer_id."),
        ParameterSpec("label", .string, default: "churned", "The label column: bool, 0/1, or text with `positive`."),
        ParameterSpec(
            "positive", .nullable(.string), default: .null,
            "The label value that means churned (\"Yes\"); not needed for bool or 0/1 labels."),
        ParameterSpec(
            "columns", .nullable(.array(of: .string, minCount: 1)), default: .null,
            "Feature columns; default every other numeric, bool and low-cardinality string column but exclude."),
        ParameterSpec(
            "exclude", .array(of: .string), default: ["customer_index"],
            "Columns never chosen by default (identifiers, leaks)."),
        ParameterSpec(
            "preparation", .object(PreparationSettings.specs), default: [:], "How columns become features."),
        ParameterSpec(
            "c", .either([.double(0 ... .infinity), .array(of: .double(0 ... .infinity), minCount: 1)]), default: 1.0,
            "Inverse L2 strength, or candidates chosen by inner stratified cross-validation on log-loss."),
        ParameterSpec("inner_folds", .int(2...100), default: 3, "Folds of the inner cross-validation choosing C."),
        ParameterSpec(
            "class_weight", .oneOf(["none", "balanced"]), default: "none",
            "balanced weighs each class by rows / (2 × its count)."),
        ParameterSpec(
            "tol", .double(0 ... .infinity), default: 1e-8,
            "Stop when the largest gradient component / (C × total row weight) is at most this."),
        ParameterSpec("max_iter", .int(1...10_000), default: 100, "The most Newton steps per fit."),
        ParameterSpec("folds", .int(2...100), default: 5, "Stratified, seeded evaluation folds."),
        ParameterSpec(
            "threshold", .either([.double(0...1), .oneOf(["best_f1"])]), default: 0.5,
            "Probability from which a customer is predicted to churn, or best_f1 (chosen on training folds)."),
        ParameterSpec("calibration_bins", .int(1...1000), default: 10, "Equal-width bins of the calibration table."),
    ]

    init(_ json: JSONValue, stage: String, path: String) throws(StageError) {
        let r = try ParameterReader(json, specs: Self.specs, stage: stage, path: path)
        table = try r.string("table") ?? "churn_features"
        key = try r.string("key") ?? "customer_id"
        label = try r.string("label") ?? "churned"
        positive = try r.string("positive")
        columns = try r.strings("columns")
        exclude = try r.strings("exclude") ?? []
        preparation = try PreparationSettings(
            try r.value("preparation"), stage: stage, path: r.childPath("preparation"))
        let c = try r.value("c")
        if let single = c.doubleValue {
            cValues = [single]
        } else {
            cValues = c.arrayValue?.compactMap(\.doubleValue) ?? []
        }
        guard !cValues.isEmpty, cValues.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw r.fail("c", "a number > 0 or an array of them", c)
        }
        innerFolds = Int(try r.int("inner_folds", in: 2...100) ?? 3)
        classWeight = try r.oneOf("class_weight", ["none", "balanced"]) == "balanced" ? .balanced : .none
        tolerance = try r.double("tol", in: 0 ... .infinity) ?? 1e-8
        maxIter = Int(try r.int("max_iter", in: 1...10_000) ?? 100)
        folds = Int(try r.int("folds", in: 2...100) ?? 5)
        let t = try r.value("threshold")
        if t == "best_f1" {
            threshold = .bestF1
        } else if let v = t.doubleValue, v >= 0, v <= 1 {
            threshold = .fixed(v)
        } else {
            throw r.fail("threshold", "a probability in 0...1 or \"best_f1\"", t)
        }
        calibrationBins = Int(try r.int("calibration_bins", in: 1...1000) ?? 10)
    }

    var configuration: LogisticRegression.Configuration {
        LogisticRegression.Configuration(
            c: cValues[0], classWeight: classWeight, tolerance: tolerance, maxIter: maxIter)
    }
}
