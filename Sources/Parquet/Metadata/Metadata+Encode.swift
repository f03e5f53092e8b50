/// Encoding of the structs the writer emits, fields in increasing id order.
extension FileMetaData {
    func encode() -> [UInt8] {
        var w = ThriftCompactWriter(capacity: 1024)
        w.writeI32(1, version)
        w.beginList(2, elementType: .structure, count: schema.count)
        for e in schema { e.encode(to: &w) }
        w.writeI64(3, numRows)
        w.beginList(4, elementType: .structure, count: rowGroups.count)
        for g in rowGroups { g.encode(to: &w) }
        if !keyValueMetadata.isEmpty {
            w.beginList(5, elementType: .structure, count: keyValueMetadata.count)
            for kv in keyValueMetadata {
                w.pushStruct()
                w.writeString(1, kv.key)
                if let v = kv.value { w.writeString(2, v) }
                w.endStruct()
            }
        }
        if let createdBy { w.writeString(6, createdBy) }
        if let columnOrders {
            w.beginList(7, elementType: .structure, count: columnOrders.count)
            for _ in columnOrders {
                // ColumnOrder { 1: TYPE_ORDER TypeDefinedOrder {} }
                w.pushStruct()
                w.beginStruct(1)
                w.endStruct()
                w.endStruct()
            }
        }
        w.finish()
        return w.bytes
    }
}

extension SchemaElement {
    func encode(to w: inout ThriftCompactWriter) {
        w.pushStruct()
        if let type { w.writeI32(1, type.rawValue) }
        if let repetition { w.writeI32(3, repetition.rawValue) }
        w.writeString(4, name)
        if let numChildren { w.writeI32(5, numChildren) }
        if let convertedType { w.writeI32(6, convertedType) }
        if let logicalType {
            w.beginStruct(10)
            switch logicalType {
            case .string:
                w.beginStruct(1); w.endStruct()
            case .date:
                w.beginStruct(6); w.endStruct()
            case .timestamp(let utc, let unit):
                w.beginStruct(8)
                w.writeBool(1, utc)
                w.beginStruct(2)
                let member: Int16 =
                    switch unit {
                    case .millis: 1;
                    case .micros: 2;
                    case .nanos: 3
                    }
                w.beginStruct(member); w.endStruct()
                w.endStruct()
                w.endStruct()
            default:
                preconditionFailure("the writer emits only STRING, DATE and TIMESTAMP annotations")
            }
            w.endStruct()
        }
        w.endStruct()
    }
}

extension RowGroup {
    func encode(to w: inout ThriftCompactWriter) {
        w.pushStruct()
        w.beginList(1, elementType: .structure, count: columns.count)
        for c in columns { c.encode(to: &w) }
        w.writeI64(2, totalByteSize)
        w.writeI64(3, numRows)
        if let fileOffset { w.writeI64(5, fileOffset) }
        if let totalCompressedSize { w.writeI64(6, totalCompressedSize) }
        w.endStruct()
    }
}

extension ColumnChunk {
    func encode(to w: inout ThriftCompactWriter) {
        w.pushStruct()
        w.writeI64(2, fileOffset)
        if let m = metaData {
            w.beginStruct(3)
            w.writeI32(1, m.type)
            w.beginList(2, elementType: .i32, count: m.encodings.count)
            for e in m.encodings { w.writeListI32(e) }
            w.beginList(3, elementType: .binary, count: m.pathInSchema.count)
            for p in m.pathInSchema { w.writeListBinary(Array(p.utf8)) }
            w.writeI32(4, m.codec)
            w.writeI64(5, m.numValues)
            w.writeI64(6, m.totalUncompressedSize)
            w.writeI64(7, m.totalCompressedSize)
            w.writeI64(9, m.dataPageOffset)
            if let d = m.dictionaryPageOffset { w.writeI64(11, d) }
            if let s = m.statistics {
                w.beginStruct(12)
                s.encodeFields(to: &w)
                w.endStruct()
            }
            w.endStruct()
        }
        w.endStruct()
    }
}

extension Statistics {
    func encodeFields(to w: inout ThriftCompactWriter) {
        if let max { w.writeBinary(1, max) }
        if let min { w.writeBinary(2, min) }
        if let nullCount { w.writeI64(3, nullCount) }
        if let distinctCount { w.writeI64(4, distinctCount) }
        if let maxValue { w.writeBinary(5, maxValue) }
        if let minValue { w.writeBinary(6, minValue) }
        if let isMaxValueExact { w.writeBool(7, isMaxValueExact) }
        if let isMinValueExact { w.writeBool(8, isMinValueExact) }
        if let nanCount { w.writeI64(9, nanCount) }
    }
}

extension PageHeader {
    /// Appends a DATA_PAGE (v1) header to `out`.
    static func encodeDataPageV1(
        uncompressedSize: Int, compressedSize: Int, numValues: Int, encoding: Encoding, into out: inout [UInt8]
    ) {
        var w = ThriftCompactWriter(capacity: 32)
        w.writeI32(1, PageType.dataPage.rawValue)
        w.writeI32(2, Int32(uncompressedSize))
        w.writeI32(3, Int32(compressedSize))
        w.beginStruct(5)
        w.writeI32(1, Int32(numValues))
        w.writeI32(2, encoding.rawValue)
        w.writeI32(3, Encoding.rle.rawValue)
        w.writeI32(4, Encoding.rle.rawValue)
        w.endStruct()
        w.finish()
        out.append(contentsOf: w.bytes)
    }
}
