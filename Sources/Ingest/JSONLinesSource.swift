import Frame
import Glibc

/// JSON Lines sources: one object a line, keys mapped by `ColumnMapping.source`.
///
/// A missing key or `null` is null. Strings bound for non-string columns are parsed with the
/// text rules (null tokens, trimming, formats); numbers keep their exact text, so an int column
/// reads `42` but refuses `42.5`; a nested object or array in a mapped key refuses the row
/// ("column 'x': expected a scalar"). Blank lines are skipped; a line that is not one JSON
/// object is `invalid_json`.
final class JSONLinesSource: RecordSource {
    let schema: Schema
    let path: String
    private let sourceName: String
    private let input: TextInput
    private let validateUTF8: Bool
    private let batchRows: Int
    private let maxRecordBytes: Int
    /// One converter per output column, in memory that the hot loop borrows from without copying
    /// (indexing an array of structs copies each one, with its references, per value).
    private let converters: UnsafeMutableBufferPointer<FieldConverter>
    /// The scanner slot of each output column.
    private let slotIndex: [Int]
    private var scanner: JSONLineScanner
    private var builders: [ColumnBuilder]
    private var pos: Int
    private var line = 1
    private var finished = false

    init(
        path: String, options: SourceOptions, sourceName: String,
        maxRecordBytes: Int = DelimitedSource.defaultMaxRecordBytes
    ) throws(IngestError) {
        self.path = path
        self.sourceName = sourceName
        self.maxRecordBytes = maxRecordBytes
        batchRows = options.batchRows
        validateUTF8 = options.encoding == .utf8
        input = try TextInput(path: path, encoding: options.encoding)
        pos = input.textStart
        let tokens = NullTokens(options.nullTokens)
        converters = .allocate(capacity: options.columns.count)
        _ = converters.initialize(from: options.columns.map { FieldConverter($0, nullTokens: tokens) })
        schema = Schema(options.columns.map { $0.field! })
        var keys: [String] = []
        for c in options.columns where !keys.contains(c.source) { keys.append(c.source) }
        slotIndex = options.columns.map { c in keys.firstIndex(of: c.source)! }
        scanner = JSONLineScanner(keys: keys)
        builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: min(options.batchRows, 1 << 16)) }

        // The first non-blank line must exist; if it is an object holding none of the mapped
        // keys, the mapping is for some other file.
        var lookahead = pos
        while true {
            guard let (start, end, _) = try nextLine(from: &lookahead) else { throw .emptySource(path: path) }
            if Self.isBlank(input.bytes + start, end - start) { continue }
            scanner.collectedKeys = []
            defer { scanner.collectedKeys = nil }
            var holdsNoMappedKey = false
            do throws(JSONLineScanner.Failure) {
                try scanner.scan(input.bytes + start, end - start)
                holdsNoMappedKey = !scanner.slots.contains { $0.kind != .missing }
            } catch {
                // A bad first line is that line's reject, not the file's failure.
            }
            if holdsNoMappedKey {
                throw .headerMismatch(path: path, missing: keys, available: scanner.collectedKeys ?? [])
            }
            break
        }
    }

    deinit {
        converters.deinitialize()
        converters.deallocate()
    }

    private static func isBlank(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        for i in 0..<n where p[i] != 0x20 && p[i] != 0x09 && p[i] != 0x0D { return false }
        return true
    }

    /// The next line from `cursor` as (start, end without CR/LF, tooLong); nil at the end of the
    /// file. Refilling the window moves `pos` and `cursor` alike.
    private func nextLine(from cursor: inout Int) throws(IngestError) -> (Int, Int, Bool)? {
        while true {
            let available = input.end - cursor
            if available == 0 && input.atEOF { return nil }
            if available > 0, let hit = memchr(input.bytes + cursor, 0x0A, available) {
                let lf = cursor + (hit.assumingMemoryBound(to: UInt8.self) - (input.bytes + cursor))
                let start = cursor
                cursor = lf + 1
                var end = lf
                if end > start && input.bytes[end - 1] == 0x0D { end -= 1 }
                return (start, end, false)
            }
            if input.atEOF {
                let start = cursor
                cursor = input.end
                var end = input.end
                if end > start && input.bytes[end - 1] == 0x0D { end -= 1 }
                return (start, end, false)
            }
            if available >= maxRecordBytes { return (cursor, input.end, true) }
            let shift = try input.refill(keeping: min(pos, cursor))
            pos -= shift
            cursor -= shift
        }
    }

    func nextBatch() throws(IngestError) -> IngestBatch? {
        if finished { return nil }
        let firstLine = line
        var rejects: [Reject] = []
        var records = 0
        var builders = self.builders
        self.builders = []
        defer { self.builders = builders }
        let converters = self.converters
        let plans = converters.map(\.plan)

        while records < batchRows {
            var cursor = pos
            guard let (start, end, tooLong) = try nextLine(from: &cursor) else {
                finished = true
                break
            }
            let p = input.bytes + start
            let n = end - start
            if tooLong {
                records += 1
                rejects.append(
                    Reject(
                        source: sourceName, line: line,
                        raw: Reject.rawText(UnsafeRawBufferPointer(start: p, count: min(n, Reject.maxRawBytes + 4))),
                        reason: "record longer than \(maxRecordBytes) bytes", kind: .recordTooLong))
                try skipRestOfLine()
                line += 1
                continue
            }
            pos = cursor
            defer { line += 1 }
            if Self.isBlank(p, n) { continue }
            records += 1
            func refuse(_ kind: RejectKind, _ reason: String) {
                rejects.append(
                    Reject(
                        source: sourceName, line: line, raw: Reject.rawText(UnsafeRawBufferPointer(start: p, count: n)),
                        reason: reason, kind: kind))
            }
            if validateUTF8, let bad = UTF8Validation.firstInvalidByte(p, n) {
                refuse(.invalidUTF8, "invalid UTF-8 at byte \(bad)")
                continue
            }
            do throws(JSONLineScanner.Failure) {
                try scanner.scan(p, n)
            } catch {
                refuse(.invalidJSON, "invalid JSON: \(error.detail)")
                continue
            }
            let row = builders.isEmpty ? 0 : builders[0].count
            for ci in converters.indices {
                let slot = scanner.slots[slotIndex[ci]]
                if slot.kind == .number,
                    FieldConverter.appendFast(plans[ci], p + slot.start, slot.end - slot.start, to: &builders[ci])
                {
                    continue
                }
                do throws(ValueFailure) {
                    try append(scanner.slots[slotIndex[ci]], line: p, converters[ci], to: &builders[ci])
                } catch {
                    for k in 0..<ci { builders[k].truncate(to: row) }
                    refuse(error.kind, error.reason)
                    break
                }
            }
        }
        if records == 0 && finished && line == firstLine { return nil }
        let frame = try! Frame(schema: schema, columns: builders.indices.map { builders[$0].finish() })
        return IngestBatch(frame: frame, rejects: rejects, firstLine: firstLine, linesRead: line - firstLine)
    }

    private func append(
        _ slot: JSONLineScanner.Slot, line p: UnsafePointer<UInt8>, _ converter: FieldConverter,
        to builder: inout ColumnBuilder
    ) throws(ValueFailure) {
        switch slot.kind {
        case .missing, .null:
            try converter.appendNull(to: &builder)
        case .nested:
            throw ValueFailure(kind: .unparsableValue, reason: "column '\(converter.name)': expected a scalar")
        case .bool:
            if converter.dataType == .bool {
                builder.append(bool: slot.bool)
            } else {
                try converter.append(text: slot.bool ? "true" : "false", nullTokens: false, to: &builder)
            }
        case .number:
            try converter.append(text: p + slot.start, count: slot.end - slot.start, nullTokens: false, to: &builder)
        case .string:
            let useTokens = converter.dataType != .string
            let failure: ValueFailure? = scanner.scratch.withUnsafeBufferPointer { buf in
                do throws(ValueFailure) {
                    try converter.append(
                        text: (buf.baseAddress ?? UnsafePointer(bitPattern: 1)!) + slot.start,
                        count: slot.end - slot.start, nullTokens: useTokens,
                        to: &builder)
                    return nil
                } catch { return error }
            }
            if let failure { throw failure }
        }
    }

    /// Discards the rest of an over-long line, up to and including its LF.
    private func skipRestOfLine() throws(IngestError) {
        while true {
            let available = input.end - pos
            if available > 0, let hit = memchr(input.bytes + pos, 0x0A, available) {
                pos += hit.assumingMemoryBound(to: UInt8.self) - (input.bytes + pos) + 1
                return
            }
            pos = input.end
            if input.atEOF { return }
            pos -= try input.refill(keeping: pos)
        }
    }
}
