import Foundation
import Gzip

@testable import Parquet

/// A Parquet file as editable parts — footer and the header and body of every page — that can be
/// put back together with consistent offsets and sizes, so the corpus generator can damage
/// exactly one thing at a time.
struct ParquetFileSurgery {
    struct Page {
        var header: PageHeader
        var body: [UInt8]
        /// Header bytes to write instead of encoding `header` (for garbled headers).
        var rawHeader: [UInt8]?
    }

    var metadata: FileMetaData
    /// chunks[rowGroup][column] = the chunk's pages in order.
    var chunks: [[[Page]]]

    init(_ layout: ParquetFileLayout) {
        metadata = layout.metadata
        chunks = layout.pages.map { group in
            group.map { pages in
                pages.map { Page(header: $0.header, body: Array(layout.bytes[$0.bodyRange])) }
            }
        }
    }

    /// Magic, pages and footer, with every offset and size in the footer recomputed from the
    /// pages; then `footer` may change the metadata before it is encoded.
    func assemble(footer edit: (inout FileMetaData) -> Void = { _ in }) -> [UInt8] {
        var (data, meta) = assembleParts()
        edit(&meta)
        return Self.finish(data, footer: meta.encode())
    }

    /// Magic and pages, and the metadata with offsets and sizes recomputed, not yet encoded.
    func assembleParts() -> (data: [UInt8], metadata: FileMetaData) {
        var meta = metadata
        var out: [UInt8] = Array("PAR1".utf8)
        for (g, group) in chunks.enumerated() {
            let groupStart = out.count
            var groupUncompressed: Int64 = 0
            for (c, pages) in group.enumerated() {
                let chunkStart = out.count
                var uncompressed = 0
                var dataStart: Int?
                var dictionaryStart: Int?
                for page in pages {
                    if page.header.type == PageType.dictionaryPage.rawValue && dictionaryStart == nil
                        && dataStart == nil
                    {
                        dictionaryStart = out.count
                    } else if dataStart == nil {
                        dataStart = out.count
                    }
                    let header = page.rawHeader ?? page.header.encoded()
                    out += header
                    out += page.body
                    uncompressed += header.count + max(0, Int(page.header.uncompressedPageSize))
                }
                guard var m = meta.rowGroups[g].columns[c].metaData, !pages.isEmpty else { continue }
                m.dataPageOffset = Int64(dataStart ?? chunkStart)
                m.dictionaryPageOffset = dictionaryStart.map(Int64.init)
                m.totalCompressedSize = Int64(out.count - chunkStart)
                m.totalUncompressedSize = Int64(uncompressed)
                meta.rowGroups[g].columns[c].metaData = m
                groupUncompressed += Int64(uncompressed)
            }
            meta.rowGroups[g].fileOffset = Int64(groupStart)
            meta.rowGroups[g].totalCompressedSize = Int64(out.count - groupStart)
            meta.rowGroups[g].totalByteSize = groupUncompressed
        }
        return (out, meta)
    }

    /// `data` followed by the footer, its length and the trailing magic.
    static func finish(_ data: [UInt8], footer: [UInt8]) -> [UInt8] {
        var out = data + footer
        let n = UInt32(footer.count)
        out += [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)]
        return out + Array("PAR1".utf8)
    }

    /// The column index of the leaf called `name`.
    func column(_ name: String) -> Int { metadata.schema.dropFirst().firstIndex { $0.name == name }! - 1 }

    // MARK: Page bodies

    /// The uncompressed body of a GZIP page.
    static func inflate(_ page: Page) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(page.header.uncompressedPageSize))
        try page.body.withUnsafeBytes { body in
            try out.withUnsafeMutableBytes { try GzipDecompressor().decompress(body, into: $0) }
        }
        return out
    }

    static func gzip(_ bytes: [UInt8], level: Int = 6) -> [UInt8] {
        let compressor = try! GzipCompressor(level: level)
        return bytes.withUnsafeBytes { compressor.compress($0) }
    }

    /// Replaces a GZIP page's uncompressed body, keeping the header's sizes consistent.
    static func rewriteBody(_ page: inout Page, _ edit: (inout [UInt8]) -> Void) throws {
        var plain = try inflate(page)
        edit(&plain)
        page.body = gzip(plain)
        page.header.uncompressedPageSize = Int32(plain.count)
        page.header.compressedPageSize = Int32(page.body.count)
    }
}

extension FileMetaData {
    /// The footer encoding with some top-level fields left out (to make thrift-required ones missing).
    func encoded(omitting omitted: Set<Int16>) -> [UInt8] {
        var w = ThriftCompactWriter(capacity: 1024)
        if !omitted.contains(1) { w.writeI32(1, version) }
        if !omitted.contains(2) {
            w.beginList(2, elementType: .structure, count: schema.count)
            for e in schema { e.encode(to: &w) }
        }
        if !omitted.contains(3) { w.writeI64(3, numRows) }
        if !omitted.contains(4) {
            w.beginList(4, elementType: .structure, count: rowGroups.count)
            for g in rowGroups { g.encode(to: &w) }
        }
        if let createdBy, !omitted.contains(6) { w.writeString(6, createdBy) }
        w.finish()
        return w.bytes
    }

    /// The footer encoding with `fields` (complete long-form field headers and values) added before its stop byte.
    func encoded(appending fields: [UInt8]) -> [UInt8] {
        var bytes = encode()
        bytes.removeLast()
        return bytes + fields + [0]
    }
}

extension PageHeader {
    /// The Thrift compact encoding of every field this header holds (the writer only emits v1 data pages).
    func encoded() -> [UInt8] {
        var w = ThriftCompactWriter(capacity: 64)
        w.writeI32(1, type)
        w.writeI32(2, uncompressedPageSize)
        w.writeI32(3, compressedPageSize)
        if let crc { w.writeI32(4, crc) }
        if let h = dataPage {
            w.beginStruct(5)
            w.writeI32(1, h.numValues)
            w.writeI32(2, h.encoding)
            w.writeI32(3, h.definitionLevelEncoding)
            w.writeI32(4, h.repetitionLevelEncoding)
            w.endStruct()
        }
        if let h = dictionaryPage {
            w.beginStruct(7)
            w.writeI32(1, h.numValues)
            w.writeI32(2, h.encoding)
            w.endStruct()
        }
        if let h = dataPageV2 {
            w.beginStruct(8)
            w.writeI32(1, h.numValues)
            w.writeI32(2, h.numNulls)
            w.writeI32(3, h.numRows)
            w.writeI32(4, h.encoding)
            w.writeI32(5, h.definitionLevelsByteLength)
            w.writeI32(6, h.repetitionLevelsByteLength)
            w.writeBool(7, h.isCompressed)
            w.endStruct()
        }
        w.finish()
        return w.bytes
    }
}
