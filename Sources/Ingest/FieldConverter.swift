import Frame
import Glibc

/// Why one value was refused.
struct ValueFailure: Error {
    var kind: RejectKind
    var reason: String
}

/// The null tokens of a source, compared byte for byte after trimming ASCII spaces and tabs.
struct NullTokens {
    private let tokens: [[UInt8]]
    /// Bit `k` set when some token has `k` bytes (k < 64): most values are ruled out by length.
    let lengthMask: UInt64

    init(_ strings: [String]) {
        tokens = strings.map { Array($0.utf8) }
        var mask: UInt64 = 0
        for t in tokens where t.count < 64 { mask |= 1 << UInt64(t.count) }
        lengthMask = mask
    }

    @inline(__always)
    func matches(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        guard n < 64, lengthMask & (1 << UInt64(n)) != 0 else { return false }
        for t in tokens where t.count == n {
            if n == 0 { return true }
            if t.withUnsafeBufferPointer({ memcmp($0.baseAddress!, p, n) == 0 }) { return true }
        }
        return false
    }
}

/// A typed value that is not text, from a Parquet column or an SQLite result.
enum Cell {
    case null
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case timestamp(Int64)
    case date(Int32)

    /// The value's text, as it is given to the text parsers or to a string column.
    var text: String {
        switch self {
        case .null: ""
        case .int(let v): String(v)
        case .double(let v): ValueFormatter.double(v)
        case .bool(let v): v ? "true" : "false"
        case .timestamp(let v): ValueFormatter.timestamp(v)
        case .date(let v): ValueFormatter.date(v)
        }
    }
}

/// Reads values into one output column by its mapping: null tokens, trimming, parsing, `required`.
struct FieldConverter {
    let name: String
    let type: ColumnType
    let dataType: DataType
    let timeFormat: TimeFormat
    let trim: Bool
    let required: Bool
    let nullTokens: NullTokens

    /// The same conversion, as plain values the hot loops can copy for free.
    let plan: FastPlan

    init(_ mapping: ColumnMapping, nullTokens: NullTokens) {
        name = mapping.name
        type = mapping.type
        dataType = mapping.type.dataType!
        timeFormat = (try? TimeFormat(parsing: mapping.format)) ?? .iso8601
        trim = mapping.trim
        required = mapping.required
        self.nullTokens = nullTokens
        let time: FastPlan.Time
        switch timeFormat {
        case .iso8601: time = .iso8601
        case .epochSeconds, .epochMillis, .epochMicros: time = .epoch
        case .pattern: time = .other
        }
        plan = FastPlan(
            dataType: dataType, trim: trim, time: time, epochScale: timeFormat.epochScale,
            nullLengthMask: nullTokens.lengthMask)
    }

    /// A converter's settings without references (so copying one costs no reference counting),
    /// for `appendFast`.
    struct FastPlan {
        enum Time: UInt8 { case iso8601, epoch, other }
        var dataType: DataType
        var trim: Bool
        var time: Time
        var epochScale: Int64
        var nullLengthMask: UInt64
    }

    /// Appends `p[0..<n]` when it is a plain, valid, non-null value of the plan's type; returns
    /// false without appending otherwise (a possible null token, a pattern format, a bad value),
    /// and the caller then takes `append(text:…)`, which decides and explains.
    @inline(__always)
    static func appendFast(_ plan: FastPlan, _ p: UnsafePointer<UInt8>, _ n: Int, to b: inout ColumnBuilder) -> Bool {
        var start = 0
        var end = n
        while start < end && (p[start] == 0x20 || p[start] == 0x09) { start += 1 }
        while end > start && (p[end - 1] == 0x20 || p[end - 1] == 0x09) { end -= 1 }
        let trimmedLength = end - start
        if trimmedLength < 64 && plan.nullLengthMask & (1 << UInt64(trimmedLength)) != 0 { return false }
        let vp = plan.trim ? p + start : p
        let vn = plan.trim ? trimmedLength : n
        switch plan.dataType {
        case .int64:
            guard let v = ValueParser.int64(vp, vn) else { return false }
            b.append(int64: v)
        case .int32:
            guard let v = ValueParser.int64(vp, vn), let w = Int32(exactly: v) else { return false }
            b.append(int32: w)
        case .double:
            guard let v = ValueParser.double(vp, vn) else { return false }
            b.append(double: v)
        case .bool:
            guard let v = ValueParser.bool(vp, vn) else { return false }
            b.append(bool: v)
        case .string:
            b.append(utf8: vp, count: vn)
        case .timestamp:
            let text = UnsafeRawBufferPointer(start: vp, count: vn)
            let v: Int64?
            switch plan.time {
            case .iso8601: v = TimeFormat.iso8601.timestamp(text)
            case .epoch: v = TimeFormat.epoch(text, scale: plan.epochScale)
            case .other: v = nil
            }
            guard let v, TimeFormat.validMicros.contains(v) else { return false }
            b.append(int64: v)
        case .date:
            guard plan.time == .iso8601, let v = TimeFormat.iso8601.date(UnsafeRawBufferPointer(start: vp, count: vn)),
                TimeFormat.validDays.contains(v)
            else { return false }
            b.append(int32: Int32(v))
        }
        return true
    }

    /// The type as reject reasons name it: "int", "timestamp (iso8601)".
    var typeLabel: String { type.isTemporal ? "\(type) (\(timeFormat.name))" : type.rawValue }

    func missing() -> ValueFailure {
        ValueFailure(kind: .missingRequired, reason: "column '\(name)' is required but null")
    }

    func unparsable(_ p: UnsafePointer<UInt8>, _ n: Int) -> ValueFailure {
        let shown = Self.quoteValue(UnsafeRawBufferPointer(start: p, count: n))
        return ValueFailure(kind: .unparsableValue, reason: "column '\(name)': cannot parse \(shown) as \(typeLabel)")
    }

    func outOfRange(_ p: UnsafePointer<UInt8>, _ n: Int) -> ValueFailure {
        let shown = Self.quoteValue(UnsafeRawBufferPointer(start: p, count: n))
        return ValueFailure(
            kind: .outOfRange, reason: "column '\(name)': \(shown) as \(typeLabel) is outside the years 1–9999")
    }

    /// `'value'`, cut to 64 bytes.
    static func quoteValue(_ bytes: UnsafeRawBufferPointer) -> String {
        if bytes.count <= 64 { return "'" + String(decoding: bytes, as: UTF8.self) + "'" }
        var cut = 64
        while cut > 0 && bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
        return "'" + String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<cut]), as: UTF8.self) + "…'"
    }

    @inline(__always)
    func appendNull(to b: inout ColumnBuilder) throws(ValueFailure) {
        if required { throw missing() }
        b.appendNull()
    }

    /// Appends the value of the text `p[0..<n]`. `nullTokens` is false for JSON strings and typed
    /// sources' strings bound for a string column, where a real null exists.
    @inline(__always)
    func append(
        text p: UnsafePointer<UInt8>, count n: Int, nullTokens useTokens: Bool = true, to b: inout ColumnBuilder
    )
        throws(ValueFailure)
    {
        var start = 0
        var end = n
        while start < end && (p[start] == 0x20 || p[start] == 0x09) { start += 1 }
        while end > start && (p[end - 1] == 0x20 || p[end - 1] == 0x09) { end -= 1 }
        if useTokens && nullTokens.matches(p + start, end - start) {
            try appendNull(to: &b)
            return
        }
        let vp = trim ? p + start : p
        let vn = trim ? end - start : n
        switch dataType {
        case .int64:
            guard let v = ValueParser.int64(vp, vn) else { throw unparsable(vp, vn) }
            b.append(int64: v)
        case .int32:
            guard let v = ValueParser.int64(vp, vn), let w = Int32(exactly: v) else { throw unparsable(vp, vn) }
            b.append(int32: w)
        case .double:
            guard let v = ValueParser.double(vp, vn) else { throw unparsable(vp, vn) }
            b.append(double: v)
        case .bool:
            guard let v = ValueParser.bool(vp, vn) else { throw unparsable(vp, vn) }
            b.append(bool: v)
        case .string:
            b.append(utf8: vp, count: vn)
        case .timestamp:
            guard let v = timeFormat.timestamp(UnsafeRawBufferPointer(start: vp, count: vn)) else {
                throw unparsable(vp, vn)
            }
            guard TimeFormat.validMicros.contains(v) else { throw outOfRange(vp, vn) }
            b.append(int64: v)
        case .date:
            guard let v = timeFormat.date(UnsafeRawBufferPointer(start: vp, count: vn)) else {
                throw unparsable(vp, vn)
            }
            guard TimeFormat.validDays.contains(v) else { throw outOfRange(vp, vn) }
            b.append(int32: Int32(v))
        }
    }

    func append(text: String, nullTokens useTokens: Bool = true, to b: inout ColumnBuilder) throws(ValueFailure) {
        var text = text
        let result: ValueFailure? = text.withUTF8 { buf in
            do throws(ValueFailure) {
                try append(
                    text: buf.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: buf.count, nullTokens: useTokens,
                    to: &b)
                return nil
            } catch { return error }
        }
        if let result { throw result }
    }

    /// Appends a typed value, converting where the meaning is clear (int32 → int64, int → double,
    /// an integral double → int, epoch numbers → timestamp/date, timestamp ↔ date) and otherwise
    /// through its text, so that a string column gets the text and other types parse it.
    func append(cell: Cell, to b: inout ColumnBuilder) throws(ValueFailure) {
        switch (cell, dataType) {
        case (.null, _):
            try appendNull(to: &b)
        case (.int(let v), .int64):
            b.append(int64: v)
        case (.int(let v), .int32):
            guard let w = Int32(exactly: v) else { throw unparsable(text: cell.text) }
            b.append(int32: w)
        case (.int(let v), .double):
            b.append(double: Double(v))
        case (.int(let v), .timestamp) where timeFormat.isEpoch:
            let (us, o) = v.multipliedReportingOverflow(by: timeFormat.epochScale)
            try append(micros: o ? nil : us, cell, to: &b)
        case (.int(let v), .date) where timeFormat.isEpoch:
            let (us, o) = v.multipliedReportingOverflow(by: timeFormat.epochScale)
            try append(days: o ? nil : TimeFormat.floorDivide(us, 86_400_000_000), cell, to: &b)
        case (.double(let v), .double):
            b.append(double: v)
        case (.double(let v), .int64):
            guard v == v.rounded(), let w = Int64(exactly: v) else { throw unparsable(text: cell.text) }
            b.append(int64: w)
        case (.double(let v), .int32):
            guard v == v.rounded(), let w = Int32(exactly: v) else { throw unparsable(text: cell.text) }
            b.append(int32: w)
        case (.double(let v), .timestamp) where timeFormat.isEpoch:
            guard v.isFinite else { throw unparsable(text: cell.text) }
            try append(micros: Int64(exactly: (v * Double(timeFormat.epochScale)).rounded(.down)), cell, to: &b)
        case (.bool(let v), .bool):
            b.append(bool: v)
        case (.timestamp(let v), .timestamp):
            try append(micros: v, cell, to: &b)
        case (.timestamp(let v), .date):
            try append(days: TimeFormat.floorDivide(v, 86_400_000_000), cell, to: &b)
        case (.date(let d), .date):
            try append(days: Int64(d), cell, to: &b)
        case (.date(let d), .timestamp):
            try append(micros: Int64(d) * 86_400_000_000, cell, to: &b)
        default:
            try append(text: cell.text, nullTokens: false, to: &b)
        }
    }

    /// Appends an instant of a typed cell, or refuses it outside `TimeFormat.validMicros` (nil: beyond Int64).
    private func append(micros: Int64?, _ cell: Cell, to b: inout ColumnBuilder) throws(ValueFailure) {
        guard let micros, TimeFormat.validMicros.contains(micros) else { throw outOfRange(text: cell.text) }
        b.append(int64: micros)
    }

    private func append(days: Int64?, _ cell: Cell, to b: inout ColumnBuilder) throws(ValueFailure) {
        guard let days, TimeFormat.validDays.contains(days) else { throw outOfRange(text: cell.text) }
        b.append(int32: Int32(days))
    }

    private func outOfRange(text: String) -> ValueFailure {
        var t = text
        return t.withUTF8 { outOfRange($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
    }

    private func unparsable(text: String) -> ValueFailure {
        var t = text
        return t.withUTF8 { unparsable($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
    }
}
