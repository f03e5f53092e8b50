import Learn
import Pipeline

/// How a model section turns its input columns into features: `params.<section>.preparation`.
///
/// Numeric columns: a missing value becomes the median (with a `<column>_missing` indicator when
/// the column had missing values at fit), optionally `log1p`, optionally a z-score, optionally a
/// one-hot of equal-frequency bins. String columns: a missing value becomes the most frequent level
/// (or its own level), the `max_levels` most frequent levels get a column each, the rest share
/// `other`, a level first seen at scoring time gives all zeros.
struct PreparationSettings: Sendable, Equatable {
    /// Which numeric columns get `log1p`.
    enum LogChoice: Sendable, Equatable {
        case none
        /// Columns whose values are all ≥ 0 with a sample skewness above 1.
        case auto
        case columns([String])
    }

    var missingIndicator: Bool
    var categoricalMissing: FeaturePreparation.CategoricalMissing
    var log: LogChoice
    var standardise: Bool
    var maxLevels: Int
    /// Column → number of equal-frequency bins added as a one-hot.
    var bins: [(column: String, bins: Int)]
    /// Columns read as categories whatever their type (numeric codes, say).
    var categorical: [String]

    static let specs: [ParameterSpec] = [
        ParameterSpec(
            "missing_indicator", .bool, default: true,
            "Add a <column>_missing feature (1 where the value was missing) for numeric columns with missing values."),
        ParameterSpec(
            "categorical_missing", .oneOf(["mode", "level"]), default: "mode",
            "A missing category becomes the most frequent level (mode) or a level of its own, \"missing\" (level)."),
        ParameterSpec(
            "log1p", .either([.oneOf(["none", "auto"]), .array(of: .string)]), default: "none",
            "Numeric columns to take log1p of: none, auto (non-negative columns with skewness > 1), or a list."),
        ParameterSpec("standardise", .bool, default: true, "z-score numeric features (population standard deviation)."),
        ParameterSpec(
            "max_levels", .int(1...100_000), default: 20,
            "Most frequent levels of a string column that get their own feature; the rest share <column>=other."),
        ParameterSpec(
            "bins", .map(of: .int(2...1000)), default: [:],
            "Numeric column → number of equal-frequency bins added as a one-hot (beside the value)."),
        ParameterSpec(
            "categorical", .array(of: .string), default: [],
            "Columns read as categories whatever their type (numeric codes)."),
    ]

    static let defaults = PreparationSettings(
        missingIndicator: true, categoricalMissing: .mode, log: .none, standardise: true, maxLevels: 20, bins: [],
        categorical: [])

    init(
        missingIndicator: Bool, categoricalMissing: FeaturePreparation.CategoricalMissing, log: LogChoice,
        standardise: Bool, maxLevels: Int, bins: [(column: String, bins: Int)], categorical: [String]
    ) {
        self.missingIndicator = missingIndicator
        self.categoricalMissing = categoricalMissing
        self.log = log
        self.standardise = standardise
        self.maxLevels = maxLevels
        self.bins = bins
        self.categorical = categorical
    }

    init(_ json: JSONValue, stage: String, path: String) throws(StageError) {
        let r = try ParameterReader(json, specs: Self.specs, stage: stage, path: path)
        let logValue = try r.value("log1p")
        let log: LogChoice
        switch logValue {
        case "none": log = .none
        case "auto": log = .auto
        default:
            guard let names = try r.strings("log1p") else { throw r.fail("log1p", "none, auto or a list", logValue) }
            log = .columns(names)
        }
        var bins: [(column: String, bins: Int)] = []
        for m in try r.object("bins") {
            guard let b = m.value.intValue, b >= 2 else {
                throw .invalidParameter(
                    stage: stage, path: r.childPath("bins") + "." + m.key,
                    message: "expected an integer ≥ 2, got \(m.value.brief())")
            }
            bins.append((m.key, Int(b)))
        }
        self.init(
            missingIndicator: try r.bool("missing_indicator"),
            categoricalMissing: FeaturePreparation.CategoricalMissing(
                rawValue: try r.oneOf("categorical_missing", ["mode", "level"]))!,
            log: log, standardise: try r.bool("standardise"),
            maxLevels: Int(try r.int("max_levels", in: 1...100_000) ?? 20), bins: bins,
            categorical: try r.strings("categorical") ?? [])
    }

    static func == (a: PreparationSettings, b: PreparationSettings) -> Bool {
        a.missingIndicator == b.missingIndicator && a.categoricalMissing == b.categoricalMissing && a.log == b.log
            && a.standardise == b.standardise && a.maxLevels == b.maxLevels
            && a.bins.map(\.column) == b.bins.map(\.column) && a.bins.map(\.bins) == b.bins.map(\.bins)
            && a.categorical == b.categorical
    }

    /// The treatment of numeric column `name`; `hasMissing` says whether it had missing values at fit.
    func numericOptions(_ name: String, hasMissing: Bool) -> FeaturePreparation.NumericOptions {
        let log: FeaturePreparation.LogTransform
        switch self.log {
        case .none: log = .none
        case .auto: log = .auto
        case .columns(let names): log = names.contains(name) ? .always : .none
        }
        return FeaturePreparation.NumericOptions(
            missingIndicator: missingIndicator && hasMissing, log: log, standardise: standardise,
            bins: bins.first { $0.column == name }?.bins)
    }

    var categoricalOptions: FeaturePreparation.CategoricalOptions {
        FeaturePreparation.CategoricalOptions(missing: categoricalMissing, maxLevels: maxLevels)
    }
}
