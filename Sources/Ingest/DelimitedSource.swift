import Frame

/// CSV and TSV sources: RFC 4180 records, mapped by header name or 1-based position, typed into
/// column builders straight from the byte window.
///
/// Records refused, and the rule for each:
/// * a quote never closed before the end of the file (or before `maxRecordBytes`), or a quoted
///   field spanning lines whose closing quote is followed by something other than a delimiter or
///   line end, is `unterminated_quote`: only the record's first physical line is refused, and
///   reading starts again on the next line, so that the good rows after it survive;
/// * a closing quote followed by other text on the same line is `invalid_quote` (the whole record);
/// * invalid UTF-8 (UTF-8 sources) is `invalid_utf8`, with the byte offset from the record start;
/// * a field count other than the header's (or, headerless, the first record's) is `wrong_field_count`;
/// * then each mapped value in column order: `unparsable_value`, `out_of_range` (a time outside
///   the years 1–9999) or `missing_required`.
/// A blank line is skipped, not refused. A header naming a column twice has the repeat renamed
/// `name_1` (`distinctNames`, as DuckDB does). A NUL byte anywhere fails the source (`TextInput`).
final class DelimitedSource: RecordSource {
    let schema: Schema
    let path: String
    private let sourceName: String
    private let input: TextInput
    private let scanner: DelimitedScanner
    private let validateUTF8: Bool
    private let batchRows: Int
    private let maxRecordBytes: Int
    /// One converter per output column, in memory that the hot loop borrows from without copying
    /// (indexing an array of structs copies each one, with its references, per value).
    private let converters: UnsafeMutableBufferPointer<FieldConverter>
    /// The 0-based field of each output column.
    private var fieldIndex: [Int] = []
    private var expectedFields = 0
    private var builders: [ColumnBuilder]

    private var spans: UnsafeMutablePointer<FieldSpan>
    private var spanCapacity = 64
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity = 256
    /// The start of the next record in the window.
    private var pos: Int
    /// The 1-based physical line at `pos`.
    private var line = 1
    /// The line where the next batch starts: lines consumed at open (header, blank lines) count in the first batch.
    private var batchStart = 1
    private var finished = false

    /// The longest record kept in memory; longer ones are refused (`record_too_long`, or
    /// `unterminated_quote` when a quote is open).
    static let defaultMaxRecordBytes = 16 << 20

    init(
        path: String, options: SourceOptions, format: SourceFormat, sourceName: String,
        maxRecordBytes: Int = DelimitedSource.defaultMaxRecordBytes
    ) throws(IngestError) {
        self.path = path
        self.sourceName = sourceName
        self.maxRecordBytes = maxRecordBytes
        batchRows = options.batchRows
        validateUTF8 = options.encoding == .utf8
        scanner = DelimitedScanner(
            delimiter: options.delimiterByte(for: format), quote: options.quoteByte.map(Int.init) ?? -1)
        // Opened first: when this throws, nothing else has been allocated.
        input = try TextInput(path: path, encoding: options.encoding)
        spans = .allocate(capacity: spanCapacity)
        scratch = .allocate(capacity: scratchCapacity)
        pos = input.textStart
        let tokens = NullTokens(options.nullTokens)
        converters = .allocate(capacity: options.columns.count)
        _ = converters.initialize(from: options.columns.map { FieldConverter($0, nullTokens: tokens) })
        schema = Schema(options.columns.map { $0.field! })
        builders = []
        // The first non-blank record: the header, or (headerless) the record that fixes the field count.
        var first: DelimitedScanner.Result?
        while first == nil {
            switch try scanNext() {
            case nil: throw .emptySource(path: path)
            case .record(let r) where r.fieldCount == 1 && r.contentEnd == pos:
                line += 1
                pos = r.next
            case .record(let r): first = r
            case .unterminated, .tooLong:
                throw .headerMismatch(path: path, missing: options.columns.map(\.source), available: [])
            }
        }
        let record = first!
        if options.header {
            var names: [String] = []
            for k in 0..<record.fieldCount {
                let (p, n) = fieldBytes(spans[k])
                names.append(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
            }
            names = Self.distinctNames(names)
            var indices: [Int] = []
            var missing: [String] = []
            for c in options.columns {
                if let i = names.firstIndex(of: c.source) ?? names.firstIndex(where: { Self.trimmed($0) == c.source }) {
                    indices.append(i)
                } else {
                    missing.append(c.source)
                }
            }
            if !missing.isEmpty { throw .headerMismatch(path: path, missing: missing, available: names) }
            fieldIndex = indices
            expectedFields = record.fieldCount
            line += 1 + record.newlines
            pos = record.next
        } else {
            let positions = options.columns.map { Int($0.source)! }
            let missing = positions.filter { $0 > record.fieldCount }.map(String.init)
            if !missing.isEmpty {
                throw .headerMismatch(
                    path: path, missing: missing, available: (1...record.fieldCount).map(String.init))
            }
            fieldIndex = positions.map { $0 - 1 }
            expectedFields = record.fieldCount
        }
        builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: min(batchRows, 1 << 16)) }
    }

    deinit {
        spans.deallocate()
        scratch.deallocate()
        converters.deinitialize()
        converters.deallocate()
    }

    /// Header names made distinct as DuckDB does: a name seen before gets `_1`, `_2`… (the first
    /// suffix not already taken), so `id,name,name` maps as `id`, `name`, `name_1`.
    static func distinctNames(_ names: [String]) -> [String] {
        var taken = Set(names)
        var seen = Set<String>()
        return names.map { name in
            guard seen.insert(name).inserted else {
                var k = 1
                while taken.contains("\(name)_\(k)") { k += 1 }
                let renamed = "\(name)_\(k)"
                taken.insert(renamed)
                return renamed
            }
            return name
        }
    }

    private static func trimmed(_ s: String) -> Substring {
        var t = Substring(s)
        while t.first == " " || t.first == "\t" { t = t.dropFirst() }
        while t.last == " " || t.last == "\t" { t = t.dropLast() }
        return t
    }

    // MARK: Batches

    func nextBatch() throws(IngestError) -> IngestBatch? {
        if finished { return nil }
        let firstLine = batchStart
        var rejects: [Reject] = []
        var records = 0
        var builders = self.builders
        self.builders = []
        defer { self.builders = builders }
        let converters = self.converters
        let plans = converters.map(\.plan)
        let fieldIndex = self.fieldIndex
        let columnCount = converters.count

        while records < batchRows {
            guard let event = try scanNext() else {
                finished = true
                break
            }
            let r: DelimitedScanner.Result
            switch event {
            case .unterminated:
                records += 1
                if !rejectFirstLine(&rejects) { try skipLongLine(&rejects, inQuote: true) }
                continue
            case .tooLong(let inQuote):
                records += 1
                if !inQuote || !rejectFirstLine(&rejects) { try skipLongLine(&rejects, inQuote: inQuote) }
                continue
            case .record(let result):
                r = result
            }
            let base = input.bytes
            let recordLength = r.contentEnd - pos
            if r.fieldCount == 1 && recordLength == 0 {
                line += 1
                pos = r.next
                continue
            }
            records += 1
            if r.badQuote >= 0 {
                if r.newlines > 0 && rejectFirstLine(&rejects) { continue }
                reject(
                    &rejects, .invalidQuote, "unexpected character after closing quote at byte \(r.badQuote)",
                    length: recordLength)
            } else if validateUTF8 && r.highBit, let bad = UTF8Validation.firstInvalidByte(base + pos, recordLength) {
                reject(&rejects, .invalidUTF8, "invalid UTF-8 at byte \(bad)", length: recordLength)
            } else if r.fieldCount != expectedFields {
                reject(
                    &rejects, .wrongFieldCount, "wrong field count: expected \(expectedFields), got \(r.fieldCount)",
                    length: recordLength)
            } else {
                let row = builders.isEmpty ? 0 : builders[0].count
                for ci in 0..<columnCount {
                    let span = spans[fieldIndex[ci]]
                    let (p, n) =
                        span.escaped ? fieldBytes(span) : (UnsafePointer(base + span.start), span.end - span.start)
                    if FieldConverter.appendFast(plans[ci], p, n, to: &builders[ci]) { continue }
                    do throws(ValueFailure) {
                        try converters[ci].append(text: p, count: n, to: &builders[ci])
                    } catch {
                        for k in 0..<ci { builders[k].truncate(to: row) }
                        reject(&rejects, error.kind, error.reason, length: recordLength)
                        break
                    }
                }
            }
            line += 1 + r.newlines
            pos = r.next
        }
        if records == 0 && finished && line == firstLine { return nil }
        batchStart = line
        let frame: Frame
        do {
            frame = try Frame(schema: schema, columns: builders.indices.map { builders[$0].finish() })
        } catch {
            preconditionFailure("builders disagree with the schema: \(error)")
        }
        return IngestBatch(frame: frame, rejects: rejects, firstLine: firstLine, linesRead: line - firstLine)
    }

    // MARK: Scanning

    private enum Event {
        case record(DelimitedScanner.Result)
        case unterminated
        case tooLong(inQuote: Bool)
    }

    /// The next record at `pos`, refilling the window as needed; nil at the end of the file.
    private func scanNext() throws(IngestError) -> Event? {
        while true {
            if pos == input.end {
                if input.atEOF { return nil }
                pos -= try input.refill(keeping: pos)
                continue
            }
            let r = scanner.scan(
                input.bytes, from: pos, end: input.end, atEOF: input.atEOF, spans: spans, capacity: spanCapacity)
            switch r.status {
            case .record: return .record(r)
            case .unterminated: return .unterminated
            case .tooManyFields:
                spans.deallocate()
                spanCapacity *= 2
                spans = .allocate(capacity: spanCapacity)
            case .needMore:
                if input.end - pos >= maxRecordBytes { return .tooLong(inQuote: r.inQuote) }
                pos -= try input.refill(keeping: pos)
            }
        }
    }

    /// The bytes of a field, with doubled quotes collapsed (into `scratch`) when it has any.
    private func fieldBytes(_ span: FieldSpan) -> (UnsafePointer<UInt8>, Int) {
        let base = input.bytes
        let n = span.end - span.start
        guard span.escaped else { return (UnsafePointer(base + span.start), n) }
        if n > scratchCapacity {
            scratch.deallocate()
            scratchCapacity = max(n, 2 * scratchCapacity)
            scratch = .allocate(capacity: scratchCapacity)
        }
        let q = UInt8(truncatingIfNeeded: scanner.quote)
        var o = 0
        var i = span.start
        while i < span.end {
            let b = base[i]
            scratch[o] = b
            o += 1
            i += b == q ? 2 : 1
        }
        return (UnsafePointer(scratch), o)
    }

    // MARK: Rejects

    /// Refuses the record at `pos` (its first `length` bytes of text) and leaves `pos` for the caller to move.
    private func reject(_ rejects: inout [Reject], _ kind: RejectKind, _ reason: String, length: Int) {
        let raw = Reject.rawText(UnsafeRawBufferPointer(start: input.bytes + pos, count: length))
        rejects.append(Reject(source: sourceName, line: line, raw: raw, reason: reason, kind: kind))
    }

    /// Refuses only the first physical line of the record at `pos` as an unterminated quote and
    /// moves past that line; false when the line does not end within the window.
    private func rejectFirstLine(_ rejects: inout [Reject]) -> Bool {
        let base = input.bytes
        var i = pos
        while i < input.end && base[i] != 0x0A { i += 1 }
        guard i < input.end || input.atEOF else { return false }
        var contentEnd = i
        if contentEnd > pos && base[contentEnd - 1] == 0x0D { contentEnd -= 1 }
        reject(&rejects, .unterminatedQuote, "unterminated quoted field", length: contentEnd - pos)
        line += 1
        pos = i < input.end ? i + 1 : i
        return true
    }

    /// Refuses a line longer than `maxRecordBytes` and discards it up to its LF.
    private func skipLongLine(_ rejects: inout [Reject], inQuote: Bool) throws(IngestError) {
        reject(
            &rejects, inQuote ? .unterminatedQuote : .recordTooLong,
            inQuote ? "unterminated quoted field" : "record longer than \(maxRecordBytes) bytes",
            length: min(input.end - pos, Reject.maxRawBytes + 4))
        while true {
            let base = input.bytes
            var i = pos
            while i < input.end && base[i] != 0x0A { i += 1 }
            if i < input.end {
                pos = i + 1
                break
            }
            pos = input.end
            if input.atEOF { break }
            pos -= try input.refill(keeping: pos)
        }
        line += 1
    }
}
