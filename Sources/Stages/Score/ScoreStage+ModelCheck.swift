import Pipeline

extension ScoreStage {
    /// The score stage's `model` against the models the train stage before it configures: a
    /// misspelt name or a rating model would otherwise fail only after training has run.
    public static func modelIssues(_ config: PipelineConfig) -> [PipelineIssue] {
        var issues: [PipelineIssue] = []
        for (i, stage) in config.stages.enumerated() {
            guard case .builtIn(let kind) = stage.kind, kind.name == ScoreStage.name,
                let name = stage.params["model"]?.stringValue,
                let train = config.stages[..<i].last(where: { s in
                    if case .builtIn(let k) = s.kind {
                        return k.name == TrainStage.name && s.outputs.contains("models")
                    }
                    return false
                }),
                let models = train.params["models"]?.objectMembers
            else { continue }
            let path = stage.jsonPath + ".params.model"
            guard let configured = models.first(where: { $0.key == name }) else {
                let names = models.map(\.key)
                issues.append(
                    PipelineIssue(
                        path,
                        "no model '\(name)' is configured in \(train.jsonPath).params.models"
                            + DidYouMean.hint(for: name, among: names) + "; configured: "
                            + names.joined(separator: ", ")))
                continue
            }
            if let kindName = configured.value["kind"]?.stringValue, let kind = ModelKind(rawValue: kindName),
                kind.predictsRatings
            {
                issues.append(
                    PipelineIssue(
                        path,
                        "'\(name)' is a rating model (\(kindName)); name a ranking model (popularity, item_knn, als, …)"
                    ))
            }
        }
        return issues
    }
}
