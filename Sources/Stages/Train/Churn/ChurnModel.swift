import Foundation
import Frame
import Learn

/// A trained churn model rebuilt from its `churn_model` table: the same preparation, then the
/// logistic regression's probability, and the features that pushed each customer's score most.
public struct ChurnModel: Sendable {
    /// The table the model is stored in.
    public static let tableName = "churn_model"

    let preparation: FeaturePreparation.Model
    /// One coefficient per prepared feature, in `featureNames` order.
    public let coefficients: [Double]
    public let intercept: Double
    /// Probabilities ≥ this are predicted to churn.
    public let threshold: Double
    /// The inverse regularisation strength the model was fitted with.
    public let c: Double
    let label: String
    let positive: String?

    init(
        preparation: FeaturePreparation.Model, coefficients: [Double], intercept: Double, threshold: Double, c: Double,
        label: String, positive: String?
    ) {
        self.preparation = preparation
        self.coefficients = coefficients
        self.intercept = intercept
        self.threshold = threshold
        self.c = c
        self.label = label
        self.positive = positive
    }

    /// The prepared feature names, one per coefficient.
    public var featureNames: [String] { preparation.outputNames }

    /// The probabilities of a set of customers and, per customer, the features whose contribution
    /// (coefficient × prepared value, in log-odds) is largest in size.
    public struct Scores: Sendable, Equatable {
        public var probabilities: [Double]
        /// The number of reasons kept per row.
        public var top: Int
        /// rows × top feature indices into `featureNames`, −1 where a row has fewer non-zero contributions.
        public var reasonFeatures: [Int32]
        /// rows × top contributions (log-odds), 0 where there is no reason.
        public var reasonContributions: [Double]
        public var featureNames: [String]

        /// The reasons of `row`, largest contribution (in size) first.
        public func reasons(_ row: Int) -> [(feature: String, contribution: Double)] {
            (0..<top).compactMap { j in
                let f = reasonFeatures[row * top + j]
                return f < 0 ? nil : (featureNames[Int(f)], reasonContributions[row * top + j])
            }
        }
    }

    var table: Frame {
        var rows = ModelParameterRows()
        rows.append(preparation)
        for (j, name) in preparation.outputNames.enumerated() {
            rows.append("coefficient", name, index: j, value: coefficients[j])
        }
        rows.append("intercept", "intercept", value: intercept)
        rows.append("threshold", "threshold", value: threshold)
        rows.append("c", "c", value: c)
        rows.append("label", label, label: positive)
        return rows.frame
    }

    /// Rebuilds the model from the `churn_model` table among `tables`.
    public static func load(_ tables: [String: Frame]) throws(StageError) -> ChurnModel {
        try load(ModelParameterReader.table(tableName, in: tables, stage: ChurnTraining.stage))
    }

    /// Rebuilds the model from its table.
    public static func load(_ frame: Frame) throws(StageError) -> ChurnModel {
        let reader = try ModelParameterReader(frame, table: tableName, stage: ChurnTraining.stage)
        let preparation = try reader.preparation()
        let rows = reader.rows("coefficient").sorted { $0.index < $1.index }
        guard rows.map(\.name) == preparation.outputNames else {
            throw reader.corrupt("the coefficients do not match the prepared features")
        }
        let label = reader.rows("label").first
        return ChurnModel(
            preparation: preparation, coefficients: rows.map { $0.value ?? .nan },
            intercept: try reader.scalar("intercept"),
            threshold: try reader.scalar("threshold"), c: try reader.scalar("c"), label: label?.name ?? "",
            positive: label?.label)
    }

    /// The churn probability of each row of `frame` (which must hold the model's input columns).
    public func probabilities(_ frame: Frame, table: String = "customers") throws(StageError) -> [Double] {
        try scores(frame, table: table, top: 0).probabilities
    }

    /// Probabilities plus the `top` largest contributions of each row.
    public func scores(_ frame: Frame, table: String = "customers", top: Int = 3) throws(StageError) -> Scores {
        let data = try preparation.matrix(frame, stage: ChurnTraining.stage, table: table)
        let model = LogisticRegression.Model(
            coefficients: coefficients, intercept: intercept, featureNames: preparation.outputNames)
        let probabilities = model.probability(data)
        let d = data.columns
        var features = [Int32](repeating: -1, count: data.rows * top)
        var contributions = [Double](repeating: 0, count: data.rows * top)
        if top > 0 {
            var order = [Int](repeating: 0, count: d)
            var values = [Double](repeating: 0, count: d)
            for i in 0..<data.rows {
                for f in 0..<d {
                    values[f] = coefficients[f] * data.values[i * d + f]
                    order[f] = f
                }
                order.sort { abs(values[$0]) > abs(values[$1]) || (abs(values[$0]) == abs(values[$1]) && $0 < $1) }
                for j in 0..<min(top, d) where values[order[j]] != 0 {
                    features[i * top + j] = Int32(order[j])
                    contributions[i * top + j] = values[order[j]]
                }
            }
        }
        return Scores(
            probabilities: probabilities, top: top, reasonFeatures: features, reasonContributions: contributions,
            featureNames: preparation.outputNames)
    }
}
