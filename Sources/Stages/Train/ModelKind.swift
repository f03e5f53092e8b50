import Foundation
import Pipeline

/// The model kinds `params.models.<name>.kind` may name, and which hyperparameters each takes.
public enum ModelKind: String, Sendable, CaseIterable {
    case popularity
    case itemKNN = "item_knn"
    case userKNN = "user_knn"
    case content
    case als
    case ease
    case hybrid
    case baseline
    case knnBaseline = "knn_baseline"
    case svd
    case svdpp
    case ratingBlend = "rating_blend"

    /// Rating models predict a customer's rating of an item (judged by RMSE/MAE); the others rank
    /// items (judged by precision, NDCG…).
    public var predictsRatings: Bool {
        switch self {
        case .baseline, .knnBaseline, .svd, .svdpp, .ratingBlend: true
        default: false
        }
    }

    /// Kinds built from other configured models rather than from the interactions.
    public var isComposite: Bool { self == .hybrid || self == .ratingBlend }

    /// The hyperparameters this kind reads, in declaration order (the order grids are expanded in).
    public var hyperparameters: [Hyperparameter] { Hyperparameter.all.filter { $0.kinds.contains(self) } }
}

/// One hyperparameter of one or more model kinds: its name in pipeline.json, the value it takes
/// (a grid is an array of such values), whether it may be a grid, and what it means. A value left
/// out takes the model's own default (Learn's configuration types declare them once).
public struct Hyperparameter: Sendable {
    public var name: String
    public var constraint: ParameterConstraint
    public var kinds: Set<ModelKind>
    public var tunable: Bool
    public var summary: String

    init(
        _ name: String, _ constraint: ParameterConstraint, _ kinds: Set<ModelKind>, tunable: Bool = true,
        _ summary: String
    ) {
        self.name = name
        self.constraint = constraint
        self.kinds = kinds
        self.tunable = tunable
        self.summary = summary
    }

    static let neighbourhood: Set<ModelKind> = [.itemKNN, .userKNN]
    static let biased: Set<ModelKind> = [.baseline, .knnBaseline]
    static let factorised: Set<ModelKind> = [.svd, .svdpp]
    static let positive = ParameterConstraint.double(0 ... .infinity)

    /// Every hyperparameter of every kind.
    public static let all: [Hyperparameter] = [
        Hyperparameter(
            "counting", .oneOf(["distinct_customers", "strength_sum"]), [.popularity],
            "Popularity by distinct customers or by summed strength."),
        Hyperparameter(
            "by_segment", .bool, [.popularity],
            "Popularity within each customer's segment (needs params.segments); customers without one get the "
                + "overall popularity."),
        Hyperparameter(
            "similarity", .oneOf(["cosine", "jaccard", "asymmetric_cosine", "dot_product"]), neighbourhood,
            "How two items (customers) are compared."),
        Hyperparameter(
            "alpha", positive, neighbourhood.union([.als]),
            "kNN: the asymmetric cosine's α in [0, 1]; ALS: the confidence slope (1 + α·strength)."),
        Hyperparameter(
            "shrinkage", positive, neighbourhood.union([.knnBaseline]),
            "Added to the similarity's denominator (kNN) or shrinks the Pearson-baseline correlation."),
        Hyperparameter(
            "neighbours", .int(1...Int64(Int32.max)), neighbourhood.union([.knnBaseline]),
            "Neighbours kept per item or customer (kNN), or used per prediction (knn_baseline's k)."),
        Hyperparameter(
            "weighting", .oneOf(["none", "bm25", "tfidf"]), neighbourhood,
            "Re-weighting of the interaction matrix before comparing."),
        Hyperparameter("bm25_k1", positive, neighbourhood, "BM25's term-frequency saturation k1 (> 0)."),
        Hyperparameter("bm25_b", .double(0...1), neighbourhood, "BM25's length normalisation b."),
        Hyperparameter(
            "min_similarity", .double(-.infinity ... .infinity), neighbourhood,
            "Neighbours whose similarity is not above this are dropped."),
        Hyperparameter(
            "strength_scaling", .oneOf(["linear", "logarithmic"]), [.content],
            "How a purchase's strength weighs its item in the customer's profile."),
        Hyperparameter(
            "factors", .int(1...4096), [.als, .svd, .svdpp], "Length of the user and item factor vectors."),
        Hyperparameter(
            "regularization", positive, [.als, .svd, .svdpp], "L2 penalty (ALS's λ, SVD's reg_all)."),
        Hyperparameter(
            "iterations", .int(1...10_000), [.als], "ALS alternations (a user then an item half-step each)."),
        Hyperparameter(
            "solver", .oneOf(["conjugate_gradient", "cholesky"]), [.als], "How each ALS row system is solved."),
        Hyperparameter("cg_steps", .int(1...100), [.als], "Conjugate-gradient steps per row and half-step."),
        Hyperparameter(
            "precision", .oneOf(["double", "single"]), [.als], tunable: false,
            "Floating point of the ALS fit's conjugate-gradient half-steps: single (the default, float32 as "
                + "implicit's default: half the memory traffic) or double. Scoring is in double precision."),
        Hyperparameter("lambda", positive, [.ease], "EASE's L2 penalty λ (> 0)."),
        Hyperparameter("binary", .bool, [.ease], "Fit EASE on 1 per interaction instead of the strengths."),
        Hyperparameter(
            "memory_limit_mb", .int(1...Int64(Int32.max)), [.ease], tunable: false,
            "The most memory EASE's dense items × items matrix may take (default 8192)."),
        Hyperparameter(
            "stored_weights_per_item", .int(1...Int64(Int32.max)), [.ease], tunable: false,
            "Keep only this many largest-magnitude weights per scored item in the saved table "
                + "(default: all when items ≤ 2000, else 200)."),
        Hyperparameter(
            "components", .array(of: .string, minCount: 1), [.hybrid, .ratingBlend], tunable: false,
            "The configured models blended (ranking models for hybrid, rating models for rating_blend)."),
        Hyperparameter(
            "weights", .array(of: positive, minCount: 1), [.hybrid],
            "One weight per component of the min–max normalised scores (default all 1)."),
        Hyperparameter(
            "ridge", .double(0 ... .infinity), [.ratingBlend], tunable: false,
            "The blend's ridge penalty per held-out rating (> 0, default 1e-6)."),
        Hyperparameter(
            "baseline_method", .oneOf(["als", "sgd"]), biased, "How the user and item biases are estimated."),
        Hyperparameter(
            "baseline_epochs", .int(0...10_000), biased, "Bias-estimation passes (default 10 for als, 20 for sgd)."),
        Hyperparameter("baseline_reg_u", positive, biased, "ALS bias estimation: the user regularisation."),
        Hyperparameter("baseline_reg_i", positive, biased, "ALS bias estimation: the item regularisation."),
        Hyperparameter("baseline_learning_rate", positive, biased, "SGD bias estimation: the step size."),
        Hyperparameter("baseline_reg", positive, biased, "SGD bias estimation: the regularisation."),
        Hyperparameter("user_based", .bool, [.knnBaseline], "Neighbours are customers rather than items."),
        Hyperparameter(
            "min_neighbours", .int(0...Int64(Int32.max)), [.knnBaseline],
            "With fewer positive neighbours the prediction is the baseline alone (min_k)."),
        Hyperparameter(
            "min_support", .int(0...Int64(Int32.max)), [.knnBaseline],
            "Pairs with fewer common raters have similarity 0."),
        Hyperparameter("epochs", .int(0...10_000), factorised, "SGD passes over the ratings."),
        Hyperparameter("learning_rate", positive, factorised, "The SGD step (lr_all)."),
        Hyperparameter("init_mean", .double(-.infinity ... .infinity), factorised, "Mean of the initial factors."),
        Hyperparameter("init_std_dev", positive, factorised, "Standard deviation of the initial factors."),
    ]

    /// A numeric grid given as a range: `steps` values from `from` to `to`, evenly or geometrically spaced.
    static let rangeSpecs: [ParameterSpec] = [
        ParameterSpec("from", .double(-.infinity ... .infinity), default: nil, "The first value."),
        ParameterSpec("to", .double(-.infinity ... .infinity), default: nil, "The last value."),
        ParameterSpec("steps", .int(2...1000), default: nil, "How many values, both ends included."),
        ParameterSpec(
            "scale", .oneOf(["linear", "log"]), default: "linear",
            "linear: equal differences; log: equal ratios (from and to > 0)."),
    ]

    /// Whether a grid of this hyperparameter may be given as a range (a numeric one).
    var takesRange: Bool {
        switch constraint {
        case .int, .double: tunable
        default: false
        }
    }

    /// How `params.models.<name>` declares it: a value, or (when tunable) an array of values, a grid,
    /// or for a number a range `{"from", "to", "steps", "scale"}`.
    var spec: ParameterSpec {
        var forms: [ParameterConstraint] = [constraint, .array(of: constraint, minCount: 1)]
        if takesRange { forms.append(.object(Self.rangeSpecs)) }
        let accepted: ParameterConstraint = tunable ? .either(forms) : constraint
        let owners = ModelKind.allCases.filter { kinds.contains($0) }.map(\.rawValue).joined(separator: ", ")
        return ParameterSpec(
            name, .nullable(accepted), default: .null,
            "(\(owners)) " + summary
                + (tunable
                    ? " A value, or an array of values to tune over"
                        + (takesRange ? ", or a range {\"from\", \"to\", \"steps\", \"scale\"}." : ".") : ""))
    }

    /// The grid a range gives: `steps` values from `from` to `to` (log: in equal ratios); for an
    /// integer hyperparameter rounded, repeats dropped. Nil when the range is malformed or a value
    /// falls outside what the hyperparameter accepts.
    func rangeValues(_ range: JSONValue) -> [JSONValue]? {
        guard takesRange, let from = range["from"]?.doubleValue, let to = range["to"]?.doubleValue,
            let steps = range["steps"]?.intValue, steps >= 2
        else { return nil }
        let log = range["scale"]?.stringValue == "log"
        if log && !(from > 0 && to > 0) { return nil }
        var values: [JSONValue] = []
        for i in 0..<Int(steps) {
            let t = Double(i) / Double(steps - 1)
            let x = i == Int(steps) - 1 ? to : log ? from * pow(to / from, t) : from + (to - from) * t
            guard x.isFinite, abs(x) < 1e15 else { return nil }
            let value: JSONValue
            if case .int = constraint { value = .int(Int(x.rounded())) } else { value = .double(x) }
            if !values.contains(value) { values.append(value) }
        }
        return values.allSatisfy { ParameterConstraint.accepts(constraint, $0) } ? values : nil
    }
}
