import Frame
import Pipeline

/// One value to put into a column's missing slots, in the column's storage type.
public enum FillValue: Sendable, Equatable {
    /// For int32, int64, timestamp (µs) and date (days) columns.
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case string(String)

    /// The value of row `row` of `column` (which must not be missing there).
    init(_ column: Column, row: Int) {
        switch column.values {
        case .int32(let v), .date(let v): self = .int(Int64(v[row]))
        case .int64(let v), .timestamp(let v): self = .int(v[row])
        case .double(let v): self = .double(v[row])
        case .bool(let v): self = .bool(v[row])
        case .string(let s): self = .string(s[row])
        }
    }

    /// A statistic as a value of `type`: integer-backed columns take it rounded to the nearest
    /// integer, ties to even (numpy's `round`), so a column keeps its type.
    init?(statistic: Double, type: DataType) {
        guard statistic.isFinite else { return nil }
        switch type {
        case .double: self = .double(statistic)
        case .int32, .int64, .timestamp, .date: self = .int(Int64(statistic.rounded(.toNearestOrEven)))
        case .bool, .string: return nil
        }
    }

    /// `json` (a string, or a number or boolean) read as a value of `type`; nil when it does not
    /// fit. Dates are `YYYY-MM-DD`; timestamps `YYYY-MM-DDTHH:MM:SS[.ffffff][Z]` in UTC, or µs.
    init?(constant json: JSONValue, type: DataType) {
        let text: String
        switch json {
        case .string(let s): text = s
        case .number(let n): text = n.literal
        case .bool(let b): text = b ? "true" : "false"
        default: return nil
        }
        switch type {
        case .string: self = .string(text)
        case .bool:
            guard text == "true" || text == "false" else { return nil }
            self = .bool(text == "true")
        case .double:
            guard let d = Double(text) else { return nil }
            self = .double(d)
        case .int64:
            guard let i = Int64(text) else { return nil }
            self = .int(i)
        case .int32:
            guard let i = Int32(text) else { return nil }
            self = .int(Int64(i))
        case .date:
            if let days = Self.days(text), let d = Int32(exactly: days) {
                self = .int(Int64(d))
            } else if let i = Int32(text) {
                self = .int(Int64(i))
            } else {
                return nil
            }
        case .timestamp:
            if let i = Int64(text) {
                self = .int(i)
            } else if let t = Self.micros(text) {
                self = .int(t)
            } else {
                return nil
            }
        }
    }

    /// How the manifest records the value: numbers as numbers, timestamps and dates as ISO text.
    func json(for type: DataType) -> JSONValue {
        switch self {
        case .int(let i):
            switch type {
            case .timestamp: .string(ValueFormatter.timestamp(i))
            case .date: .string(ValueFormatter.date(Int32(truncatingIfNeeded: i)))
            default: .number(JSONNumber(i))
            }
        case .double(let d): .double(d)
        case .bool(let b): .bool(b)
        case .string(let s): .string(s)
        }
    }

    /// Days since 1970-01-01 of `YYYY-MM-DD`.
    static func days(_ text: String) -> Int64? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int64(parts[0]), let m = Int64(parts[1]), let d = Int64(parts[2]),
            (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        // Howard Hinnant's days_from_civil.
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// µs since the epoch of `YYYY-MM-DDTHH:MM:SS[.ffffff][Z]` (UTC).
    static func micros(_ text: String) -> Int64? {
        var t = Substring(text)
        if t.hasSuffix("Z") { t = t.dropLast() }
        let halves = t.split(separator: "T", omittingEmptySubsequences: false)
        guard halves.count == 2, let days = days(String(halves[0])) else { return nil }
        let clockAndFraction = halves[1].split(separator: ".", omittingEmptySubsequences: false)
        guard clockAndFraction.count <= 2 else { return nil }
        let clock = clockAndFraction[0].split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 3, let h = Int64(clock[0]), let mi = Int64(clock[1]), let s = Int64(clock[2]),
            (0..<24).contains(h), (0..<60).contains(mi), (0..<60).contains(s)
        else { return nil }
        var fraction: Int64 = 0
        if clockAndFraction.count == 2 {
            let f = clockAndFraction[1]
            guard (1...6).contains(f.count), let v = Int64(f) else { return nil }
            fraction = v * Int64([1, 100_000, 10_000, 1_000, 100, 10, 1][f.count])
        }
        return ((days * 86_400 + h * 3_600 + mi * 60 + s) * 1_000_000) + fraction
    }
}

extension Column {
    /// This column with `fills[k]` in row `rows[k]` (`rows` ascending); those rows become valid.
    func filling(_ rows: [Int], with fills: [FillValue]) -> Column {
        guard !rows.isEmpty else { return self }
        var validity = self.validity
        if validity != nil { for r in rows { validity![r] = true } }
        if let v = validity, !v.contains(false) { validity = nil }
        func ints(_ k: Int) -> Int64 { if case .int(let i) = fills[k] { i } else { 0 } }
        switch values {
        case .int32(var v):
            for (k, r) in rows.enumerated() { v[r] = Int32(truncatingIfNeeded: ints(k)) }
            return Column(.int32(v), validity: validity)
        case .date(var v):
            for (k, r) in rows.enumerated() { v[r] = Int32(truncatingIfNeeded: ints(k)) }
            return Column(.date(v), validity: validity)
        case .int64(var v):
            for (k, r) in rows.enumerated() { v[r] = ints(k) }
            return Column(.int64(v), validity: validity)
        case .timestamp(var v):
            for (k, r) in rows.enumerated() { v[r] = ints(k) }
            return Column(.timestamp(v), validity: validity)
        case .double(var v):
            for (k, r) in rows.enumerated() { if case .double(let d) = fills[k] { v[r] = d } }
            return Column(.double(v), validity: validity)
        case .bool(var v):
            for (k, r) in rows.enumerated() { if case .bool(let b) = fills[k] { v[r] = b } }
            return Column(.bool(v), validity: validity)
        case .string(let s):
            // Rebuild the byte buffer once, in row order (`rows` ascends).
            var out = StringArray()
            out.reserve(strings: count, bytes: s.bytes.count)
            var next = 0
            s.bytes.withUnsafeBufferPointer { b in
                for i in 0..<count {
                    if next < rows.count && rows[next] == i {
                        if case .string(let x) = fills[next] { out.append(x) } else { out.append("") }
                        next += 1
                    } else {
                        out.append(utf8: UnsafeBufferPointer(rebasing: b[s.range(i)]))
                    }
                }
            }
            return Column(.string(out), validity: validity)
        }
    }
}
