import Frame

/// Guesses how to read a CSV, TSV or JSON Lines file from a sample of its bytes: format,
/// delimiter, quote, header, encoding, line ends, and each column's type (with its timestamp or
/// date format) and nullability.
///
/// A pure function of the sample, the hints and the settings, so it is deterministic and can be
/// fuzzed; its work is bounded by the sample's size (a fixed number of dialects tried on the
/// head, a fixed list of candidate types per value, at most `maxColumns` columns).
///
/// The rules, in the order they are applied:
/// * **alignment**: the head starts at the file's first byte (after a UTF-8 byte order mark);
///   every other chunk starts after its first line break, and then after the first of its next
///   few line breaks from which several records in a row have the file's field count (a chunk
///   may start inside a quoted field that holds line breaks); a chunk's last, cut record is dropped;
/// * **encoding**: UTF-8 unless more lines than the tolerated share hold invalid UTF-8 and they
///   outnumber the lines with valid non-ASCII UTF-8; then Latin-1. A few bad lines in a UTF-8
///   file stay bad lines (rejects), as a few bad values stay rejects;
/// * **format**: JSON Lines when the first non-blank byte is `{`, else delimited;
/// * **dialect**: each delimiter (`,` `;` `|` tab) and quote (`"`, `'`, none) is tried on the
///   head's first records; the most consistent field count (above one field) wins, ties going to
///   the earlier candidate;
/// * **types**: see `ColumnProfile`: the most specific type that all but a tolerated share
///   (`SniffSettings.maxExceptionShare`) of the sample's values fit; integers with a leading zero
///   or too long for 64 bits make a column a string; an integer column is an epoch timestamp only
///   when its name says time and its values fall in 1990–2100;
/// * **header**: the first record is a header when its cells are not null and do not fit the
///   types the other records give their columns, or (all columns being strings) when its cells
///   are distinct and appear nowhere else in their columns.
public enum Sniffer {
    /// Columns beyond this many are not typed (a pathological file stays cheap to sniff).
    static let maxColumns = 4096
    /// Records of the head each dialect is tried on.
    static let dialectRecords = 200
    /// Records in a row a chunk must parse with the file's field count to be trusted.
    static let resyncRecords = 4
    static let resyncLines = 8

    public static func sniff(
        sample: SniffSample, hints: SniffHints = SniffHints(), settings: SniffSettings = SniffSettings()
    ) -> SniffResult {
        var pieces = align(sample)
        let encoding = hints.encoding ?? detectEncoding(pieces, settings: settings)
        if encoding == .latin1 { pieces = pieces.map { Piece(bytes: transcode($0.bytes), atEOF: $0.atEOF) } }
        let lineEnding = detectLineEnding(pieces.first?.bytes ?? [])
        let format = hints.format ?? (firstNonBlankByte(pieces.first?.bytes ?? []) == UInt8(ascii: "{") ? .jsonl : .csv)
        var notes: [String] = []
        if lineEnding == .cr {
            notes.append("lines end in a bare CR, which the readers do not split on; convert the file to LF line ends")
        }
        var result: SniffResult
        if format == .jsonl {
            result = sniffJSONLines(pieces, hints: hints, settings: settings, notes: &notes)
        } else {
            result = sniffDelimited(pieces, format: format, hints: hints, settings: settings, notes: &notes)
        }
        result.options.encoding = encoding
        result.lineEnding = lineEnding
        result.sampledBytes = pieces.reduce(0) { $0 + $1.bytes.count }
        result.wholeFile = sample.wholeFile
        result.notes = notes
        return result
    }

    // MARK: Alignment and encoding

    /// A stretch of whole lines.
    struct Piece {
        var bytes: [UInt8]
        /// Whether it ends where the file ends (its last record is complete even without a line break).
        var atEOF: Bool
    }

    static func align(_ sample: SniffSample) -> [Piece] {
        var out: [Piece] = []
        for (k, chunk) in sample.chunks.enumerated() {
            let last = k == sample.chunks.count - 1
            let atEOF = last && sample.reachesEnd
            var start = 0
            if k == 0 {
                if chunk.count >= 3 && chunk[0] == 0xEF && chunk[1] == 0xBB && chunk[2] == 0xBF { start = 3 }
            } else {
                guard let lf = chunk.firstIndex(of: 0x0A) else { continue }
                start = lf + 1
            }
            var end = chunk.count
            if !atEOF {
                guard let lf = chunk.lastIndex(of: 0x0A), lf >= start else {
                    if k == 0 { out.append(Piece(bytes: Array(chunk[start...]), atEOF: false)) }
                    continue
                }
                end = lf + 1
            }
            if k == 0 || start < end { out.append(Piece(bytes: Array(chunk[start..<end]), atEOF: atEOF)) }
        }
        if out.isEmpty { out.append(Piece(bytes: [], atEOF: true)) }
        return out
    }

    static func detectEncoding(_ pieces: [Piece], settings: SniffSettings) -> TextEncoding {
        var lines = 0
        var invalid = 0
        var validNonASCII = 0
        forEachLine(pieces, skippingBlank: false) { p, n in
            lines += 1
            var high = false
            for k in 0..<n where p[k] >= 0x80 {
                high = true
                break
            }
            guard high else { return }
            if UTF8Validation.firstInvalidByte(p, n) != nil { invalid += 1 } else { validNonASCII += 1 }
        }
        return invalid > settings.allowedExceptions(lines) && invalid > validNonASCII ? .latin1 : .utf8
    }

    static func transcode(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 2 * bytes.count)
        let n = bytes.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                UTF8Validation.transcodeLatin1(
                    src.baseAddress ?? UnsafePointer(bitPattern: 1)!, src.count, to: dst.baseAddress!)
            }
        }
        out.removeLast(out.count - n)
        return out
    }

    static func detectLineEnding(_ bytes: [UInt8]) -> LineEnding {
        var lf = 0
        var crlf = 0
        var cr = 0
        for (i, b) in bytes.enumerated() {
            if b == 0x0A {
                if i > 0 && bytes[i - 1] == 0x0D { crlf += 1 } else { lf += 1 }
            } else if b == 0x0D && (i + 1 == bytes.count || bytes[i + 1] != 0x0A) && i + 1 < bytes.count {
                cr += 1
            }
        }
        if lf == 0 && crlf == 0 { return cr > 0 ? .cr : .none }
        return crlf > lf ? .crlf : .lf
    }

    static func firstNonBlankByte(_ bytes: [UInt8]) -> UInt8? {
        bytes.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
    }

    // MARK: Delimited text

    static let delimiterCandidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "|"), 0x09]
    static let quoteCandidates: [Int] = [Int(UInt8(ascii: "\"")), Int(UInt8(ascii: "'")), -1]

    static func sniffDelimited(
        _ pieces: [Piece], format: SourceFormat, hints: SniffHints, settings: SniffSettings, notes: inout [String]
    ) -> SniffResult {
        let delimiters: [UInt8] =
            if let d = hints.delimiter?.utf8.first { [d] } else if format == .tsv { [0x09] } else {
                delimiterCandidates
            }
        let quotes: [Int] =
            if let q = hints.quote { [q.utf8.first.map(Int.init) ?? -1] } else { quoteCandidates }
        let head = pieces[0]
        var best: (scanner: DelimitedScanner, score: Double, fields: Int)?
        for q in quotes {
            for d in delimiters where Int(d) != q {
                let scanner = DelimitedScanner(delimiter: d, quote: q)
                let (score, fields) = dialectScore(head, scanner)
                if best == nil || score > best!.score || (score == best!.score && fields > best!.fields && score > 0) {
                    best = (scanner, score, fields)
                }
            }
        }
        let scanner = best?.scanner ?? DelimitedScanner(delimiter: delimiters[0], quote: quotes[0])
        let nullTokens = NullTokens(hints.nullTokens)

        // The head's first record, kept apart until the header is decided.
        var firstRecord: [[UInt8]] = []
        var firstIsRegular = false
        var expected = max(best?.fields ?? 1, 1)
        walkRecords(head.bytes, from: 0, atEOF: head.atEOF, scanner: scanner, maxRecords: 1) { fields, bad in
            firstRecord = fields
            firstIsRegular = !bad
            return false
        }
        if best == nil || best!.score == 0 { expected = max(firstRecord.count, 1) }
        let columnCount = min(expected, maxColumns)
        if expected > maxColumns { notes.append("only the first \(maxColumns) of \(expected) columns were typed") }

        var profiles = [ColumnProfile](repeating: ColumnProfile(), count: columnCount)
        var records = 0
        var irregular = 0
        func take(_ fields: [[UInt8]], _ bad: Bool) {
            guard fields.count == expected, !bad else {
                irregular += 1
                return
            }
            records += 1
            for c in 0..<columnCount { profiles[c].addCell(fields[c], nullTokens) }
        }
        for (k, piece) in pieces.enumerated() {
            var start = 0
            if k == 0 {
                // Past the first record.
                var skipped = false
                start = walkRecords(piece.bytes, from: 0, atEOF: piece.atEOF, scanner: scanner, maxRecords: 1) { _, _ in
                    skipped = true
                    return false
                }
                if !skipped { continue }
            } else {
                guard let s = resync(piece, scanner: scanner, expected: expected) else { continue }
                start = s
            }
            walkRecords(piece.bytes, from: start, atEOF: piece.atEOF, scanner: scanner, maxRecords: Int.max) {
                take($0, $1)
                return true
            }
        }

        let names = firstRecord.map { trimmedText($0) }
        var header: Bool
        if let h = hints.header {
            header = h
        } else {
            header = isHeader(
                firstRecord, regular: firstIsRegular && firstRecord.count == expected, profiles: profiles,
                names: names, settings: settings, nullTokens: nullTokens)
        }
        if !header && !firstRecord.isEmpty { take(firstRecord, !firstIsRegular) }

        var columns: [SniffedColumn] = []
        var seen: Set<String> = []
        for c in 0..<columnCount {
            let name: String
            let source: String
            if header {
                let raw = c < firstRecord.count ? String(decoding: firstRecord[c], as: UTF8.self) : ""
                let trimmed = c < names.count ? names[c] : ""
                if raw.isEmpty {
                    notes.append("column \(c + 1) has no name in the header; left out")
                    continue
                }
                if seen.contains(raw) {
                    notes.append("column \(c + 1) repeats the header name '\(raw)'; left out")
                    continue
                }
                seen.insert(raw)
                name = trimmed.isEmpty ? raw : trimmed
                source = raw
            } else {
                name = "column\(c + 1)"
                source = String(c + 1)
            }
            columns.append(column(name: name, source: source, profiles[c], settings: settings, notes: &notes))
        }
        var options = SourceOptions(
            format: format, delimiter: String(UnicodeScalar(scanner.delimiter)),
            quote: scanner.quote < 0 ? "" : String(UnicodeScalar(UInt8(scanner.quote))), header: header,
            nullTokens: hints.nullTokens, columns: columns.map(\.mapping))
        options.sampleBytes = settings.sampleBytes
        return SniffResult(
            options: options, lineEnding: .none, columns: columns, sampledBytes: 0, wholeFile: false,
            sampledRecords: records, irregularRecords: irregular, notes: [])
    }

    /// How well a dialect splits the head: the share of its first records that have the most
    /// common field count (when that count is above one) and no quote error, and that count.
    static func dialectScore(_ head: Piece, _ scanner: DelimitedScanner) -> (Double, Int) {
        var counts: [Int: Int] = [:]
        var bad = 0
        var total = 0
        var fieldCounts: [Int] = []
        walkRecords(head.bytes, from: 0, atEOF: head.atEOF, scanner: scanner, maxRecords: dialectRecords) {
            fields, quoteError in
            total += 1
            if quoteError { bad += 1 } else { counts[fields.count, default: 0] += 1 }
            fieldCounts.append(fields.count)
            return true
        }
        guard total > 0, let mode = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) })
        else { return (0, 0) }
        if mode.key < 2 { return (0, mode.key) }
        return (Double(mode.value) / Double(total), mode.key)
    }

    /// Where records of `piece` can be trusted to start: after its first line break (which
    /// `align` already skipped), or after one of the next few, the first from which
    /// `resyncRecords` records in a row have the file's field count.
    static func resync(_ piece: Piece, scanner: DelimitedScanner, expected: Int) -> Int? {
        var start = 0
        for _ in 0..<resyncLines {
            var good = 0
            var failed = false
            walkRecords(piece.bytes, from: start, atEOF: piece.atEOF, scanner: scanner, maxRecords: resyncRecords) {
                fields, bad in
                if bad || fields.count != expected {
                    failed = true
                    return false
                }
                good += 1
                return true
            }
            if !failed && good > 0 { return start }
            guard let lf = piece.bytes[start...].firstIndex(of: 0x0A) else { return nil }
            start = lf + 1
            if start >= piece.bytes.count { return nil }
        }
        return nil
    }

    /// Calls `body` with each record's fields (doubled quotes collapsed) and whether it has a
    /// quote error, from `from` until `body` returns false, the text ends, or a record is cut by
    /// the end of the text; blank lines are skipped. Returns where it stopped.
    @discardableResult
    static func walkRecords(
        _ bytes: [UInt8], from: Int, atEOF: Bool, scanner: DelimitedScanner, maxRecords: Int,
        _ body: ([[UInt8]], Bool) -> Bool
    ) -> Int {
        var capacity = 64
        var spans = UnsafeMutablePointer<FieldSpan>.allocate(capacity: capacity)
        defer { spans.deallocate() }
        return bytes.withUnsafeBufferPointer { buf -> Int in
            guard let base = buf.baseAddress else { return from }
            var pos = from
            var seen = 0
            while pos < buf.count && seen < maxRecords {
                let r = scanner.scan(base, from: pos, end: buf.count, atEOF: atEOF, spans: spans, capacity: capacity)
                switch r.status {
                case .tooManyFields:
                    if capacity >= maxColumns * 4 { return pos }
                    spans.deallocate()
                    capacity *= 2
                    spans = .allocate(capacity: capacity)
                    continue
                case .needMore:
                    return pos
                case .unterminated:
                    _ = body([], true)
                    return buf.count
                case .record:
                    break
                }
                let next = max(r.next, pos + 1)
                if r.fieldCount == 1 && r.contentEnd == pos {
                    pos = next
                    continue
                }
                seen += 1
                var fields: [[UInt8]] = []
                fields.reserveCapacity(r.fieldCount)
                for k in 0..<r.fieldCount {
                    let span = spans[k]
                    var field = Array(UnsafeBufferPointer(start: base + span.start, count: span.end - span.start))
                    if span.escaped { field = collapseQuotes(field, quote: UInt8(truncatingIfNeeded: scanner.quote)) }
                    fields.append(field)
                }
                pos = next
                if !body(fields, r.badQuote >= 0) { return pos }
            }
            return pos
        }
    }

    static func collapseQuotes(_ field: [UInt8], quote: UInt8) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(field.count)
        var i = 0
        while i < field.count {
            out.append(field[i])
            i += field[i] == quote ? 2 : 1
        }
        return out
    }

    static func trimmed(_ field: [UInt8]) -> ArraySlice<UInt8> {
        var s = field[...]
        while let f = s.first, f == 0x20 || f == 0x09 { s = s.dropFirst() }
        while let l = s.last, l == 0x20 || l == 0x09 { s = s.dropLast() }
        return s
    }

    static func trimmedText(_ field: [UInt8]) -> String { String(decoding: trimmed(field), as: UTF8.self) }

    static func isHeader(
        _ first: [[UInt8]], regular: Bool, profiles: [ColumnProfile], names: [String], settings: SniffSettings,
        nullTokens: NullTokens
    ) -> Bool {
        guard regular, !first.isEmpty else { return false }
        for cell in first {
            let t = Array(trimmed(cell))
            if t.withUnsafeBufferPointer({
                nullTokens.matches($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, t.count)
            }) {
                return false
            }
        }
        var headerVotes = 0
        var dataVotes = 0
        var anyTyped = false
        for (c, profile) in profiles.enumerated() where profile.values > 0 {
            let (type, format, _) = profile.choice(
                allowedExceptions: settings.allowedExceptions(profile.values), timeNamed: true)
            guard type != .string else { continue }
            anyTyped = true
            var one = ColumnProfile(trackDistinct: false)
            one.addCell(first[c], nullTokens)
            let k = ColumnProfile.candidates.firstIndex { $0.type == type && $0.format == format }!
            if one.failures[k] == 0 { dataVotes += 1 } else { headerVotes += 1 }
        }
        if anyTyped { return headerVotes >= dataVotes }
        // Every column a string: a header's names are distinct and are not values of their columns.
        guard Set(names).count == names.count else { return false }
        for (c, profile) in profiles.enumerated() {
            guard let distinct = profile.distinct else { continue }
            if distinct.contains(names[c]) { return false }
        }
        return true
    }

    static func column(
        name: String, source: String, _ profile: ColumnProfile, settings: SniffSettings, notes: inout [String]
    ) -> SniffedColumn {
        // An identifier tolerates no exception: `C536379` among invoice numbers is a cancellation,
        // not a bad number to reject, so one letter-prefixed code makes the column text.
        let identifier = isIdentifierNamed(name)
        let (type, format, exceptions) = profile.choice(
            allowedExceptions: identifier ? 0 : settings.allowedExceptions(profile.values),
            timeNamed: isTimeNamed(name))
        if identifier && type == .string,
            profile.choice(allowedExceptions: settings.allowedExceptions(profile.values), timeNamed: false).type
                != .string
        {
            notes.append("column '\(name)': an identifier with values that are not numbers; read as text")
        }
        if profile.isDayMonthAmbiguous(format: format) {
            notes.append(
                "column '\(name)': no value tells day-first from month-first dates; read as \(format!) (month first)")
        }
        if profile.leadingZeros > 0 && type == .string {
            notes.append(
                "column '\(name)': integers with leading zeros (\(profile.examples.first ?? "")…) kept as text")
        }
        let mapping = ColumnMapping(name, type, source: source, format: format)
        return SniffedColumn(
            mapping: mapping, values: profile.values, nulls: profile.nulls, exceptions: exceptions,
            distinctValues: profile.distinct?.count, examples: profile.examples)
    }

    /// Whether a column's name says it holds identifiers or codes (`id`, `customer_id`, `CustomerID`,
    /// `InvoiceNo`, `StockCode`, `order_number`, `sku`).
    public static func isIdentifierNamed(_ name: String) -> Bool {
        let lower = name.lowercased()
        if ["id", "key", "sku", "uuid", "guid", "code"].contains(lower) { return true }
        for suffix in ["_id", "-id", " id", "_key", "_uuid", "_code", "_no", "_number"] where lower.hasSuffix(suffix) {
            return true
        }
        return ["Id", "ID", "No", "Code", "Number", "Key"].contains { name.count > $0.count && name.hasSuffix($0) }
    }

    /// Whether a column's name says it holds times (`timestamp`, `created_at`, `eventTime`, `ts`).
    static func isTimeNamed(_ name: String) -> Bool {
        let lower = name.lowercased()
        for word in ["time", "date", "epoch", "created", "updated", "modified"] where lower.contains(word) {
            return true
        }
        let tokens = lower.split { !$0.isLetter && !$0.isNumber }
        return tokens.contains { $0 == "ts" || $0 == "at" } || name.hasSuffix("At") || name.hasSuffix("Ts")
    }

    // MARK: JSON Lines

    static func sniffJSONLines(_ pieces: [Piece], hints: SniffHints, settings: SniffSettings, notes: inout [String])
        -> SniffResult
    {
        let nullTokens = NullTokens(hints.nullTokens)
        var keys: [String] = []
        var keySet: Set<String> = []
        var irregular = 0
        var collector = JSONLineScanner(keys: [])
        forEachLine(pieces) { p, n in
            collector.collectedKeys = []
            do throws(JSONLineScanner.Failure) { try collector.scan(p, n) } catch {
                irregular += 1
                return
            }
            for k in collector.collectedKeys ?? [] where keys.count < maxColumns && !keySet.contains(k) {
                keys.append(k)
                keySet.insert(k)
            }
        }
        var scanner = JSONLineScanner(keys: keys)
        var profiles = [ColumnProfile](repeating: ColumnProfile(), count: keys.count)
        var records = 0
        forEachLine(pieces) { p, n in
            do throws(JSONLineScanner.Failure) { try scanner.scan(p, n) } catch { return }
            records += 1
            for (k, slot) in scanner.slots.enumerated() {
                switch slot.kind {
                case .missing, .null:
                    profiles[k].addNull()
                case .nested:
                    profiles[k].addNested()
                case .bool:
                    let word: StaticString = slot.bool ? "true" : "false"
                    profiles[k].add(
                        UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount), origin: .jsonBool)
                case .number:
                    profiles[k].add(
                        UnsafeRawBufferPointer(start: p + slot.start, count: slot.end - slot.start), origin: .jsonNumber
                    )
                case .string:
                    scanner.scratch.withUnsafeBufferPointer { buf in
                        let v = Array(trimmed(Array(buf[slot.start..<slot.end])))
                        v.withUnsafeBufferPointer { t in
                            let base = t.baseAddress ?? UnsafePointer(bitPattern: 1)!
                            if nullTokens.matches(base, t.count) {
                                profiles[k].addNull()
                            } else {
                                profiles[k].add(UnsafeRawBufferPointer(t), origin: .jsonString)
                            }
                        }
                    }
                }
            }
        }
        var columns: [SniffedColumn] = []
        for (k, key) in keys.enumerated() {
            if profiles[k].nested > 0 {
                notes.append("key '\(key)' holds objects or arrays; left out")
                continue
            }
            columns.append(column(name: key, source: key, profiles[k], settings: settings, notes: &notes))
        }
        var options = SourceOptions(format: .jsonl, nullTokens: hints.nullTokens, columns: columns.map(\.mapping))
        options.sampleBytes = settings.sampleBytes
        return SniffResult(
            options: options, lineEnding: .none, columns: columns, sampledBytes: 0, wholeFile: false,
            sampledRecords: records, irregularRecords: irregular, notes: [])
    }

    /// Each line of the pieces (but blank ones, when `skippingBlank`), without its line break.
    static func forEachLine(
        _ pieces: [Piece], skippingBlank: Bool = true, _ body: (UnsafePointer<UInt8>, Int) -> Void
    ) {
        for piece in pieces {
            piece.bytes.withUnsafeBufferPointer { buf in
                guard let base = buf.baseAddress else { return }
                var start = 0
                while start < buf.count {
                    var end = start
                    while end < buf.count && buf[end] != 0x0A { end += 1 }
                    var contentEnd = end
                    if contentEnd > start && buf[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                    if !skippingBlank || firstNonBlankByte(Array(buf[start..<contentEnd])) != nil {
                        body(base + start, contentEnd - start)
                    }
                    start = end + 1
                }
            }
        }
    }
}

extension ColumnProfile {
    /// Adds one delimited cell: null when it is a null token after trimming, else its trimmed text.
    mutating func addCell(_ cell: [UInt8], _ nullTokens: NullTokens) {
        let t = Array(Sniffer.trimmed(cell))
        t.withUnsafeBufferPointer { buf in
            let base = buf.baseAddress ?? UnsafePointer(bitPattern: 1)!
            if nullTokens.matches(base, buf.count) { addNull() } else { add(UnsafeRawBufferPointer(buf)) }
        }
    }
}
