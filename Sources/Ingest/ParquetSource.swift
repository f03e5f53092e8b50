import Frame
import Glibc
import Parquet

/// Parquet sources: read row group by row group (a row group larger than `batchRows` is handed
/// out in slices), columns mapped by name and converted to the declared types.
///
/// Values that cannot be converted refuse their row, numbered from 1 across the file; the raw
/// text of such a row is its mapped source values as CSV.
final class ParquetSource: RecordSource {
    let schema: Schema
    let path: String
    private let sourceName: String
    private let reader: ParquetReader
    private let batchRows: Int
    private let converters: [FieldConverter]
    /// The distinct source columns read, and which of them feeds each output column.
    private let sourceColumns: [String]
    private let sourceIndex: [Int]
    private var nextGroup = 0
    private var group: Frame?
    private var groupOffset = 0
    /// The 1-based number of the next row.
    private var row = 1

    init(path: String, options: SourceOptions, sourceName: String) throws(IngestError) {
        self.path = path
        self.sourceName = sourceName
        batchRows = options.batchRows
        try Self.checkFile(path)
        do { reader = try ParquetReader(path: path) } catch { throw .parquet(error) }
        var names: [String] = []
        for c in options.columns where !names.contains(c.source) { names.append(c.source) }
        let available = reader.schema.names + reader.unsupportedColumns.map(\.name)
        let missing = names.filter { !available.contains($0) }
        if !missing.isEmpty { throw .headerMismatch(path: path, missing: missing, available: available) }
        sourceColumns = names
        sourceIndex = options.columns.map { c in names.firstIndex(of: c.source)! }
        let tokens = NullTokens(options.nullTokens)
        converters = options.columns.map { FieldConverter($0, nullTokens: tokens) }
        schema = Schema(options.columns.map { $0.field! })
    }

    /// Missing and empty files get the same errors as text sources.
    static func checkFile(_ path: String) throws(IngestError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw errno == ENOENT ? .missingSource(path: path) : .io(path: path, errno: errno)
        }
        if info.st_mode & 0o170000 == 0o040000 { throw .io(path: path, errno: EISDIR) }
        if info.st_size == 0 { throw .emptySource(path: path) }
    }

    func nextBatch() throws(IngestError) -> IngestBatch? {
        while group == nil || groupOffset == group!.rowCount {
            guard nextGroup < reader.rowGroupCount else { return nil }
            do { group = try reader.readRowGroup(nextGroup, columns: sourceColumns) } catch { throw .parquet(error) }
            nextGroup += 1
            groupOffset = 0
        }
        let source = group!
        let count = min(batchRows, source.rowCount - groupOffset)
        let rows = groupOffset..<groupOffset + count
        groupOffset += count
        let firstRow = row
        row += count

        // Column by column; a refused value leaves a placeholder null so the columns stay aligned,
        // and its row is dropped from every column at the end.
        var failures: [Int: ValueFailure] = [:]
        var builders: [ColumnBuilder] = []
        for (ci, converter) in converters.enumerated() {
            var b = ColumnBuilder(type: converter.dataType, capacity: count)
            let column = source.columns[sourceIndex[ci]]
            // BYTE_ARRAY without a STRING annotation may hold any bytes: check the batch once and
            // value by value only when something in it is not UTF-8.
            var checkUTF8 = false
            if case .string(let s) = column.values { checkUTF8 = s.firstInvalidUTF8(in: rows) != nil }
            for r in rows {
                do throws(ValueFailure) {
                    try Self.append(column, r, converter, checkUTF8: checkUTF8, to: &b)
                } catch {
                    if failures[r - rows.lowerBound] == nil { failures[r - rows.lowerBound] = error }
                    b.appendNull()
                }
            }
            builders.append(b)
        }
        var rejects: [Reject] = []
        if !failures.isEmpty {
            var keep = [Bool](repeating: true, count: count)
            for (k, failure) in failures.sorted(by: { $0.key < $1.key }) {
                keep[k] = false
                let raw = source.columns.map {
                    ValueFormatter.text($0, rows.lowerBound + k).map { ValueFormatter.csvField($0) } ?? ""
                }
                rejects.append(
                    Reject(
                        source: sourceName, line: firstRow + k,
                        raw: String(raw.joined(separator: ",").prefix(Reject.maxRawBytes)),
                        reason: failure.reason, kind: failure.kind))
            }
            for i in builders.indices { builders[i].compact(keeping: keep) }
        }
        let frame = try! Frame(schema: schema, columns: builders.indices.map { builders[$0].finish() })
        return IngestBatch(frame: frame, rejects: rejects, firstLine: firstRow, linesRead: count)
    }

    @inline(__always)
    private static func append(
        _ column: Column, _ r: Int, _ converter: FieldConverter, checkUTF8: Bool, to b: inout ColumnBuilder
    ) throws(ValueFailure) {
        if column.isNull(r) {
            try converter.appendNull(to: &b)
            return
        }
        switch column.values {
        case .int32(let v): try converter.append(cell: .int(Int64(v[r])), to: &b)
        case .int64(let v): try converter.append(cell: .int(v[r]), to: &b)
        case .double(let v): try converter.append(cell: .double(v[r]), to: &b)
        case .bool(let v): try converter.append(cell: .bool(v[r]), to: &b)
        case .timestamp(let v): try converter.append(cell: .timestamp(v[r]), to: &b)
        case .date(let v): try converter.append(cell: .date(v[r]), to: &b)
        case .string(let s):
            let range = s.range(r)
            let failure: ValueFailure? = s.bytes.withUnsafeBufferPointer { buf in
                do throws(ValueFailure) {
                    if checkUTF8,
                        let bad = UTF8Validation.firstInvalidByte(buf.baseAddress! + range.lowerBound, range.count)
                    {
                        throw ValueFailure(
                            kind: .invalidUTF8, reason: "column '\(converter.name)': invalid UTF-8 at byte \(bad)")
                    }
                    try converter.append(
                        text: (buf.baseAddress ?? UnsafePointer(bitPattern: 1)!) + range.lowerBound, count: range.count,
                        nullTokens: converter.dataType != .string, to: &b)
                    return nil
                } catch { return error }
            }
            if let failure { throw failure }
        }
    }
}
