import Foundation
import Frame

/// `_manifest.json`: what a completed stage produced and everything that went into it.
///
/// Written last into the stage's temporary folder, so a folder with a manifest is complete.
/// The fingerprint and its inputs are deterministic; `timing` and `peakMemoryBytes` are not and
/// are kept apart from them.
public struct StageManifest: Sendable, Equatable {
    public static let fileName = "_manifest.json"
    public static let format = 1

    public var stage: String
    public var kind: String
    public var run: String
    public var bespokeVersion: String
    /// SHA-256 of the canonical JSON of `fingerprintInputs`.
    public var fingerprint: String
    public var fingerprintInputs: JSONValue
    /// Where each input table came from (a stage or a source path), for people and `status`.
    public var inputs: [InputProvenance]
    public var outputs: [Output]
    public var counters: JSONValue
    public var metrics: JSONValue
    public var started: String
    public var finished: String
    public var seconds: Double
    public var peakMemoryBytes: Int64

    public struct InputProvenance: Sendable, Equatable {
        public var table: String
        /// `stage` or `source`.
        public var producerKind: String
        /// The producing stage's or source's name.
        public var producer: String
        public var path: String
        public var sha256: String
    }

    /// One file the stage wrote.
    public struct Output: Sendable, Equatable {
        public var file: String
        /// The table this file holds, when it is one of the stage's declared outputs.
        public var table: String?
        public var sha256: String
        public var bytes: Int64
        /// From the Parquet footer, for `.parquet` files.
        public var rows: Int64?
        public var schema: Schema?
    }

    public func output(forTable table: String) -> Output? { outputs.first { $0.table == table } }

    public var json: JSONValue {
        func schemaJSON(_ s: Schema) -> JSONValue {
            .array(
                s.fields.map {
                    ["name": .string($0.name), "type": .string($0.type.rawValue), "nullable": .bool($0.nullable)]
                })
        }
        let outs: [JSONValue] = outputs.map { o in
            var m: [(key: String, value: JSONValue)] = [
                ("file", .string(o.file)), ("sha256", .string(o.sha256)), ("bytes", .number(JSONNumber(o.bytes))),
            ]
            if let t = o.table { m.append(("table", .string(t))) }
            if let r = o.rows { m.append(("rows", .number(JSONNumber(r)))) }
            if let s = o.schema { m.append(("schema", schemaJSON(s))) }
            return .object(m)
        }
        let ins: [JSONValue] = inputs.map {
            [
                "table": .string($0.table), "from": .string($0.producerKind), "name": .string($0.producer),
                "path": .string($0.path), "sha256": .string($0.sha256),
            ]
        }
        return [
            "format": .number(JSONNumber(Self.format)),
            "stage": .string(stage), "kind": .string(kind), "run": .string(run),
            "bespoke_version": .string(bespokeVersion),
            "fingerprint": .string(fingerprint), "fingerprint_inputs": fingerprintInputs,
            "inputs": .array(ins), "outputs": .array(outs),
            "counters": counters, "metrics": metrics,
            "timing": [
                "started": .string(started), "finished": .string(finished), "seconds": .number(JSONNumber(seconds)),
            ],
            "peak_memory_bytes": .number(JSONNumber(peakMemoryBytes)),
        ]
    }

    /// Reads `_manifest.json` at `path`; nil when there is none.
    public static func load(_ path: String) throws(EngineError) -> StageManifest? {
        let bytes: [UInt8]?
        do { bytes = try DurableFiles.read(path) } catch { throw .io(error) }
        guard let bytes else { return nil }
        let doc: JSONValue
        do { doc = try JSONParser.parse(bytes) } catch {
            throw .manifestUnreadable(path: path, reason: "invalid JSON at \(error)")
        }
        do { return try StageManifest(json: doc) } catch let reason {
            throw .manifestUnreadable(path: path, reason: reason.message)
        }
    }

    struct DecodeFailure: Error { var message: String }

    init(json doc: JSONValue) throws(DecodeFailure) {
        func str(_ v: JSONValue?, _ key: String) throws(DecodeFailure) -> String {
            guard let s = v?[key]?.stringValue else { throw DecodeFailure(message: "missing string '\(key)'") }
            return s
        }
        guard doc["format"]?.intValue == Int64(Self.format) else {
            throw DecodeFailure(
                message: "expected format \(Self.format), got \(doc["format"].map { $0.brief() } ?? "none")")
        }
        stage = try str(doc, "stage")
        kind = try str(doc, "kind")
        run = try str(doc, "run")
        bespokeVersion = try str(doc, "bespoke_version")
        fingerprint = try str(doc, "fingerprint")
        guard let fi = doc["fingerprint_inputs"] else { throw DecodeFailure(message: "missing 'fingerprint_inputs'") }
        fingerprintInputs = fi
        var ins: [InputProvenance] = []
        for i in doc["inputs"]?.arrayValue ?? [] {
            ins.append(
                InputProvenance(
                    table: try str(i, "table"), producerKind: try str(i, "from"),
                    producer: try str(i, "name"), path: try str(i, "path"),
                    sha256: try str(i, "sha256")))
        }
        inputs = ins
        var outs: [Output] = []
        guard let outArray = doc["outputs"]?.arrayValue else { throw DecodeFailure(message: "missing 'outputs'") }
        for o in outArray {
            guard let bytes = o["bytes"]?.intValue else { throw DecodeFailure(message: "output without 'bytes'") }
            var schema: Schema?
            if let fields = o["schema"]?.arrayValue {
                schema = Schema(
                    try fields.map { f throws(DecodeFailure) in
                        guard let t = DataType(rawValue: try str(f, "type")) else {
                            throw DecodeFailure(message: "unknown column type in schema")
                        }
                        return Field(try str(f, "name"), t, nullable: f["nullable"]?.boolValue ?? true)
                    })
            }
            outs.append(
                Output(
                    file: try str(o, "file"), table: o["table"]?.stringValue, sha256: try str(o, "sha256"),
                    bytes: bytes, rows: o["rows"]?.intValue, schema: schema))
        }
        outputs = outs
        counters = doc["counters"] ?? .object([])
        metrics = doc["metrics"] ?? .object([])
        started = doc["timing"]?["started"]?.stringValue ?? ""
        finished = doc["timing"]?["finished"]?.stringValue ?? ""
        seconds = doc["timing"]?["seconds"]?.doubleValue ?? 0
        peakMemoryBytes = doc["peak_memory_bytes"]?.intValue ?? 0
    }

    public init(
        stage: String, kind: String, run: String, fingerprint: String, fingerprintInputs: JSONValue,
        inputs: [InputProvenance], outputs: [Output], counters: JSONValue, metrics: JSONValue,
        started: String, finished: String, seconds: Double, peakMemoryBytes: Int64
    ) {
        self.stage = stage
        self.kind = kind
        self.run = run
        self.bespokeVersion = BespokeVersion.string
        self.fingerprint = fingerprint
        self.fingerprintInputs = fingerprintInputs
        self.inputs = inputs
        self.outputs = outputs
        self.counters = counters
        self.metrics = metrics
        self.started = started
        self.finished = finished
        self.seconds = seconds
        self.peakMemoryBytes = peakMemoryBytes
    }

    /// Re-hashes every output in `directory` against the recorded size and SHA-256; returns the
    /// first mismatch as (file path, expected, got), or nil when all verify.
    public func verify(in directory: String) throws(ArtifactIOError) -> (path: String, expected: String, got: String)? {
        for o in outputs {
            let path = directory + "/" + o.file
            var st = stat()
            guard stat(path, &st) == 0 else {
                return (path, "\(o.bytes) bytes", "no file")
            }
            if Int64(st.st_size) != o.bytes {
                return (path, "\(o.bytes) bytes", "\(st.st_size) bytes")
            }
            let h = try SHA256Hex.ofFile(path)
            if h.sha256 != o.sha256 {
                return (path, "sha256 \(o.sha256.prefix(16))…", "sha256 \(h.sha256.prefix(16))…")
            }
        }
        return nil
    }
}
