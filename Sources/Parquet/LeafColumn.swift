import Frame

/// A leaf of a file's flat schema and how its physical values become a Frame column.
struct LeafColumn: Sendable {
    /// How stored values are turned into the Frame type.
    enum Conversion: Sendable, Equatable {
        case none
        case floatToDouble
        case int96ToTimestamp
        case timestampMillis
        case timestampNanos
        case unsignedToInt64
        case decimal(scale: Int32)
    }

    var name: String
    var element: SchemaElement
    var physical: PhysicalType
    var optional: Bool
    /// The Frame type, or why the column cannot be read.
    var target: Result<DataType, UnsupportedColumn>
    var conversion: Conversion
    /// The bytes of each value of a FIXED_LEN_BYTE_ARRAY column (0 otherwise).
    var width = 0

    struct UnsupportedColumn: Error, Sendable, Equatable {
        var reason: String
    }

    init(_ e: SchemaElement, physical: PhysicalType) {
        name = e.name
        element = e
        self.physical = physical
        optional = e.repetition != .required
        conversion = .none
        let converted = e.convertedType.flatMap(ConvertedType.init(rawValue:))
        func unsupported(_ what: String) -> Result<DataType, UnsupportedColumn> {
            .failure(UnsupportedColumn(reason: "\(what) column '\(e.name)'"))
        }
        switch physical {
        case .boolean:
            target = .success(.bool)
        case .int32:
            switch (e.logicalType, converted) {
            case (.date?, _), (nil, .date?): target = .success(.date)
            case (.integer(32, false)?, _), (nil, .uint32?):
                target = .success(.int64)
                conversion = .unsignedToInt64
            case (.integer?, _), (nil, nil), (nil, .int8?), (nil, .int16?), (nil, .int32?), (nil, .uint8?),
                (nil, .uint16?):
                target = .success(.int32)
            case (.decimal(let scale, _)?, _):
                target = .success(.double)
                conversion = .decimal(scale: scale)
            case (nil, .decimal?):
                target = .success(.double)
                conversion = .decimal(scale: e.scale ?? 0)
            default: target = unsupported("INT32 \(Self.annotation(e))")
            }
        case .int64:
            switch (e.logicalType, converted) {
            case (.timestamp(_, .micros)?, _), (nil, .timestampMicros?): target = .success(.timestamp)
            case (.timestamp(_, .millis)?, _), (nil, .timestampMillis?):
                target = .success(.timestamp)
                conversion = .timestampMillis
            case (.timestamp(_, .nanos)?, _):
                target = .success(.timestamp)
                conversion = .timestampNanos
            case (.integer(64, false)?, _), (nil, .uint64?):
                target = unsupported("UINT64")
            case (.integer?, _), (nil, nil), (nil, .int64?):
                target = .success(.int64)
            case (.decimal(let scale, _)?, _):
                target = .success(.double)
                conversion = .decimal(scale: scale)
            case (nil, .decimal?):
                target = .success(.double)
                conversion = .decimal(scale: e.scale ?? 0)
            default: target = unsupported("INT64 \(Self.annotation(e))")
            }
        case .int96:
            target = .success(.timestamp)
            conversion = .int96ToTimestamp
        case .float:
            target = .success(.double)
            conversion = .floatToDouble
        case .double:
            target = .success(.double)
        case .byteArray:
            switch (e.logicalType, converted) {
            case (.decimal?, _), (nil, .decimal?): target = unsupported("BYTE_ARRAY DECIMAL")
            default: target = .success(.string)
            }
        case .fixedLenByteArray:
            // pyarrow's default DECIMAL: big-endian two's complement, up to 16 bytes (38 digits).
            width = Int(e.typeLength ?? 0)
            switch (e.logicalType, converted) {
            case (.decimal(let scale, _)?, _) where (1...16).contains(width):
                target = .success(.double)
                conversion = .decimal(scale: scale)
            case (nil, .decimal?) where (1...16).contains(width):
                target = .success(.double)
                conversion = .decimal(scale: e.scale ?? 0)
            default: target = unsupported("FIXED_LEN_BYTE_ARRAY(\(width)) \(Self.annotation(e))")
            }
        }
        // A decimal's scale is at most its precision: 9 digits fit INT32, 18 fit INT64, 38 sixteen
        // bytes. A larger one is garbage, and would make the conversion loop for as long as the scale says.
        let maxScale: Int32 = physical == .int32 ? 9 : physical == .int64 ? 18 : 38
        if case .decimal(let scale) = conversion, !(0...maxScale).contains(scale) {
            target = unsupported("\(physical) DECIMAL with scale \(scale)")
            conversion = .none
        }
    }

    private static func annotation(_ e: SchemaElement) -> String {
        if let l = e.logicalType { return "\(l)".uppercased() }
        if let c = e.convertedType { return ConvertedType.name(c) }
        return ""
    }

    /// The unscaled integer of a FIXED_LEN_BYTE_ARRAY decimal: `width` (1…16) big-endian bytes
    /// of two's complement at `offset`.
    @inline(__always)
    static func bigEndianInteger(_ data: UnsafeRawBufferPointer, at offset: Int, width: Int) -> Int128 {
        var v = Int128(Int8(bitPattern: data[offset]))  // the sign, extended
        for k in 1..<width { v = v << 8 | Int128(data[offset + k]) }
        return v
    }

    /// 10^scale as the nearest Double (exact up to 10^22): unscaled integers are divided by it.
    static func decimalDivisor(_ scale: Int32) -> Double {
        Double("1e\(max(0, scale))")!
    }
}
