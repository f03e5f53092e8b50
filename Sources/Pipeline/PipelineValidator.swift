import Foundation

/// Checks a whole pipeline.json tree and builds the typed `PipelineConfig` from it.
///
/// Every problem is collected (not just the first) with its JSON path, so one `bespoke validate`
/// shows everything to fix. Nothing runs unless this returns a configuration.
public struct PipelineValidator {
    public var registry: StageKindRegistry

    public init(registry: StageKindRegistry = .builtIn) { self.registry = registry }

    static let topLevelKeys = ["$schema", "version", "description", "seed", "runs", "sources", "tables", "stages"]
    static let sourceKeys = ["path", "format", "key", "table", "options", "description"]
    static let tableKeys = ["key", "description"]
    static let stageKeys = ["name", "description", "uses", "command", "inputs", "outputs", "params", "version"]
    /// Stage and table names become file and folder names, so they are restricted.
    static let namePattern = "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"

    /// Loads and validates the file at `path`.
    public func load(path: String) throws(PipelineConfigError) -> PipelineConfig {
        let absolute = FilePaths.absolute(path)
        guard let data = FileManager.default.contents(atPath: absolute) else {
            let reason = FileManager.default.fileExists(atPath: absolute) ? "permission denied" : "no such file"
            throw .unreadable(file: path, reason: reason)
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(Array(data))
        } catch {
            throw .syntax(file: path, error)
        }
        return try validate(document, file: absolute, displayName: path)
    }

    /// Validates a parsed document; `file` anchors relative paths, `displayName` prefixes messages.
    public func validate(_ document: JSONValue, file: String, displayName: String? = nil)
        throws(PipelineConfigError) -> PipelineConfig
    {
        var check = Check(registry: registry)
        let config = check.run(document, file: FilePaths.absolute(file))
        if !check.issues.isEmpty || config == nil {
            throw .invalid(file: displayName ?? file, issues: check.issues)
        }
        return config!
    }
}

/// One validation pass; collects issues as it goes.
private struct Check {
    let registry: StageKindRegistry
    var issues: [PipelineIssue] = []

    init(registry: StageKindRegistry) { self.registry = registry }

    mutating func issue(_ path: String, _ message: String) { issues.append(PipelineIssue(path, message)) }

    static func got(_ v: JSONValue) -> String {
        switch v {
        case .null: "null"
        case .bool(let b): String(b)
        case .number(let n): n.literal
        case .string: "string " + v.brief()
        case .array: "an array"
        case .object: "an object"
        }
    }

    mutating func expect(_ path: String, _ what: String, got v: JSONValue) {
        issue(path, "expected \(what), got \(Check.got(v))")
    }

    /// The members of an object, reporting unknown keys; nil (with an issue) if not an object.
    mutating func object(_ v: JSONValue, at path: String, allowed: [String]) -> [(key: String, value: JSONValue)]? {
        guard case .object(let members) = v else {
            expect(path, "an object", got: v)
            return nil
        }
        for m in members where !allowed.contains(m.key) {
            issue(Check.join(path, m.key), "unknown key '\(m.key)'" + DidYouMean.hint(for: m.key, among: allowed))
        }
        return members
    }

    static func join(_ path: String, _ key: String) -> String {
        let plain = key.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil
        return plain ? "\(path).\(key)" : "\(path)[\(CanonicalJSON.string(.string(key)))]"
    }

    mutating func string(_ v: JSONValue, at path: String, nonEmpty: Bool = true) -> String? {
        guard case .string(let s) = v else {
            expect(path, "a string", got: v)
            return nil
        }
        if nonEmpty && s.isEmpty {
            issue(path, "expected a non-empty string, got \"\"")
            return nil
        }
        return s
    }

    mutating func name(_ v: JSONValue, at path: String, what: String) -> String? {
        guard let s = string(v, at: path) else { return nil }
        guard s.range(of: PipelineValidator.namePattern, options: .regularExpression) != nil else {
            issue(path, "\(what) '\(s)' must be 1–64 letters, digits, '_' or '-', starting with a letter or digit")
            return nil
        }
        return s
    }

    mutating func stringList(_ v: JSONValue, at path: String, what: String, names: Bool, unique: Bool = true)
        -> [String]?
    {
        guard case .array(let a) = v else {
            expect(path, "an array of strings", got: v)
            return nil
        }
        var out: [String] = []
        var ok = true
        for (i, e) in a.enumerated() {
            let p = "\(path)[\(i)]"
            let s = names ? name(e, at: p, what: what) : string(e, at: p)
            guard let s else {
                ok = false
                continue
            }
            if unique, out.contains(s) {
                issue(p, "\(what) '\(s)' is listed twice")
                ok = false
                continue
            }
            out.append(s)
        }
        return ok ? out : nil
    }

    // MARK: The document

    mutating func run(_ document: JSONValue, file: String) -> PipelineConfig? {
        guard case .object = document else {
            expect("$", "an object", got: document)
            return nil
        }
        // The version first: a newer file may use keys this build does not know, and listing
        // them as unknown would hide the real problem.
        guard let versionValue = document["version"] else {
            issue("$", "missing required key 'version' (this bespoke reads version \(PipelineConfig.supportedVersion))")
            return nil
        }
        guard let version = versionValue.intValue else {
            expect("$.version", "an integer", got: versionValue)
            return nil
        }
        if version > Int64(PipelineConfig.supportedVersion) {
            issue(
                "$.version",
                "version \(version) is newer than this bespoke supports "
                    + "(highest supported: \(PipelineConfig.supportedVersion)); upgrade bespoke")
            return nil
        }
        if version < 1 {
            issue("$.version", "expected version \(PipelineConfig.supportedVersion), got \(version)")
            return nil
        }
        guard let top = object(document, at: "$", allowed: PipelineValidator.topLevelKeys) else { return nil }
        _ = top

        if let d = document["description"] { _ = string(d, at: "$.description", nonEmpty: false) }
        if let s = document["$schema"] { _ = string(s, at: "$[\"$schema\"]") }

        var seed = PipelineDefaults.seed
        if let s = document["seed"] {
            if let i = s.intValue { seed = i } else { expect("$.seed", "an integer", got: s) }
        }
        var runs = PipelineDefaults.runsDirectory
        if let r = document["runs"], let s = string(r, at: "$.runs") { runs = s }

        let directory = (file as NSString).deletingLastPathComponent
        let sources = document["sources"].map { parseSources($0, directory: directory) } ?? []
        let tables = document["tables"].map { parseTables($0) } ?? [:]

        guard let stagesValue = document["stages"] else {
            issue("$", "missing required key 'stages'")
            return nil
        }
        guard case .array(let stageValues) = stagesValue else {
            expect("$.stages", "an array of stages", got: stagesValue)
            return nil
        }
        if stageValues.isEmpty { issue("$.stages", "expected at least one stage, got an empty array") }

        var stages: [StageConfig] = []
        var firstIndexOfName: [String: Int] = [:]
        let sourceNames = sources.map(\.name)
        for (i, v) in stageValues.enumerated() {
            guard let stage = parseStage(v, index: i, sourceNames: sourceNames) else { continue }
            if let first = firstIndexOfName[stage.name] {
                issue("$.stages[\(i)].name", "duplicate stage name '\(stage.name)' (first at $.stages[\(first)])")
                continue
            }
            firstIndexOfName[stage.name] = i
            stages.append(stage)
        }
        guard issues.isEmpty else { return nil }

        // Tables and keys declared under `tables` must name something the pipeline has.
        let produced = Set(stages.flatMap(\.outputs))
        for name in tables.keys.sorted() where !produced.contains(name) && !sourceNames.contains(name) {
            let known = Array(produced) + sourceNames
            issue(
                Check.join("$.tables", name),
                "table '\(name)' is neither a source nor written by any stage"
                    + DidYouMean.hint(for: name, among: known.sorted()))
        }

        let graph = PipelineGraph(stages: stages, sources: sourceNames)
        for missing in graph.unresolved {
            let stage = stages[missing.stage]
            let known = (Array(produced) + sourceNames).sorted()
            let hint = DidYouMean.hint(for: missing.table, among: known)
            if let inputIndex = missing.inputIndex {
                issue(
                    "\(stage.jsonPath).inputs[\(inputIndex)]",
                    "table '\(missing.table)' is neither a source nor written by any stage" + hint)
            } else {
                // A table named by a parameter (often its default, such as the features stage's
                // `customers`): say which parameter to set, or to null when there is no such table.
                var parameterHint = ""
                if case .builtIn(let kind) = stage.kind {
                    for read in kind.reads {
                        guard let name = read.parameterName,
                            read.resolve(sources: sourceNames, params: stage.params) == [missing.table]
                        else { continue }
                        parameterHint =
                            " (set \(stage.jsonPath).params.\(name) to the table to read, or to null if there is none)"
                        break
                    }
                }
                issue(
                    "\(stage.jsonPath).uses",
                    "kind '\(stage.kindName)' reads table '\(missing.table)', "
                        + "which is neither a source nor written by any stage" + hint + parameterHint)
            }
        }
        if let cycle = graph.cycle {
            let steps = cycle.map { edge in
                "'\(stages[edge.stage].name)' reads '\(edge.table)' from '\(stages[edge.from].name)'"
            }
            issue("$.stages", "stages form a cycle: " + steps.joined(separator: ", "))
        }
        guard issues.isEmpty else { return nil }

        return PipelineConfig(
            file: file, version: Int(version), seed: seed,
            runsDirectory: FilePaths.resolve(runs, against: directory),
            sources: sources, tables: tables, stages: stages, document: document)
    }

    /// An object whose keys are names (tables), not a fixed set.
    mutating func namedMembers(_ v: JSONValue, at path: String, what: String) -> [(key: String, value: JSONValue)] {
        guard case .object(let members) = v else {
            expect(path, "an object of \(what)s by name", got: v)
            return []
        }
        return members.filter { name(.string($0.key), at: Check.join(path, $0.key), what: what) != nil }
    }

    mutating func parseSources(_ v: JSONValue, directory: String) -> [SourceConfig] {
        var out: [SourceConfig] = []
        for (name, value) in namedMembers(v, at: "$.sources", what: "source") {
            let path = Check.join("$.sources", name)
            guard object(value, at: path, allowed: PipelineValidator.sourceKeys) != nil else { continue }
            if let d = value["description"] { _ = string(d, at: path + ".description", nonEmpty: false) }
            guard let pathValue = value["path"] else {
                issue(path, "missing required key 'path'")
                continue
            }
            guard let file = string(pathValue, at: path + ".path") else { continue }
            var format: String?
            if let f = value["format"], let s = string(f, at: path + ".format") {
                if SourceConfig.formats.contains(s) {
                    format = s
                } else {
                    issue(
                        path + ".format",
                        "expected one of \(SourceConfig.formats.joined(separator: ", ")), "
                            + "got \"\(s)\"" + DidYouMean.hint(for: s, among: SourceConfig.formats))
                }
            }
            var key: [String] = []
            if let k = value["key"], let list = stringList(k, at: path + ".key", what: "key column", names: false) {
                if list.isEmpty { issue(path + ".key", "expected at least one key column, got an empty array") }
                key = list
            }
            var sqliteTable: String?
            if let t = value["table"] { sqliteTable = string(t, at: path + ".table") }
            var options: JSONValue = .object([])
            if let o = value["options"] {
                if case .object = o { options = o } else { expect(path + ".options", "an object", got: o) }
            }
            out.append(
                SourceConfig(
                    name: name, path: file, absolutePath: FilePaths.resolve(file, against: directory),
                    format: format, key: key, sqliteTable: sqliteTable, options: options))
        }
        return out
    }

    mutating func parseTables(_ v: JSONValue) -> [String: TableConfig] {
        var out: [String: TableConfig] = [:]
        for (name, value) in namedMembers(v, at: "$.tables", what: "table") {
            let path = Check.join("$.tables", name)
            guard object(value, at: path, allowed: PipelineValidator.tableKeys) != nil else { continue }
            if let d = value["description"] { _ = string(d, at: path + ".description", nonEmpty: false) }
            var key: [String] = []
            if let k = value["key"], let list = stringList(k, at: path + ".key", what: "key column", names: false) {
                if list.isEmpty { issue(path + ".key", "expected at least one key column, got an empty array") }
                key = list
            }
            out[name] = TableConfig(key: key)
        }
        return out
    }

    mutating func parseStage(_ v: JSONValue, index: Int, sourceNames: [String]) -> StageConfig? {
        let path = "$.stages[\(index)]"
        let before = issues.count
        guard object(v, at: path, allowed: PipelineValidator.stageKeys) != nil else { return nil }
        guard let nameValue = v["name"] else {
            issue(path, "missing required key 'name'")
            return nil
        }
        let name = self.name(nameValue, at: path + ".name", what: "stage name")
        var description: String?
        if let d = v["description"] { description = string(d, at: path + ".description", nonEmpty: false) }

        let uses = v["uses"]
        let command = v["command"]
        var kind: StageKindReference?
        switch (uses, command) {
        case (nil, nil):
            issue(path, "missing 'uses' (a built-in stage kind) or 'command' (a custom program)")
        case (.some, .some):
            issue(path, "a stage has either 'uses' or 'command', not both")
        case (.some(let u), nil):
            if let kindName = string(u, at: path + ".uses") {
                if let k = registry[kindName] {
                    kind = .builtIn(k)
                } else {
                    let known = registry.names.isEmpty ? "none registered" : registry.names.joined(separator: ", ")
                    issue(
                        path + ".uses",
                        "unknown stage kind '\(kindName)'"
                            + DidYouMean.hint(for: kindName, among: registry.names) + "; known kinds: \(known)")
                }
            }
        case (nil, .some(let c)):
            switch c {
            case .string(let line) where !line.trimmingCharacters(in: .whitespaces).isEmpty:
                kind = .command(["/bin/sh", "-c", line])
            case .array(let parts) where !parts.isEmpty:
                if let argv = stringList(c, at: path + ".command", what: "argument", names: false, unique: false) {
                    kind = .command(argv)
                }
            default:
                expect(path + ".command", "a non-empty array of strings (argv) or a shell command line", got: c)
            }
        }

        var explicitInputs: [String]?
        if let i = v["inputs"] {
            explicitInputs = stringList(i, at: path + ".inputs", what: "input table", names: true)
        }
        var outputs: [String] = []
        var params: JSONValue = v["params"] ?? .object([])
        if case .object = params {
        } else {
            expect(path + ".params", "an object", got: params)
            params = .object([])
        }
        var algorithmVersion = PipelineDefaults.customStageVersion

        switch kind {
        case .builtIn(let k):
            if v["outputs"] != nil {
                issue(
                    path + ".outputs",
                    "a built-in stage's outputs are declared by its kind '\(k.name)'; "
                        + "remove this key")
            }
            if v["version"] != nil {
                issue(path + ".version", "a built-in stage's version is its kind's algorithm version; remove this key")
            }
            algorithmVersion = k.algorithmVersion
            if let p = checkParameters(params, specs: k.parameters, at: path + ".params", kind: k.name) {
                params = p
            }
            for t in k.writes.flatMap({ $0.resolve(sources: sourceNames, params: params) }) where !outputs.contains(t) {
                outputs.append(t)
            }
        case .command:
            guard let o = v["outputs"] else {
                issue(path, "missing required key 'outputs' (the tables a custom command writes)")
                break
            }
            if let list = stringList(o, at: path + ".outputs", what: "output table", names: true) {
                if list.isEmpty { issue(path + ".outputs", "expected at least one output table, got an empty array") }
                outputs = list
            }
            if let ver = v["version"] {
                switch ver {
                case .string(let s) where !s.isEmpty: algorithmVersion = s
                case .number(let n) where n.int64 != nil: algorithmVersion = CanonicalJSON.number(n)
                default: expect(path + ".version", "a non-empty string or an integer", got: ver)
                }
            }
        case nil:
            break
        }
        guard issues.count == before, let name, let kind else { return nil }
        let inputs: [String]
        if let explicitInputs {
            inputs = explicitInputs
        } else if case .builtIn(let k) = kind {
            // Distinct, in declaration order: two selectors may name the same table.
            var distinct: [String] = []
            for t in k.reads.flatMap({ $0.resolve(sources: sourceNames, params: params) }) where !distinct.contains(t) {
                distinct.append(t)
            }
            inputs = distinct
        } else {
            inputs = []
        }
        return StageConfig(
            name: name, index: index, kind: kind, inputs: inputs,
            inputsDeclared: explicitInputs != nil, outputs: outputs,
            params: params, algorithmVersion: algorithmVersion, description: description)
    }

    // MARK: Parameters of built-in kinds

    /// Checks `value` against the declared specs and returns it with defaults filled in.
    mutating func checkParameters(_ value: JSONValue, specs: [ParameterSpec], at path: String, kind: String)
        -> JSONValue?
    {
        guard case .object(let members) = value else {
            expect(path, "an object", got: value)
            return nil
        }
        let names = specs.map(\.name)
        var ok = true
        for m in members where !names.contains(m.key) {
            let known = names.isEmpty ? "it takes no parameters" : "its parameters: " + names.joined(separator: ", ")
            issue(
                Check.join(path, m.key),
                "unknown parameter '\(m.key)' for kind '\(kind)'"
                    + DidYouMean.hint(for: m.key, among: names) + "; \(known)")
            ok = false
        }
        var result: [(key: String, value: JSONValue)] = []
        for spec in specs {
            let p = Check.join(path, spec.name)
            if let given = value[spec.name] {
                guard let checked = checkValue(given, spec.constraint, at: p, kind: kind) else {
                    ok = false
                    continue
                }
                result.append((spec.name, checked))
            } else if let d = spec.defaultValue {
                result.append((spec.name, d))
            } else {
                issue(path, "missing required parameter '\(spec.name)' (\(spec.constraint.expectation))")
                ok = false
            }
        }
        return ok ? .object(result) : nil
    }

    mutating func checkValue(_ v: JSONValue, _ c: ParameterConstraint, at path: String, kind: String) -> JSONValue? {
        func fail() -> JSONValue? {
            expect(path, c.expectation, got: v)
            return nil
        }
        switch c {
        case .int(let range):
            guard let i = v.intValue, range.contains(i) else { return fail() }
            return .number(JSONNumber(i))
        case .double(let range):
            guard let d = v.doubleValue, range.contains(d) else { return fail() }
            return v
        case .bool:
            return v.boolValue == nil ? fail() : v
        case .string:
            return v.stringValue == nil ? fail() : v
        case .oneOf(let allowed):
            guard let s = v.stringValue else { return fail() }
            guard allowed.contains(s) else {
                issue(path, "expected \(c.expectation), got \"\(s)\"" + DidYouMean.hint(for: s, among: allowed))
                return nil
            }
            return v
        case .array(let element, let minCount):
            guard case .array(let items) = v else { return fail() }
            if items.count < minCount { return fail() }
            var out: [JSONValue] = []
            var ok = true
            for (i, item) in items.enumerated() {
                if let x = checkValue(item, element, at: "\(path)[\(i)]", kind: kind) {
                    out.append(x)
                } else {
                    ok = false
                }
            }
            return ok ? .array(out) : nil
        case .object(let specs):
            return checkParameters(v, specs: specs, at: path, kind: kind)
        case .map(let valueConstraint):
            guard case .object(let members) = v else { return fail() }
            var out: [(key: String, value: JSONValue)] = []
            var ok = true
            for m in members {
                if let x = checkValue(m.value, valueConstraint, at: Check.join(path, m.key), kind: kind) {
                    out.append((m.key, x))
                } else {
                    ok = false
                }
            }
            return ok ? .object(out) : nil
        case .nullable(let inner):
            if v == .null { return v }
            // An object is checked member by member (messages name the member); a scalar or an
            // array of the wrong shape gets one message that says null was allowed too.
            if case .object = inner, v.objectMembers != nil { return checkValue(v, inner, at: path, kind: kind) }
            return ParameterConstraint.accepts(inner, v) ? checkValue(v, inner, at: path, kind: kind) : fail()
        case .either(let choices):
            // The first choice the value fits; when none does, one message naming them all.
            for choice in choices where ParameterConstraint.accepts(choice, v) {
                return checkValue(v, choice, at: path, kind: kind)
            }
            return fail()
        }
    }
}
