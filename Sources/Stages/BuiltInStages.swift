import Pipeline

/// The data stages this module implements, by kind name, for the registry and the executables.
public enum BuiltInStages {
    /// The kinds' declarations (name, algorithm version, parameters, tables).
    public static let kinds: [StageKind] = [
        CollectStage.kind, DedupeStage.kind, ImputeStage.kind, OutliersStage.kind, FeaturesStage.kind,
        TrainStage.kind, ScoreStage.kind,
    ]

    /// The implementation of kind `kind`, or nil when this module has none.
    public static func implementation(for kind: String) -> (any StageImplementation)? {
        switch kind {
        case CollectStage.kind.name: CollectStage()
        case DedupeStage.name: DedupeStage()
        case ImputeStage.name: ImputeStage()
        case OutliersStage.name: OutliersStage()
        case FeaturesStage.name: FeaturesStage()
        case TrainStage.name: TrainStage()
        case ScoreStage.name: ScoreStage()
        default: nil
        }
    }
}
