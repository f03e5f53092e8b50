/// Where one field lies in the text window.
struct FieldSpan {
    var start: Int
    var end: Int
    /// A quoted field holding doubled quotes, which must be collapsed before use.
    var escaped: Bool
}

/// Splits delimited text (RFC 4180) into records, one at a time, straight from the byte window.
///
/// Quoted fields may hold delimiters, doubled quotes, CR and LF. A record ends at LF (a CR just
/// before it is dropped) outside quotes, or at the end of the file. A quote character inside an
/// unquoted field is an ordinary character.
struct DelimitedScanner {
    let delimiter: UInt8
    /// The quote byte as an Int, or -1 (which no byte equals) when quoting is off.
    let quote: Int

    enum Status {
        /// A whole record: `fieldCount` spans, text up to `contentEnd`, the next record at `next`.
        case record
        /// The window ends inside the record and the file goes on: refill and scan again.
        case needMore
        /// The file ends inside a quoted field.
        case unterminated
        /// More fields than the span buffer holds: grow it and scan again.
        case tooManyFields
    }

    struct Result {
        var status: Status
        var fieldCount = 0
        var contentEnd = 0
        var next = 0
        /// LFs inside quoted fields: the record covers `1 + newlines` physical lines.
        var newlines = 0
        /// Some byte of the record is ≥ 0x80 (only then is UTF-8 validation needed).
        var highBit = false
        /// The offset, from the record start, of a character after a closing quote that is neither a
        /// delimiter nor a line end; -1 when there is none.
        var badQuote = -1
        /// For `.needMore`: whether the window ends inside a quoted field.
        var inQuote = false
    }

    /// Scans the record starting at `from` in `base[0..<end]`.
    @inline(__always)
    func scan(
        _ base: UnsafePointer<UInt8>, from: Int, end: Int, atEOF: Bool,
        spans: UnsafeMutablePointer<FieldSpan>, capacity: Int
    ) -> Result {
        let lf: UInt8 = 0x0A
        let cr: UInt8 = 0x0D
        let delim = delimiter
        var p = from
        var fields = 0
        var newlines = 0
        var high: UInt8 = 0
        var badQuote = -1
        while true {
            if fields == capacity { return Result(status: .tooManyFields) }
            let fieldStart = p
            if p < end && Int(base[p]) == quote {
                // Quoted field.
                p += 1
                var escaped = false
                while true {
                    while p < end {
                        let b = base[p]
                        if Int(b) == quote { break }
                        high |= b
                        if b == lf { newlines += 1 }
                        p += 1
                    }
                    if p == end {
                        if atEOF { return Result(status: .unterminated) }
                        return Result(status: .needMore, inQuote: true)
                    }
                    // base[p] is a quote: doubled, or the closing one?
                    if p + 1 == end && !atEOF { return Result(status: .needMore, inQuote: true) }
                    if p + 1 < end && Int(base[p + 1]) == quote {
                        escaped = true
                        p += 2
                        continue
                    }
                    break
                }
                spans[fields] = FieldSpan(start: fieldStart + 1, end: p, escaped: escaped)
                fields += 1
                p += 1
                if p == end {
                    // Only at EOF (checked above).
                    return Result(
                        status: .record, fieldCount: fields, contentEnd: p, next: p, newlines: newlines,
                        highBit: high >= 0x80, badQuote: badQuote)
                }
                let b = base[p]
                if b == delim {
                    p += 1
                    continue
                }
                if b == lf {
                    return Result(
                        status: .record, fieldCount: fields, contentEnd: p, next: p + 1, newlines: newlines,
                        highBit: high >= 0x80, badQuote: badQuote)
                }
                if b == cr {
                    if p + 1 == end {
                        if !atEOF { return Result(status: .needMore) }
                        return Result(
                            status: .record, fieldCount: fields, contentEnd: p, next: p + 1, newlines: newlines,
                            highBit: high >= 0x80, badQuote: badQuote)
                    }
                    if base[p + 1] == lf {
                        return Result(
                            status: .record, fieldCount: fields, contentEnd: p, next: p + 2, newlines: newlines,
                            highBit: high >= 0x80, badQuote: badQuote)
                    }
                }
                // Something after the closing quote: note it, and read on to the end of the field
                // so that the record's extent is still known (the record is refused anyway).
                if badQuote < 0 { badQuote = p - from }
                fields -= 1
                while p < end {
                    let c = base[p]
                    if c == delim || c == lf { break }
                    high |= c
                    p += 1
                }
            } else {
                // Unquoted field.
                while p < end {
                    let b = base[p]
                    if b == delim || b == lf { break }
                    high |= b
                    p += 1
                }
            }
            // The field is base[fieldStart..<p]; p is at a delimiter, an LF or the window's end.
            if p < end && base[p] == delim {
                spans[fields] = FieldSpan(start: fieldStart, end: p, escaped: false)
                fields += 1
                p += 1
                continue
            }
            if p == end && !atEOF { return Result(status: .needMore) }
            var contentEnd = p
            if contentEnd > fieldStart && base[contentEnd - 1] == cr { contentEnd -= 1 }
            spans[fields] = FieldSpan(start: fieldStart, end: contentEnd, escaped: false)
            fields += 1
            return Result(
                status: .record, fieldCount: fields, contentEnd: contentEnd, next: p < end ? p + 1 : p,
                newlines: newlines, highBit: high >= 0x80, badQuote: badQuote)
        }
    }
}
