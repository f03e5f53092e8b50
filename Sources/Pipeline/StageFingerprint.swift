/// The identity of a stage's computation: SHA-256 over the canonical JSON of its kind, algorithm
/// version, effective parameters, seed, declared outputs, the SHA-256 of every input artifact
/// and, for a custom command, its argv and the content of the scripts it names.
///
/// Nothing that varies between two runs of the same computation (time, host, paths, producer
/// names) goes in, so the same inputs and pipeline.json always give the same fingerprint.
public struct StageFingerprint: Sendable, Equatable {
    /// Bumped when what goes into a fingerprint changes, so every stage reruns once.
    public static let format = 1

    /// The canonical object that is hashed; stored in the manifest so `status` can say what changed.
    public let inputs: JSONValue
    /// SHA-256 hex of `CanonicalJSON.string(inputs)`.
    public let digest: String

    public init(
        stage: StageConfig, seed: Int64, inputs resolved: [ResolvedInput], code: [(file: String, sha256: String)]
    ) {
        var tables: [(key: String, value: JSONValue)] = []
        for input in resolved {
            var m: [(key: String, value: JSONValue)] = [("sha256", .string(input.sha256))]
            if let settings = input.sourceSettings { m.append(("source", settings)) }
            tables.append((input.table, .object(m)))
        }
        var members: [(key: String, value: JSONValue)] = [
            ("fingerprint_format", .number(JSONNumber(Self.format))),
            ("kind", .string(stage.kindName)),
            ("algorithm_version", .string(stage.algorithmVersion)),
            ("params", stage.params),
            ("seed", .number(JSONNumber(seed))),
            ("inputs", .object(tables)),
            ("outputs", .array(stage.outputs.map { .string($0) })),
        ]
        if case .command(let argv) = stage.kind {
            members.append(("command", .array(argv.map { .string($0) })))
            members.append(("code", .object(code.map { ($0.file, .string($0.sha256)) })))
        }
        self.init(inputs: .object(members))
    }

    public init(inputs: JSONValue) {
        self.inputs = inputs
        self.digest = SHA256Hex.of(CanonicalJSON.bytes(inputs))
    }

    /// Why a stage whose manifest recorded `old` is stale against this fingerprint; empty when
    /// the two are the same computation.
    public func reasons(since old: JSONValue, provenance: [String: String] = [:]) -> [StaleReason] {
        let new = inputs
        if old == new { return [] }
        var out: [StaleReason] = []
        if old["fingerprint_format"] != new["fingerprint_format"] {
            return [.fingerprintFormatChanged]
        }
        if let a = old["kind"]?.stringValue, let b = new["kind"]?.stringValue, a != b {
            out.append(.kindChanged(old: a, new: b))
        }
        if let a = old["algorithm_version"]?.stringValue, let b = new["algorithm_version"]?.stringValue, a != b {
            out.append(.algorithmVersionChanged(old: a, new: b))
        }
        Self.diffParams(old["params"] ?? .object([]), new["params"] ?? .object([]), key: "", into: &out)
        if let a = old["seed"], let b = new["seed"], a != b {
            out.append(.seedChanged(old: a.brief(), new: b.brief()))
        }
        let oldInputs = old["inputs"]?.objectMembers ?? []
        let newInputs = new["inputs"]?.objectMembers ?? []
        for (table, value) in newInputs {
            guard let before = oldInputs.first(where: { $0.key == table })?.value else {
                out.append(.inputAdded(table: table))
                continue
            }
            if before["sha256"] != value["sha256"] {
                out.append(.inputChanged(table: table, from: provenance[table] ?? "?"))
            }
            if before["source"] != value["source"] {
                out.append(.sourceSettingsChanged(table: table))
            }
        }
        for (table, _) in oldInputs where !newInputs.contains(where: { $0.key == table }) {
            out.append(.inputRemoved(table: table))
        }
        if old["outputs"] != new["outputs"] { out.append(.outputsChanged) }
        if old["command"] != new["command"] { out.append(.commandChanged) }
        let oldCode = old["code"]?.objectMembers ?? []
        for (file, hash) in new["code"]?.objectMembers ?? [] {
            if oldCode.first(where: { $0.key == file })?.value != hash { out.append(.codeChanged(file: file)) }
        }
        if out.isEmpty { out.append(.fingerprintFormatChanged) }
        return out
    }

    private static func diffParams(_ a: JSONValue, _ b: JSONValue, key: String, into out: inout [StaleReason]) {
        if a == b { return }
        if case .object(let x) = a, case .object(let y) = b {
            for (k, v) in y {
                let path = key.isEmpty ? k : key + "." + k
                if let old = x.first(where: { $0.key == k })?.value {
                    diffParams(old, v, key: path, into: &out)
                } else {
                    out.append(.parameterChanged(key: path, old: nil, new: v))
                }
            }
            for (k, v) in x where !y.contains(where: { $0.key == k }) {
                out.append(.parameterChanged(key: key.isEmpty ? k : key + "." + k, old: v, new: nil))
            }
            return
        }
        out.append(.parameterChanged(key: key, old: a, new: b))
    }
}

/// One input table of a stage, resolved to an artifact.
public struct ResolvedInput: Sendable, Equatable {
    public enum Producer: Sendable, Equatable {
        case stage(String)
        case source(String)
    }

    public var table: String
    public var producer: Producer
    /// Absolute path of the file holding the table.
    public var path: String
    public var sha256: String
    /// For a source: its settings besides the path (format, key, options).
    public var sourceSettings: JSONValue?

    /// "stage 'dedupe'" or "source Fixtures/events.csv", for messages.
    public var origin: String {
        switch producer {
        case .stage(let s): "stage '\(s)'"
        case .source(let s): "source '\(s)'"
        }
    }
}

/// Why a stage is not up to date.
public enum StaleReason: Sendable, Equatable, CustomStringConvertible {
    case neverRun
    /// `old == nil`: the key was added; `new == nil`: removed.
    case parameterChanged(key: String, old: JSONValue?, new: JSONValue?)
    case inputChanged(table: String, from: String)
    case inputAdded(table: String)
    case inputRemoved(table: String)
    case sourceSettingsChanged(table: String)
    case algorithmVersionChanged(old: String, new: String)
    case kindChanged(old: String, new: String)
    case seedChanged(old: String, new: String)
    case outputsChanged
    case commandChanged
    case codeChanged(file: String)
    case fingerprintFormatChanged
    case corruptOutput(file: String, expected: String, got: String)
    /// An upstream stage will run first, which may change this stage's inputs.
    case upstreamPending(stage: String)
    case forced

    public var code: String {
        switch self {
        case .neverRun: "never_run"
        case .parameterChanged: "parameter_changed"
        case .inputChanged: "input_changed"
        case .inputAdded: "input_added"
        case .inputRemoved: "input_removed"
        case .sourceSettingsChanged: "source_settings_changed"
        case .algorithmVersionChanged: "algorithm_version_changed"
        case .kindChanged: "kind_changed"
        case .seedChanged: "seed_changed"
        case .outputsChanged: "outputs_changed"
        case .commandChanged: "command_changed"
        case .codeChanged: "code_changed"
        case .fingerprintFormatChanged: "fingerprint_format_changed"
        case .corruptOutput: "corrupt_output"
        case .upstreamPending: "upstream_pending"
        case .forced: "forced"
        }
    }

    public var description: String {
        switch self {
        case .neverRun: "not run yet in this run"
        case .parameterChanged(let k, let a?, let b?): "parameter '\(k)' changed (\(a.brief()) → \(b.brief()))"
        case .parameterChanged(let k, nil, let b?): "parameter '\(k)' added (\(b.brief()))"
        case .parameterChanged(let k, let a?, nil): "parameter '\(k)' removed (was \(a.brief()))"
        case .parameterChanged(let k, nil, nil): "parameter '\(k)' changed"
        case .inputChanged(let t, let from): "input '\(t)' changed (from \(from))"
        case .inputAdded(let t): "input '\(t)' added"
        case .inputRemoved(let t): "input '\(t)' removed"
        case .sourceSettingsChanged(let t): "settings of source '\(t)' changed"
        case .algorithmVersionChanged(let a, let b): "algorithm version changed (\(a) → \(b))"
        case .kindChanged(let a, let b): "stage kind changed (\(a) → \(b))"
        case .seedChanged(let a, let b): "seed changed (\(a) → \(b))"
        case .outputsChanged: "declared outputs changed"
        case .commandChanged: "command changed"
        case .codeChanged(let f): "command file '\(f)' changed"
        case .fingerprintFormatChanged: "fingerprint format changed (bespoke upgraded)"
        case .corruptOutput(let f, let e, let g): "output \(f) does not match its manifest (expected \(e), got \(g))"
        case .upstreamPending(let s): "upstream stage '\(s)' runs first"
        case .forced: "forced"
        }
    }

    public var json: JSONValue {
        var m: [(key: String, value: JSONValue)] = [("code", .string(code)), ("message", .string(description))]
        switch self {
        case .parameterChanged(let k, let a, let b):
            m.append(("key", .string(k)))
            if let a { m.append(("old", a)) }
            if let b { m.append(("new", b)) }
        case .inputChanged(let t, _), .inputAdded(let t), .inputRemoved(let t), .sourceSettingsChanged(let t):
            m.append(("table", .string(t)))
        case .algorithmVersionChanged(let a, let b), .kindChanged(let a, let b), .seedChanged(let a, let b):
            m.append(("old", .string(a)))
            m.append(("new", .string(b)))
        case .codeChanged(let f), .corruptOutput(let f, _, _): m.append(("file", .string(f)))
        case .upstreamPending(let s): m.append(("stage", .string(s)))
        default: break
        }
        return .object(m)
    }
}
