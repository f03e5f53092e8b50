import Foundation
import Frame
import Ingest
import Pipeline

/// A first pipeline.json for a set of files (`bespoke init`): each file a source with its sniffed
/// options and columns written out, a guessed key, and collect → dedupe → impute → outliers with
/// parameters for the columns found. A lone customer table (one file with a key and no
/// timestamps: a telecom's contracts, a mall's customers) also gets train and score: segments,
/// and churn when a column is named like a churn label. Everything it writes is meant to be edited.
public struct PipelineStarter {
    /// One file, read and sniffed.
    public struct Source {
        public var name: String
        /// As pipeline.json gives it: relative to the pipeline's folder when under it.
        public var path: String
        public var options: SourceOptions
        /// Per column, what the sample showed (nil for Parquet and SQLite, whose schema is the file's).
        public var sniffed: SniffResult?
        public var key: [String]
    }

    public var sources: [Source] = []
    public var sampleBytes: Int

    /// Columns with more nulls than this share are left alone by impute: mostly empty columns are
    /// usually empty on purpose (a search's item, a view's price), not missing.
    public static let maxImputedNullShare = 0.2
    /// String columns with more distinct values than this in the sample are text, not categories:
    /// not imputed.
    public static let maxImputedLevels = 50
    /// A key must be this close to unique in the sample (duplicates are what dedupe removes).
    public static let minKeyDistinctShare = 0.99

    public init(sampleBytes: Int = SourceOptions.defaultSampleBytes) { self.sampleBytes = sampleBytes }

    /// Sniffs `file` (a path as the user gave it) and adds it as a source of a pipeline in `directory`.
    public mutating func add(file: String, pipelineDirectory directory: String) throws(IngestError) {
        let absolute =
            file.hasPrefix("/")
            ? (file as NSString).standardizingPath
            : ((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(file) as NSString)
                .standardizingPath
        var given = SourceOptions(columns: [], sampleBytes: sampleBytes)
        if SourceFormat.infer(fromPath: absolute) == .sqlite {
            given.query = try Self.firstTableQuery(absolute)
        }
        let (options, sniffed) = try SourceSchema.resolve(path: absolute, options: given, hints: SniffHints())
        let name = uniqueName(Self.sourceName(fromPath: absolute))
        let key = sniffed.map { Self.guessKey(table: name, $0.columns) } ?? []
        sources.append(
            Source(
                name: name, path: Self.relative(absolute, to: directory), options: options, sniffed: sniffed, key: key))
    }

    /// The pipeline as a JSON document.
    public var document: JSONValue {
        var sourceMembers: [(key: String, value: JSONValue)] = []
        for s in sources {
            var m: [(key: String, value: JSONValue)] = [("path", .string(s.path))]
            if !s.key.isEmpty { m.append(("key", .array(s.key.map { .string($0) }))) }
            m.append(
                ("options", SourceOptionsJSON.object(s.options, path: s.path, explicit: false, required: Set(s.key))))
            sourceMembers.append((s.name, .object(m)))
        }
        var dedupe: [(key: String, value: JSONValue)] = []
        var impute: [(key: String, value: JSONValue)] = []
        var outliers: [(key: String, value: JSONValue)] = []
        for s in sources {
            dedupe.append((s.name, .object([("exact", .bool(true))])))
            let fills = imputations(s)
            if !fills.isEmpty {
                impute.append((s.name, .object([("columns", .object(fills)), ("indicator", .bool(true))])))
            }
            let rules = outlierRules(s)
            if !rules.isEmpty { outliers.append((s.name, .array(rules))) }
        }
        var stages: [JSONValue] = [
            .object([
                ("name", "collect"), ("uses", "collect"),
                ("params", .object([("max_reject_share", .number(JSONNumber(0.01)))])),
            ]),
            .object([("name", "dedupe"), ("uses", "dedupe"), ("params", .object([("tables", .object(dedupe))]))]),
            .object([("name", "impute"), ("uses", "impute"), ("params", .object([("tables", .object(impute))]))]),
            .object([("name", "outliers"), ("uses", "outliers"), ("params", .object([("tables", .object(outliers))]))]),
        ]
        if let table = customerTable {
            stages += Self.customerStages(table)
        }
        return .object([
            ("version", .number(JSONNumber(PipelineConfig.supportedVersion))),
            ("seed", .number(JSONNumber(Int(PipelineDefaults.seed)))),
            ("runs", .string(PipelineDefaults.runsDirectory)),
            ("sources", .object(sourceMembers)),
            ("stages", .array(stages)),
        ])
    }

    /// The one source when it is a customer table without events: a key, and no timestamp (an event
    /// log always has one).
    public var customerTable: Source? {
        guard sources.count == 1, let s = sources.first, s.key.count == 1, let sniffed = s.sniffed,
            !sniffed.columns.contains(where: { $0.mapping.type == .timestamp })
        else { return nil }
        return s
    }

    /// A churn label of a customer table: a two-valued column named like one, and the value that
    /// means churned when the column is text (nil for bool and 0/1 columns).
    public static func churnLabel(_ s: Source) -> (column: String, positive: String?)? {
        let names: Set<String> = ["churn", "churned", "exited", "attrition", "attritionflag", "ischurned", "churnflag"]
        let positives: Set<String> = ["yes", "y", "true", "1", "churned", "exited", "attritedcustomer"]
        func folded(_ s: String) -> String { String(s.lowercased().filter { $0.isLetter || $0.isNumber }) }
        for c in s.sniffed?.columns ?? [] where names.contains(folded(c.mapping.name)) && c.distinctValues == 2 {
            switch c.mapping.type {
            case .bool, .int, .int32: return (c.mapping.name, nil)
            case .string:
                if let positive = c.examples.first(where: { positives.contains(folded($0)) }) {
                    return (c.mapping.name, positive)
                }
            default: continue
            }
        }
        return nil
    }

    /// train (segments over the table's numeric columns; churn on its label when there is one) and
    /// score (no recommendations: a segment and a churn band per customer).
    static func customerStages(_ s: Source) -> [JSONValue] {
        let key = JSONValue.string(s.key[0])
        let label = churnLabel(s)
        var excluded: [JSONValue] = ["customer_index"]
        if let label { excluded.append(.string(label.column)) }
        var train: [(key: String, value: JSONValue)] = [
            ("segments", .object([("table", .string(s.name)), ("key", key), ("exclude", .array(excluded))]))
        ]
        if let label {
            var churn: [(key: String, value: JSONValue)] = [
                ("table", .string(s.name)), ("key", key), ("label", .string(label.column)),
            ]
            if let positive = label.positive { churn.append(("positive", .string(positive))) }
            churn.append(("class_weight", "balanced"))
            train.append(("churn", .object(churn)))
        }
        return [
            .object([("name", "train"), ("uses", "train"), ("params", .object(train))]),
            .object([
                ("name", "score"), ("uses", "score"),
                (
                    "params",
                    .object([
                        ("model", .null), ("customers", .string(s.name)), ("customer_key", key),
                        ("churn", .bool(label != nil)),
                    ])
                ),
            ]),
        ]
    }

    /// Median for numbers, mode for strings and booleans, for the columns with a few nulls in the
    /// sample (not keys, not identifiers, not dates).
    func imputations(_ s: Source) -> [(key: String, value: JSONValue)] {
        guard let sniffed = s.sniffed else { return [] }
        var out: [(key: String, value: JSONValue)] = []
        for c in sniffed.columns where c.nulls > 0 && c.values > 0 && !s.key.contains(c.mapping.name) {
            let share = Double(c.nulls) / Double(c.nulls + c.values)
            guard share <= Self.maxImputedNullShare, !Sniffer.isIdentifierNamed(c.mapping.name) else { continue }
            let strategy: String
            switch c.mapping.type {
            case .int, .int32, .double: strategy = "median"
            case .bool: strategy = "mode"
            case .string:
                // A category (a few levels) takes its mode; free text (descriptions, names) would
                // take one arbitrary description for every missing one, so it stays missing.
                guard let distinct = c.distinctValues, distinct <= Self.maxImputedLevels else { continue }
                strategy = "mode"
            default: continue
            }
            out.append((c.mapping.name, .object([("strategy", .string(strategy))])))
        }
        return out
    }

    /// An IQR rule (k = 3, flagging) for each numeric column that is not a key, an identifier or
    /// a two-valued code.
    func outlierRules(_ s: Source) -> [JSONValue] {
        guard let sniffed = s.sniffed else { return [] }
        var out: [JSONValue] = []
        for c in sniffed.columns where [.int, .int32, .double].contains(c.mapping.type) {
            let name = c.mapping.name
            guard !s.key.contains(name), !Sniffer.isIdentifierNamed(name), (c.distinctValues ?? Int.max) > 2 else {
                continue
            }
            out.append(
                .object([
                    ("column", .string(name)), ("rule", "iqr"), ("k", .number(JSONNumber(3))), ("action", "flag"),
                ]))
        }
        return out
    }

    /// The key: a column named like an identifier, never null and (all but duplicates) unique in
    /// the sample; `<table>_id` (customers → customer_id) first, then `id`, then the first such.
    static func guessKey(table: String, _ columns: [SniffedColumn]) -> [String] {
        let candidates = columns.filter { c in
            guard c.nulls == 0, c.values > 0, let distinct = c.distinctValues,
                Sniffer.isIdentifierNamed(c.mapping.name)
            else { return false }
            return Double(distinct) >= minKeyDistinctShare * Double(c.values)
        }.map(\.mapping.name)
        let singular = table.lowercased().hasSuffix("s") ? String(table.lowercased().dropLast()) : table.lowercased()
        for preferred in [singular + "_id", singular + "id", "id"] {
            if let hit = candidates.first(where: { $0.lowercased() == preferred }) { return [hit] }
        }
        return candidates.first.map { [$0] } ?? []
    }

    /// `Fixtures/events.csv.gz` → `events`: the file name without its extensions, as a table name.
    static func sourceName(fromPath path: String) -> String {
        var base = Substring((path as NSString).lastPathComponent)
        if base.lowercased().hasSuffix(".gz") { base = base.dropLast(3) }
        if let dot = base.lastIndex(of: "."), dot != base.startIndex { base = base[..<dot] }
        var name = String(base.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") ? $0 : "_" })
        while let f = name.first, !(f.isLetter || f.isNumber) { name.removeFirst() }
        if name.isEmpty { name = "source" }
        return String(name.prefix(56))
    }

    func uniqueName(_ name: String) -> String {
        var candidate = name
        var n = 2
        while sources.contains(where: { $0.name == candidate }) {
            candidate = "\(name)_\(n)"
            n += 1
        }
        return candidate
    }

    static func relative(_ absolute: String, to directory: String) -> String {
        let dir = directory.hasSuffix("/") ? directory : directory + "/"
        return absolute.hasPrefix(dir) ? String(absolute.dropFirst(dir.count)) : absolute
    }

    /// `SELECT * FROM "<first table>"` for a database given without a query.
    public static func firstTableQuery(_ path: String) throws(IngestError) -> String {
        let options = SourceOptions(
            format: .sqlite, query: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid LIMIT 1",
            columns: [ColumnMapping("name", .string)])
        var reader = try SourceReader.open(path: path, options: options, sourceName: "sqlite_master")
        let batch = try reader.readAll()
        guard batch.frame.rowCount > 0, let table = ValueFormatter.text(batch.frame.columns[0], 0) else {
            throw .emptySource(path: path)
        }
        return "SELECT * FROM \"\(table.replacingOccurrences(of: "\"", with: "\"\""))\""
    }
}
