/// Decoding of footer and page-header structs. Unknown fields, and known fields carrying an
/// unexpected wire type, are skipped; missing thrift-required fields are errors.
private func required<V>(_ v: V?, _ structName: String, _ field: String) throws(ThriftError) -> V {
    guard let v else { throw .missingRequired(structName: structName, field: field) }
    return v
}

private let tI32 = ThriftType.i32.rawValue
private let tI64 = ThriftType.i64.rawValue
private let tI16 = ThriftType.i16.rawValue
private let tI8 = ThriftType.i8.rawValue
private let tBin = ThriftType.binary.rawValue
private let tList = ThriftType.list.rawValue
private let tStruct = ThriftType.structure.rawValue
private let tTrue = ThriftType.boolTrue.rawValue
private let tFalse = ThriftType.boolFalse.rawValue

extension ThriftCompactReader {
    /// Reads a list of structs, each decoded by `element`.
    mutating func readStructList<E>(_ element: (inout ThriftCompactReader) throws(ThriftError) -> E) throws(ThriftError)
        -> [E]
    {
        let (type, count) = try readListHeader()
        guard type == tStruct else {
            throw .invalid(at: position, "expected a list of structs, got element type \(type)")
        }
        var out: [E] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try element(&self)) }
        return out
    }

    mutating func readI32List() throws(ThriftError) -> [Int32] {
        let (type, count) = try readListHeader()
        guard type == tI32 else { throw .invalid(at: position, "expected a list of i32, got element type \(type)") }
        var out: [Int32] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try readI32()) }
        return out
    }

    mutating func readStringList() throws(ThriftError) -> [String] {
        let (type, count) = try readListHeader()
        guard type == tBin else { throw .invalid(at: position, "expected a list of strings, got element type \(type)") }
        var out: [String] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try readString()) }
        return out
    }

    /// Reads a struct whose fields are all ignored (the empty structs of unions).
    mutating func skipStruct() throws(ThriftError) { try skip(type: tStruct) }
}

extension FileMetaData {
    init(from r: inout ThriftCompactReader) throws(ThriftError) {
        var version: Int32?, schema: [SchemaElement]?, numRows: Int64?, rowGroups: [RowGroup]?
        var kv: [KeyValue] = [], createdBy: String?, orders: [Bool]?
        try r.beginStruct()
        while let (id, t) = try r.readFieldHeader() {
            switch (id, t) {
            case (1, tI32): version = try r.readI32()
            case (2, tList): schema = try r.readStructList { (r) throws(ThriftError) in try SchemaElement(from: &r) }
            case (3, tI64): numRows = try r.readI64()
            case (4, tList): rowGroups = try r.readStructList { (r) throws(ThriftError) in try RowGroup(from: &r) }
            case (5, tList): kv = try r.readStructList { (r) throws(ThriftError) in try KeyValue(from: &r) }
            case (6, tBin): createdBy = try r.readString()
            case (7, tList):
                orders = try r.readStructList { (r) throws(ThriftError) in
                    var isTypeOrder = false
                    try r.beginStruct()
                    while let (uid, ut) = try r.readFieldHeader() {
                        if uid == 1 && ut == tStruct { isTypeOrder = true }
                        try r.skip(type: ut)
                    }
                    r.endStruct()
                    return isTypeOrder
                }
            default: try r.skip(type: t)
            }
        }
        r.endStruct()
        self.init(
            version: try required(version, "FileMetaData", "version"),
            schema: try required(schema, "FileMetaData", "schema"),
            numRows: try required(numRows, "FileMetaData", "num_rows"),
            rowGroups: try required(rowGroups, "FileMetaData", "row_groups"),
            keyValueMetadata: kv, createdBy: createdBy, columnOrders: orders)
    }
}

extension KeyValue {
    init(from r: inout ThriftCompactReader) throws(ThriftError) {
        var key: String?, value: String?
        try r.beginStruct()
        while let (id, t) = try r.readFieldHeader() {
            switch (id, t) {
            case (1, tBin): key = try r.readString()
            case (2, tBin): value = try r.readString()
            default: try r.skip(type: t)
            }
        }
        r.endStruct()
        self.init(key: try required(key, "KeyValue", "key"), value: value)
    }
}

extension SchemaElement {
    init(from r: inout ThriftCompactReader) throws(ThriftError) {
        var e = SchemaElement(name: "")
        var name: String?
        try r.beginStruct()
        while let (id, t) = try r.readFieldHeader() {
            switch (id, t) {
            case (1, tI32):
                let raw = try r.readI32()
                e.rawType = raw
                e.type = PhysicalType(rawValue: raw)
            case (2, tI32): e.typeLength = try r.readI32()
            case (3, tI32): e.repetition = Repetition(rawValue: try r.readI32())
            case (4, tBin): name = try r.readString()
            case (5, tI32): e.numChildren = try r.readI32()
            case (6, tI32): e.convertedType = try r.readI32()
            case (7, tI32): e.scale = try r.readI32()
            case (8, tI32): e.precision = try r.readI32()
            case (9, tI32): e.fieldId = try r.readI32()
            case (10, tStruct): e.logicalType = try LogicalType(from: &r)
            default: try r.skip(type: t)
            }
        }
        r.endStruct()
        e.name = try required(name, "SchemaElement", "name")
        self = e
    }

    init(name: String) { self.name = name }
}

extension LogicalType {
    init(from r: inout ThriftCompactReader) throws(ThriftError) {
        var result: LogicalType = .other(id: 0)
        try r.beginStruct()
        while let (id, t) = try r.readFieldHeader() {
            guard t == tStruct else {
                try r.skip(type: t)
                continue
            }
            switch id {
            case 1: result = .string; try r.skipStruct()
            case 2: result = .map; try r.skipStruct()
            case 3: result = .list; try r.skipStruct()
            case 4: result = .enumeration; try r.skipStruct()
            case 5:
                var scale: Int32 = 0, precision: Int32 = 0
                try r.beginStruct()
                while let (fid, ft) = try r.readFieldHeader() {
                    switch (fid, ft) {
                    case (1, tI32): scale = try r.readI32()
                    case (2, tI32): precision = try r.readI32()
                    default: try r.skip(type: ft)
                    }
                }
                r.endStruct()
                result = .decimal(scale: scale, precision: precision)
            case 6: result = .date; try r.skipStruct()
            case 7, 8:
                var utc = true, unit = TimeUnit.micros
                try r.beginStruct()
                while let (fid, ft) = try r.readFieldHeader() {
                    switch (fid, ft) {
                    case (1, tTrue), (1, tFalse): utc = ft == tTrue
                    case (2, tStruct): unit = try TimeUnit.decode(from: &r)
                    default: try r.skip(type: ft)
                    }
                }
                r.endStruct()
                result =
                    id == 7 ? .time(isAdjustedToUTC: utc, unit: unit) : .timestamp(isAdjustedToUTC: utc, unit: unit)
            case 10:
                var width: Int8 = 64, signed = true
                try r.beginStruct()
                while let (fid, ft) = try r.readFieldHeader() {
                    switch (fid, ft) {
                    case (1, tI8): width = Int8(bitPattern: try r.readByte())
                    case (2, tTrue), (2, tFalse): signed = ft == tTrue
                    default: try r.skip(type: ft)
                    }
                }
                r.endStruct()
                result = .integer(bitWidth: width, isSigned: signed)
            case 11: result = .unknown; try r.skipStruct()
            case 12: result = .json; try r.skipStruct()
            case 13: result = .bson; try r.skipStruct()
            case 14: result = .uuid; try r.skipStruct()
            case 15: result = .float16; try r.skipStruct()
            default: result = .other(id: id); try r.skipStruct()
            }
        }
        r.endStruct()
        self = result
    }
}

extension TimeUnit {
    static func decode(from r: inout ThriftCompactReader) throws(ThriftError) -> TimeUnit {
        var unit = TimeUnit.micros
        try r.beginStruct()
        while let (id, t) = try r.readFieldHeader() {
            switch id {
            case 1: unit = .millis
            case 2: unit = .micros
            case 3: unit = .nanos
            default: break
            }
            try r.skip(type: t)
        }
        r.endStruct()
        return unit
    }
}

extension RowGroup {
    init(from r: inout ThriftCompactReader) throws(ThriftError) {
        var columns: [ColumnChunk]?, totalByteSize: Int64?, numRows: Int64?
        var fileOffset: Int64?, totalCompressed: Int64?
        try r.beginStruct()
        while let (id, t) = try r.readFieldHeader() {
            switch (id, t) {
            case (1, tList): columns = try r.readStructList { (r) throws(ThriftError) in try ColumnChunk(from: &r) }
            case (2, tI64): totalByteSize = try r.readI64()
            case (3, tI64): numRows = try r.readI64()
            case (5, tI64): fileOffset = try r.readI64()
            case (6, tI64): totalCompressed = try r.readI64()
            default: try r.skip(type: t)
            }
        }
        r.endStruct()
        self.init(
            columns: try required(columns, "RowGroup", "columns"),
            totalByteSize: try required(totalByteSize, "RowGroup", "total_byte_size"),
            numRows: try required(numRows, "RowGroup", "num_rows"),
            fileOffset: fileOffset, totalCompressedSize: totalCompressed)
    }
}

extension ColumnChunk {
    init(from r: inout ThriftCompactReader) throws(ThriftError) {
        var filePath: String?, fileOffset: Int64?, meta: ColumnMetaData?
        try r.beginStruct()
        while let (id, t) = try r.readFieldHeader() {
            switch (id, t) {
            case (1, tBin): filePath = try r.readString()
            case (2, tI64): fileOffset = try r.readI64()
            case (3, tStruct): meta = try ColumnMetaData(from: &r)
            default: try r.skip(type: t)
            }
        }
        r.endStruct()
        self.init(
            filePath: filePath, fileOffset: try required(fileOffset, "ColumnChunk", "file_offset"), metaData: meta)
    }
}

extension ColumnMetaData {
    init(from r: inout ThriftCompactReader) throws(ThriftError) {
        var type: Int32?, encodings: [Int32]?, path: [String]?, codec: Int32?, numValues: Int64?
        var uncompressed: Int64?, compressed: Int64?, dataPageOffset: Int64?, dictOffset: Int64?
        var stats: Statistics?
        try r.beginStruct()
        while let (id, t) = try r.readFieldHeader() {
            switch (id, t) {
            case (1, tI32): type = try r.readI32()
            case (2, tList): encodings = try r.readI32List()
            case (3, tList): path = try r.readStringList()
            case (4, tI32): codec = try r.readI32()
            case (5, tI64): numValues = try r.readI64()
            case (6, tI64): uncompressed = try r.readI64()
            case (7, tI64): compressed = try r.readI64()
            case (9, tI64): dataPageOffset = try r.readI64()
            case (11, tI64): dictOffset = try r.readI64()
            case (12, tStruct): stats = try Statistics(from: &r)
            default: try r.skip(type: t)
            }
        }
        r.endStruct()
        let name = "ColumnMetaData"
        self.init(
            type: try required(type, name, "type"), encodings: try required(encodings, name, "encodings"),
            pathInSchema: try required(path, name, "path_in_schema"), codec: try required(codec, name, "codec"),
            numValues: try required(numValues, name, "num_values"),
            totalUncompressedSize: try required(uncompressed, name, "total_uncompressed_size"),
            totalCompressedSize: try required(compressed, name, "total_compressed_size"),
            dataPageOffset: try required(dataPageOffset, name, "data_page_offset"),
            dictionaryPageOffset: dictOffset, statistics: stats)
    }
}

extension Statistics {
    init(from r: inout ThriftCompactReader) throws(ThriftError) {
        var s = Statistics()
        try r.beginStruct()
        while let (id, t) = try r.readFieldHeader() {
            switch (id, t) {
            case (1, tBin): s.max = try r.readBinary()
            case (2, tBin): s.min = try r.readBinary()
            case (3, tI64): s.nullCount = try r.readI64()
            case (4, tI64): s.distinctCount = try r.readI64()
            case (5, tBin): s.maxValue = try r.readBinary()
            case (6, tBin): s.minValue = try r.readBinary()
            case (7, tTrue), (7, tFalse): s.isMaxValueExact = t == tTrue
            case (8, tTrue), (8, tFalse): s.isMinValueExact = t == tTrue
            case (9, tI64): s.nanCount = try r.readI64()
            default: try r.skip(type: t)
            }
        }
        r.endStruct()
        self = s
    }
}

extension PageHeader {
    init(from r: inout ThriftCompactReader) throws(ThriftError) {
        var type: Int32?, uncompressed: Int32?, compressed: Int32?, crc: Int32?
        var data: DataPageHeader?, dict: DictionaryPageHeader?, v2: DataPageHeaderV2?
        try r.beginStruct()
        while let (id, t) = try r.readFieldHeader() {
            switch (id, t) {
            case (1, tI32): type = try r.readI32()
            case (2, tI32): uncompressed = try r.readI32()
            case (3, tI32): compressed = try r.readI32()
            case (4, tI32): crc = try r.readI32()
            case (5, tStruct): data = try DataPageHeader(from: &r)
            case (7, tStruct): dict = try DictionaryPageHeader(from: &r)
            case (8, tStruct): v2 = try DataPageHeaderV2(from: &r)
            default: try r.skip(type: t)
            }
        }
        r.endStruct()
        self.init(
            type: try required(type, "PageHeader", "type"),
            uncompressedPageSize: try required(uncompressed, "PageHeader", "uncompressed_page_size"),
            compressedPageSize: try required(compressed, "PageHeader", "compressed_page_size"),
            crc: crc, dataPage: data, dictionaryPage: dict, dataPageV2: v2)
    }
}

extension DataPageHeader {
    init(from r: inout ThriftCompactReader) throws(ThriftError) {
        var n: Int32?, enc: Int32?, def: Int32?, rep: Int32?
        try r.beginStruct()
        while let (id, t) = try r.readFieldHeader() {
            switch (id, t) {
            case (1, tI32): n = try r.readI32()
            case (2, tI32): enc = try r.readI32()
            case (3, tI32): def = try r.readI32()
            case (4, tI32): rep = try r.readI32()
            default: try r.skip(type: t)
            }
        }
        r.endStruct()
        let s = "DataPageHeader"
        self.init(
            numValues: try required(n, s, "num_values"), encoding: try required(enc, s, "encoding"),
            definitionLevelEncoding: try required(def, s, "definition_level_encoding"),
            repetitionLevelEncoding: try required(rep, s, "repetition_level_encoding"))
    }
}

extension DataPageHeaderV2 {
    init(from r: inout ThriftCompactReader) throws(ThriftError) {
        var n: Int32?, nulls: Int32?, rows: Int32?, enc: Int32?, defLen: Int32?, repLen: Int32?
        var compressed = true
        try r.beginStruct()
        while let (id, t) = try r.readFieldHeader() {
            switch (id, t) {
            case (1, tI32): n = try r.readI32()
            case (2, tI32): nulls = try r.readI32()
            case (3, tI32): rows = try r.readI32()
            case (4, tI32): enc = try r.readI32()
            case (5, tI32): defLen = try r.readI32()
            case (6, tI32): repLen = try r.readI32()
            case (7, tTrue), (7, tFalse): compressed = t == tTrue
            default: try r.skip(type: t)
            }
        }
        r.endStruct()
        let s = "DataPageHeaderV2"
        self.init(
            numValues: try required(n, s, "num_values"), numNulls: try required(nulls, s, "num_nulls"),
            numRows: try required(rows, s, "num_rows"), encoding: try required(enc, s, "encoding"),
            definitionLevelsByteLength: try required(defLen, s, "definition_levels_byte_length"),
            repetitionLevelsByteLength: try required(repLen, s, "repetition_levels_byte_length"),
            isCompressed: compressed)
    }
}

extension DictionaryPageHeader {
    init(from r: inout ThriftCompactReader) throws(ThriftError) {
        var n: Int32?, enc: Int32?
        try r.beginStruct()
        while let (id, t) = try r.readFieldHeader() {
            switch (id, t) {
            case (1, tI32): n = try r.readI32()
            case (2, tI32): enc = try r.readI32()
            default: try r.skip(type: t)
            }
        }
        r.endStruct()
        self.init(
            numValues: try required(n, "DictionaryPageHeader", "num_values"),
            encoding: try required(enc, "DictionaryPageHeader", "encoding"))
    }
}
