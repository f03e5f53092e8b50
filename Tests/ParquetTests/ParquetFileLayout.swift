import Foundation

@testable import Parquet

/// A Parquet file taken apart into its footer and the pages of every column chunk, for tests
/// that need to see which pages another writer produced, or to damage a file on purpose.
struct ParquetFileLayout {
    struct Page {
        /// File offset of the page header.
        var offset: Int
        var headerLength: Int
        var header: PageHeader
        var bodyRange: Range<Int> { offset + headerLength..<offset + headerLength + Int(header.compressedPageSize) }

        /// The encoding of the page's values (data pages) or entries (dictionary pages).
        var encoding: Int32? {
            header.dataPage?.encoding ?? header.dataPageV2?.encoding ?? header.dictionaryPage?.encoding
        }
    }

    var bytes: [UInt8]
    var metadata: FileMetaData
    var footerOffset: Int
    var footerLength: Int { bytes.count - 8 - footerOffset }
    /// pages[rowGroup][column], in file order.
    var pages: [[[Page]]]

    init(path: String) throws { try self.init(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))) }

    init(bytes: [UInt8]) throws {
        self.bytes = bytes
        let n = bytes.count
        let length = Int(
            UInt32(bytes[n - 8]) | UInt32(bytes[n - 7]) << 8 | UInt32(bytes[n - 6]) << 16 | UInt32(bytes[n - 5]) << 24)
        footerOffset = n - 8 - length
        let footer = Array(bytes[footerOffset..<n - 8])
        metadata = try footer.withUnsafeBytes { buf in
            var r = ThriftCompactReader(buf)
            return try FileMetaData(from: &r)
        }
        var all: [[[Page]]] = []
        for group in metadata.rowGroups {
            var groupPages: [[Page]] = []
            for chunk in group.columns {
                var list: [Page] = []
                let m = chunk.metaData!
                if m.numValues > 0 {
                    var start = Int(m.dataPageOffset)
                    if let d = m.dictionaryPageOffset, d > 0, d < m.dataPageOffset { start = Int(d) }
                    var at = start
                    while at < start + Int(m.totalCompressedSize) {
                        let (header, headerLength) = try Self.pageHeader(bytes, at: at)
                        list.append(Page(offset: at, headerLength: headerLength, header: header))
                        at += headerLength + Int(header.compressedPageSize)
                    }
                }
                groupPages.append(list)
            }
            all.append(groupPages)
        }
        pages = all
    }

    static func pageHeader(_ bytes: [UInt8], at offset: Int) throws -> (PageHeader, Int) {
        try bytes.withUnsafeBytes { buf in
            var r = ThriftCompactReader(UnsafeRawBufferPointer(rebasing: buf[offset...]))
            let header = try PageHeader(from: &r)
            return (header, r.position)
        }
    }

    /// Every page of column `column` across row groups.
    func pages(column: Int) -> [Page] { pages.flatMap { $0[column] } }

    func columnIndex(_ name: String) -> Int? {
        metadata.schema.dropFirst().firstIndex { $0.name == name }.map { $0 - 1 }
    }
}
