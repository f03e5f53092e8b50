import Frame
import Parquet

/// The column-chunk statistics a row range implies, computed from the values alone.
///
/// What the format asks (parquet-notes §7): `null_count` always; for doubles `nan_count` always,
/// NaN left out of min/max, a zero minimum written as −0.0 and a zero maximum as +0.0; integers,
/// dates and timestamps ordered signed, strings bytewise unsigned, booleans false < true; the
/// deprecated `min`/`max` pair too except for strings; a string bound over 4096 bytes left out;
/// min/max omitted when no value orders.
enum ExpectedStatistics {
    static let maxStringBytes = 4096

    static func of(_ column: Column, rows: Range<Int>) -> Parquet.Statistics {
        var s = Parquet.Statistics()
        var present: [Int] = []
        for i in rows where !column.isNull(i) { present.append(i) }
        s.nullCount = Int64(rows.count - present.count)
        var lo: [UInt8]?, hi: [UInt8]?
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        switch column.values {
        case .int32(let v), .date(let v):
            if let a = present.map({ v[$0] }).min(), let b = present.map({ v[$0] }).max() { (lo, hi) = (le(a), le(b)) }
        case .int64(let v), .timestamp(let v):
            if let a = present.map({ v[$0] }).min(), let b = present.map({ v[$0] }).max() { (lo, hi) = (le(a), le(b)) }
        case .bool(let v):
            let values = present.map { v[$0] }
            if !values.isEmpty {
                lo = [values.allSatisfy { $0 } ? 1 : 0]
                hi = [values.contains(true) ? 1 : 0]
            }
        case .double(let v):
            let values = present.map { v[$0] }
            s.nanCount = Int64(values.filter(\.isNaN).count)
            let ordered = values.filter { !$0.isNaN }
            if var a = ordered.min(), var b = ordered.max() {
                if a == 0 { a = -0.0 }
                if b == 0 { b = 0.0 }
                (lo, hi) = (le(a.bitPattern), le(b.bitPattern))
            }
        case .string(let strings):
            let values = present.map { Array(strings.bytes[strings.range($0)]) }
            let a = values.min { $0.lexicographicallyPrecedes($1) }
            let b = values.max { $0.lexicographicallyPrecedes($1) }
            lo = a.flatMap { $0.count <= maxStringBytes ? $0 : nil }
            hi = b.flatMap { $0.count <= maxStringBytes ? $0 : nil }
        }
        let deprecatedPair = column.type != .string
        if let lo {
            s.minValue = lo
            s.isMinValueExact = true
            if deprecatedPair { s.min = lo }
        }
        if let hi {
            s.maxValue = hi
            s.isMaxValueExact = true
            if deprecatedPair { s.max = hi }
        }
        return s
    }
}
