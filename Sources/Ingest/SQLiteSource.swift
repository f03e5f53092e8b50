internal import CSQLite
import Frame

/// SQLite sources: a read-only query against a database file, result columns mapped by name,
/// stepped through row by row and typed by the declared types.
///
/// Rows are numbered from 1 in result order; a refused row's raw text is its mapped values as CSV.
final class SQLiteSource: RecordSource {
    let schema: Schema
    let path: String
    private let sourceName: String
    private let database: SQLiteStatement
    private let batchRows: Int
    private let converters: [FieldConverter]
    /// The result column feeding each output column.
    private let resultIndex: [Int32]
    private var row = 1
    private var finished = false

    init(path: String, options: SourceOptions, sourceName: String) throws(IngestError) {
        self.path = path
        self.sourceName = sourceName
        batchRows = options.batchRows
        try ParquetSource.checkFile(path)
        database = try SQLiteStatement(path: path, query: options.query ?? "")
        let names = database.columnNames
        let missing = options.columns.map(\.source).filter { !names.contains($0) }
        if !missing.isEmpty { throw .headerMismatch(path: path, missing: missing, available: names) }
        resultIndex = options.columns.map { c in Int32(names.firstIndex(of: c.source)!) }
        let tokens = NullTokens(options.nullTokens)
        converters = options.columns.map { FieldConverter($0, nullTokens: tokens) }
        schema = Schema(options.columns.map { $0.field! })
    }

    func nextBatch() throws(IngestError) -> IngestBatch? {
        if finished { return nil }
        var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: min(batchRows, 1 << 16)) }
        var rejects: [Reject] = []
        let firstRow = row
        var count = 0
        while count < batchRows {
            guard try database.step() else {
                finished = true
                break
            }
            count += 1
            let rowIndex = builders.isEmpty ? 0 : builders[0].count
            for ci in converters.indices {
                do throws(ValueFailure) {
                    try database.append(column: resultIndex[ci], converters[ci], to: &builders[ci])
                } catch {
                    for k in 0..<ci { builders[k].truncate(to: rowIndex) }
                    let raw = resultIndex.map { database.text(column: $0).map { ValueFormatter.csvField($0) } ?? "" }
                    rejects.append(
                        Reject(
                            source: sourceName, line: row,
                            raw: String(raw.joined(separator: ",").prefix(Reject.maxRawBytes)), reason: error.reason,
                            kind: error.kind))
                    break
                }
            }
            row += 1
        }
        if count == 0 && row != 1 { return nil }
        let frame = try! Frame(schema: schema, columns: builders.indices.map { builders[$0].finish() })
        return IngestBatch(frame: frame, rejects: rejects, firstLine: firstRow, linesRead: count)
    }
}

/// An open read-only database and one prepared statement; `deinit` finalizes and closes.
final class SQLiteStatement {
    let path: String
    private var db: OpaquePointer?
    private var statement: OpaquePointer?
    let columnNames: [String]
    /// Each result column's declared type (nil for an expression).
    let declaredTypes: [String?]

    init(path: String, query: String) throws(IngestError) {
        self.path = path
        var handle: OpaquePointer?
        let opened = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        db = handle
        guard opened == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(handle)
            db = nil
            throw .sqlite(path: path, code: opened, message: message)
        }
        var prepared: OpaquePointer?
        let code = sqlite3_prepare_v2(handle, query, -1, &prepared, nil)
        guard code == SQLITE_OK, let prepared else {
            let message = String(cString: sqlite3_errmsg(handle))
            sqlite3_finalize(prepared)
            sqlite3_close(handle)
            db = nil
            if code == SQLITE_OK {
                throw .invalidOptions(path: "query", detail: "expected a SELECT statement; got no statement")
            }
            throw .sqlite(path: path, code: code, message: message)
        }
        guard sqlite3_stmt_readonly(prepared) != 0 else {
            sqlite3_finalize(prepared)
            sqlite3_close(handle)
            db = nil
            throw .invalidOptions(path: "query", detail: "expected a read-only SELECT statement")
        }
        statement = prepared
        columnNames = (0..<sqlite3_column_count(prepared)).map { String(cString: sqlite3_column_name(prepared, $0)) }
        declaredTypes = (0..<sqlite3_column_count(prepared)).map { i in
            sqlite3_column_decltype(prepared, i).map { String(cString: $0) }
        }
    }

    deinit {
        sqlite3_finalize(statement)
        sqlite3_close(db)
    }

    /// Advances to the next row; false when there are no more.
    func step() throws(IngestError) -> Bool {
        let code = sqlite3_step(statement)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw .sqlite(path: path, code: code, message: String(cString: sqlite3_errmsg(db)))
        }
    }

    /// Appends the current row's value in `column`, by its storage class.
    func append(column i: Int32, _ converter: FieldConverter, to b: inout ColumnBuilder) throws(ValueFailure) {
        switch sqlite3_column_type(statement, i) {
        case SQLITE_NULL:
            try converter.appendNull(to: &b)
        case SQLITE_INTEGER:
            try converter.append(cell: .int(sqlite3_column_int64(statement, i)), to: &b)
        case SQLITE_FLOAT:
            try converter.append(cell: .double(sqlite3_column_double(statement, i)), to: &b)
        default:
            // TEXT (and BLOB, read as text): the bytes, checked to be UTF-8.
            let n = Int(sqlite3_column_bytes(statement, i))
            guard let p = sqlite3_column_blob(statement, i)?.assumingMemoryBound(to: UInt8.self) else {
                try converter.append(text: "", nullTokens: converter.dataType != .string, to: &b)
                return
            }
            if let bad = UTF8Validation.firstInvalidByte(p, n) {
                throw ValueFailure(
                    kind: .invalidUTF8, reason: "column '\(converter.name)': invalid UTF-8 at byte \(bad)")
            }
            try converter.append(text: p, count: n, nullTokens: converter.dataType != .string, to: &b)
        }
    }

    /// The current row's value in `column` as text, or nil when it is null.
    func text(column i: Int32) -> String? {
        guard sqlite3_column_type(statement, i) != SQLITE_NULL else { return nil }
        let n = Int(sqlite3_column_bytes(statement, i))
        guard let p = sqlite3_column_text(statement, i) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }
}
