extension LogisticRegression {
    /// The outcome of choosing C by stratified k-fold cross-validation.
    public struct CrossValidation: Sendable, Equatable {
        /// The candidate C values, in the order given.
        public var cValues: [Double]
        /// For each candidate, the held-out log-loss averaged over the folds.
        public var meanLogLoss: [Double]
        /// For each candidate, the held-out ROC-AUC averaged over the folds (reported, not used to choose).
        public var meanAUC: [Double]
        /// The chosen C: the lowest mean log-loss, the smallest C (strongest regularisation) on a tie.
        public var bestC: Double
        /// The model refitted on every row with `bestC`.
        public var model: Model
    }

    /// Chooses C among `cValues` by stratified `folds`-fold cross-validation on held-out log-loss,
    /// then refits on all rows.
    ///
    /// Log-loss rather than AUC chooses, because the model's probabilities are used as churn risk
    /// (calibration matters, and AUC ignores it). Folds come from `StratifiedKFold` with `seed`;
    /// `configuration.c` is ignored, its other settings (class weights, tolerance) apply to every fit.
    public static func crossValidated(
        _ data: FeatureMatrix, labels: [Bool], featureNames: [String] = [], configuration: Configuration = .init(),
        cValues: [Double], folds: Int = 5, seed: UInt64
    ) throws(EstimatorParameterError) -> CrossValidation {
        guard !cValues.isEmpty else {
            throw Configuration.error("cValues", "at least one value", "none")
        }
        guard labels.count == data.rows else {
            throw Configuration.error("labels", "one per row (\(data.rows))", "\(labels.count)")
        }
        let foldOf = try StratifiedKFold(folds: folds).assign(labels: labels.map { $0 ? 1 : 0 }, seed: seed)
        var losses = [Double](repeating: 0, count: cValues.count)
        var aucs = [Double](repeating: 0, count: cValues.count)
        for fold in 0..<folds {
            let train = (0..<data.rows).filter { foldOf[$0] != Int32(fold) }
            let test = (0..<data.rows).filter { foldOf[$0] == Int32(fold) }
            let trainData = data.gatheringRows(train)
            let trainLabels = train.map { labels[$0] }
            let testData = data.gatheringRows(test)
            let testLabels = test.map { labels[$0] }
            for (i, c) in cValues.enumerated() {
                var settings = configuration
                settings.c = c
                let model = try LogisticRegression(settings).fit(trainData, labels: trainLabels)
                let probabilities = model.probability(testData)
                losses[i] += try ClassificationMetrics.logLoss(probabilities: probabilities, labels: testLabels)
                let auc = try? ClassificationMetrics.rocAUC(scores: probabilities, labels: testLabels)
                aucs[i] += auc ?? .nan
            }
        }
        losses = losses.map { $0 / Double(folds) }
        aucs = aucs.map { $0 / Double(folds) }
        var best = 0
        for i in cValues.indices
        where losses[i] < losses[best] || (losses[i] == losses[best] && cValues[i] < cValues[best]) {
            best = i
        }
        var settings = configuration
        settings.c = cValues[best]
        let model = try LogisticRegression(settings).fit(data, labels: labels, featureNames: featureNames)
        return CrossValidation(cValues: cValues, meanLogLoss: losses, meanAUC: aucs, bestC: cValues[best], model: model)
    }
}
