/// The contiguous values of one column, by type.
///
/// Slots that are null hold a zero value (0, false, or the empty string) so that two columns
/// with the same logical content compare equal.
public enum ColumnValues: Sendable {
    case int32([Int32])
    case int64([Int64])
    case double([Double])
    case bool([Bool])
    case string(StringArray)
    /// Microseconds since the Unix epoch, UTC.
    case timestamp([Int64])
    /// Days since 1970-01-01.
    case date([Int32])

    public var type: DataType {
        switch self {
        case .int32: .int32
        case .int64: .int64
        case .double: .double
        case .bool: .bool
        case .string: .string
        case .timestamp: .timestamp
        case .date: .date
        }
    }

    public var count: Int {
        switch self {
        case .int32(let v), .date(let v): v.count
        case .int64(let v), .timestamp(let v): v.count
        case .double(let v): v.count
        case .bool(let v): v.count
        case .string(let v): v.count
        }
    }

    /// An empty array of `type`.
    public static func empty(_ type: DataType) -> ColumnValues {
        switch type {
        case .int32: .int32([])
        case .int64: .int64([])
        case .double: .double([])
        case .bool: .bool([])
        case .string: .string(StringArray())
        case .timestamp: .timestamp([])
        case .date: .date([])
        }
    }
}

/// One column of a Frame: values plus an optional validity mask.
public struct Column: Sendable {
    public var values: ColumnValues
    /// `validity[i] == false` marks row `i` null; `nil` means every row is valid.
    public var validity: [Bool]?

    public init(_ values: ColumnValues, validity: [Bool]? = nil) {
        if let validity { precondition(validity.count == values.count, "validity length differs from values") }
        self.values = values
        self.validity = validity
    }

    public var type: DataType { values.type }
    public var count: Int { values.count }

    public var nullCount: Int {
        guard let validity else { return 0 }
        var n = 0
        for v in validity where !v { n += 1 }
        return n
    }

    @inlinable public func isNull(_ row: Int) -> Bool { validity.map { !$0[row] } ?? false }
}

extension Column: Equatable {
    /// Same type, same validity and the same value in every valid slot. Doubles compare by bit
    /// pattern, so NaN equals NaN and −0.0 differs from +0.0: a round trip must keep both.
    public static func == (a: Column, b: Column) -> Bool {
        guard a.type == b.type, a.count == b.count else { return false }
        let va = a.validity ?? [Bool](repeating: true, count: a.count)
        let vb = b.validity ?? [Bool](repeating: true, count: b.count)
        guard va == vb else { return false }
        func same<T>(_ x: [T], _ y: [T], _ eq: (T, T) -> Bool) -> Bool {
            for i in 0..<x.count where va[i] && !eq(x[i], y[i]) { return false }
            return true
        }
        switch (a.values, b.values) {
        case (.int32(let x), .int32(let y)), (.date(let x), .date(let y)): return same(x, y, ==)
        case (.int64(let x), .int64(let y)), (.timestamp(let x), .timestamp(let y)): return same(x, y, ==)
        case (.double(let x), .double(let y)): return same(x, y) { $0.bitPattern == $1.bitPattern }
        case (.bool(let x), .bool(let y)): return same(x, y, ==)
        case (.string(let x), .string(let y)):
            for i in 0..<x.count where va[i] {
                if !x.bytes[x.range(i)].elementsEqual(y.bytes[y.range(i)]) { return false }
            }
            return true
        default: return false
        }
    }
}

extension ColumnValues {
    /// The values at `range`, as a new contiguous array.
    public func slice(_ range: Range<Int>) -> ColumnValues {
        switch self {
        case .int32(let v): return .int32(Array(v[range]))
        case .date(let v): return .date(Array(v[range]))
        case .int64(let v): return .int64(Array(v[range]))
        case .timestamp(let v): return .timestamp(Array(v[range]))
        case .double(let v): return .double(Array(v[range]))
        case .bool(let v): return .bool(Array(v[range]))
        case .string(let s):
            let base = s.offsets[range.lowerBound]
            let offsets = s.offsets[range.lowerBound...range.upperBound].map { $0 - base }
            let bytes = Array(s.bytes[base..<s.offsets[range.upperBound]])
            return .string(StringArray(offsets: offsets, bytes: bytes))
        }
    }
}

extension Column {
    /// Rows `range` of this column, as a new column.
    public func slice(_ range: Range<Int>) -> Column {
        let v = validity.map { Array($0[range]) }
        return Column(values.slice(range), validity: v?.contains(false) == true ? v : nil)
    }
}
