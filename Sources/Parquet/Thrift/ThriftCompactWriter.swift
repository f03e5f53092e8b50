/// Writes the Thrift compact protocol: the encoding of every Parquet footer and page header.
///
/// Fields must be written in increasing id order within a struct; the writer uses the one-byte
/// short form whenever the id delta is 1...15 and the long form otherwise.
struct ThriftCompactWriter {
    private(set) var bytes: [UInt8] = []
    private var lastFieldId: Int16 = 0
    private var fieldIdStack: [Int16] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    // MARK: Primitive encodings

    mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func writeZigzag(_ value: Int64) {
        writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    // MARK: Fields

    private mutating func fieldHeader(_ id: Int16, _ type: ThriftType) {
        let delta = Int(id) - Int(lastFieldId)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta << 4) | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeZigzag(Int64(id))
        }
        lastFieldId = id
    }

    mutating func writeI32(_ id: Int16, _ value: Int32) {
        fieldHeader(id, .i32)
        writeZigzag(Int64(value))
    }

    mutating func writeI64(_ id: Int16, _ value: Int64) {
        fieldHeader(id, .i64)
        writeZigzag(value)
    }

    mutating func writeBool(_ id: Int16, _ value: Bool) {
        fieldHeader(id, value ? .boolTrue : .boolFalse)
    }

    mutating func writeBinary(_ id: Int16, _ value: [UInt8]) {
        fieldHeader(id, .binary)
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func writeString(_ id: Int16, _ value: String) {
        writeBinary(id, Array(value.utf8))
    }

    /// Opens a nested struct field; close it with `endStruct()`.
    mutating func beginStruct(_ id: Int16) {
        fieldHeader(id, .structure)
        pushStruct()
    }

    /// Starts a struct that is a list element (no field header).
    mutating func pushStruct() {
        fieldIdStack.append(lastFieldId)
        lastFieldId = 0
    }

    mutating func endStruct() {
        bytes.append(0)
        lastFieldId = fieldIdStack.popLast() ?? 0
    }

    /// Writes a list field header; the caller then writes `count` elements of `elementType`.
    mutating func beginList(_ id: Int16, elementType: ThriftType, count: Int) {
        fieldHeader(id, .list)
        if count <= 14 {
            bytes.append(UInt8(count << 4) | elementType.rawValue)
        } else {
            bytes.append(0xF0 | elementType.rawValue)
            writeVarint(UInt64(count))
        }
    }

    /// A list element of type i32 (enums are i32).
    mutating func writeListI32(_ value: Int32) { writeZigzag(Int64(value)) }

    mutating func writeListBinary(_ value: [UInt8]) {
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Ends the top-level struct being written.
    mutating func finish() { bytes.append(0) }
}

/// The compact protocol's type nibbles.
enum ThriftType: UInt8 {
    case stop = 0
    case boolTrue = 1
    case boolFalse = 2
    case i8 = 3
    case i16 = 4
    case i32 = 5
    case i64 = 6
    case double = 7
    case binary = 8
    case list = 9
    case set = 10
    case map = 11
    case structure = 12
    case uuid = 13
}
