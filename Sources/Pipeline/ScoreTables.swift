import Foundation
import Frame
import Parquet

/// The per-customer tables a `score` stage writes, which `bespoke export --crm` joins and
/// `bespoke diff` compares: their names and the columns each must have.
///
/// Every table is sorted by `customer_index`; a customer may be in some tables and not others.
public enum ScoreTable: String, Sendable, CaseIterable {
    /// One row per customer and rank: `customer_index`, `customer_id`, `rank`, `item_index`,
    /// `item_id`, `score`, `model`, `reason` (nullable); sorted by `customer_index`, `rank`.
    case recommendations
    /// `customer_index`, `customer_id`, `segment`, `segment_name`.
    case customerSegments = "customer_segments"
    /// `customer_index`, `customer_id`, `probability`, `band`, `driver_1`…`driver_3` (nullable).
    case churnScores = "churn_scores"

    public var name: String { rawValue }

    /// The column every table is sorted by.
    public static let keyColumn = "customer_index"

    /// The columns read from the table, key first, each with the types it may have.
    public var columns: [(name: String, types: [DataType])] {
        let id: [DataType] = [.int64, .int32, .string]
        let key: (String, [DataType]) = (Self.keyColumn, [.int32, .int64])
        switch self {
        case .recommendations:
            return [
                key, ("customer_id", id), ("rank", [.int32, .int64]), ("item_id", id), ("score", [.double]),
                ("model", [.string]), ("reason", [.string]),
            ]
        case .customerSegments:
            return [key, ("customer_id", id), ("segment", [.int32, .int64]), ("segment_name", [.string])]
        case .churnScores:
            return [
                key, ("customer_id", id), ("probability", [.double]), ("band", [.string]), ("driver_1", [.string]),
                ("driver_2", [.string]), ("driver_3", [.string]),
            ]
        }
    }

    /// The file of this table in a stage's manifest, when the stage wrote it.
    public func path(in folder: RunFolder, stage: String, manifest: StageManifest) -> String? {
        manifest.output(forTable: name).map { folder.stageDirectory(stage) + "/" + $0.file }
    }

    /// The stage whose score tables to read by default: the last one declaring any of them as
    /// an output, else the one named `score`.
    public static func defaultStage(_ config: PipelineConfig) -> String {
        let names = Set(allCases.map(\.name))
        return config.stages.last { !names.isDisjoint(with: $0.outputs) }?.name ?? "score"
    }

    /// The score tables `stage` wrote in run `folder`, by its manifest. Fails when the run, the
    /// stage or its completed manifest is missing, or when it wrote none of the tables.
    public static func files(config: PipelineConfig, folder: RunFolder, stage: String?) throws -> [ScoreTable: String] {
        let stage = stage ?? defaultStage(config)
        guard folder.exists else { throw EngineError.runNotFound(run: folder.id, path: folder.path) }
        guard config.stage(named: stage) != nil else {
            throw EngineError.unknownStage(stage, known: config.stages.map(\.name))
        }
        guard let manifest = try StageManifest.load(folder.manifestPath(stage)) else {
            throw EngineError.inputMissing(
                stage: "export", table: ScoreTable.recommendations.name, producer: stage, run: folder.id)
        }
        var out: [ScoreTable: String] = [:]
        for table in allCases { out[table] = table.path(in: folder, stage: stage, manifest: manifest) }
        guard !out.isEmpty else {
            throw ScoreTableError.noTables(stage: stage, run: folder.id, directory: folder.stageDirectory(stage))
        }
        return out
    }
}

/// A score table that cannot be read as its contract says.
public enum ScoreTableError: ExitCodeProviding, Equatable, CustomStringConvertible {
    case unreadable(table: String, path: String, reason: String)
    case missingColumn(table: String, path: String, column: String, found: [String])
    case wrongType(table: String, path: String, column: String, expected: [DataType], found: DataType)
    /// `customer_index` decreases, or is null, at a row (counted from 0 over the whole file).
    case notSorted(table: String, path: String, row: Int, previous: Int64, found: Int64?)
    /// Two tables give one `customer_index` different `customer_id`s.
    case conflictingID(customerIndex: Int64, table: String, id: String, otherTable: String, otherID: String)
    case noTables(stage: String, run: String, directory: String)

    public var description: String {
        switch self {
        case .unreadable(let table, let path, let reason): "table \(table) (\(path)): \(reason)"
        case .missingColumn(let table, let path, let column, let found):
            "table \(table) (\(path)): no column '\(column)' (columns: \(found.joined(separator: ", ")))"
        case .wrongType(let table, let path, let column, let expected, let found):
            "table \(table) (\(path)): column '\(column)' must be "
                + expected.map(\.rawValue).joined(separator: " or ") + ", got \(found.rawValue)"
        case .notSorted(let table, let path, let row, let previous, let found):
            "table \(table) (\(path)): not sorted by \(ScoreTable.keyColumn): row \(row) has "
                + (found.map { String($0) } ?? "null") + " after \(previous)"
        case .conflictingID(let index, let table, let id, let other, let otherID):
            "\(ScoreTable.keyColumn) \(index) is customer_id \(id) in table \(table) but \(otherID) in table \(other)"
        case .noTables(let stage, let run, let directory):
            "stage '\(stage)' of run \(run) wrote none of the tables "
                + ScoreTable.allCases.map(\.name).joined(separator: ", ") + " (\(directory))"
        }
    }

    public var exitStatus: SysexitCode {
        switch self {
        case .unreadable: .ioError
        case .noTables: .inputMissing
        default: .dataError
        }
    }
}

/// Reads a score table one row group at a time and hands out the rows of one customer at a
/// time, so that memory holds a row group, never the whole table.
public struct ScoreTableReader {
    /// Rows `rows` of `frame` belong to the customer; more than one piece when the customer's
    /// rows cross a row-group boundary.
    public struct Piece {
        public var frame: Frame
        public var rows: Range<Int>
    }

    public let table: ScoreTable
    public let path: String
    private let reader: ParquetReader
    private let names: [String]
    private var group = 0
    private var frame: Frame?
    private var keys: [Int64] = []
    private var row = 0
    /// Rows of earlier row groups, so errors can name the row in the file.
    private var rowsBefore = 0
    private var previous: Int64?

    public init(table: ScoreTable, path: String) throws(ScoreTableError) {
        self.table = table
        self.path = path
        do { reader = try ParquetReader(path: path) } catch {
            throw .unreadable(table: table.name, path: path, reason: "\(error)")
        }
        let fields = Dictionary(reader.schema.fields.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for (name, types) in table.columns {
            guard let f = fields[name] else {
                throw .missingColumn(table: table.name, path: path, column: name, found: reader.schema.names)
            }
            guard types.contains(f.type) else {
                throw .wrongType(table: table.name, path: path, column: name, expected: types, found: f.type)
            }
        }
        names = table.columns.map(\.name)
    }

    /// The `customer_index` of the next unread row; nil at the end of the table.
    public mutating func nextKey() throws(ScoreTableError) -> Int64? {
        while frame == nil || row == keys.count {
            guard group < reader.rowGroupCount else { return nil }
            let f: Frame
            do { f = try reader.readRowGroup(group, columns: names) } catch {
                throw .unreadable(table: table.name, path: path, reason: "\(error)")
            }
            if let frame { rowsBefore += frame.rowCount }
            group += 1
            let key = f.columns[0]
            keys = [Int64](repeating: 0, count: f.rowCount)
            for i in 0..<f.rowCount {
                guard let k = ScoreValue.int(key, i) else {
                    throw .notSorted(
                        table: table.name, path: path, row: rowsBefore + i, previous: previous ?? 0, found: nil)
                }
                keys[i] = k
            }
            frame = f
            row = 0
        }
        return keys[row]
    }

    /// The rows of the next customer, nil at the end. Columns are in `table.columns` order.
    public mutating func next() throws(ScoreTableError) -> (key: Int64, pieces: [Piece])? {
        guard let key = try nextKey() else { return nil }
        if let previous, key <= previous {
            throw .notSorted(table: table.name, path: path, row: rowsBefore + row, previous: previous, found: key)
        }
        var pieces: [Piece] = []
        while let k = try nextKey(), k == key, let f = frame {
            let start = row
            while row < keys.count && keys[row] == key { row += 1 }
            pieces.append(Piece(frame: f, rows: start..<row))
        }
        previous = key
        return (key, pieces)
    }

    /// A customer's rows ordered by the column at `rankColumn` (nulls last). The tables are
    /// sorted so already; the stable sort keeps a file that is not from scrambling a list.
    public static func ranked(_ pieces: [Piece], rankColumn: Int = 2) -> [(columns: [Column], row: Int)] {
        var rows: [(columns: [Column], row: Int, rank: Int64)] = []
        for p in pieces {
            let rank = p.frame.columns[rankColumn]
            for r in p.rows { rows.append((p.frame.columns, r, ScoreValue.int(rank, r) ?? .max)) }
        }
        let sorted = rows.enumerated().sorted { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) }
        return sorted.map { ($0.element.columns, $0.element.row) }
    }
}

/// Typed reads of one cell of a score table; nil for null.
public enum ScoreValue {
    public static func int(_ c: Column, _ i: Int) -> Int64? {
        if c.isNull(i) { return nil }
        switch c.values {
        case .int32(let v), .date(let v): return Int64(v[i])
        case .int64(let v), .timestamp(let v): return v[i]
        default: return nil
        }
    }

    public static func double(_ c: Column, _ i: Int) -> Double? {
        if c.isNull(i) { return nil }
        if case .double(let v) = c.values { return v[i] }
        return int(c, i).map(Double.init)
    }

    public static func string(_ c: Column, _ i: Int) -> String? {
        if c.isNull(i) { return nil }
        if case .string(let s) = c.values { return s[i] }
        return ValueFormatter.text(c, i)
    }

    /// An identifier (int or string) as a hashable key.
    public static func id(_ c: Column, _ i: Int) -> ScoreID? {
        if c.isNull(i) { return nil }
        if case .string(let s) = c.values { return .string(s[i]) }
        return int(c, i).map(ScoreID.int)
    }
}

/// A customer or item identifier of a score table: the tables carry the source's id type.
public enum ScoreID: Hashable, Sendable, CustomStringConvertible {
    case int(Int64)
    case string(String)

    public var description: String {
        switch self {
        case .int(let i): String(i)
        case .string(let s): s
        }
    }
}
