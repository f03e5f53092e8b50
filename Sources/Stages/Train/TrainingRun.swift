import Foundation
import Learn
import Pipeline

/// What the train stage works from: the catalogue and customer counts, the training and test
/// pairs, and the items' term weights for content models.
public struct TrainingInputs: Sendable {
    public var customerCount: Int
    public var itemCount: Int
    public var train: InteractionRows
    public var test: InteractionRows
    /// Items × terms (terms numbered in `terms` order), nil when there is no item_terms table.
    public var itemTerms: SparseMatrix?
    public var terms: [String]
    /// Per customer index: their segment from this run's `segments` (−1 for none), and how many
    /// segments there are; nil when the stage fits no segments.
    public var segments: (of: [Int32], count: Int)?

    public init(
        customerCount: Int, itemCount: Int, train: InteractionRows, test: InteractionRows,
        itemTerms: SparseMatrix? = nil, terms: [String] = [], segments: (of: [Int32], count: Int)? = nil
    ) {
        self.segments = segments
        self.customerCount = customerCount
        self.itemCount = itemCount
        self.train = train
        self.test = test
        self.itemTerms = itemTerms
        self.terms = terms
    }
}

/// How a run was evaluated.
public enum EvaluationMode: String, Sendable {
    /// Fitted on train_interactions, judged on test_interactions.
    case holdout
    /// Fitted on all folds but one and judged on that one, for each fold; the means are reported.
    case kfold
    /// No test pairs and no folds: nothing to judge on.
    case none
}

/// One model's outcome: its chosen configuration, trials, final fit and measured quality.
public struct TrainedModelReport: Sendable {
    public var settings: ModelSettings
    public var configuration: ModelConfiguration
    public var trials: [Trial]
    /// The model refitted on all training pairs.
    public var model: TrainedModel
    /// Measured on the test side (or the mean over folds).
    public var metrics: [MeasuredValue]
    public var fitSeconds: Double
    public var evaluationSeconds: Double
}

/// Tunes, evaluates and refits every configured model: the numeric work of the train stage,
/// with no files.
struct TrainingRun {
    let settings: TrainSettings
    let inputs: TrainingInputs
    let seed: UInt64
    /// Told of each step ("tuned als: 4 trials, chose …").
    var log: @Sendable (String) -> Void = { _ in }

    /// The ranking reference every ranking model's metrics are reported beside.
    static let reference = ModelConfiguration.popularity(PopularityRecommender.Configuration(), bySegment: false)

    struct Outcome {
        var mode: EvaluationMode
        var reports: [TrainedModelReport]
        /// The popularity reference's metrics (same splits, same K).
        var popularity: [MeasuredValue]
        var validationPairs: Int
    }

    /// A stable seed per model name, so adding or reordering models changes no other model.
    func seed(for name: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        var g = SeededRandom(seed: seed).derived(Int(truncatingIfNeeded: h))
        return g.next()
    }

    func fail(_ model: ModelSettings, _ message: String) -> StageError {
        .invalidParameter(stage: TrainStage.name, path: model.path, message: message)
    }

    func run() throws(StageError) -> Outcome {
        let models = settings.models
        // Blends after the models they blend, whatever the order in pipeline.json.
        let ordered = models.filter { !$0.kind.isComposite } + models.filter(\.kind.isComposite)
        try checkInputs()
        // 1. Tune on a validation slice of all training pairs: the configurations refitted below.
        let tuning = try tune(on: inputs.train)
        let chosen = tuning.chosen
        let trials = tuning.trials
        let blendWeights = tuning.blendWeights
        // Whether any choice depends on the data (a grid, or a rating blend's weights).
        let tuned = models.contains { $0.points.count > 1 || $0.kind == .ratingBlend }

        // 2. Evaluate across folds, when the features stage split so.
        var mode: EvaluationMode = inputs.test.count > 0 ? .holdout : .none
        var foldMetrics: [String: [MeasuredValue]] = [:]
        var foldSeconds: [String: Double] = [:]
        var popularity: [MeasuredValue] = []
        if let folds = inputs.train.folds {
            mode = .kfold
            var sums: [String: FoldSums] = [:]
            var reference = FoldSums()
            for f in Array(Set(folds)).sorted() {
                let held = inputs.train.subset(folds.map { $0 == f })
                let rest = inputs.train.subset(folds.map { $0 != f })
                let view = TrainingView(rest, customers: inputs.customerCount, items: inputs.itemCount)
                // Nested: each fold tunes on a slice of its own training part, so no choice has
                // seen the pairs it is judged on.
                let foldTuning = tuned ? try tune(on: rest, label: "fold \(f): ") : tuning
                var fitted: [String: TrainedModel] = [:]
                for model in ordered {
                    let start = Date()
                    let m = try fitChosen(
                        model, chosen: foldTuning.chosen, on: view, fitted: fitted, blends: foldTuning.blendWeights)
                    fitted[model.name] = m
                    sums[model.name, default: FoldSums()].add(
                        ModelEvaluator.measure(
                            m, view: view, held: held, ks: settings.ks, minRating: settings.relevantMinRating))
                    foldSeconds[model.name, default: 0] += Date().timeIntervalSince(start)
                }
                let popular = try! ModelFitter.fit(Self.reference, on: view, itemTerms: nil, seed: 0)
                reference.add(
                    ModelEvaluator.measure(
                        popular, view: view, held: held, ks: settings.ks, minRating: settings.relevantMinRating))
            }
            foldMetrics = sums.mapValues(\.means)
            popularity = reference.means
        }

        // 3. Refit on all training pairs; judge on the test side when there is one.
        let fullView = TrainingView(inputs.train, customers: inputs.customerCount, items: inputs.itemCount)
        var final: [String: TrainedModel] = [:]
        var reports: [TrainedModelReport] = []
        if mode == .holdout {
            let reference = try! ModelFitter.fit(Self.reference, on: fullView, itemTerms: nil, seed: 0)
            popularity = ModelEvaluator.measure(
                reference, view: fullView, held: inputs.test, ks: settings.ks, minRating: settings.relevantMinRating)
        }
        for model in ordered {
            let start = Date()
            let m = try fitChosen(model, chosen: chosen, on: fullView, fitted: final, blends: blendWeights)
            let fitSeconds = Date().timeIntervalSince(start)
            final[model.name] = m
            var metrics: [MeasuredValue] = []
            var evaluationSeconds = 0.0
            switch mode {
            case .holdout:
                let evaluationStart = Date()
                metrics = ModelEvaluator.measure(
                    m, view: fullView, held: inputs.test, ks: settings.ks, minRating: settings.relevantMinRating)
                evaluationSeconds = Date().timeIntervalSince(evaluationStart)
            case .kfold:
                metrics = foldMetrics[model.name] ?? []
                evaluationSeconds = foldSeconds[model.name] ?? 0
            case .none: break
            }
            reports.append(
                TrainedModelReport(
                    settings: model, configuration: chosen[model.name]!, trials: trials[model.name] ?? [], model: m,
                    metrics: metrics, fitSeconds: fitSeconds, evaluationSeconds: evaluationSeconds))
            log("fitted \(model.name) (\(model.kind.rawValue)) on \(inputs.train.count) pairs")
        }
        return Outcome(mode: mode, reports: reports, popularity: popularity, validationPairs: tuning.validationPairs)
    }

    /// What tuning chose: per model its configuration and trials, and rating blends' weights.
    struct Tuning {
        var chosen: [String: ModelConfiguration] = [:]
        var trials: [String: [Trial]] = [:]
        var blendWeights: [String: RatingBlend.Model] = [:]
        var validationPairs = 0
    }

    /// Tunes every model on a validation slice carved from `train` (never from anything it is
    /// judged on): base models first, then blends over their validation fits.
    func tune(on train: InteractionRows, label: String = "") throws(StageError) -> Tuning {
        let models = settings.models
        let (validationTrain, validationHeld) = train.temporalHoldout(fraction: settings.validation)
        let validationView = TrainingView(validationTrain, customers: inputs.customerCount, items: inputs.itemCount)

        var chosen: [String: ModelConfiguration] = [:]
        var trials: [String: [Trial]] = [:]
        var validationModels: [String: TrainedModel] = [:]
        var blendWeights: [String: RatingBlend.Model] = [:]
        for model in models where !model.kind.isComposite {
            let points = model.points
            let metric = model.kind.predictsRatings ? settings.ratingSelectMetric : settings.selectMetric
            guard points.count > 1 else {
                chosen[model.name] = ModelConfiguration(model.kind, points[0])
                continue
            }
            let search = try wrap(model) { () throws(ModelFitter.Failure) in
                try GridSearch.run(
                    model: model.name, points: points, metric: metric,
                    fit: { p throws(ModelFitter.Failure) in
                        try fit(ModelConfiguration(model.kind, p), model, on: validationView)
                    },
                    measure: {
                        ModelEvaluator.measure(
                            $0, view: validationView, held: validationHeld, ks: metric.ks,
                            minRating: settings.relevantMinRating)
                    })
            }
            chosen[model.name] = ModelConfiguration(model.kind, points[search.best])
            trials[model.name] = search.trials
            validationModels[model.name] = search.bestModel
            log(
                label
                    + "tuned \(model.name): \(points.count) trials, chose \(points[search.best].json.brief(limit: 200))"
            )
        }
        for model in models where model.kind.isComposite {
            var parts: [TrainedModel] = []
            for name in model.components {
                if validationModels[name] == nil {
                    let component = models.first { $0.name == name }!
                    validationModels[name] = try wrap(component) { () throws(ModelFitter.Failure) in
                        try fit(chosen[name]!, component, on: validationView)
                    }
                }
                parts.append(validationModels[name]!)
            }
            let points = model.points
            if model.kind == .ratingBlend {
                let configuration = ModelConfiguration(model.kind, points[0])
                guard case .ratingBlend(_, let blend) = configuration else { preconditionFailure() }
                let predictors = parts.map { if case .rating(let p) = $0 { p } else { preconditionFailure() } }
                blendWeights[model.name] = try wrap(model) { () throws(ModelFitter.Failure) in
                    try ModelFitter.fitBlend(blend, components: predictors, held: validationHeld)
                }
                chosen[model.name] = configuration
            } else if points.count > 1 {
                let metric = settings.selectMetric
                let search = try wrap(model) { () throws(ModelFitter.Failure) in
                    try GridSearch.run(
                        model: model.name, points: points, metric: metric,
                        fit: { p throws(ModelFitter.Failure) in
                            try fit(ModelConfiguration(model.kind, p), model, on: validationView, components: parts)
                        },
                        measure: {
                            ModelEvaluator.measure(
                                $0, view: validationView, held: validationHeld, ks: metric.ks,
                                minRating: settings.relevantMinRating)
                        })
                }
                chosen[model.name] = ModelConfiguration(model.kind, points[search.best])
                trials[model.name] = search.trials
                log(
                    label + "tuned \(model.name): \(points.count) weightings, chose "
                        + points[search.best].json.brief(limit: 200))
            } else {
                chosen[model.name] = ModelConfiguration(model.kind, points[0])
            }
        }
        return Tuning(
            chosen: chosen, trials: trials, blendWeights: blendWeights, validationPairs: validationHeld.count)
    }

    /// Rating models need ratings; content needs item terms: said before anything is fitted.
    private func checkInputs() throws(StageError) {
        let rated = inputs.train.ratedCount
        for model in settings.models {
            if model.kind.predictsRatings && rated == 0 {
                throw fail(
                    model,
                    "kind '\(model.kind.rawValue)' predicts ratings, but column 'rating' of table "
                        + "'train_interactions' has no rating (\(inputs.train.count) pairs, all null); "
                        + "use a ranking model or give the features stage a rating event")
            }
            if model.kind == .content && (inputs.itemTerms?.nonZeroCount ?? 0) == 0 {
                throw fail(
                    model,
                    "kind 'content' needs item descriptions: table 'item_terms' is missing or empty "
                        + "(give the features stage a text column)")
            }
        }
    }

    private func wrap<T>(_ model: ModelSettings, _ body: () throws(ModelFitter.Failure) -> T) throws(StageError) -> T {
        do { return try body() } catch { throw fail(model, "\(model.kind.rawValue): \(error.message)") }
    }

    private func fit(
        _ configuration: ModelConfiguration, _ model: ModelSettings, on view: TrainingView,
        components: [TrainedModel] = [], blend: RatingBlend.Model? = nil
    ) throws(ModelFitter.Failure) -> TrainedModel {
        try ModelFitter.fit(
            configuration, on: view, itemTerms: inputs.itemTerms, seed: seed(for: model.name), components: components,
            blend: blend, segments: inputs.segments)
    }

    /// Fits `model` at its chosen configuration; composites reuse the components in `fitted`.
    private func fitChosen(
        _ model: ModelSettings, chosen: [String: ModelConfiguration], on view: TrainingView,
        fitted: [String: TrainedModel], blends: [String: RatingBlend.Model]
    ) throws(StageError) -> TrainedModel {
        try wrap(model) { () throws(ModelFitter.Failure) in
            try fit(
                chosen[model.name]!, model, on: view, components: model.components.map { fitted[$0]! },
                blend: blends[model.name])
        }
    }

    /// Per (metric, K): the sum over folds and how many folds measured it.
    struct FoldSums {
        var entries: [(metric: String, k: Int?, sum: Double, folds: Int)] = []

        mutating func add(_ values: [MeasuredValue]) {
            for v in values {
                if let i = entries.firstIndex(where: { $0.metric == v.metric && $0.k == v.k }) {
                    entries[i].sum += v.value
                    entries[i].folds += 1
                } else {
                    entries.append((v.metric, v.k, v.value, 1))
                }
            }
        }

        var means: [MeasuredValue] {
            entries.map { MeasuredValue(metric: $0.metric, k: $0.k, value: $0.sum / Double($0.folds)) }
        }
    }
}

extension SelectionMetric {
    /// The cut-offs measuring this metric needs.
    var ks: [Int] { if case .ranking(_, let k) = self { [k] } else { [] } }
}
