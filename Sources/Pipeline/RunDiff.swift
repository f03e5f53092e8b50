import Foundation
import Frame
import Parquet

/// What changed between two runs, stage by stage and table by table (`bespoke diff`).
///
/// Tables whose files have the same SHA-256 are equal without being read. Others are read and
/// compared: schema, row counts, and — with a key (the `--key` given, or the key the table
/// declares) — rows only in A, only in B, changed and unchanged; without a key, row by row.
public struct RunDiff: Sendable {
    public struct Options: Sendable {
        public var stages: [String] = []
        public var tables: [String] = []
        public var key: [String]?
        public var samples = 5
        /// Keys for tables that declare none (the built-in stages' tables: `customer_features` by
        /// `customer_id`, `recommendations` by customer and rank), used when their columns exist.
        public var conventionalKeys: [String: [String]]

        public init(
            stages: [String] = [], tables: [String] = [], key: [String]? = nil, samples: Int = 5,
            conventionalKeys: [String: [String]] = [:]
        ) {
            self.stages = stages
            self.tables = tables
            self.key = key
            self.samples = samples
            self.conventionalKeys = conventionalKeys
        }
    }

    public struct NumberDelta: Sendable, Equatable {
        public var name: String
        public var a: Double?
        public var b: Double?

        public init(name: String, a: Double?, b: Double?) {
            self.name = name
            self.a = a
            self.b = b
        }
    }

    public struct ColumnDiff: Sendable, Equatable {
        public var name: String
        public var changed: Int
        public var maxAbsoluteDifference: Double?
        public var meanA: Double?
        public var meanB: Double?
        public var nullsA: Int
        public var nullsB: Int
        /// Smallest and largest finite value of a numeric column in each run.
        public var rangeA: ClosedRange<Double>?
        public var rangeB: ClosedRange<Double>?
    }

    public struct TableDiff: Sendable {
        public var table: String
        public var file: String
        /// "only in A", "only in B", or nil when both runs have it.
        public var presence: String?
        public var identical: Bool
        public var rowsA: Int?
        public var rowsB: Int?
        public var added: [Field] = []
        public var removed: [Field] = []
        public var retyped: [(name: String, a: Field, b: Field)] = []
        public var key: [String]?
        public var onlyInA = 0
        public var onlyInB = 0
        public var changed = 0
        public var unchanged = 0
        public var duplicateKeys = 0
        public var columns: [ColumnDiff] = []
        /// A few changed rows: key (or row number) and "column: a → b".
        public var samples: [(row: String, changes: [String])] = []
        /// For files that are not Parquet: whether the bytes differ.
        public var note: String?
    }

    public struct StageDiff: Sendable {
        public var stage: String
        public var presence: String?
        public var fingerprintChanged: Bool
        public var counters: [NumberDelta]
        public var metrics: [NumberDelta]
        public var tables: [TableDiff]
        /// The domain diff, when the stage wrote score tables in both runs.
        public var scores: ScoreDiff? = nil

        public var hasDifferences: Bool {
            presence != nil || !counters.isEmpty || !metrics.isEmpty || tables.contains { !$0.identical }
        }
    }

    public var runA: String
    public var runB: String
    public var stages: [StageDiff]

    public var hasDifferences: Bool { stages.contains { $0.hasDifferences } }

    public static func compare(config: PipelineConfig, runA: String, runB: String, options: Options = Options())
        throws(EngineError) -> RunDiff
    {
        let folderA = try RunFolder(runsDirectory: config.runsDirectory, id: runA)
        let folderB = try RunFolder(runsDirectory: config.runsDirectory, id: runB)
        for f in [folderA, folderB] where !f.exists { throw .runNotFound(run: f.id, path: f.path) }
        let names = config.stages.map(\.name)
        for s in options.stages where !names.contains(s) { throw .unknownStage(s, known: names) }
        var stages: [StageDiff] = []
        for name in names where options.stages.isEmpty || options.stages.contains(name) {
            let a = try StageManifest.load(folderA.manifestPath(name))
            let b = try StageManifest.load(folderB.manifestPath(name))
            if a == nil && b == nil { continue }
            guard let a, let b else {
                stages.append(
                    StageDiff(
                        stage: name, presence: a == nil ? "only in B" : "only in A",
                        fingerprintChanged: true, counters: [], metrics: [], tables: []))
                continue
            }
            var tables: [TableDiff] = []
            let files = Set(a.outputs.map(\.file)).union(b.outputs.map(\.file)).sorted()
            for file in files {
                let oa = a.outputs.first { $0.file == file }
                let ob = b.outputs.first { $0.file == file }
                let table = oa?.table ?? ob?.table ?? file
                guard options.tables.isEmpty || options.tables.contains(table) else { continue }
                if oa?.table == nil && ob?.table == nil && oa?.sha256 == ob?.sha256 { continue }
                let key = options.key ?? config.key(ofTable: table) ?? options.conventionalKeys[table]
                tables.append(
                    try compareTable(
                        table: table, file: file,
                        a: oa.map { (folderA.stageDirectory(name) + "/" + file, $0) },
                        b: ob.map { (folderB.stageDirectory(name) + "/" + file, $0) },
                        key: key, samples: options.samples))
            }
            let scores = try compareScores(
                stage: name, a: (folderA, a), b: (folderB, b),
                include: { options.tables.isEmpty || options.tables.contains($0.name) })
            stages.append(
                StageDiff(
                    stage: name, presence: nil, fingerprintChanged: a.fingerprint != b.fingerprint,
                    counters: numberDeltas(a.counters, b.counters),
                    metrics: numberDeltas(a.metrics, b.metrics), tables: tables, scores: scores))
        }
        return RunDiff(runA: runA, runB: runB, stages: stages)
    }

    /// Differing numbers of two objects of numbers (nested objects flatten to dotted names).
    static func numberDeltas(_ a: JSONValue, _ b: JSONValue) -> [NumberDelta] {
        func flatten(_ v: JSONValue, _ prefix: String, _ out: inout [String: Double]) {
            if case .object(let members) = v {
                for m in members { flatten(m.value, prefix.isEmpty ? m.key : prefix + "." + m.key, &out) }
            } else if let d = v.doubleValue {
                out[prefix] = d
            }
        }
        var fa: [String: Double] = [:]
        var fb: [String: Double] = [:]
        flatten(a, "", &fa)
        flatten(b, "", &fb)
        return Set(fa.keys).union(fb.keys).sorted().compactMap { k in
            fa[k] == fb[k] ? nil : NumberDelta(name: k, a: fa[k], b: fb[k])
        }
    }

    static func compareTable(
        table: String, file: String, a: (path: String, output: StageManifest.Output)?,
        b: (path: String, output: StageManifest.Output)?, key: [String]?, samples: Int
    )
        throws(EngineError) -> TableDiff
    {
        var d = TableDiff(table: table, file: file, presence: nil, identical: false)
        guard let a, let b else {
            d.presence = a == nil ? "only in B" : "only in A"
            d.rowsA = a?.output.rows.map(Int.init)
            d.rowsB = b?.output.rows.map(Int.init)
            return d
        }
        d.rowsA = a.output.rows.map(Int.init)
        d.rowsB = b.output.rows.map(Int.init)
        if a.output.sha256 == b.output.sha256 {
            d.identical = true
            return d
        }
        guard file.hasSuffix(".parquet") else {
            d.note = "content differs (\(a.output.bytes) → \(b.output.bytes) bytes)"
            return d
        }
        let fa: Frame
        let fb: Frame
        do {
            fa = try ParquetReader(path: a.path).read()
            fb = try ParquetReader(path: b.path).read()
        } catch {
            throw .io(.readFailed(path: "\(a.path) or \(b.path): \(error)", errno: EIO))
        }
        d.rowsA = fa.rowCount
        d.rowsB = fb.rowCount
        let fieldsA = Dictionary(fa.schema.fields.map { ($0.name, $0) }, uniquingKeysWith: { x, _ in x })
        let fieldsB = Dictionary(fb.schema.fields.map { ($0.name, $0) }, uniquingKeysWith: { x, _ in x })
        d.added = fb.schema.fields.filter { fieldsA[$0.name] == nil }
        d.removed = fa.schema.fields.filter { fieldsB[$0.name] == nil }
        for f in fa.schema.fields {
            if let g = fieldsB[f.name], g != f { d.retyped.append((f.name, f, g)) }
        }
        let common = fa.schema.fields.filter { fieldsB[$0.name]?.type == $0.type }.map(\.name)

        // Pair rows: by key when every key column is in both, else by position.
        var pairs: [(Int, Int)] = []
        let usableKey = key.flatMap { k in k.allSatisfy { common.contains($0) } && !k.isEmpty ? k : nil }
        if let usableKey {
            d.key = usableKey
            let keyA = usableKey.map { fa[$0]! }
            let keyB = usableKey.map { fb[$0]! }
            func keyText(_ cols: [Column], _ i: Int) -> String {
                cols.map { TableCell(column: $0, row: i).text }.joined(separator: "\u{1F}")
            }
            var indexB: [String: Int] = [:]
            for i in 0..<fb.rowCount {
                let k = keyText(keyB, i)
                if indexB[k] == nil { indexB[k] = i } else { d.duplicateKeys += 1 }
            }
            var matchedB = Set<Int>()
            var seenA = Set<String>()
            for i in 0..<fa.rowCount {
                let k = keyText(keyA, i)
                guard seenA.insert(k).inserted else {
                    d.duplicateKeys += 1
                    continue
                }
                if let j = indexB[k] {
                    pairs.append((i, j))
                    matchedB.insert(j)
                } else {
                    d.onlyInA += 1
                }
            }
            d.onlyInB = indexB.count - matchedB.count
        } else {
            pairs = (0..<min(fa.rowCount, fb.rowCount)).map { ($0, $0) }
            d.onlyInA = max(0, fa.rowCount - fb.rowCount)
            d.onlyInB = max(0, fb.rowCount - fa.rowCount)
        }

        var changedRows = [Bool](repeating: false, count: pairs.count)
        var changesByPair: [Int: [String]] = [:]
        for name in common {
            let ca = fa[name]!
            let cb = fb[name]!
            var changed = 0
            var maxDiff: Double?
            for (p, (i, j)) in pairs.enumerated() {
                let x = TableCell(column: ca, row: i)
                let y = TableCell(column: cb, row: j)
                guard x != y else { continue }
                changed += 1
                changedRows[p] = true
                if let u = x.number, let v = y.number, u.isFinite, v.isFinite {
                    maxDiff = max(maxDiff ?? 0, abs(u - v))
                }
                if changesByPair[p, default: []].count < 8 && changesByPair.count <= samples {
                    changesByPair[p, default: []].append("\(name): \(x.text) → \(y.text)")
                }
            }
            let meanA = ca.type.isNumeric ? TableCell.mean(ca) : nil
            let meanB = cb.type.isNumeric ? TableCell.mean(cb) : nil
            let rangeA = ca.type.isNumeric ? TableCell.range(ca) : nil
            let rangeB = cb.type.isNumeric ? TableCell.range(cb) : nil
            if changed > 0 || meanA != meanB || ca.nullCount != cb.nullCount || rangeA != rangeB {
                d.columns.append(
                    ColumnDiff(
                        name: name, changed: changed, maxAbsoluteDifference: maxDiff,
                        meanA: meanA, meanB: meanB, nullsA: ca.nullCount, nullsB: cb.nullCount,
                        rangeA: rangeA, rangeB: rangeB))
            }
        }
        d.changed = changedRows.filter { $0 }.count
        d.unchanged = pairs.count - d.changed
        for p in changesByPair.keys.sorted().prefix(samples) {
            let (i, _) = pairs[p]
            let label =
                usableKey.map { k in
                    k.map { "\($0)=\(TableCell(column: fa[$0]!, row: i).text)" }
                        .joined(separator: ", ")
                } ?? "row \(i)"
            d.samples.append((label, changesByPair[p]!))
        }
        return d
    }
}

extension DataType {
    var isNumeric: Bool { self == .int32 || self == .int64 || self == .double }
}

/// One value of a column, compared across runs.
struct TableCell: Equatable {
    enum Value: Equatable {
        case null
        case int(Int64)
        case double(Double)
        case bool(Bool)
        case string(String)
        /// µs since the epoch; days since the epoch: compared as numbers, shown as ISO 8601.
        case timestamp(Int64)
        case date(Int32)
    }

    let value: Value

    init(column: Column, row: Int) {
        if column.isNull(row) {
            value = .null
            return
        }
        switch column.values {
        case .int32(let v): value = .int(Int64(v[row]))
        case .int64(let v): value = .int(v[row])
        case .timestamp(let v): value = .timestamp(v[row])
        case .date(let v): value = .date(v[row])
        case .double(let v): value = .double(v[row])
        case .bool(let v): value = .bool(v[row])
        case .string(let s): value = .string(s[row])
        }
    }

    static func == (a: TableCell, b: TableCell) -> Bool {
        if case .double(let x) = a.value, case .double(let y) = b.value { return x == y || (x.isNaN && y.isNaN) }
        return a.value == b.value
    }

    var number: Double? {
        switch value {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    var text: String {
        switch value {
        case .null: "null"
        case .int(let i): String(i)
        case .double(let d): d.description
        case .bool(let b): String(b)
        case .string(let s): s
        case .timestamp(let t): ValueFormatter.timestamp(t)
        case .date(let d): ValueFormatter.date(d)
        }
    }

    /// The smallest and largest finite value, nil when there is none.
    static func range(_ c: Column) -> ClosedRange<Double>? {
        var lo = Double.infinity, hi = -Double.infinity
        for i in 0..<c.count where !c.isNull(i) {
            if let v = TableCell(column: c, row: i).number, v.isFinite {
                lo = min(lo, v)
                hi = max(hi, v)
            }
        }
        return lo <= hi ? lo...hi : nil
    }

    static func mean(_ c: Column) -> Double? {
        var sum = 0.0
        var n = 0
        for i in 0..<c.count where !c.isNull(i) {
            if let v = TableCell(column: c, row: i).number, v.isFinite {
                sum += v
                n += 1
            }
        }
        return n == 0 ? nil : sum / Double(n)
    }
}
