import Frame

/// Turns a customer table's columns into a numeric feature matrix, the same way at fit and at
/// scoring time: scikit-learn's `ColumnTransformer` of `SimpleImputer` + `StandardScaler` for
/// numeric columns and `SimpleImputer` + `OneHotEncoder(handle_unknown="ignore")` for categorical ones.
///
/// Numeric column, in this order: a missing value (invalid or NaN) becomes the column's median
/// (numpy's: the mean of the two middle values for an even count); optionally `log1p`; optionally
/// a z-score with the population standard deviation (a constant column keeps scale 1, by
/// scikit-learn's test `var ≤ n·ε·var + (n·mean·ε)²`); optionally an indicator column of the
/// missing rows and a one-hot of `bins` equal-frequency bins. Categorical column: a missing value
/// becomes the most frequent value (the smallest on a tie, as SimpleImputer) or its own level
/// `"missing"`; the `maxLevels` most frequent levels (ties by value) each get a column, in that order,
/// and every other level seen at fit shares an `other` column; a level first seen at transform time
/// gives all zeros. Output names: `age`, `age_missing`, `age_bin0` …, `city=Paris`, `city=other`.
public enum FeaturePreparation {
    /// When to apply `log1p` to a numeric column.
    public enum LogTransform: String, Codable, Sendable {
        /// Never.
        case none
        /// Always (every value must be > −1).
        case always
        /// When the observed values are all ≥ 0 and their sample skewness (the biased moment
        /// estimate `m₃ / m₂^1.5`, scipy's default) exceeds 1.
        case auto
    }

    /// How a numeric column is prepared.
    public struct NumericOptions: Codable, Sendable, Equatable {
        /// Add a `NAME_missing` column, 1 where the value was missing.
        public var missingIndicator: Bool
        /// Whether to take `log1p` of the (imputed) values.
        public var log: LogTransform
        /// Whether to z-score the values (otherwise they pass through after imputation and log).
        public var standardise: Bool
        /// When set (≥ 2), add a one-hot of this many equal-frequency bins of the (imputed, logged)
        /// values; tied quantiles merge bins, so fewer columns may appear.
        public var bins: Int?

        public init(
            missingIndicator: Bool = false, log: LogTransform = .none, standardise: Bool = true, bins: Int? = nil
        ) {
            self.missingIndicator = missingIndicator
            self.log = log
            self.standardise = standardise
            self.bins = bins
        }
    }

    /// How missing categorical values are filled.
    public enum CategoricalMissing: String, Codable, Sendable {
        /// With the most frequent value (the smallest on a tie).
        case mode
        /// With a level of their own, `"missing"`.
        case level
    }

    /// How a categorical column is prepared.
    public struct CategoricalOptions: Codable, Sendable, Equatable {
        public var missing: CategoricalMissing
        /// The number of most frequent levels that get their own column (≥ 1); the rest share `other`.
        public var maxLevels: Int

        public init(missing: CategoricalMissing = .level, maxLevels: Int = 20) {
            self.missing = missing
            self.maxLevels = maxLevels
        }
    }

    /// The treatment of one column.
    public enum Kind: Codable, Sendable, Equatable {
        case numeric(NumericOptions)
        case categorical(CategoricalOptions)
    }

    /// One input column and its treatment.
    public struct ColumnSpec: Codable, Sendable, Equatable {
        public var name: String
        public var kind: Kind

        public init(_ name: String, _ kind: Kind) {
            self.name = name
            self.kind = kind
        }
    }

    /// The columns to prepare, in output order.
    public struct Configuration: Codable, Sendable, Equatable {
        public var columns: [ColumnSpec]

        public init(columns: [ColumnSpec]) { self.columns = columns }

        public func validate() throws(EstimatorParameterError) {
            guard !columns.isEmpty else { throw Self.error("columns", "at least one column", "none") }
            var seen = Set<String>()
            for spec in columns {
                guard seen.insert(spec.name).inserted else {
                    throw Self.error("columns", "distinct names", "\"\(spec.name)\" twice")
                }
                switch spec.kind {
                case .numeric(let o):
                    if let bins = o.bins, bins < 2 { throw Self.error("\(spec.name).bins", "≥ 2", "\(bins)") }
                case .categorical(let o):
                    if o.maxLevels < 1 { throw Self.error("\(spec.name).maxLevels", "≥ 1", "\(o.maxLevels)") }
                }
            }
        }

        static func error(_ parameter: String, _ expected: String, _ got: String) -> EstimatorParameterError {
            EstimatorParameterError(estimator: "FeaturePreparation", parameter: parameter, expected: expected, got: got)
        }
    }

    /// An input column: values with a validity flag per row (false = missing).
    public enum Input: Sendable {
        /// Numbers; a NaN counts as missing too.
        case numeric(values: [Double], valid: [Bool])
        /// Strings, as a Frame `StringArray`.
        case categorical(strings: StringArray, valid: [Bool])

        public static func numeric(_ values: [Double?]) -> Input {
            .numeric(values: values.map { $0 ?? .nan }, valid: values.map { $0 != nil })
        }

        public static func categorical(_ values: [String?]) -> Input {
            .categorical(strings: StringArray(values.map { $0 ?? "" }), valid: values.map { $0 != nil })
        }

        var count: Int {
            switch self {
            case .numeric(_, let valid), .categorical(_, let valid): valid.count
            }
        }
    }

    /// The level that stands for missing values under `CategoricalMissing.level`.
    public static let missingLevel = "missing"
    /// The name suffix of the column grouping the infrequent levels.
    public static let otherLevel = "other"
}
