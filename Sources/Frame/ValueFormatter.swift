/// Renders Frame values as text: ISO 8601 timestamps and dates, shortest round-trip doubles,
/// CSV fields (RFC 4180 quoting) and JSON values. Pure functions; no I/O.
public enum ValueFormatter {
    /// `2026-11-29T02:06:51.123456Z` (fraction omitted when zero).
    public static func timestamp(_ micros: Int64) -> String {
        let (seconds, fraction) = floorDivide(micros, 1_000_000)
        let (days, secondOfDay) = floorDivide(seconds, 86_400)
        let (y, m, d) = civilDate(days: days)
        let hh = secondOfDay / 3600, mm = secondOfDay / 60 % 60, ss = secondOfDay % 60
        var s = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(hh, 2)):\(pad(mm, 2)):\(pad(ss, 2))"
        if fraction != 0 { s += "." + pad(fraction, 6) }
        return s + "Z"
    }

    /// `1969-12-31` for day −1.
    public static func date(_ days: Int32) -> String {
        let (y, m, d) = civilDate(days: Int64(days))
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// Shortest text that reads back as the same double; `NaN`, `inf`, `-inf` for the specials.
    public static func double(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        return "\(v)"
    }

    /// The text of row `row` of `column`, or nil when it is null.
    public static func text(_ column: Column, _ row: Int) -> String? {
        if column.isNull(row) { return nil }
        switch column.values {
        case .int32(let v): return String(v[row])
        case .int64(let v): return String(v[row])
        case .double(let v): return double(v[row])
        case .bool(let v): return v[row] ? "true" : "false"
        case .string(let s): return s[row]
        case .timestamp(let v): return timestamp(v[row])
        case .date(let v): return date(v[row])
        }
    }

    /// A CSV field: quoted when it holds the delimiter, a quote, CR or LF, or edge spaces.
    public static func csvField(_ text: String, delimiter: Character = ",") -> String {
        // Scalars, not Characters: "\r\n" is one Character and would match neither alone.
        let needsQuotes =
            text.contains(delimiter)
            || text.unicodeScalars.contains { $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || text.first == " " || text.last == " "
        guard needsQuotes else { return text }
        var out = "\""
        for c in text {
            if c == "\"" { out += "\"\"" } else { out.append(c) }
        }
        return out + "\""
    }

    /// A JSON value for row `row`: numbers bare (NaN/Infinity as Python's json module writes
    /// them), timestamps and dates as ISO strings, null for nulls.
    public static func json(_ column: Column, _ row: Int) -> String {
        if column.isNull(row) { return "null" }
        switch column.values {
        case .int32(let v): return String(v[row])
        case .int64(let v): return String(v[row])
        case .double(let v):
            let x = v[row]
            if x.isNaN { return "NaN" }
            if x.isInfinite { return x < 0 ? "-Infinity" : "Infinity" }
            return "\(x)"
        case .bool(let v): return v[row] ? "true" : "false"
        case .string(let s): return jsonString(s[row])
        case .timestamp(let v): return "\"" + timestamp(v[row]) + "\""
        case .date(let v): return "\"" + date(v[row]) + "\""
        }
    }

    public static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20:
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    // MARK: Calendar

    private static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let q = a / b, r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }

    /// Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    public static func civilDate(days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(abs(v))
        let padded = s.count < width ? String(repeating: "0", count: width - s.count) + s : s
        return v < 0 ? "-" + padded : padded
    }
}
