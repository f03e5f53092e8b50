import Frame

/// What `bespoke inspect` shows of a Parquet file: schema, row groups, per-chunk codec, sizes
/// and statistics, decoded into readable values.
public struct ParquetSummary: Sendable, Codable, Equatable {
    public struct SchemaColumn: Sendable, Codable, Equatable {
        public var name: String
        public var physicalType: String
        public var logicalType: String?
        public var repetition: String
        /// The Frame type it reads as, or nil when unsupported.
        public var type: String?
        public var unsupported: String?
    }

    public struct ChunkSummary: Sendable, Codable, Equatable {
        public var column: String
        public var codec: String
        public var encodings: [String]
        public var values: Int64
        public var compressedBytes: Int64
        public var uncompressedBytes: Int64
        public var nullCount: Int64?
        public var nanCount: Int64?
        public var min: String?
        public var max: String?
    }

    public struct RowGroupSummary: Sendable, Codable, Equatable {
        public var index: Int
        public var rows: Int64
        public var compressedBytes: Int64
        public var uncompressedBytes: Int64
        public var columns: [ChunkSummary]
    }

    public var path: String
    public var fileBytes: Int
    public var formatVersion: Int32
    public var createdBy: String?
    public var rows: Int64
    public var schema: [SchemaColumn]
    public var rowGroups: [RowGroupSummary]
    public var keyValueMetadata: [String: String]

    public init(_ reader: ParquetReader) {
        let meta = reader.metadata
        path = reader.path
        fileBytes = reader.fileSize
        formatVersion = meta.version
        createdBy = meta.createdBy
        rows = meta.numRows
        schema = reader.leaves.map { leaf in
            var type: String? = nil, unsupported: String? = nil
            switch leaf.target {
            case .success(let t): type = t.rawValue
            case .failure(let u): unsupported = u.reason
            }
            return SchemaColumn(
                name: leaf.name, physicalType: leaf.physical.description,
                logicalType: leaf.element.logicalType.map(Self.describe)
                    ?? leaf.element.convertedType.map { Self.describeConverted($0, leaf.element) },
                repetition: leaf.optional ? "OPTIONAL" : "REQUIRED", type: type, unsupported: unsupported)
        }
        rowGroups = meta.rowGroups.enumerated().map { g, group in
            let chunks = group.columns.enumerated().map { c, chunk in
                let m = chunk.metaData!
                let leaf = reader.leaves[c]
                let s = m.statistics
                return ChunkSummary(
                    column: leaf.name, codec: CompressionCodec.name(m.codec), encodings: m.encodings.map(Encoding.name),
                    values: m.numValues, compressedBytes: m.totalCompressedSize,
                    uncompressedBytes: m.totalUncompressedSize,
                    nullCount: s?.nullCount, nanCount: s?.nanCount,
                    min: (s?.minValue ?? s?.min).flatMap { Self.render($0, leaf) },
                    max: (s?.maxValue ?? s?.max).flatMap { Self.render($0, leaf) })
            }
            return RowGroupSummary(
                index: g, rows: group.numRows,
                compressedBytes: group.columns.reduce(0) { $0 + ($1.metaData?.totalCompressedSize ?? 0) },
                uncompressedBytes: group.columns.reduce(0) { $0 + ($1.metaData?.totalUncompressedSize ?? 0) },
                columns: chunks)
        }
        var kv: [String: String] = [:]
        for e in meta.keyValueMetadata { kv[e.key] = e.value ?? "" }
        keyValueMetadata = kv
    }

    static func describe(_ l: LogicalType) -> String {
        switch l {
        case .string: "STRING"
        case .date: "DATE"
        case .timestamp(let utc, let unit): "TIMESTAMP(\(unit), \(utc ? "UTC" : "local"))"
        case .time(let utc, let unit): "TIME(\(unit), \(utc ? "UTC" : "local"))"
        case .integer(let w, let s): "INTEGER(\(w), \(s ? "signed" : "unsigned"))"
        case .decimal(let scale, let precision): "DECIMAL(\(precision), \(scale))"
        case .other(let id): "logical type \(id)"
        default: "\(l)".uppercased()
        }
    }

    /// A legacy annotation by its specification name; DECIMAL with its precision and scale.
    static func describeConverted(_ raw: Int32, _ e: SchemaElement) -> String {
        let name = ConvertedType.name(raw)
        guard raw == ConvertedType.decimal.rawValue else { return name }
        return "\(name)(\(e.precision ?? 0), \(e.scale ?? 0))"
    }

    /// The exact text of the decimal with unscaled value `v` and `scale` digits after the point.
    static func decimalText(_ v: Int128, scale: Int32) -> String {
        var digits = String(v.magnitude)
        let s = Int(max(0, scale))
        guard s > 0 else { return v < 0 ? "-" + digits : digits }
        if digits.count <= s { digits = String(repeating: "0", count: s + 1 - digits.count) + digits }
        let point = digits.index(digits.endIndex, offsetBy: -s)
        return (v < 0 ? "-" : "") + digits[..<point] + "." + digits[point...]
    }

    /// A statistics value as text, decoded by the column's type.
    static func render(_ bytes: [UInt8], _ leaf: LeafColumn) -> String? {
        func le<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard bytes.count == MemoryLayout<T>.size else { return nil }
            var v: T = 0
            for (i, b) in bytes.enumerated() { v |= T(truncatingIfNeeded: b) << (8 * i) }
            return v
        }
        let target = try? leaf.target.get()
        let unsigned =
            leaf.element.logicalType.map { if case .integer(_, false) = $0 { true } else { false } }
            ?? [ConvertedType.uint8, .uint16, .uint32, .uint64].map(\.rawValue).contains(
                leaf.element.convertedType ?? -1)
        switch leaf.physical {
        case .boolean: return bytes.first.map { $0 != 0 ? "true" : "false" }
        case .int32:
            guard let v = le(Int32.self) else { return nil }
            if target == .date { return ValueFormatter.date(v) }
            if case .decimal(let scale) = leaf.conversion { return decimalText(Int128(v), scale: scale) }
            return unsigned ? String(UInt32(bitPattern: v)) : String(v)
        case .int64:
            guard let v = le(Int64.self) else { return nil }
            if target == .timestamp {
                switch leaf.conversion {
                case .timestampMillis: return ValueFormatter.timestamp(v &* 1000)
                // Floor, as the reader converts the values: instants before 1970 round down.
                case .timestampNanos: return ValueFormatter.timestamp(v / 1000 - (v % 1000 < 0 ? 1 : 0))
                default: return ValueFormatter.timestamp(v)
                }
            }
            if case .decimal(let scale) = leaf.conversion { return decimalText(Int128(v), scale: scale) }
            return unsigned ? String(UInt64(bitPattern: v)) : String(v)
        case .float: return le(UInt32.self).map { ValueFormatter.double(Double(Float(bitPattern: $0))) }
        case .double: return le(UInt64.self).map { ValueFormatter.double(Double(bitPattern: $0)) }
        case .byteArray: return String(decoding: bytes, as: UTF8.self)
        case .fixedLenByteArray:
            guard case .decimal(let scale) = leaf.conversion, bytes.count == leaf.width else { return nil }
            return bytes.withUnsafeBytes {
                decimalText(LeafColumn.bigEndianInteger($0, at: 0, width: leaf.width), scale: scale)
            }
        case .int96: return nil
        }
    }
}
