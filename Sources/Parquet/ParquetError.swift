import Gzip

/// Where in a Parquet file something went wrong: as much of file, row group, column and page as is known.
public struct ParquetLocation: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var rowGroup: Int?
    public var column: String?
    /// The file offset of the page header.
    public var pageOffset: Int?

    public init(path: String, rowGroup: Int? = nil, column: String? = nil, pageOffset: Int? = nil) {
        self.path = path
        self.rowGroup = rowGroup
        self.column = column
        self.pageOffset = pageOffset
    }

    public var description: String {
        var parts = [path]
        if let rowGroup { parts.append("row group \(rowGroup)") }
        if let column { parts.append("column '\(column)'") }
        if let pageOffset { parts.append("page at offset \(pageOffset)") }
        return parts.joined(separator: ", ")
    }
}

/// A Parquet read or write failure, naming where it happened and what was expected.
public enum ParquetError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened, read, written, synced or renamed.
    case io(path: String, errno: Int32, operation: String)
    /// The file is not Parquet at all: too short, or the magic bytes are wrong.
    case notParquet(path: String, detail: String)
    /// The footer is damaged: its length, its Thrift encoding, or what it says is inconsistent.
    case corruptFooter(path: String, detail: String)
    /// A column chunk or page is damaged.
    case corruptData(ParquetLocation, detail: String)
    /// Valid Parquet that this reader does not support (a codec, encoding, type or nesting).
    case unsupported(ParquetLocation, feature: String)
    /// A column was requested that the file does not have.
    case unknownColumn(path: String, name: String, available: [String])
    /// A row group index out of range.
    case unknownRowGroup(path: String, index: Int, count: Int)
    /// The writer was given data or options it cannot write.
    case invalidWrite(path: String, detail: String)

    public var description: String {
        switch self {
        case .io(let path, let errno, let op):
            "\(path): cannot \(op): \(String(cString: strerror(errno))) (errno \(errno))"
        case .notParquet(let path, let detail): "\(path): not a Parquet file: \(detail)"
        case .corruptFooter(let path, let detail): "\(path): corrupt footer: \(detail)"
        case .corruptData(let loc, let detail): "\(loc): corrupt data: \(detail)"
        case .unsupported(let loc, let feature): "\(loc): unsupported: \(feature)"
        case .unknownColumn(let path, let name, let available):
            "\(path): no column '\(name)' (columns: \(available.joined(separator: ", ")))"
        case .unknownRowGroup(let path, let index, let count):
            "\(path): no row group \(index) (the file has \(count))"
        case .invalidWrite(let path, let detail): "\(path): cannot write: \(detail)"
        }
    }
}

/// A page-level decoding failure, before the reader adds the location.
enum PageDecodeError: Error, Equatable {
    case truncated(String)
    case invalid(String)
    case unsupported(String)
    case codec(CodecError)

    var detail: String {
        switch self {
        case .truncated(let what): "truncated \(what)"
        case .invalid(let what): what
        case .unsupported(let what): what
        case .codec(let e): e.description
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
