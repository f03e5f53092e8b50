import Pipeline

/// One configured model: `params.models.<name>`, with each hyperparameter as the list of values to
/// try (one value when it is not tuned).
public struct ModelSettings: Sendable, Equatable {
    public var name: String
    public var kind: ModelKind
    /// The hyperparameters given, in declaration order, each with its candidate values.
    public var grid: [(name: String, values: [JSONValue])]
    /// JSON path of the model's object, for messages.
    public var path: String

    public static func == (a: ModelSettings, b: ModelSettings) -> Bool {
        a.name == b.name && a.kind == b.kind && a.path == b.path && a.grid.count == b.grid.count
            && zip(a.grid, b.grid).allSatisfy { $0.name == $1.name && $0.values == $1.values }
    }

    public static let specs: [ParameterSpec] =
        [ParameterSpec("kind", .oneOf(ModelKind.allCases.map(\.rawValue)), default: nil, "The model kind.")]
        + Hyperparameter.all.map(\.spec)

    init(name: String, _ json: JSONValue, stage: String, path: String) throws(StageError) {
        let r = try ParameterReader(json, specs: Self.specs, stage: stage, path: path)
        let kind = ModelKind(rawValue: try r.oneOf("kind", ModelKind.allCases.map(\.rawValue)))!
        let own = kind.hyperparameters
        var grid: [(name: String, values: [JSONValue])] = []
        for m in r.members where m.key != "kind" && m.value != .null {
            guard let h = own.first(where: { $0.name == m.key }) else {
                throw .invalidParameter(
                    stage: stage, path: r.childPath(m.key),
                    message: "'\(m.key)' is not a hyperparameter of kind '\(kind.rawValue)'; it takes: "
                        + (own.isEmpty ? "none" : own.map(\.name).joined(separator: ", ")))
            }
            if ParameterConstraint.accepts(h.constraint, m.value) {
                grid.append((m.key, [m.value]))
            } else if h.tunable, let values = m.value.arrayValue, !values.isEmpty,
                values.allSatisfy({ ParameterConstraint.accepts(h.constraint, $0) })
            {
                grid.append((m.key, values))
            } else if case .object = m.value, let values = h.rangeValues(m.value) {
                grid.append((m.key, values))
            } else {
                let expected = h.tunable ? h.spec.constraint.expectation : h.constraint.expectation
                throw .invalidParameter(
                    stage: stage, path: r.childPath(m.key), message: "expected \(expected), got \(m.value.brief())")
            }
        }
        // Keep declaration order, so the grid (and the trial numbers) do not depend on key order.
        grid.sort { a, b in own.firstIndex { $0.name == a.name }! < own.firstIndex { $0.name == b.name }! }
        if kind.isComposite && !grid.contains(where: { $0.name == "components" }) {
            throw .invalidParameter(
                stage: stage, path: path, message: "kind '\(kind.rawValue)' needs \"components\": the models it blends")
        }
        self.name = name
        self.kind = kind
        self.grid = grid
        self.path = path
    }

    public init(name: String, kind: ModelKind, grid: [(name: String, values: [JSONValue])], path: String) {
        self.name = name
        self.kind = kind
        self.grid = grid
        self.path = path
    }

    /// Every combination of the candidate values, first hyperparameter slowest.
    public var points: [HyperparameterPoint] {
        var out: [HyperparameterPoint] = [HyperparameterPoint(values: [])]
        for (name, values) in grid {
            out = out.flatMap { p in values.map { HyperparameterPoint(values: p.values + [(name, $0)]) } }
        }
        return out
    }

    /// The names of the models this one blends (hybrid, rating_blend), else empty.
    public var components: [String] {
        grid.first { $0.name == "components" }?.values.first?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}

/// One point of a model's grid: a value per given hyperparameter (absent ones take defaults).
public struct HyperparameterPoint: Sendable, Equatable {
    public var values: [(name: String, value: JSONValue)]

    public init(values: [(name: String, value: JSONValue)]) { self.values = values }

    public static func == (a: HyperparameterPoint, b: HyperparameterPoint) -> Bool { a.json == b.json }

    public subscript(name: String) -> JSONValue? { values.first { $0.name == name }?.value }

    public var json: JSONValue { .object(values.map { ($0.name, $0.value) }) }

    func double(_ name: String) -> Double? { self[name]?.doubleValue }
    func int(_ name: String) -> Int? { self[name]?.intValue.map { Int($0) } }
    func string(_ name: String) -> String? { self[name]?.stringValue }
    func bool(_ name: String) -> Bool? { self[name]?.boolValue }
}

/// The parameters of a `train` stage.
///
/// `segments` and `churn` sections (the other parts of the train stage) are declared beside these
/// by their own components.
public struct TrainSettings: Sendable, Equatable {
    public var models: [ModelSettings]
    /// Cut-offs the ranking metrics are computed at, ascending and distinct.
    public var ks: [Int]
    /// How ranking models' grid points are compared on the validation slice ("ndcg@10").
    public var selectMetric: SelectionMetric
    /// How rating models' grid points are compared ("rmse").
    public var ratingSelectMetric: SelectionMetric
    /// Share of each customer's training pairs (the latest) held out to tune on.
    public var validation: Double
    /// A model whose grid has more points than this is refused before anything is fitted.
    public var maxTrials: Int
    /// With ratings: a held-out pair counts as relevant to the ranking metrics only when its rating
    /// is at least this (a 1-star film is not a hit); nil counts every held-out pair.
    public var relevantMinRating: Double?

    public static let specs: [ParameterSpec] = [
        ParameterSpec(
            "models", .map(of: .object(ModelSettings.specs)), default: .object([]),
            "Per model name: its kind and hyperparameters (a value, or an array of values to tune over). "
                + "Empty: no recommendation or rating model (a stage that only segments or predicts churn)."),
        ParameterSpec(
            "k", .array(of: .int(1...100_000), minCount: 1), default: [10],
            "Cut-offs of the ranking metrics (precision@K, NDCG@K…)."),
        ParameterSpec(
            "select_metric", .string, default: "ndcg@10",
            "How ranking models' grid points are compared on the validation slice: precision@K, recall@K, "
                + "capped_recall@K, ndcg@K, hit_rate@K, map@K or coverage@K."),
        ParameterSpec(
            "rating_select_metric", .oneOf(["rmse", "mae"]), default: "rmse",
            "How rating models' grid points are compared."),
        ParameterSpec(
            "validation", .double(0.01...0.9), default: 0.2,
            "Share of each customer's training pairs (the latest by last_time, ties by item) held out to tune on; "
                + "the test side is never used."),
        ParameterSpec(
            "max_trials", .int(1...100_000), default: 200, "The most grid points one model may have."),
        ParameterSpec(
            "relevant_min_rating", .nullable(.double(-1e9...1e9)), default: .null,
            "With ratings: a held-out pair is relevant to the ranking metrics only when rated at least this "
                + "(4 on a 1–5 scale); unrated pairs are then not relevant. Null: every held-out pair."),
        ParameterSpec(
            "segments", .nullable(.object(SegmentTraining.specs)), default: .null,
            "Customer segments (docs/segments-and-churn.md); null: none."),
        ParameterSpec(
            "churn", .nullable(.object(ChurnTraining.specs)), default: .null,
            "The churn model (docs/segments-and-churn.md); null: none."),
    ]

    public init(
        models: [ModelSettings], ks: [Int] = [10], selectMetric: SelectionMetric = .ranking(.ndcg, k: 10),
        ratingSelectMetric: SelectionMetric = .rmse, validation: Double = 0.2, maxTrials: Int = 200,
        relevantMinRating: Double? = nil
    ) {
        self.models = models
        self.ks = ks
        self.selectMetric = selectMetric
        self.ratingSelectMetric = ratingSelectMetric
        self.validation = validation
        self.maxTrials = maxTrials
        self.relevantMinRating = relevantMinRating
    }

    init(_ json: JSONValue, stage: String) throws(StageError) {
        let r = try ParameterReader(json, specs: Self.specs, stage: stage, path: "params")
        var models: [ModelSettings] = []
        for m in try r.object("models") {
            models.append(
                try ModelSettings(name: m.key, m.value, stage: stage, path: r.childPath("models") + "." + m.key))
        }
        let segments = try r.value("segments"), churn = try r.value("churn")
        guard !models.isEmpty || segments != .null || churn != .null else {
            throw .invalidParameter(
                stage: stage, path: r.childPath("models"),
                message: "name at least one model, or set params.segments or params.churn")
        }
        let kValues = try r.value("k").arrayValue ?? []
        var ks: [Int] = []
        for (i, v) in kValues.enumerated() {
            guard let k = v.intValue, k >= 1 else { throw r.fail("k[\(i)]", "an integer ≥ 1", v) }
            ks.append(Int(k))
        }
        ks = Array(Set(ks)).sorted()
        let selectText = try r.string("select_metric") ?? "ndcg@10"
        guard let select = SelectionMetric(selectText), select.isRanking else {
            throw .invalidParameter(
                stage: stage, path: r.childPath("select_metric"),
                message: "expected a ranking metric such as ndcg@10 (precision, recall, capped_recall, ndcg, "
                    + "hit_rate, map or coverage, then @K), got \"\(selectText)\"")
        }
        let ratingSelect = SelectionMetric(try r.oneOf("rating_select_metric", ["rmse", "mae"]))!
        let settings = TrainSettings(
            models: models, ks: ks, selectMetric: select, ratingSelectMetric: ratingSelect,
            validation: try r.double("validation", in: 0.01...0.9) ?? 0.2,
            maxTrials: Int(try r.int("max_trials", in: 1...100_000) ?? 200),
            relevantMinRating: try r.double("relevant_min_rating", in: -1e9...1e9))
        try settings.check(stage: stage)
        self = settings
    }

    /// Composite models name configured models of the right family; grids fit under `maxTrials`.
    func check(stage: String) throws(StageError) {
        for model in models {
            let points = model.grid.reduce(1) { $0 * $1.values.count }
            if points > maxTrials {
                throw .invalidParameter(
                    stage: stage, path: model.path,
                    message: "the grid has \(points) points, more than max_trials = \(maxTrials)")
            }
            guard model.kind.isComposite else { continue }
            let at = model.path + ".components"
            for name in model.components {
                guard let component = models.first(where: { $0.name == name }) else {
                    throw .invalidParameter(
                        stage: stage, path: at,
                        message: "'\(name)' is not a configured model"
                            + DidYouMean.hint(for: name, among: models.map(\.name)))
                }
                if component.kind.isComposite {
                    throw .invalidParameter(
                        stage: stage, path: at, message: "'\(name)' is itself a blend; blend its components instead")
                }
                if component.kind.predictsRatings != model.kind.predictsRatings {
                    let family = model.kind.predictsRatings ? "rating" : "ranking"
                    throw .invalidParameter(
                        stage: stage, path: at,
                        message: "'\(name)' (\(component.kind.rawValue)) is not a \(family) model; "
                            + "\(model.kind.rawValue) blends \(family) models only")
                }
            }
            if Set(model.components).count != model.components.count {
                throw .invalidParameter(stage: stage, path: at, message: "a component is named twice")
            }
            if model.kind == .hybrid {
                for w in model.grid.first(where: { $0.name == "weights" })?.values ?? [] {
                    let count = w.arrayValue?.count ?? 0
                    if count != model.components.count {
                        throw .invalidParameter(
                            stage: stage, path: model.path + ".weights",
                            message: "expected one weight per component (\(model.components.count)), got \(count)")
                    }
                }
            }
        }
    }
}
