/// How text (or a number) is read as a timestamp or a date.
///
/// Parsing never consults the locale: month names are English, digits are ASCII.
enum TimeFormat: Sendable, Equatable {
    /// `YYYY-MM-DD`, or `YYYY-MM-DD[T ]HH:MM[:SS[.fraction]][Z|±HH[:MM]]` (no offset means UTC).
    case iso8601
    case epochSeconds
    case epochMillis
    case epochMicros
    case pattern(String, [PatternPiece])

    enum PatternPiece: Sendable, Equatable {
        case literal(UInt8)
        case directive(UInt8)
    }

    static let namedFormats = ["iso8601", "epoch_s", "epoch_ms", "epoch_us"]
    /// Supported pattern directives (after `%`); `%%` is a literal percent sign.
    static let directives: [Character] = ["Y", "m", "d", "H", "M", "S", "f", "y", "b", "B", "z"]

    init(parsing text: String?) throws(TimeFormatError) {
        switch text ?? "iso8601" {
        case "iso8601": self = .iso8601
        case "epoch_s": self = .epochSeconds
        case "epoch_ms": self = .epochMillis
        case "epoch_us": self = .epochMicros
        case let pattern:
            guard pattern.contains("%") else { throw TimeFormatError(detail: "not a known format and no % directive") }
            var pieces: [PatternPiece] = []
            var bytes = Array(pattern.utf8)[...]
            while let b = bytes.popFirst() {
                guard b == UInt8(ascii: "%") else {
                    pieces.append(.literal(b))
                    continue
                }
                guard let d = bytes.popFirst() else { throw TimeFormatError(detail: "pattern ends with a lone %") }
                if d == UInt8(ascii: "%") {
                    pieces.append(.literal(d))
                } else if d < 0x80, Self.directives.contains(Character(Unicode.Scalar(d))) {
                    pieces.append(.directive(d))
                } else {
                    throw TimeFormatError(detail: "unsupported directive '%\(Character(Unicode.Scalar(d)))'")
                }
            }
            self = .pattern(pattern, pieces)
        }
    }

    /// The name used in reject reasons: "iso8601", "epoch_ms", or the pattern.
    var name: String {
        switch self {
        case .iso8601: "iso8601"
        case .epochSeconds: "epoch_s"
        case .epochMillis: "epoch_ms"
        case .epochMicros: "epoch_us"
        case .pattern(let p, _): p
        }
    }

    var isEpoch: Bool {
        switch self {
        case .epochSeconds, .epochMillis, .epochMicros: true
        default: false
        }
    }

    /// Microseconds per unit of an epoch format.
    var epochScale: Int64 {
        switch self {
        case .epochSeconds: 1_000_000
        case .epochMillis: 1000
        default: 1
        }
    }

    // MARK: Range

    /// The instants a timestamp may hold: 0001-01-01T00:00:00 to 9999-12-31T23:59:59.999999 UTC,
    /// the years ISO 8601's four digits write and pyarrow, pandas and DuckDB read back. The
    /// same for every format and source; a value outside is an `out_of_range` reject.
    public static let validMicros: ClosedRange<Int64> = -62_135_596_800_000_000...253_402_300_799_999_999
    /// The dates of the same years, in days since 1970-01-01.
    public static let validDays: ClosedRange<Int64> = -719_162...2_932_896

    // MARK: Parsing

    /// Microseconds since the epoch, UTC, or nil when `text` does not match.
    func timestamp(_ text: UnsafeRawBufferPointer) -> Int64? {
        switch self {
        case .iso8601: return Self.iso(text)?.micros
        case .epochSeconds, .epochMillis, .epochMicros: return Self.epoch(text, scale: epochScale)
        case .pattern(_, let pieces): return Self.pattern(text, pieces)?.micros
        }
    }

    /// Days since 1970-01-01, or nil. ISO and pattern texts give the calendar date as written
    /// (time and offset ignored); epoch values give the UTC date. Not range-checked (`validDays`).
    func date(_ text: UnsafeRawBufferPointer) -> Int64? {
        switch self {
        case .iso8601: Self.iso(text)?.localDays
        case .epochSeconds, .epochMillis, .epochMicros:
            Self.epoch(text, scale: epochScale).map { Self.floorDivide($0, 86_400_000_000) }
        case .pattern(_, let pieces): Self.pattern(text, pieces)?.localDays
        }
    }

    private struct Parsed {
        var micros: Int64
        var localDays: Int64
    }

    /// An integer or decimal count of `scale` microseconds; the result is floored to whole microseconds.
    /// A number beyond Int64 microseconds gives `Int64.max` or `.min`, which `validMicros` refuses.
    static func epoch(_ text: UnsafeRawBufferPointer, scale: Int64) -> Int64? {
        guard text.count > 0 else { return nil }
        var i = 0
        var negative = false
        if text[0] == UInt8(ascii: "-") || text[0] == UInt8(ascii: "+") {
            negative = text[0] == UInt8(ascii: "-")
            i = 1
        }
        var whole: Int64 = 0
        var digits = 0
        var overflow = false
        while i < text.count, text[i] &- 48 < 10 {
            let (m, o1) = whole.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(text[i] &- 48))
            if o1 || o2 { overflow = true }
            whole = a
            digits += 1
            i += 1
        }
        var fractionMicros: Int64 = 0
        var fractionDigits = 0
        if i < text.count && text[i] == UInt8(ascii: ".") {
            i += 1
            // Fraction of one unit in units of 1e-9 (enough for µs of seconds).
            var f: Int64 = 0
            var place: Int64 = 100_000_000
            while i < text.count, text[i] &- 48 < 10 {
                f += Int64(text[i] &- 48) * place
                place /= 10
                fractionDigits += 1
                i += 1
            }
            fractionMicros = f * scale / 1_000_000_000
        }
        guard i == text.count, digits + fractionDigits > 0 else { return nil }
        let (w, o) = whole.multipliedReportingOverflow(by: scale)
        let (total, o3) = w.addingReportingOverflow(fractionMicros)
        if overflow || o || o3 { return negative ? .min : .max }
        return negative ? -total : total
    }

    /// `YYYY-MM-DD[(T| )HH:MM[:SS[.f…]]][Z|z|±HH[:?MM]]`.
    private static func iso(_ t: UnsafeRawBufferPointer) -> Parsed? {
        let n = t.count
        guard n >= 10, let y = digits(t, 0, 4), t[4] == UInt8(ascii: "-"), let mo = digits(t, 5, 2),
            t[7] == UInt8(ascii: "-"), let d = digits(t, 8, 2)
        else { return nil }
        var hh: Int64 = 0, mi: Int64 = 0, ss: Int64 = 0, micros: Int64 = 0, offset: Int64 = 0
        var i = 10
        if i < n {
            guard t[i] == UInt8(ascii: "T") || t[i] == UInt8(ascii: "t") || t[i] == UInt8(ascii: " "), i + 6 <= n,
                let h = digits(t, i + 1, 2), t[i + 3] == UInt8(ascii: ":"), let m = digits(t, i + 4, 2)
            else { return nil }
            hh = h
            mi = m
            i += 6
            if i < n && t[i] == UInt8(ascii: ":") {
                guard let s = digits(t, i + 1, 2) else { return nil }
                ss = s
                i += 3
                if i < n && (t[i] == UInt8(ascii: ".") || t[i] == UInt8(ascii: ",")) {
                    i += 1
                    guard let (f, next) = fraction(t, i) else { return nil }
                    micros = f
                    i = next
                }
            }
            if i < n {
                guard let (o, next) = zone(t, i), next == n else { return nil }
                offset = o
                i = next
            }
        }
        guard i == n else { return nil }
        return assemble(y, mo, d, hh, mi, ss, micros, offset)
    }

    private static func pattern(_ t: UnsafeRawBufferPointer, _ pieces: [PatternPiece]) -> Parsed? {
        var y: Int64 = 1970, mo: Int64 = 1, d: Int64 = 1, hh: Int64 = 0, mi: Int64 = 0, ss: Int64 = 0
        var micros: Int64 = 0, offset: Int64 = 0
        var i = 0
        let n = t.count
        for piece in pieces {
            switch piece {
            case .literal(let b):
                guard i < n, t[i] == b else { return nil }
                i += 1
            case .directive(let c):
                switch c {
                case UInt8(ascii: "Y"):
                    guard let v = digits(t, i, 4) else { return nil }
                    y = v
                    i += 4
                case UInt8(ascii: "y"):
                    guard let v = digits(t, i, 2) else { return nil }
                    y = v < 69 ? 2000 + v : 1900 + v
                    i += 2
                case UInt8(ascii: "f"):
                    guard let (f, next) = fraction(t, i) else { return nil }
                    micros = f
                    i = next
                case UInt8(ascii: "b"), UInt8(ascii: "B"):
                    guard let (m, next) = monthName(t, i, full: c == UInt8(ascii: "B")) else { return nil }
                    mo = m
                    i = next
                case UInt8(ascii: "z"):
                    guard let (o, next) = zone(t, i) else { return nil }
                    offset = o
                    i = next
                default:
                    // %m %d %H %M %S: one or two digits.
                    guard let (v, next) = oneOrTwoDigits(t, i) else { return nil }
                    switch c {
                    case UInt8(ascii: "m"): mo = v
                    case UInt8(ascii: "d"): d = v
                    case UInt8(ascii: "H"): hh = v
                    case UInt8(ascii: "M"): mi = v
                    default: ss = v
                    }
                    i = next
                }
            }
        }
        guard i == n else { return nil }
        return assemble(y, mo, d, hh, mi, ss, micros, offset)
    }

    private static func assemble(
        _ y: Int64, _ mo: Int64, _ d: Int64, _ hh: Int64, _ mi: Int64, _ ss: Int64, _ micros: Int64, _ offset: Int64
    ) -> Parsed? {
        guard (1...12).contains(mo), d >= 1, d <= daysInMonth(y, mo), hh < 24, mi < 60, ss < 60 else { return nil }
        let days = daysFromCivil(y, mo, d)
        let seconds = days * 86_400 + hh * 3600 + mi * 60 + ss - offset
        return Parsed(micros: seconds * 1_000_000 + micros, localDays: days)
    }

    /// Exactly `count` ASCII digits at `at`.
    private static func digits(_ t: UnsafeRawBufferPointer, _ at: Int, _ count: Int) -> Int64? {
        guard at >= 0, at + count <= t.count else { return nil }
        var v: Int64 = 0
        for k in at..<at + count {
            let digit = t[k] &- 48
            guard digit < 10 else { return nil }
            v = v * 10 + Int64(digit)
        }
        return v
    }

    private static func oneOrTwoDigits(_ t: UnsafeRawBufferPointer, _ at: Int) -> (Int64, Int)? {
        guard at < t.count, t[at] &- 48 < 10 else { return nil }
        if at + 1 < t.count, t[at + 1] &- 48 < 10 {
            return (Int64(t[at] - 48) * 10 + Int64(t[at + 1] - 48), at + 2)
        }
        return (Int64(t[at] - 48), at + 1)
    }

    /// 1 to 9 fraction digits as microseconds (digits past the sixth are dropped).
    private static func fraction(_ t: UnsafeRawBufferPointer, _ at: Int) -> (Int64, Int)? {
        var i = at
        var v: Int64 = 0
        var count = 0
        while i < t.count, t[i] &- 48 < 10, count < 9 {
            if count < 6 { v = v * 10 + Int64(t[i] - 48) }
            count += 1
            i += 1
        }
        guard count > 0 else { return nil }
        for _ in min(count, 6)..<6 { v *= 10 }
        return (v, i)
    }

    /// `Z`, `z`, `±HH`, `±HHMM` or `±HH:MM` as seconds east of UTC.
    private static func zone(_ t: UnsafeRawBufferPointer, _ at: Int) -> (Int64, Int)? {
        guard at < t.count else { return nil }
        if t[at] == UInt8(ascii: "Z") || t[at] == UInt8(ascii: "z") { return (0, at + 1) }
        guard t[at] == UInt8(ascii: "+") || t[at] == UInt8(ascii: "-"), let h = digits(t, at + 1, 2), h <= 23 else {
            return nil
        }
        let sign: Int64 = t[at] == UInt8(ascii: "-") ? -1 : 1
        var i = at + 3
        var m: Int64 = 0
        if i < t.count && t[i] == UInt8(ascii: ":") {
            guard let v = digits(t, i + 1, 2) else { return nil }
            m = v
            i += 3
        } else if let v = digits(t, i, 2) {
            m = v
            i += 2
        }
        guard m < 60 else { return nil }
        return (sign * (h * 3600 + m * 60), i)
    }

    private static let monthNames = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ].map { Array($0.utf8) }

    /// An English month name, case-insensitive: three letters for `%b` (the full name also
    /// matches), the full name for `%B`.
    private static func monthName(_ t: UnsafeRawBufferPointer, _ at: Int, full: Bool) -> (Int64, Int)? {
        func matches(_ name: ArraySlice<UInt8>) -> Bool {
            guard at + name.count <= t.count else { return false }
            for (k, c) in name.enumerated() where t[at + k] | 0x20 != c { return false }
            return true
        }
        for (k, name) in monthNames.enumerated() where matches(name[...]) { return (Int64(k + 1), at + name.count) }
        if !full {
            for (k, name) in monthNames.enumerated() where matches(name[0..<3]) { return (Int64(k + 1), at + 3) }
        }
        return nil
    }

    static func isLeap(_ y: Int64) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    static func daysInMonth(_ y: Int64, _ m: Int64) -> Int64 {
        switch m {
        case 2: isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}

struct TimeFormatError: Error {
    var detail: String
}

/// ISO 8601 text as used in parameters (`"as_of": "2024-06-30T00:00:00Z"`).
public enum ISOTimestamp {
    /// Microseconds since the epoch, UTC, of an ISO 8601 date or date-time, or nil when it is not one.
    public static func micros(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { TimeFormat.iso8601.timestamp(UnsafeRawBufferPointer($0)) }
    }
}
