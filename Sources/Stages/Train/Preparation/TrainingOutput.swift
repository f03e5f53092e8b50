import Frame
import Pipeline

/// What one model section of the `train` stage (`segments`, `churn`) produces: the tables to write,
/// in order, and the figures the manifest keeps — counters (how much was read and used) apart from
/// metrics (how well the model did).
public struct TrainingOutput: Sendable, Equatable {
    /// Output tables by name, in the order they should be written.
    public var tables: [(name: String, frame: Frame)]
    /// Rows read and used, columns chosen, values filled…
    public var counters: JSONValue
    /// Quality figures: inertia, silhouette, AUC, F1…
    public var metrics: JSONValue

    public init(tables: [(name: String, frame: Frame)], counters: JSONValue, metrics: JSONValue) {
        self.tables = tables
        self.counters = counters
        self.metrics = metrics
    }

    /// The table called `name`, if produced.
    public func table(_ name: String) -> Frame? { tables.first { $0.name == name }?.frame }

    public static func == (a: TrainingOutput, b: TrainingOutput) -> Bool {
        a.tables.map(\.name) == b.tables.map(\.name) && a.tables.map(\.frame) == b.tables.map(\.frame)
            && a.counters == b.counters && a.metrics == b.metrics
    }
}
