import Frame

/// One output column under construction: contiguous typed values plus validity, appended row by
/// row and cut back when a later field of the same row is refused.
struct ColumnBuilder {
    let type: DataType
    /// int64 and timestamp values.
    private(set) var int64s: [Int64] = []
    /// int32 and date values.
    private(set) var int32s: [Int32] = []
    private(set) var doubles: [Double] = []
    private(set) var bools: [Bool] = []
    private(set) var offsets: [Int] = [0]
    private(set) var bytes: [UInt8] = []
    private(set) var validity: [Bool] = []
    private(set) var nullCount = 0

    init(type: DataType, capacity: Int) {
        self.type = type
        reserve(capacity)
    }

    var count: Int { validity.count }

    private mutating func reserve(_ n: Int) {
        validity.reserveCapacity(n)
        switch type {
        case .int64, .timestamp: int64s.reserveCapacity(n)
        case .int32, .date: int32s.reserveCapacity(n)
        case .double: doubles.reserveCapacity(n)
        case .bool: bools.reserveCapacity(n)
        case .string: offsets.reserveCapacity(n + 1)
        }
    }

    @inline(__always) mutating func appendNull() {
        switch type {
        case .int64, .timestamp: int64s.append(0)
        case .int32, .date: int32s.append(0)
        case .double: doubles.append(0)
        case .bool: bools.append(false)
        case .string: offsets.append(bytes.count)
        }
        validity.append(false)
        nullCount += 1
    }

    /// int64 or timestamp.
    @inline(__always) mutating func append(int64 v: Int64) {
        int64s.append(v)
        validity.append(true)
    }

    /// int32 or date.
    @inline(__always) mutating func append(int32 v: Int32) {
        int32s.append(v)
        validity.append(true)
    }

    @inline(__always) mutating func append(double v: Double) {
        doubles.append(v)
        validity.append(true)
    }

    @inline(__always) mutating func append(bool v: Bool) {
        bools.append(v)
        validity.append(true)
    }

    @inline(__always) mutating func append(utf8 p: UnsafePointer<UInt8>, count n: Int) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        offsets.append(bytes.count)
        validity.append(true)
    }

    mutating func append(string s: String) {
        var s = s
        s.withUTF8 { append(utf8: $0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: $0.count) }
    }

    /// Drops rows past `n` (the fields already appended for a row that is then refused).
    mutating func truncate(to n: Int) {
        let extra = count - n
        guard extra > 0 else { return }
        for k in n..<count where !validity[k] { nullCount -= 1 }
        validity.removeLast(extra)
        switch type {
        case .int64, .timestamp: int64s.removeLast(extra)
        case .int32, .date: int32s.removeLast(extra)
        case .double: doubles.removeLast(extra)
        case .bool: bools.removeLast(extra)
        case .string:
            offsets.removeLast(extra)
            bytes.removeLast(bytes.count - offsets[offsets.count - 1])
        }
    }

    /// Drops every row `r` with `keep[r] == false`.
    mutating func compact(keeping keep: [Bool]) {
        precondition(keep.count == count, "keep mask has \(keep.count) rows, builder \(count)")
        func filter<T>(_ a: [T]) -> [T] {
            var out: [T] = []
            out.reserveCapacity(a.count)
            for (i, v) in a.enumerated() where keep[i] { out.append(v) }
            return out
        }
        switch type {
        case .int64, .timestamp: int64s = filter(int64s)
        case .int32, .date: int32s = filter(int32s)
        case .double: doubles = filter(doubles)
        case .bool: bools = filter(bools)
        case .string:
            var o: [Int] = [0]
            var b: [UInt8] = []
            for i in 0..<count where keep[i] {
                b.append(contentsOf: bytes[offsets[i]..<offsets[i + 1]])
                o.append(b.count)
            }
            offsets = o
            bytes = b
        }
        validity = filter(validity)
        nullCount = validity.reduce(0) { $0 + ($1 ? 0 : 1) }
    }

    /// The column built so far; the builder starts again empty with the same capacity.
    mutating func finish() -> Column {
        let capacity = count
        let values: ColumnValues
        switch type {
        case .int64: values = .int64(int64s)
        case .timestamp: values = .timestamp(int64s)
        case .int32: values = .int32(int32s)
        case .date: values = .date(int32s)
        case .double: values = .double(doubles)
        case .bool: values = .bool(bools)
        case .string: values = .string(StringArray(offsets: offsets, bytes: bytes))
        }
        let column = Column(values, validity: nullCount > 0 ? validity : nil)
        self = ColumnBuilder(type: type, capacity: capacity)
        return column
    }
}
