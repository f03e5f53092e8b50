/// What a stage computes, given its inputs, into its output folder.
///
/// `StageRunner` does everything else of the stage contract (fingerprint, skip, temporary folder,
/// manifest, atomic rename, log). Built-in kinds implement this in `Stages`; `CommandStage` runs a
/// custom program.
public protocol StageImplementation: Sendable {
    /// Writes the stage's tables into `context.outputDirectory`. Errors that conform to
    /// `ExitCodeProviding` set the exit code; any other error fails the stage with exit 1.
    func run(_ context: StageContext) throws -> StageResult
}

/// Everything a stage implementation may look at.
public struct StageContext: Sendable {
    public var config: PipelineConfig
    public var stage: StageConfig
    public var runID: String
    public var runDirectory: String
    /// The stage's effective parameters (defaults filled in), as canonical JSON allows.
    public var params: JSONValue { stage.params }
    public var seed: Int64 { config.seed }
    /// Each input table, resolved and verified.
    public var inputs: [ResolvedInput]
    /// The temporary folder to write into; it becomes `runs/ID/NAME/` on success.
    public var outputDirectory: String
    public var log: StageLog

    /// The path of input `table`, if the stage reads it.
    public func inputPath(_ table: String) -> String? { inputs.first { $0.table == table }?.path }

    /// Where a stage writes table `table`: `<outputDirectory>/<table>.parquet`.
    public func outputPath(_ table: String) -> String { outputDirectory + "/" + table + ".parquet" }
}

/// What a stage reports besides its files.
public struct StageResult: Sendable {
    /// Counts of what the stage did (rows in/out, duplicates dropped…), an object of numbers or
    /// nested objects of numbers.
    public var counters: JSONValue
    /// Quality measures (holdout metrics…), an object of numbers.
    public var metrics: JSONValue
    /// Peak memory of a child process that did the work, if any.
    public var childPeakMemoryBytes: Int64?

    public init(counters: JSONValue = .object([]), metrics: JSONValue = .object([]), childPeakMemoryBytes: Int64? = nil)
    {
        self.counters = counters
        self.metrics = metrics
        self.childPeakMemoryBytes = childPeakMemoryBytes
    }
}
