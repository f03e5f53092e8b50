import Learn
import Pipeline

/// A model's hyperparameters as Learn's configuration types: built from one grid point (values not
/// given take Learn's defaults), and written back, complete, into `models.parquet` so the model
/// can be rebuilt without guessing a default that may change later.
public enum ModelConfiguration: Sendable, Equatable {
    /// `bySegment`: popularity within the customer's segment (the train stage's `segments`).
    case popularity(PopularityRecommender.Configuration, bySegment: Bool)
    case itemKNN(NeighbourhoodConfiguration)
    case userKNN(NeighbourhoodConfiguration)
    case content(ContentRecommender.Configuration)
    case als(ALS.Configuration)
    /// `storedWeightsPerItem`: how many weights per scored item the saved table keeps (nil: the
    /// size-dependent default).
    case ease(EASE.Configuration, storedWeightsPerItem: Int?)
    case hybrid(components: [String], weights: [Double])
    case baseline(RatingBaseline.Configuration)
    case knnBaseline(KNNBaseline.Configuration)
    case svd(RatingSVD.Configuration)
    case svdpp(RatingSVDPlusPlus.Configuration)
    case ratingBlend(components: [String], RatingBlend.Configuration)

    /// The models a blend is made of (none for the others).
    public var componentNames: [String] {
        switch self {
        case .hybrid(let components, _), .ratingBlend(let components, _): components
        default: []
        }
    }

    /// The configuration of `kind` at `point`. Values were checked against their declared
    /// constraints; bounds those cannot say are checked by the models' own `validate`.
    public init(_ kind: ModelKind, _ p: HyperparameterPoint) {
        let components = p["components"]?.arrayValue?.compactMap(\.stringValue) ?? []
        switch kind {
        case .popularity:
            var c = PopularityRecommender.Configuration()
            if let v = p.string("counting") { c.counting = .init(rawValue: v)! }
            self = .popularity(c, bySegment: p["by_segment"]?.boolValue ?? false)
        case .itemKNN, .userKNN:
            var c = NeighbourhoodConfiguration()
            if let v = p.string("similarity") { c.similarity = .init(rawValue: v)! }
            if let v = p.double("alpha") { c.alpha = v }
            if let v = p.double("shrinkage") { c.shrinkage = v }
            if let v = p.int("neighbours") { c.neighbours = v }
            if let v = p.string("weighting") { c.weighting = .init(rawValue: v)! }
            if let v = p.double("bm25_k1") { c.bm25K1 = v }
            if let v = p.double("bm25_b") { c.bm25B = v }
            if let v = p.double("min_similarity") { c.minSimilarity = v }
            self = kind == .itemKNN ? .itemKNN(c) : .userKNN(c)
        case .content:
            var c = ContentRecommender.Configuration()
            if let v = p.string("strength_scaling") { c.strengthScaling = .init(rawValue: v)! }
            self = .content(c)
        case .als:
            // Single precision by default, as implicit: twice as fast on large data with the same
            // rankings (BENCHMARKS.md, Learn models); `precision: "double"` for 64-bit fits.
            var c = ALS.Configuration(recordsTrainingLoss: false, precision: .single)
            if let v = p.int("factors") { c.factors = v }
            if let v = p.double("regularization") { c.regularization = v }
            if let v = p.double("alpha") { c.alpha = v }
            if let v = p.int("iterations") { c.iterations = v }
            let steps: Int
            if case .conjugateGradient(let s) = c.solver { steps = p.int("cg_steps") ?? s } else { steps = 3 }
            c.solver = p.string("solver") == "cholesky" ? .cholesky : .conjugateGradient(steps: steps)
            if let v = p.string("precision") { c.precision = ALS.Precision(rawValue: v)! }
            self = .als(c)
        case .ease:
            var c = EASE.Configuration()
            if let v = p.double("lambda") { c.lambda = v }
            if let v = p.bool("binary") { c.binary = v }
            if let v = p.int("memory_limit_mb") { c.memoryLimitBytes = v << 20 }
            self = .ease(c, storedWeightsPerItem: p.int("stored_weights_per_item"))
        case .hybrid:
            let weights =
                p["weights"]?.arrayValue?.compactMap(\.doubleValue)
                ?? [Double](repeating: 1, count: components.count)
            self = .hybrid(components: components, weights: weights)
        case .baseline:
            self = .baseline(RatingBaseline.Configuration(baseline: Self.baselineOptions(p)))
        case .knnBaseline:
            var c = KNNBaseline.Configuration(baseline: Self.baselineOptions(p))
            if let v = p.bool("user_based") { c.userBased = v }
            if let v = p.int("neighbours") { c.neighbours = v }
            if let v = p.int("min_neighbours") { c.minimumNeighbours = v }
            if let v = p.double("shrinkage") { c.shrinkage = v }
            if let v = p.int("min_support") { c.minimumSupport = v }
            self = .knnBaseline(c)
        case .svd:
            var c = RatingSVD.Configuration()
            Self.factorisation(
                p, &c.factors, &c.epochs, &c.learningRate, &c.regularization, &c.initialMean,
                &c.initialStandardDeviation)
            self = .svd(c)
        case .svdpp:
            var c = RatingSVDPlusPlus.Configuration()
            Self.factorisation(
                p, &c.factors, &c.epochs, &c.learningRate, &c.regularization, &c.initialMean,
                &c.initialStandardDeviation)
            self = .svdpp(c)
        case .ratingBlend:
            var c = RatingBlend.Configuration()
            if let v = p.double("ridge") { c.ridge = v }
            self = .ratingBlend(components: components, c)
        }
    }

    private static func baselineOptions(_ p: HyperparameterPoint) -> BaselineOptions {
        var o: BaselineOptions = p.string("baseline_method") == "sgd" ? .sgd() : .als()
        if let v = p.int("baseline_epochs") { o.epochs = v }
        if let v = p.double("baseline_reg_u") { o.userRegularization = v }
        if let v = p.double("baseline_reg_i") { o.itemRegularization = v }
        if let v = p.double("baseline_learning_rate") { o.learningRate = v }
        if let v = p.double("baseline_reg") { o.regularization = v }
        return o
    }

    private static func factorisation(
        _ p: HyperparameterPoint, _ factors: inout Int, _ epochs: inout Int, _ learningRate: inout Double,
        _ regularization: inout Double, _ initialMean: inout Double, _ deviation: inout Double
    ) {
        if let v = p.int("factors") { factors = v }
        if let v = p.int("epochs") { epochs = v }
        if let v = p.double("learning_rate") { learningRate = v }
        if let v = p.double("regularization") { regularization = v }
        if let v = p.double("init_mean") { initialMean = v }
        if let v = p.double("init_std_dev") { deviation = v }
    }

    /// Every hyperparameter of the kind with its effective value: what `models.parquet` records.
    public var json: JSONValue {
        func d(_ v: Double) -> JSONValue { .number(JSONNumber(v)) }
        func i(_ v: Int) -> JSONValue { .number(JSONNumber(v)) }
        func strings(_ v: [String]) -> JSONValue { .array(v.map { .string($0) }) }
        switch self {
        case .popularity(let c, let bySegment):
            return ["counting": .string(c.counting.rawValue), "by_segment": .bool(bySegment)]
        case .itemKNN(let c), .userKNN(let c):
            return [
                "similarity": .string(c.similarity.rawValue), "alpha": d(c.alpha), "shrinkage": d(c.shrinkage),
                "neighbours": i(c.neighbours), "weighting": .string(c.weighting.rawValue), "bm25_k1": d(c.bm25K1),
                "bm25_b": d(c.bm25B), "min_similarity": d(c.minSimilarity),
            ]
        case .content(let c):
            return ["strength_scaling": .string(c.strengthScaling.rawValue)]
        case .als(let c):
            var m: [(key: String, value: JSONValue)] = [
                ("factors", i(c.factors)), ("regularization", d(c.regularization)), ("alpha", d(c.alpha)),
                ("iterations", i(c.iterations)),
            ]
            switch c.solver {
            case .cholesky: m.append(("solver", "cholesky"))
            case .conjugateGradient(let steps): m += [("solver", "conjugate_gradient"), ("cg_steps", i(steps))]
            }
            m.append(("precision", .string(c.precision.rawValue)))
            return .object(m)
        case .ease(let c, let stored):
            var m: [(key: String, value: JSONValue)] = [
                ("lambda", d(c.lambda)), ("binary", .bool(c.binary)), ("memory_limit_mb", i(c.memoryLimitBytes >> 20)),
            ]
            if let stored { m.append(("stored_weights_per_item", i(stored))) }
            return .object(m)
        case .hybrid(let components, let weights):
            return ["components": strings(components), "weights": .array(weights.map(d))]
        case .baseline(let c):
            return .object(Self.json(c.baseline))
        case .knnBaseline(let c):
            return .object(
                Self.json(c.baseline) + [
                    ("user_based", .bool(c.userBased)), ("neighbours", i(c.neighbours)),
                    ("min_neighbours", i(c.minimumNeighbours)), ("shrinkage", d(c.shrinkage)),
                    ("min_support", i(c.minimumSupport)),
                ])
        case .svd(let c):
            return [
                "factors": i(c.factors), "epochs": i(c.epochs), "learning_rate": d(c.learningRate),
                "regularization": d(c.regularization), "init_mean": d(c.initialMean),
                "init_std_dev": d(c.initialStandardDeviation),
            ]
        case .svdpp(let c):
            return [
                "factors": i(c.factors), "epochs": i(c.epochs), "learning_rate": d(c.learningRate),
                "regularization": d(c.regularization), "init_mean": d(c.initialMean),
                "init_std_dev": d(c.initialStandardDeviation),
            ]
        case .ratingBlend(let components, let c):
            return ["components": strings(components), "ridge": d(c.ridge)]
        }
    }

    private static func json(_ o: BaselineOptions) -> [(key: String, value: JSONValue)] {
        var m: [(key: String, value: JSONValue)] = [
            ("baseline_method", .string(o.solver.rawValue)), ("baseline_epochs", .number(JSONNumber(o.epochs))),
        ]
        switch o.solver {
        case .als:
            m += [
                ("baseline_reg_u", .number(JSONNumber(o.userRegularization))),
                ("baseline_reg_i", .number(JSONNumber(o.itemRegularization))),
            ]
        case .sgd:
            m += [
                ("baseline_learning_rate", .number(JSONNumber(o.learningRate))),
                ("baseline_reg", .number(JSONNumber(o.regularization))),
            ]
        }
        return m
    }
}
