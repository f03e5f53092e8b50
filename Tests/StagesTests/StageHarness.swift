import Foundation
import Frame
import Parquet
import Stages
import TestSupport

@testable import Pipeline

/// Runs one built-in stage implementation directly, without the engine: input frames become
/// Parquet sources of a pipeline validated against `BuiltInStages.kinds`, and a `StageContext`
/// points at a fresh output folder.
final class StageHarness {
    let directory = TemporaryDirectory("bespoke-stages")
    private var runs = 0

    deinit { directory.remove() }

    struct Outcome {
        /// Keeps the temporary folder alive as long as the outcome is used.
        var harness: StageHarness
        var result: StageResult
        var outputDirectory: String
        /// Output tables by name (rejects excluded).
        var tables: [String: Frame]
        var rejects: Frame?
        /// Files written, sorted.
        var files: [String]

        var counters: JSONValue { result.counters }

        func bytes(_ file: String) throws -> Data {
            try Data(contentsOf: URL(fileURLWithPath: outputDirectory + "/" + file))
        }
    }

    /// Writes `tables` (in name order) as Parquet sources, declaring `keys`.
    func writeInputs(_ tables: [String: Frame]) throws {
        try FileManager.default.createDirectory(atPath: directory.file("in"), withIntermediateDirectories: true)
        for (name, frame) in tables { try ParquetWriter.write(frame, to: directory.file("in/\(name).parquet")) }
    }

    /// Validates a one-stage pipeline of kind `kind` with `params` and runs `implementation` on it.
    func run(_ kind: String, params: JSONValue, tables: [String: Frame], keys: [String: [String]] = [:]) throws
        -> Outcome
    {
        try writeInputs(tables)
        var sources: [(key: String, value: JSONValue)] = []
        for name in tables.keys.sorted() {
            var s: [(key: String, value: JSONValue)] = [("path", .string("in/\(name).parquet")), ("format", "parquet")]
            if let k = keys[name] { s.append(("key", .array(k.map { .string($0) }))) }
            sources.append((name, .object(s)))
        }
        let doc: JSONValue = [
            "version": 1, "sources": .object(sources),
            "stages": [["name": .string(kind), "uses": .string(kind), "params": params]],
        ]
        let config = try PipelineValidator(registry: StageKindRegistry(BuiltInStages.kinds))
            .validate(doc, file: directory.file("pipeline.json"))
        let stage = config.stages[0]
        runs += 1
        let out = directory.file("out-\(runs)")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let inputs = stage.inputs.map {
            ResolvedInput(
                table: $0, producer: .source($0), path: directory.file("in/\($0).parquet"), sha256: "",
                sourceSettings: nil)
        }
        let context = StageContext(
            config: config, stage: stage, runID: "test", runDirectory: directory.path,
            inputs: inputs, outputDirectory: out, log: StageLog(format: .text, stage: kind))
        let result = try BuiltInStages.implementation(for: kind)!.run(context)
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        var frames: [String: Frame] = [:]
        var rejects: Frame?
        for f in files where f.hasSuffix(".parquet") {
            let frame = try ParquetReader(path: out + "/" + f).read()
            if f == "rejects.parquet" { rejects = frame } else { frames[String(f.dropLast(8))] = frame }
        }
        return Outcome(
            harness: self, result: result, outputDirectory: out, tables: frames, rejects: rejects, files: files)
    }
}

/// Small constructors for test frames.
enum Toy {
    static func frame(_ columns: [(String, Column)]) -> Frame {
        try! Frame(schema: Schema(columns.map { Field($0.0, $0.1.type) }), columns: columns.map(\.1))
    }

    static func ints(_ v: [Int64?]) -> Column {
        Column(.int64(v.map { $0 ?? 0 }), validity: v.contains(nil) ? v.map { $0 != nil } : nil)
    }

    static func doubles(_ v: [Double?]) -> Column {
        Column(.double(v.map { $0 ?? 0 }), validity: v.contains(nil) ? v.map { $0 != nil } : nil)
    }

    static func strings(_ v: [String?]) -> Column {
        Column(.string(StringArray(v.map { $0 ?? "" })), validity: v.contains(nil) ? v.map { $0 != nil } : nil)
    }

    /// The column's values as optionals, for comparing with literals.
    static func values(_ c: Column?) -> [String?] {
        guard let c else { return [] }
        return (0..<c.count).map { ValueFormatter.text(c, $0) }
    }
}

extension JSONValue {
    /// The member at a dotted path ("tables.events.rows_in").
    func at(_ path: String) -> JSONValue? {
        var v: JSONValue? = self
        for part in path.split(separator: ".") { v = v?[String(part)] }
        return v
    }
}
