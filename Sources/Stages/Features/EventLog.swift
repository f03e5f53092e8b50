import Foundation
import Frame

/// Dense integer indices for the distinct values of an id column (or of several columns of the
/// same type, such as the events' customer ids and the customer table's keys): index `i` is the
/// `i`-th smallest id, so the numbering is the same on every run.
struct KeyIndex {
    /// The distinct ids, ascending, not null; int64 or string.
    let ids: Column
    var count: Int { ids.count }

    /// Indexes the non-null values of `columns` together; returns each column's codes (−1 for null).
    static func build(_ columns: [Column]) -> (index: KeyIndex, codes: [[Int32]]) {
        let parts = columns.map(Self.normalised)
        let type = parts.first?.type ?? .int64
        let all = Column.concatenate(parts, type: type)
        let frame = try! Frame(schema: Schema([Field("id", type)]), columns: [all])
        let groups = frame.groups(byColumns: [0], nulls: .exclude)
        let distinct = all.gather(groups.firstRows)
        let order: [Int]
        if case .int64(let v) = distinct.values {
            order = (0..<v.count).sorted { v[$0] < v[$1] }
        } else {
            order = (0..<distinct.count).sorted { distinct.compareRows($0, $1) < 0 }
        }
        var rank = [Int32](repeating: 0, count: order.count)
        for (r, g) in order.enumerated() { rank[g] = Int32(r) }
        var codes: [[Int32]] = []
        var start = 0
        for part in parts {
            let n = part.count
            var c = [Int32](repeating: -1, count: n)
            groups.ids.withUnsafeBufferPointer { ids in
                for i in 0..<n where ids[start + i] >= 0 { c[i] = rank[Int(ids[start + i])] }
            }
            codes.append(c)
            start += n
        }
        let sortedIDs: Column = distinct.gather(order)
        return (KeyIndex(ids: Column(sortedIDs.values)), codes)
    }

    /// Ids are compared as int64 or string: int32 widens, so int32 and int64 keys join.
    static func normalised(_ c: Column) -> Column {
        if case .int32(let v) = c.values { return Column(.int64(v.map(Int64.init)), validity: c.validity) }
        return c
    }

    /// Whether two id columns can share an index.
    static func compatible(_ a: DataType, _ b: DataType) -> Bool {
        func family(_ t: DataType) -> Int { t == .int32 || t == .int64 ? 0 : (t == .string ? 1 : 2) }
        return family(a) == family(b) && family(a) < 2
    }
}

/// The event log as contiguous per-role arrays, with each customer's rows in time order.
struct EventLog {
    static let microsPerDay: Int64 = 86_400_000_000

    var rowCount: Int
    /// Customer index of each row, −1 when the customer is null.
    var customer: [Int32]
    /// Item index of each row, −1 when the item is null.
    var item: [Int32]
    /// Microseconds since the epoch; rows whose time is null are left out of `byCustomer`.
    var time: [Int64]
    var timeValid: [Bool]?
    /// Index into `types` of each row's event type.
    var type: [Int32]
    /// The event types, sorted (the default type when the log has none).
    var types: [String]
    /// Units (1 when there is no quantity column or it is null).
    var quantity: [Double]
    /// Unit price, NaN when unknown; nil when the log has no price column.
    var price: [Double]?
    /// Rating, NaN when absent; nil when the log has no rating column.
    var rating: [Double]?
    /// Order index of each row (−1 when null); nil without an order column.
    var order: [Int32]?
    var orderCount: Int

    /// Rows of customer `c` are `offsets[c] ..< offsets[c + 1]`, by time then input row: the log is
    /// laid out in customer order, the rows without a customer or time after the last customer's.
    var offsets: [Int]

    var isPurchaseType: [Bool]
    var isViewType: [Bool]

    /// A purchase line: a purchase type with positive quantity.
    @inline(__always) func isPurchase(_ r: Int) -> Bool { isPurchaseType[Int(type[r])] && quantity[r] > 0 }
    /// A return or cancellation: a purchase type with negative quantity.
    @inline(__always) func isReturn(_ r: Int) -> Bool { isPurchaseType[Int(type[r])] && quantity[r] < 0 }

    /// Lists each customer's rows in time order (counting sort by customer, then a sort of each
    /// customer's few rows), over both cores.
    static func customerRows(customer: [Int32], time: [Int64], timeValid: [Bool]?, customers: Int)
        -> (offsets: [Int], rows: [Int32])
    {
        var offsets = [Int](repeating: 0, count: customers + 1)
        for (r, c) in customer.enumerated() where c >= 0 && (timeValid?[r] ?? true) { offsets[Int(c) + 1] += 1 }
        for c in 0..<customers { offsets[c + 1] += offsets[c] }
        var cursor = offsets
        var rows = [Int32](repeating: 0, count: offsets[customers])
        for (r, c) in customer.enumerated() where c >= 0 && (timeValid?[r] ?? true) {
            rows[cursor[Int(c)]] = Int32(r)
            cursor[Int(c)] += 1
        }
        let o = offsets
        rows.withUnsafeMutableBufferPointer { buffer in
            let shared = SharedBuffer(buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!)
            time.withUnsafeBufferPointer { t in
                let times = SharedTimes(base: t.baseAddress)
                ParallelWork.forEachRange(count: customers, minimumPerThread: 4096) { range in
                    for c in range {
                        var slice = UnsafeMutableBufferPointer(start: shared.base + o[c], count: o[c + 1] - o[c])
                        // Rows are ascending already, so a stable sort by time breaks ties by row.
                        if slice.count > 1 {
                            slice.sort { a, b in
                                let ta = times.base![Int(a)], tb = times.base![Int(b)]
                                return ta < tb || (ta == tb && a < b)
                            }
                        }
                    }
                }
            }
        }
        return (offsets, rows)
    }
}

extension EventLog {
    /// A reordering of the log's rows: row `i` of the laid-out log is row `source[i]` of the input.
    struct Layout {
        let source: [Int32]

        func apply<T>(_ values: [T]) -> [T] {
            source.withUnsafeBufferPointer { s in
                values.withUnsafeBufferPointer { v in
                    [T](unsafeUninitializedCapacity: s.count) { out, count in
                        for i in 0..<s.count { (out.baseAddress! + i).initialize(to: v[Int(s[i])]) }
                        count = s.count
                    }
                }
            }
        }
    }

    /// The customers' rows in `customerRows` order, then the rows it leaves out (null customer or
    /// time) in their original order.
    static func layout(customerRows: [Int32], rowCount: Int) -> Layout {
        guard customerRows.count < rowCount else { return Layout(source: customerRows) }
        var listed = [Bool](repeating: false, count: rowCount)
        for r in customerRows { listed[Int(r)] = true }
        var source = customerRows
        source.reserveCapacity(rowCount)
        for r in 0..<rowCount where !listed[r] { source.append(Int32(r)) }
        return Layout(source: source)
    }
}

private struct SharedTimes: @unchecked Sendable {
    let base: UnsafePointer<Int64>?
}
