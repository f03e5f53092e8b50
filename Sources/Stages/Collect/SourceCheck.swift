import Foundation
import Ingest
import Pipeline

/// What `validate` (and `run`, before any stage starts) can check about sources beyond the shape
/// `PipelineValidator` checks — the engine knows nothing of readers, so these live here:
/// every source's reader options (each problem with its JSON path and a did-you-mean for a
/// misspelt value), source files that do not exist, and the column names stage parameters name
/// in sources whose columns are declared.
public enum SourceCheck {
    public struct Findings: Sendable {
        /// Problems that make the pipeline invalid (exit 78).
        public var errors: [PipelineIssue] = []
        /// Problems with the files, not the pipeline: a missing source only warns in `validate`
        /// (the file may arrive before the nightly run).
        public var warnings: [PipelineIssue] = []
    }

    public static func run(_ config: PipelineConfig) -> Findings {
        var findings = Findings()
        var declared: [String: [String]] = [:]
        for source in config.sources {
            let (options, issues) = decode(source)
            findings.errors += issues
            if !FileManager.default.fileExists(atPath: source.absolutePath) {
                findings.warnings.append(
                    PipelineIssue("$.sources.\(source.name).path", "no such file '\(source.path)'"))
            }
            if let options, !options.columns.isEmpty { declared[source.name] = options.columns.map(\.name) }
        }
        findings.errors += columnIssues(config, declared: declared)
        findings.errors += ScoreStage.modelIssues(config)
        return findings
    }

    /// The source's reader options, and every problem with them by JSON path
    /// (`$.sources.events.options.encoding`).
    static func decode(_ source: SourceConfig) -> (SourceOptions?, [PipelineIssue]) {
        let path = "$.sources.\(source.name).options"
        var issues: [PipelineIssue] = []
        if case .object(let members) = source.options {
            for (key, _) in members where !SourceOptions.keys.contains(key) {
                issues.append(
                    PipelineIssue(
                        path + "." + key, "unknown key '\(key)'" + DidYouMean.hint(for: key, among: SourceOptions.keys))
                )
            }
        }
        var options: SourceOptions
        do {
            let json = CanonicalJSON.string(source.options == .null ? .object([]) : source.options)
            options = try JSONDecoder().decode(SourceOptions.self, from: Data(json.utf8))
        } catch let error as DecodingError {
            issues.append(describe(error, under: path))
            return (nil, issues)
        } catch {
            issues.append(PipelineIssue(path, "\(error)"))
            return (nil, issues)
        }
        if let format = source.format { options.format = SourceFormat(rawValue: format) }
        if options.query == nil, let table = source.sqliteTable { options.query = "SELECT * FROM \"\(table)\"" }
        var resolved = options
        resolved.format = options.format ?? SourceFormat.infer(fromPath: source.path)
        if resolved.format == nil && !options.columns.isEmpty {
            issues.append(
                PipelineIssue(
                    path + ".format",
                    "cannot infer the format of '\(source.path)' from its name; expected one of "
                        + SourceFormat.allCases.map(\.rawValue).joined(separator: ", ")))
        }
        for issue in resolved.issues() {
            if case .invalidOptions(let at, let detail) = issue {
                issues.append(PipelineIssue(path + "." + at, detail))
            }
        }
        return (options, issues)
    }

    /// A decoding error as an issue at its JSON path.
    static func describe(_ error: DecodingError, under path: String) -> PipelineIssue {
        func at(_ codingPath: [any CodingKey]) -> String {
            codingPath.reduce(path) { p, key in key.intValue.map { "\(p)[\($0)]" } ?? "\(p).\(key.stringValue)" }
        }
        switch error {
        case .typeMismatch(let type, let context):
            return PipelineIssue(at(context.codingPath), "expected \(expectation(type))")
        case .valueNotFound(let type, let context):
            return PipelineIssue(at(context.codingPath), "expected \(expectation(type)), got null")
        case .keyNotFound(let key, let context):
            return PipelineIssue(at(context.codingPath), "missing required key '\(key.stringValue)'")
        case .dataCorrupted(let context):
            return PipelineIssue(at(context.codingPath), context.debugDescription)
        @unknown default:
            return PipelineIssue(path, "\(error)")
        }
    }

    static func expectation(_ type: Any.Type) -> String {
        switch type {
        case is Bool.Type: "a boolean"
        case is Int.Type: "an integer"
        case is String.Type: "a string"
        case is [String].Type: "an array of strings"
        default: "a value of type \(type)"
        }
    }

    // MARK: Column names in stage parameters

    /// A column a stage parameter names, in a table.
    struct ColumnReference {
        var table: String
        var column: String
        var path: String
    }

    /// Column names that dedupe, impute and outliers parameters give for source tables whose
    /// columns are declared, checked against those columns (and the columns stages add: impute's
    /// `<column>_imputed` indicators, outliers' flag columns).
    static func columnIssues(_ config: PipelineConfig, declared: [String: [String]]) -> [PipelineIssue] {
        var added: [String: Set<String>] = [:]
        var references: [ColumnReference] = []
        for stage in config.stages {
            guard case .builtIn(let kind) = stage.kind, let tables = stage.params["tables"]?.objectMembers else {
                continue
            }
            let base = stage.jsonPath + ".params.tables"
            for (table, value) in tables {
                let at = base + "." + table
                switch kind.name {
                case DedupeStage.kind.name:
                    for (i, c) in (value["key"]?.arrayValue ?? []).enumerated() {
                        if let c = c.stringValue {
                            references.append(.init(table: table, column: c, path: at + ".key[\(i)]"))
                        }
                    }
                    if let c = value["order_by"]?.stringValue {
                        references.append(.init(table: table, column: c, path: at + ".order_by"))
                    }
                case ImputeStage.kind.name:
                    let indicator = value["indicator"]?.boolValue ?? false
                    for (column, settings) in value["columns"]?.objectMembers ?? [] {
                        let cp = at + ".columns." + column
                        references.append(.init(table: table, column: column, path: cp))
                        if indicator { added[table, default: []].insert(column + "_imputed") }
                        for (i, g) in (settings["group_by"]?.arrayValue ?? []).enumerated() {
                            if let g = g.stringValue {
                                references.append(.init(table: table, column: g, path: cp + ".group_by[\(i)]"))
                            }
                        }
                        if let w = settings["where"]?["column"]?.stringValue {
                            references.append(.init(table: table, column: w, path: cp + ".where.column"))
                        }
                    }
                case OutliersStage.kind.name:
                    for (i, rule) in (value.arrayValue ?? []).enumerated() {
                        let rp = at + "[\(i)]"
                        guard let column = rule["column"]?.stringValue else { continue }
                        references.append(.init(table: table, column: column, path: rp + ".column"))
                        for (j, g) in (rule["group_by"]?.arrayValue ?? []).enumerated() {
                            if let g = g.stringValue {
                                references.append(.init(table: table, column: g, path: rp + ".group_by[\(j)]"))
                            }
                        }
                        if rule["action"]?.stringValue == "flag" {
                            added[table, default: []].insert(rule["flag_column"]?.stringValue ?? column + "_outlier")
                        }
                    }
                default:
                    continue
                }
            }
        }
        var issues: [PipelineIssue] = []
        for r in references {
            guard let columns = declared[r.table] else { continue }
            let known = columns + (added[r.table] ?? []).sorted()
            if known.contains(r.column) { continue }
            issues.append(
                PipelineIssue(
                    r.path,
                    "no column '\(r.column)' in source '\(r.table)'" + DidYouMean.hint(for: r.column, among: known)
                        + "; its declared columns: " + columns.joined(separator: ", ")))
        }
        return issues
    }
}
