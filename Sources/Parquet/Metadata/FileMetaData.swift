/// The Parquet footer (`FileMetaData`): schema, row groups and writer information.
public struct FileMetaData: Sendable {
    public var version: Int32
    /// Depth-first flattened schema: the root group, then its leaves.
    public var schema: [SchemaElement]
    public var numRows: Int64
    public var rowGroups: [RowGroup]
    public var keyValueMetadata: [KeyValue]
    public var createdBy: String?
    /// One per leaf when present; `true` for TYPE_ORDER, `false` for any other order.
    public var columnOrders: [Bool]?
}

public struct KeyValue: Sendable, Equatable {
    public var key: String
    public var value: String?

    public init(key: String, value: String?) {
        self.key = key
        self.value = value
    }
}

/// One node of the schema tree.
public struct SchemaElement: Sendable {
    public var type: PhysicalType?
    /// The raw `type` value when it is not a known physical type.
    public var rawType: Int32?
    public var typeLength: Int32?
    public var repetition: Repetition?
    public var name: String
    public var numChildren: Int32?
    public var convertedType: Int32?
    public var scale: Int32?
    public var precision: Int32?
    public var fieldId: Int32?
    public var logicalType: LogicalType?
}

public struct RowGroup: Sendable {
    public var columns: [ColumnChunk]
    public var totalByteSize: Int64
    public var numRows: Int64
    public var fileOffset: Int64?
    public var totalCompressedSize: Int64?
}

public struct ColumnChunk: Sendable {
    public var filePath: String?
    public var fileOffset: Int64
    public var metaData: ColumnMetaData?
}

public struct ColumnMetaData: Sendable {
    public var type: Int32
    public var encodings: [Int32]
    public var pathInSchema: [String]
    public var codec: Int32
    public var numValues: Int64
    public var totalUncompressedSize: Int64
    public var totalCompressedSize: Int64
    public var dataPageOffset: Int64
    public var dictionaryPageOffset: Int64?
    public var statistics: Statistics?
}

/// Column chunk or page statistics; every field is optional in the format.
public struct Statistics: Sendable, Equatable {
    public var max: [UInt8]?
    public var min: [UInt8]?
    public var nullCount: Int64?
    public var distinctCount: Int64?
    public var maxValue: [UInt8]?
    public var minValue: [UInt8]?
    public var isMaxValueExact: Bool?
    public var isMinValueExact: Bool?
    public var nanCount: Int64?

    public init() {}
}

/// A page header: the type, both sizes, and the header of the page's own kind.
struct PageHeader {
    var type: Int32
    var uncompressedPageSize: Int32
    var compressedPageSize: Int32
    var crc: Int32?
    var dataPage: DataPageHeader?
    var dictionaryPage: DictionaryPageHeader?
    var dataPageV2: DataPageHeaderV2?
}

struct DataPageHeader {
    var numValues: Int32
    var encoding: Int32
    var definitionLevelEncoding: Int32
    var repetitionLevelEncoding: Int32
}

struct DataPageHeaderV2 {
    var numValues: Int32
    var numNulls: Int32
    var numRows: Int32
    var encoding: Int32
    var definitionLevelsByteLength: Int32
    var repetitionLevelsByteLength: Int32
    var isCompressed: Bool
}

struct DictionaryPageHeader {
    var numValues: Int32
    var encoding: Int32
}
