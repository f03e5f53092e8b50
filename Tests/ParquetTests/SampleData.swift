import Frame
import TestSupport

/// How a generated column uses nulls.
enum NullMode: String, CaseIterable, Sendable, CustomStringConvertible {
    /// REQUIRED: the field is not nullable.
    case required
    /// OPTIONAL with no null (validity nil).
    case noNulls
    /// OPTIONAL with nulls in runs and singly, the first row null and the last valid.
    case someNulls
    /// OPTIONAL with every row null.
    case allNulls

    var nullable: Bool { self != .required }
    var description: String { rawValue }
}

/// Deterministic column values with the awkward cases of each type mixed in.
enum SampleData {
    /// A string longer than the 4096-byte statistics cap, sorting after every other sample.
    static let longString = String(repeating: "z", count: 5000)

    /// Special values first, then seeded random ones. `interopSafe` keeps timestamps and dates
    /// inside the ranges pyarrow and DuckDB convert (years 1…9999) and leaves out `longString`.
    static func values(_ type: DataType, rows: Int, seed: UInt64, interopSafe: Bool = false) -> ColumnValues {
        var rng = SplitMix64(seed: seed &+ UInt64(type.hashIndex) &* 7919)
        func pick<T>(_ specials: [T], _ random: (inout SplitMix64) -> T) -> [T] {
            (0..<rows).map { i in i < specials.count ? specials[i] : random(&rng) }
        }
        switch type {
        case .int32:
            return .int32(pick([0, Int32.min, Int32.max, -1, 1, 42]) { Int32(truncatingIfNeeded: $0.next()) })
        case .int64:
            return .int64(pick([0, Int64.min, Int64.max, -1, 1 << 40]) { Int64(bitPattern: $0.next()) })
        case .double:
            let specials: [Double] = [
                -0.0, .nan, .infinity, -.infinity, 0.0, .leastNonzeroMagnitude, -.greatestFiniteMagnitude, 1.5,
            ]
            return .double(pick(specials) { Double(Int64(bitPattern: $0.next()) % 2_000_000) / 64 })
        case .bool:
            return .bool(pick([true, false, false]) { $0.next() & 1 == 1 })
        case .string:
            var specials = ["", "a", "héllo wörld", "日本語", "😀 emoji", "tab\tnew\nline\"quote\\", "\u{0}nul\u{7F}"]
            if !interopSafe { specials.insert(longString, at: 3) }
            let alphabet = Array("abcdefghijklmnopqrstuvwxyzé中 ")
            return .string(
                StringArray(
                    pick(specials) { r in
                        String((0..<Int(r.next() % 12)).map { _ in alphabet[Int(r.next() % UInt64(alphabet.count))] })
                    }))
        case .timestamp:
            // Before 1970 (negative µs) and around the edges of years 1 and 9999.
            var specials: [Int64] = [0, -1, 1, -62_135_596_800_000_000, 253_402_300_799_999_999, -86_400_000_001]
            if !interopSafe { specials += [Int64.min, Int64.max] }
            return .timestamp(pick(specials) { Int64(bitPattern: $0.next()) % 3_000_000_000_000_000 })
        case .date:
            var specials: [Int32] = [0, -1, 1, -719_162, 2_932_896]
            if !interopSafe { specials += [Int32.min, Int32.max] }
            return .date(pick(specials) { Int32(Int64(bitPattern: $0.next()) % 1_000_000) })
        }
    }

    /// The validity mask for `mode`: nil when there is no null.
    static func validity(_ mode: NullMode, rows: Int, seed: UInt64) -> [Bool]? {
        switch mode {
        case .required, .noNulls: return nil
        case .allNulls: return [Bool](repeating: false, count: rows)
        case .someNulls:
            var rng = SplitMix64(seed: seed ^ 0xA5A5)
            var v = (0..<rows).map { _ in rng.next() % 3 != 0 }
            // A run of nulls and a run of values longer than 8, so levels use both RLE and bit-packed runs.
            if rows > 40 {
                for i in 10..<25 { v[i] = false }
                for i in 25..<40 { v[i] = true }
            }
            if rows > 0 { v[0] = false }
            if rows > 1 { v[rows - 1] = true }
            return v
        }
    }

    /// A column of `type` with nulls per `mode`; null slots hold zero or the empty string.
    static func column(_ type: DataType, rows: Int, mode: NullMode, seed: UInt64, interopSafe: Bool = false) -> Column {
        let validity = validity(mode, rows: rows, seed: seed)
        var values = values(type, rows: rows, seed: seed, interopSafe: interopSafe)
        if let validity { values = zeroingNulls(values, validity) }
        return Column(values, validity: validity)
    }

    static func zeroingNulls(_ values: ColumnValues, _ validity: [Bool]) -> ColumnValues {
        func zero<T>(_ v: [T], _ z: T) -> [T] { v.indices.map { validity[$0] ? v[$0] : z } }
        switch values {
        case .int32(let v): return .int32(zero(v, 0))
        case .date(let v): return .date(zero(v, 0))
        case .int64(let v): return .int64(zero(v, 0))
        case .timestamp(let v): return .timestamp(zero(v, 0))
        case .double(let v): return .double(zero(v, 0))
        case .bool(let v): return .bool(zero(v, false))
        case .string(let s):
            return .string(StringArray(s.count == 0 ? [] : (0..<s.count).map { validity[$0] ? s[$0] : "" }))
        }
    }

    /// A frame with one column of every type, named after the type, with nulls per `mode`.
    static func allTypes(rows: Int, mode: NullMode, seed: UInt64 = 1, interopSafe: Bool = false) -> Frame {
        let fields = DataType.allCases.map { Field($0.rawValue, $0, nullable: mode.nullable) }
        let columns = DataType.allCases.enumerated().map { i, t in
            column(t, rows: rows, mode: mode, seed: seed &+ UInt64(i), interopSafe: interopSafe)
        }
        return try! Frame(schema: Schema(fields), columns: columns)
    }

    /// A frame mixing REQUIRED and OPTIONAL columns of every type.
    static func mixed(rows: Int, seed: UInt64 = 7, interopSafe: Bool = false) -> Frame {
        var fields: [Field] = [], columns: [Column] = []
        for (i, t) in DataType.allCases.enumerated() {
            let mode: NullMode = i % 2 == 0 ? .someNulls : .required
            fields.append(Field("\(t.rawValue)_\(mode)", t, nullable: mode.nullable))
            columns.append(column(t, rows: rows, mode: mode, seed: seed &+ UInt64(i), interopSafe: interopSafe))
        }
        return try! Frame(schema: Schema(fields), columns: columns)
    }
}

extension DataType {
    fileprivate var hashIndex: Int { DataType.allCases.firstIndex(of: self)! }
}
