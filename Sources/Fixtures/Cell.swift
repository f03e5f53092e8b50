import Frame

/// One field of a generated row, before it is encoded as CSV, JSON or a Parquet value.
///
/// `raw` carries bytes that are written as they are — the unparsable numbers and dates and the invalid
/// UTF-8 of planted malformed rows — so a malformation is planted in the same way for every text format.
enum Cell {
    case empty
    case int(Int64)
    /// A money amount in cents, written with exactly two decimals (`-12.50`).
    case cents(Int64)
    case text(String)
    /// Seconds since the Unix epoch, written as ISO 8601 UTC (`2026-10-31T23:59:59Z`).
    case timestamp(Int64)
    /// Days since 1970-01-01, written as `YYYY-MM-DD`.
    case date(Int)
    /// Bytes written verbatim (CSV) or verbatim inside a JSON string (JSON Lines).
    case raw([UInt8])
    /// A session id: `S` and the number, at least 8 digits (`S00000042`).
    case session(Int64)
}

/// How a row's text is damaged beyond its cells: the line-level malformations.
enum LineShape {
    case normal
    /// CSV: the last field opens a quote that never closes (the row is the file's last line, so the
    /// quoted field runs into the end of the file). JSON Lines: the last string value and the object are
    /// left unterminated.
    case unterminatedQuote
    /// JSON Lines: the object is cut before its closing brace (stands in for a CSV field-count error).
    case truncatedObject
}

/// Byte-level formatting shared by the encoders: integers, money, ISO dates and timestamps.
struct TextFormatter {
    /// `YYYY-MM-DD` of each day, from `firstDay`, grown on demand.
    private var dayTexts: [[UInt8]] = []
    private let firstDay: Int

    init(firstDay: Int) { self.firstDay = firstDay - 4_000 }

    static func appendInt(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 {
            out.append(UInt8(ascii: "-"))
            appendMagnitude(UInt64(bitPattern: 0 &- value), to: &out)
        } else {
            appendMagnitude(UInt64(value), to: &out)
        }
    }

    private static func appendMagnitude(_ value: UInt64, to out: inout [UInt8]) {
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = value
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            repeat {
                buf[count] = UInt8(48 + n % 10)
                n /= 10
                count += 1
            } while n > 0
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(buf[i]) }
        }
    }

    static func appendSession(_ session: Int64, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "S"))
        var width = 1
        var n = session
        while n >= 10 {
            n /= 10
            width += 1
        }
        if width < 8 { out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: 8 - width)) }
        appendMagnitude(UInt64(session), to: &out)
    }

    /// `-12.05` for −1205 cents.
    static func appendCents(_ cents: Int64, to out: inout [UInt8]) {
        if cents < 0 { out.append(UInt8(ascii: "-")) }
        let magnitude = cents.magnitude
        appendMagnitude(magnitude / 100, to: &out)
        out.append(UInt8(ascii: "."))
        out.append(UInt8(48 + magnitude % 100 / 10))
        out.append(UInt8(48 + magnitude % 10))
    }

    static func appendPadded(_ value: Int, width: Int, to out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        while divisor > 0 {
            out.append(UInt8(48 + v / divisor % 10))
            v %= divisor
            divisor /= 10
        }
    }

    /// The civil date of `day` (days since 1970-01-01).
    static func civil(_ day: Int) -> (year: Int, month: Int, day: Int) {
        let (y, m, d) = ValueFormatter.civilDate(days: Int64(day))
        return (Int(y), Int(m), Int(d))
    }

    static func dateText(_ day: Int) -> String {
        var out: [UInt8] = []
        appendDate(day, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func appendDate(_ day: Int, to out: inout [UInt8]) {
        let (y, m, d) = civil(day)
        appendPadded(y, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendPadded(m, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendPadded(d, width: 2, to: &out)
    }

    mutating func appendDateCached(_ day: Int, to out: inout [UInt8]) {
        let i = day - firstDay
        guard i >= 0 && i < 20_000 else { return Self.appendDate(day, to: &out) }
        while dayTexts.count <= i {
            var text: [UInt8] = []
            Self.appendDate(firstDay + dayTexts.count, to: &text)
            dayTexts.append(text)
        }
        out.append(contentsOf: dayTexts[i])
    }

    mutating func appendTimestamp(_ seconds: Int64, to out: inout [UInt8]) {
        let day = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let second = Int(seconds - Int64(day) * 86_400)
        appendDateCached(day, to: &out)
        out.append(UInt8(ascii: "T"))
        Self.appendPadded(second / 3600, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        Self.appendPadded(second / 60 % 60, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        Self.appendPadded(second % 60, width: 2, to: &out)
        out.append(UInt8(ascii: "Z"))
    }

    static func timestampText(_ seconds: Int64) -> String {
        var formatter = TextFormatter(firstDay: 0)
        var out: [UInt8] = []
        formatter.appendTimestamp(seconds, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
