import Foundation

/// A validated pipeline.json: sources, the ordered stages with their effective parameters, the
/// seed and the runs folder. Built only by `PipelineValidator`, so every value here is valid.
public struct PipelineConfig: Sendable {
    /// The highest `"version"` this build understands.
    public static let supportedVersion = 1

    /// The pipeline file, as an absolute path.
    public var file: String
    public var version: Int
    public var seed: Int64
    /// The folder holding one subfolder per run, as an absolute path.
    public var runsDirectory: String
    public var sources: [SourceConfig]
    /// Declared properties of tables (their keys), by table name; sources declare their own.
    public var tables: [String: TableConfig]
    /// Stages in file order.
    public var stages: [StageConfig]
    /// The parsed file, kept for hashing and for the JSON Schema tests.
    public var document: JSONValue

    /// The folder pipeline.json is in; relative paths in the file are relative to it.
    public var directory: String { (file as NSString).deletingLastPathComponent }

    /// SHA-256 of the canonical JSON of the whole file (recorded in run.json).
    public var hash: String { SHA256Hex.of(CanonicalJSON.bytes(document)) }

    public func stage(named name: String) -> StageConfig? { stages.first { $0.name == name } }

    public func source(named name: String) -> SourceConfig? { sources.first { $0.name == name } }

    /// The key columns a table declares (by its source or in `tables`), or nil.
    public func key(ofTable table: String) -> [String]? {
        if let s = source(named: table), !s.key.isEmpty { return s.key }
        if let t = tables[table], !t.key.isEmpty { return t.key }
        return nil
    }
}

/// Values used when pipeline.json leaves a key out. The only place defaults live.
public enum PipelineDefaults {
    public static let fileName = "pipeline.json"
    public static let seed: Int64 = 0
    public static let runsDirectory = "runs"
    /// The algorithm version of a custom command stage that declares none.
    public static let customStageVersion = "1"
}

/// One declared source table: a file the first stage reads.
public struct SourceConfig: Sendable, Equatable {
    /// The table name the source defines.
    public var name: String
    /// The path as written in pipeline.json.
    public var path: String
    /// The path made absolute against the pipeline's folder.
    public var absolutePath: String
    /// `csv`, `tsv`, `jsonl`, `parquet` or `sqlite`; nil to infer from the file name.
    public var format: String?
    /// The table's key columns (for dedupe and `diff`), possibly empty.
    public var key: [String]
    /// For SQLite sources: the table to read.
    public var sqliteTable: String?
    /// Reader options, checked by the stage that reads the source.
    public var options: JSONValue

    public static let formats = ["csv", "tsv", "jsonl", "parquet", "sqlite"]

    /// What of the source, besides its content, changes what a stage computes from it: everything
    /// but the path, so moving a file without changing it reruns nothing.
    public var fingerprintSettings: JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        if let format { members.append(("format", .string(format))) }
        if !key.isEmpty { members.append(("key", .array(key.map { .string($0) }))) }
        if let sqliteTable { members.append(("table", .string(sqliteTable))) }
        if case .object(let o) = options, !o.isEmpty { members.append(("options", options)) }
        return .object(members)
    }
}

/// Declared properties of a table produced by a stage.
public struct TableConfig: Sendable, Equatable {
    public var key: [String]
}

/// One stage of the pipeline.
public struct StageConfig: Sendable {
    public var name: String
    /// Position in the `stages` array (for JSON paths in messages).
    public var index: Int
    public var kind: StageKindReference
    /// Tables read: the stage's `inputs`, or its kind's declared reads.
    public var inputs: [String]
    /// Whether `inputs` came from the stage's own `inputs` key (for JSON paths in messages).
    public var inputsDeclared: Bool
    /// Tables written: a custom stage's `outputs`, or its kind's declared writes.
    public var outputs: [String]
    /// Effective parameters: the stage's `params` over its kind's defaults, as an object.
    public var params: JSONValue
    /// The algorithm version that goes into the fingerprint.
    public var algorithmVersion: String
    public var description: String?

    /// `"dedupe"` for a built-in, `"command"` for a custom stage.
    public var kindName: String {
        switch kind {
        case .builtIn(let k): k.name
        case .command: "command"
        }
    }

    public var jsonPath: String { "$.stages[\(index)]" }
}

/// How a stage is carried out.
public enum StageKindReference: Sendable, Equatable {
    /// A registered kind, run by its `bespoke-<kind>` executable.
    case builtIn(StageKind)
    /// A custom program: an argv, or (from a string in pipeline.json) `["/bin/sh", "-c", line]`.
    case command([String])
}
