import Frame

/// Running min/max/null/NaN counts of one page or column chunk, as the writer computes them.
///
/// Ordering follows TYPE_ORDER: signed for integers, dates and timestamps, IEEE for doubles
/// with NaN excluded, unsigned bytewise for strings.
struct ColumnStatistics {
    enum Bound: Equatable {
        case int(Int64)
        case double(Double)
        case bool(Bool)
        case bytes([UInt8])

        func less(than other: Bound) -> Bool {
            switch (self, other) {
            case (.int(let a), .int(let b)): a < b
            case (.double(let a), .double(let b)): a < b
            case (.bool(let a), .bool(let b)): !a && b
            case (.bytes(let a), .bytes(let b)): a.lexicographicallyPrecedes(b)
            default: false
            }
        }
    }

    var nullCount = 0
    var nanCount = 0
    var min: Bound?
    var max: Bound?

    mutating func merge(_ other: ColumnStatistics) {
        nullCount += other.nullCount
        nanCount += other.nanCount
        if let m = other.min, min.map({ m.less(than: $0) }) ?? true { min = m }
        if let m = other.max, max.map({ $0.less(than: m) }) ?? true { max = m }
    }

    /// Strings longer than this are left out of the statistics (pyarrow's cap is 4096 too).
    static let maxStatisticsBytes = 4096

    /// The Thrift statistics for a column of `type`.
    func encoded(type: DataType) -> Statistics {
        var s = Statistics()
        s.nullCount = Int64(nullCount)
        if type == .double { s.nanCount = Int64(nanCount) }
        func bytes(_ b: Bound) -> [UInt8]? {
            switch (b, type) {
            case (.int(let v), .int32), (.int(let v), .date): withUnsafeBytes(of: Int32(v).littleEndian, Array.init)
            case (.int(let v), _): withUnsafeBytes(of: v.littleEndian, Array.init)
            case (.double(let v), _): withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init)
            case (.bool(let v), _): [v ? 1 : 0]
            case (.bytes(let v), _): v.count <= Self.maxStatisticsBytes ? v : nil
            }
        }
        var lo = min, hi = max
        // The spec asks for a zero minimum as −0.0 and a zero maximum as +0.0.
        if case .double(let v)? = lo, v == 0 { lo = .double(-0.0) }
        if case .double(let v)? = hi, v == 0 { hi = .double(0.0) }
        if let lo, let b = bytes(lo) {
            s.minValue = b
            s.isMinValueExact = true
            if type != .string { s.min = b }
        }
        if let hi, let b = bytes(hi) {
            s.maxValue = b
            s.isMaxValueExact = true
            if type != .string { s.max = b }
        }
        return s
    }
}
