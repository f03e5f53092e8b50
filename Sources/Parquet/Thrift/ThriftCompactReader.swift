/// Reads the Thrift compact protocol from a bounded buffer, trusting nothing in it.
///
/// Every length is checked against the bytes that remain, nesting is limited, and fields a
/// struct decoder does not know are skipped by type, so newer writers' footers still parse.
struct ThriftCompactReader {
    private let base: UnsafeRawBufferPointer
    private(set) var position: Int
    private var lastFieldId: Int16 = 0
    private var fieldIdStack: [Int16] = []
    /// Nesting deeper than this is rejected as garbage (Parquet's footer nests about 6 deep).
    static let maxDepth = 64

    init(_ buffer: UnsafeRawBufferPointer) {
        base = buffer
        position = 0
    }

    var remaining: Int { base.count - position }

    // MARK: Primitives

    mutating func readByte() throws(ThriftError) -> UInt8 {
        guard position < base.count else { throw .truncated(at: position) }
        let b = base[position]
        position += 1
        return b
    }

    mutating func readVarint() throws(ThriftError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try readByte()
            if shift == 63 && b & 0x80 != 0 { throw .invalid(at: position - 1, "varint longer than 10 bytes") }
            if shift == 63 && b > 1 { throw .invalid(at: position - 1, "varint overflows 64 bits") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw .invalid(at: position - 1, "varint longer than 10 bytes") }
        }
    }

    mutating func readZigzag() throws(ThriftError) -> Int64 {
        let u = try readVarint()
        return Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1)
    }

    mutating func readI32() throws(ThriftError) -> Int32 {
        let at = position
        let v = try readZigzag()
        guard let i = Int32(exactly: v) else { throw .invalid(at: at, "i32 value \(v) out of range") }
        return i
    }

    mutating func readI64() throws(ThriftError) -> Int64 { try readZigzag() }

    mutating func readDouble() throws(ThriftError) -> Double {
        guard remaining >= 8 else { throw .truncated(at: position) }
        var bits: UInt64 = 0
        for i in 0..<8 { bits |= UInt64(base[position + i]) << (8 * UInt64(i)) }
        position += 8
        return Double(bitPattern: bits)
    }

    mutating func readBinary() throws(ThriftError) -> [UInt8] {
        let at = position
        let n = try readVarint()
        guard n <= UInt64(remaining) else {
            throw .invalid(at: at, "binary length \(n) exceeds the \(remaining) bytes left")
        }
        let out = [UInt8](UnsafeRawBufferPointer(rebasing: base[position..<position + Int(n)]))
        position += Int(n)
        return out
    }

    mutating func readString() throws(ThriftError) -> String {
        String(decoding: try readBinary(), as: UTF8.self)
    }

    // MARK: Structs

    /// Enters a struct: field ids restart from 0 until the matching `endStruct()`.
    mutating func beginStruct() throws(ThriftError) {
        guard fieldIdStack.count < Self.maxDepth else {
            throw .invalid(at: position, "nesting deeper than \(Self.maxDepth)")
        }
        fieldIdStack.append(lastFieldId)
        lastFieldId = 0
    }

    mutating func endStruct() {
        lastFieldId = fieldIdStack.popLast() ?? 0
    }

    /// The next field header, or nil at the struct's stop byte. A bool field's value is in `type`.
    mutating func readFieldHeader() throws(ThriftError) -> (id: Int16, type: UInt8)? {
        let at = position
        let b = try readByte()
        if b == 0 { return nil }
        let type = b & 0x0F
        let delta = b >> 4
        let id: Int16
        if delta != 0 {
            let (sum, overflow) = lastFieldId.addingReportingOverflow(Int16(delta))
            guard !overflow else { throw .invalid(at: at, "field id overflows i16") }
            id = sum
        } else {
            let v = try readZigzag()
            guard let i = Int16(exactly: v) else { throw .invalid(at: at, "field id \(v) out of range") }
            id = i
        }
        guard type <= ThriftType.uuid.rawValue, type != 0 else {
            throw .invalid(at: at, "unknown compact type \(type)")
        }
        lastFieldId = id
        return (id, type)
    }

    /// A list header: element type and count. The count is bounded by the bytes left (every
    /// element takes at least one byte, except bools written in headers, which lists don't use).
    mutating func readListHeader() throws(ThriftError) -> (elementType: UInt8, count: Int) {
        let at = position
        let b = try readByte()
        let type = b & 0x0F
        var count = Int(b >> 4)
        if count == 15 {
            let n = try readVarint()
            guard n <= UInt64(Int32.max) else { throw .invalid(at: at, "list size \(n) too large") }
            count = Int(n)
        }
        guard count <= remaining else {
            throw .invalid(at: at, "list of \(count) elements cannot fit in the \(remaining) bytes left")
        }
        return (type, count)
    }

    /// Skips a value of compact type `type` (as in a field header), recursing into containers.
    mutating func skip(type: UInt8, depth: Int = 0) throws(ThriftError) {
        guard depth < Self.maxDepth else { throw .invalid(at: position, "nesting deeper than \(Self.maxDepth)") }
        switch type {
        case ThriftType.boolTrue.rawValue, ThriftType.boolFalse.rawValue: return
        case ThriftType.i8.rawValue: _ = try readByte()
        case ThriftType.i16.rawValue, ThriftType.i32.rawValue, ThriftType.i64.rawValue: _ = try readVarint()
        case ThriftType.double.rawValue: try advance(8)
        case ThriftType.binary.rawValue:
            let at = position
            let n = try readVarint()
            guard n <= UInt64(remaining) else {
                throw .invalid(at: at, "binary length \(n) exceeds the \(remaining) bytes left")
            }
            position += Int(n)
        case ThriftType.list.rawValue, ThriftType.set.rawValue:
            let (elementType, count) = try readListHeader()
            for _ in 0..<count { try skipElement(type: elementType, depth: depth + 1) }
        case ThriftType.map.rawValue:
            let at = position
            let n = try readVarint()
            guard n <= UInt64(remaining) else { throw .invalid(at: at, "map of \(n) entries cannot fit") }
            if n > 0 {
                let kv = try readByte()
                for _ in 0..<Int(n) {
                    try skipElement(type: kv >> 4, depth: depth + 1)
                    try skipElement(type: kv & 0x0F, depth: depth + 1)
                }
            }
        case ThriftType.structure.rawValue:
            try beginStruct()
            while let (_, t) = try readFieldHeader() { try skip(type: t, depth: depth + 1) }
            endStruct()
        case ThriftType.uuid.rawValue: try advance(16)
        default: throw .invalid(at: position, "unknown compact type \(type)")
        }
    }

    /// Skips a container element: unlike fields, a bool element occupies one byte.
    private mutating func skipElement(type: UInt8, depth: Int) throws(ThriftError) {
        if type == ThriftType.boolTrue.rawValue || type == ThriftType.boolFalse.rawValue {
            _ = try readByte()
        } else {
            try skip(type: type, depth: depth)
        }
    }

    private mutating func advance(_ n: Int) throws(ThriftError) {
        guard remaining >= n else { throw .truncated(at: position) }
        position += n
    }

    /// Checks that a field has the wire type the decoder expects.
    func expect(_ type: UInt8, _ wanted: ThriftType, field: Int16, in structName: String) throws(ThriftError) {
        guard type == wanted.rawValue else {
            throw .invalid(at: position, "\(structName).\(field): expected \(wanted), got type \(type)")
        }
    }
}

/// A malformed Thrift structure, with the byte offset where it went wrong.
enum ThriftError: Error, Equatable {
    case truncated(at: Int)
    case invalid(at: Int, String)
    case missingRequired(structName: String, field: String)
}
