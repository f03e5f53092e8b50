import Frame
import Gzip

#if canImport(Glibc)
    import Glibc
#endif

/// Decodes the chunks of one column — their dictionary and data pages — into one Frame column.
///
/// The values are written straight into the column's final arrays, sized once from the row
/// counts (which `ParquetReader.validate` has bounded by the bytes each row group stores), so
/// every value is stored once: no per-page allocation, no growing, no joining of row groups.
/// Nothing read from the file is trusted: every size and count is checked against the bytes
/// that hold it before anything is allocated from it or written.
final class ColumnChunkDecoder {
    /// The most an uncompressed page may exceed its compressed size, per codec, plus slack.
    static func maxUncompressed(compressed: Int, codec: CompressionCodec) -> Int {
        let ratio =
            switch codec {
            case .uncompressed: 1
            case .gzip: 1032  // deflate cannot expand more than ~1032:1
            case .snappy: 64
            default: 1 << 16  // zstd's RLE blocks reach very high ratios
            }
        return compressed.multipliedReportingOverflow(by: ratio).partialValue + (codec == .uncompressed ? 0 : 1 << 16)
    }

    /// One column chunk to decode; `fetch` reads its bytes, or throws if it cannot be read.
    struct Chunk {
        var values: Int
        /// The chunk's uncompressed size as its footer declares it, capped in proportion to its
        /// stored size: what BYTE_ARRAY values reserve up front (a lie costs only regrowth).
        var uncompressedHint: Int
        var location: ParquetLocation
        var fetch: () throws(ParquetError) -> (bytes: [UInt8], offset: Int, codec: CompressionCodec)
    }

    private let leaf: LeafColumn
    private let decompressor = GzipDecompressor()
    /// Pages are decompressed here (unless they go straight into the output).
    private let pageScratch = ScratchBuffer()
    /// Dictionary indices and RLE booleans of the current page.
    private let indexScratch = ScratchBuffer()
    /// A page's strings, gathered without their length prefixes before they join `bytes`.
    private let stringScratch = ScratchBuffer()

    // The output, valid while `decode` runs: the final arrays' storage, `written` slots filled.
    /// Slots of the physical value type: Bool, Int32, Int64 (INT64, INT96) or Double (FLOAT, DOUBLE).
    private var values: UnsafeMutableRawPointer?
    /// One flag per row for an OPTIONAL column.
    private var validity: UnsafeMutablePointer<Bool>?
    /// BYTE_ARRAY: `rows + 1` offsets into `bytes`; `offsets[0] == 0`.
    private var offsets: UnsafeMutablePointer<Int>?
    private var bytes: [UInt8] = []
    private var written = 0
    private var nulls = 0

    // The current chunk's dictionary, if it has one.
    private var dictionaryCount: Int?
    private var dictBools: [Bool] = []
    private var dictInts32: [Int32] = []
    private var dictInts64: [Int64] = []
    private var dictDoubles: [Double] = []
    private var dictOffsets: [Int] = [0]
    private var dictBytes: [UInt8] = []

    init(leaf: LeafColumn) {
        self.leaf = leaf
    }

    // MARK: Column

    /// Decodes `chunks`, in order, into one column of their values; `location` names the column.
    /// A decoder serves one call.
    ///
    /// The arrays are sized up front from the chunks' row counts, which `ParquetReader.validate`
    /// has bounded by the bytes each row group stores (`maxRowsPerStoredByte`); a chunk then
    /// fills its share or fails.
    func decode(_ chunks: [Chunk], location: ParquetLocation) throws(ParquetError) -> Column {
        let target: DataType
        switch leaf.target {
        case .success(let t): target = t
        case .failure(let u): throw .unsupported(location, feature: u.reason)
        }
        let rows = chunks.reduce(0) { $0 + $1.values }
        var mask: [Bool]?
        func decodeAll() throws(ParquetError) {
            for chunk in chunks {
                let fetched = try chunk.fetch()
                if chunk.values == 0 { continue }
                try fetched.bytes.withTypedBytes { (buf) throws(ParquetError) in
                    try decodeChunk(
                        buf, chunkOffset: fetched.offset, expectedValues: chunk.values, codec: fetched.codec,
                        location: chunk.location)
                }
            }
        }
        func withValidity() throws(ParquetError) {
            guard leaf.optional else { return try decodeAll() }
            mask = try [Bool].writtenInPlace(count: rows) { (v) throws(ParquetError) in
                validity = v.baseAddress
                defer { validity = nil }
                try decodeAll()
            }
        }
        func fixed<T: BitwiseCopyable>(_: T.Type) throws(ParquetError) -> [T] {
            try [T].writtenInPlace(count: rows) { (out) throws(ParquetError) in
                values = UnsafeMutableRawPointer(out.baseAddress)
                defer { values = nil }
                try withValidity()
            }
        }
        let physical: PhysicalValues
        switch leaf.physical {
        case .boolean: physical = .bool(try fixed(Bool.self))
        case .int32: physical = .int32(try fixed(Int32.self))
        case .int64, .int96: physical = .int64(try fixed(Int64.self))
        case .float, .double, .fixedLenByteArray: physical = .double(try fixed(Double.self))
        case .byteArray:
            bytes.reserveCapacity(chunks.reduce(0) { $0 + $1.uncompressedHint })
            let stringOffsets = try [Int].writtenInPlace(count: rows + 1) { (out) throws(ParquetError) in
                out.initializeElement(at: 0, to: 0)
                offsets = out.baseAddress
                defer { offsets = nil }
                try withValidity()
            }
            physical = .strings(StringArray(offsets: stringOffsets, bytes: bytes))
            bytes = []
        }
        // A value that cannot be converted is reported in its chunk's row group.
        func chunkLocation(ofRow row: Int) -> ParquetLocation {
            var end = 0
            for chunk in chunks {
                end += chunk.values
                if row < end { return chunk.location }
            }
            return chunks.first?.location ?? location
        }
        return try convert(physical, to: target, validity: nulls > 0 ? mask : nil, location: chunkLocation)
    }

    /// Values in their physical representation, before logical conversion.
    private enum PhysicalValues {
        case bool([Bool])
        case int32([Int32])
        case int64([Int64])
        case double([Double])
        case strings(StringArray)
    }

    // MARK: Chunk

    /// Decodes `expectedValues` values from `chunk`, whose first byte sits at file offset `chunkOffset`.
    private func decodeChunk(
        _ buf: UnsafeRawBufferPointer, chunkOffset: Int, expectedValues: Int, codec: CompressionCodec,
        location: ParquetLocation
    ) throws(ParquetError) {
        dictionaryCount = nil
        var position = 0
        var decoded = 0
        var sawData = false
        // A REQUIRED PLAIN page of fixed-width values is exactly the values: it can be inflated in place.
        let inPlaceWidth: Int? =
            switch leaf.physical {
            case _ where leaf.optional || codec == .uncompressed: nil
            case .int32: 4
            case .int64, .double: 8
            default: nil
            }
        while decoded < expectedValues {
            var loc = location
            loc.pageOffset = chunkOffset + position
            guard position < buf.count else {
                throw .corruptData(loc, detail: "the chunk ends after \(decoded) of \(expectedValues) values")
            }
            var reader = ThriftCompactReader(UnsafeRawBufferPointer(rebasing: buf[position...]))
            let header: PageHeader
            do throws(ThriftError) { header = try PageHeader(from: &reader) } catch {
                throw .corruptData(loc, detail: "bad page header: \(ParquetReader.describe(error))")
            }
            let bodyStart = position + reader.position
            let compressed = Int(header.compressedPageSize)
            let uncompressed = Int(header.uncompressedPageSize)
            guard compressed >= 0, uncompressed >= 0 else {
                throw .corruptData(
                    loc, detail: "negative page size (compressed \(compressed), uncompressed \(uncompressed))")
            }
            guard compressed <= buf.count - bodyStart else {
                throw .corruptData(
                    loc,
                    detail:
                        "page body of \(compressed) bytes runs past the chunk's end (\(buf.count - bodyStart) bytes left)"
                )
            }
            let body = UnsafeRawBufferPointer(rebasing: buf[bodyStart..<bodyStart + compressed])
            position = bodyStart + compressed
            do throws(PageDecodeError) {
                switch PageType(rawValue: header.type) {
                case .dictionaryPage:
                    guard !sawData, dictionaryCount == nil else {
                        throw .invalid("a dictionary page after the chunk's first page")
                    }
                    guard let dict = header.dictionaryPage else { throw .invalid("DICTIONARY_PAGE without its header") }
                    let data = try decompress(body, uncompressed: uncompressed, codec: codec)
                    try decodeDictionary(data, count: Int(dict.numValues), encoding: dict.encoding)
                case .dataPage:
                    guard let h = header.dataPage else { throw .invalid("DATA_PAGE without its data_page_header") }
                    let n = try pageValueCount(h.numValues, decoded: decoded, expected: expectedValues)
                    if let width = inPlaceWidth, h.encoding == Encoding.plain.rawValue, uncompressed == n * width {
                        let target = UnsafeMutableRawBufferPointer(
                            start: values! + written * width, count: uncompressed)
                        try decompress(body, uncompressed: uncompressed, codec: codec, into: target)
                    } else {
                        let data = try decompress(body, uncompressed: uncompressed, codec: codec)
                        try decodeDataPageV1(data, count: n, header: h)
                    }
                    written += n
                    decoded += n
                    sawData = true
                case .dataPageV2:
                    guard let h = header.dataPageV2 else { throw .invalid("DATA_PAGE_V2 without its header") }
                    let n = try pageValueCount(h.numValues, decoded: decoded, expected: expectedValues)
                    try decodeDataPageV2(body, uncompressed: uncompressed, count: n, header: h, codec: codec)
                    written += n
                    decoded += n
                    sawData = true
                case .indexPage, nil:
                    continue  // not data: skip by its size
                }
            } catch {
                switch error {
                case .unsupported(let what): throw .unsupported(loc, feature: what)
                default: throw .corruptData(loc, detail: error.detail)
                }
            }
        }
    }

    private func pageValueCount(_ n: Int32, decoded: Int, expected: Int) throws(PageDecodeError) -> Int {
        guard n >= 0 else { throw .invalid("negative value count \(n)") }
        guard Int(n) <= expected - decoded else {
            throw .invalid("page holds \(n) values but only \(expected - decoded) remain in the chunk")
        }
        return Int(n)
    }

    // MARK: Decompression

    /// Decompresses a page body into `pageScratch`, checking the declared size against the codec's bounds.
    private func decompress(_ body: UnsafeRawBufferPointer, uncompressed: Int, codec: CompressionCodec)
        throws(PageDecodeError) -> UnsafeRawBufferPointer
    {
        if codec == .uncompressed {
            guard uncompressed == body.count else {
                throw .invalid("UNCOMPRESSED page declares \(uncompressed) bytes but stores \(body.count)")
            }
            return body
        }
        try checkSize(body, uncompressed: uncompressed, codec: codec)
        let target = pageScratch.reserve(uncompressed)
        try inflate(body, codec: codec, into: target)
        return UnsafeRawBufferPointer(target)
    }

    /// Decompresses a page body into `target`, which holds exactly the `uncompressed` bytes declared.
    private func decompress(
        _ body: UnsafeRawBufferPointer, uncompressed: Int, codec: CompressionCodec,
        into target: UnsafeMutableRawBufferPointer
    ) throws(PageDecodeError) {
        try checkSize(body, uncompressed: uncompressed, codec: codec)
        try inflate(body, codec: codec, into: target)
    }

    private func checkSize(_ body: UnsafeRawBufferPointer, uncompressed: Int, codec: CompressionCodec)
        throws(PageDecodeError)
    {
        let limit = Self.maxUncompressed(compressed: body.count, codec: codec)
        guard uncompressed <= limit else {
            throw .invalid(
                "page declares \(uncompressed) uncompressed bytes, more than \(codec) can produce from \(body.count)")
        }
    }

    private func inflate(
        _ body: UnsafeRawBufferPointer, codec: CompressionCodec, into target: UnsafeMutableRawBufferPointer
    ) throws(PageDecodeError) {
        do throws(CodecError) {
            switch codec {
            case .gzip: try decompressor.decompress(body, into: target)
            case .snappy: try Snappy.decompress(body, into: target)
            case .zstd: try Zstd.decompress(body, into: target)
            default: throw .corrupt(codec: "\(codec)", code: 0, detail: "no decoder")
            }
        } catch {
            throw .codec(error)
        }
    }

    // MARK: Pages

    private func decodeDataPageV1(_ data: UnsafeRawBufferPointer, count: Int, header: DataPageHeader)
        throws(PageDecodeError)
    {
        var values = data
        var present = count
        if leaf.optional {
            guard header.definitionLevelEncoding == Encoding.rle.rawValue else {
                throw .unsupported("definition level encoding \(Encoding.name(header.definitionLevelEncoding))")
            }
            guard data.count >= 4 else { throw .truncated("definition level length") }
            let length = Int(data.loadUnaligned(as: UInt32.self).littleEndian)
            guard length <= data.count - 4 else {
                throw .invalid("definition levels of \(length) bytes run past the page's \(data.count - 4)")
            }
            present = try decodeLevels(UnsafeRawBufferPointer(rebasing: data[4..<4 + length]), count: count)
            values = UnsafeRawBufferPointer(rebasing: data[(4 + length)...])
        }
        try decodeValues(values, count: count, present: present, encoding: header.encoding)
    }

    private func decodeDataPageV2(
        _ body: UnsafeRawBufferPointer, uncompressed: Int, count: Int, header: DataPageHeaderV2, codec: CompressionCodec
    ) throws(PageDecodeError) {
        let repLength = Int(header.repetitionLevelsByteLength), defLength = Int(header.definitionLevelsByteLength)
        guard repLength >= 0, defLength >= 0, repLength + defLength <= body.count, repLength + defLength <= uncompressed
        else {
            throw .invalid("level lengths \(repLength) + \(defLength) exceed the page's \(body.count) bytes")
        }
        var present = count
        if leaf.optional {
            present = try decodeLevels(
                UnsafeRawBufferPointer(rebasing: body[repLength..<repLength + defLength]), count: count)
            guard count - present == Int(header.numNulls) else {
                throw .invalid("DATA_PAGE_V2 declares \(header.numNulls) nulls but its levels hold \(count - present)")
            }
        }
        let stored = UnsafeRawBufferPointer(rebasing: body[(repLength + defLength)...])
        let values: UnsafeRawBufferPointer
        if header.isCompressed && codec != .uncompressed {
            values = try decompress(stored, uncompressed: uncompressed - repLength - defLength, codec: codec)
        } else {
            guard stored.count == uncompressed - repLength - defLength else {
                throw .invalid("uncompressed DATA_PAGE_V2 declares \(uncompressed) bytes but stores \(body.count)")
            }
            values = stored
        }
        try decodeValues(values, count: count, present: present, encoding: header.encoding)
    }

    /// Decodes the page's definition levels into its `validity` slots; returns how many values are present.
    private func decodeLevels(_ data: UnsafeRawBufferPointer, count: Int) throws(PageDecodeError) -> Int {
        let flags = UnsafeMutableBufferPointer(start: validity! + written, count: count)
        var decoder = RLEHybridDecoder(data, bitWidth: 1)
        try decoder.decodeLevels(into: flags)
        var present = 0
        for f in flags where f { present += 1 }
        nulls += count - present
        return present
    }

    /// Writes the page's `count` slots, of which `present` are not null, decoding per `encoding`.
    private func decodeValues(_ data: UnsafeRawBufferPointer, count: Int, present: Int, encoding: Int32)
        throws(PageDecodeError)
    {
        switch Encoding(rawValue: encoding) {
        case .plain:
            try decodePlain(data, count: count, present: present)
        case .plainDictionary, .rleDictionary:
            guard let dictCount = dictionaryCount else {
                throw .invalid("dictionary-encoded page without a dictionary page")
            }
            guard data.count >= 1 else { throw .truncated("dictionary index bit width") }
            let width = Int(data[0])
            guard width <= 32 else { throw .invalid("dictionary index bit width \(width) is above 32") }
            let indices = indexScratch.reserve(present, of: UInt32.self)
            var decoder = RLEHybridDecoder(UnsafeRawBufferPointer(rebasing: data[1...]), bitWidth: width)
            try decoder.decode(into: indices)
            for i in indices where Int(i) >= dictCount {
                throw .invalid("dictionary index \(i) is past the dictionary's \(dictCount) entries")
            }
            gatherDictionary(UnsafeBufferPointer(indices), count: count, present: present)
        case .rle where leaf.physical == .boolean:
            guard data.count >= 4 else { throw .truncated("RLE boolean length") }
            let length = Int(data.loadUnaligned(as: UInt32.self).littleEndian)
            guard length <= data.count - 4 else { throw .invalid("RLE booleans of \(length) bytes run past the page") }
            let decoded = indexScratch.reserve(present, of: UInt32.self)
            var decoder = RLEHybridDecoder(UnsafeRawBufferPointer(rebasing: data[4..<4 + length]), bitWidth: 1)
            try decoder.decode(into: decoded)
            scatter(count: count, present: present, zero: false) { decoded[$0] != 0 }
        default:
            throw .unsupported("encoding \(Encoding.name(encoding)) for \(leaf.physical) values")
        }
    }

    /// Writes the page's `count` slots of `T`: value `next(k)` for the k-th present slot, `zero` for a null.
    @inline(__always)
    private func scatter<T: BitwiseCopyable>(count: Int, present: Int, zero: T, _ next: (Int) -> T) {
        let out = values!.assumingMemoryBound(to: T.self) + written
        if present < count {
            let flags = validity! + written
            var k = 0
            for i in 0..<count {
                if flags[i] {
                    (out + i).initialize(to: next(k))
                    k += 1
                } else {
                    (out + i).initialize(to: zero)
                }
            }
        } else {
            for k in 0..<count { (out + k).initialize(to: next(k)) }
        }
    }

    private func decodePlain(_ data: UnsafeRawBufferPointer, count: Int, present: Int) throws(PageDecodeError) {
        func need(_ bytes: Int) throws(PageDecodeError) {
            guard data.count >= bytes else {
                throw .truncated(
                    "PLAIN values: \(present) \(leaf.physical) values need \(bytes) bytes, the page has \(data.count)")
            }
        }
        switch leaf.physical {
        case .int32:
            try need(present * 4)
            copyFixed(data, as: Int32.self, count: count, present: present)
        case .int64:
            try need(present * 8)
            copyFixed(data, as: Int64.self, count: count, present: present)
        case .double:
            try need(present * 8)
            copyFixed(data, as: Double.self, count: count, present: present)
        case .float:
            try need(present * 4)
            scatter(count: count, present: present, zero: 0.0) {
                Double(
                    Float(bitPattern: UInt32(littleEndian: data.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))
                )
            }
        case .int96:
            try need(present * 12)
            scatter(count: count, present: present, zero: Int64(0)) { Self.int96Timestamp(data, at: 12 * $0) }
        case .boolean:
            try need((present + 7) / 8)
            scatter(count: count, present: present, zero: false) { (data[$0 >> 3] >> UInt8($0 & 7)) & 1 == 1 }
        case .byteArray:
            let strings = stringScratch.reserve(data.count + Self.copySlack)
            let hasNulls = present < count
            let stored = try Self.splitByteArrays(
                data, count: count, validity: hasNulls ? validity! + written : nil,
                offsets: offsets! + written + 1, base: bytes.count, into: strings.baseAddress!)
            appendBytes(UnsafeRawBufferPointer(rebasing: strings[0..<stored]))
        case .fixedLenByteArray:
            // Only decimals get here (LeafColumn): scaled to doubles as they are copied.
            let width = leaf.width
            try need(present * width)
            let divisor = decimalDivisor
            scatter(count: count, present: present, zero: 0.0) {
                Double(LeafColumn.bigEndianInteger(data, at: width * $0, width: width)) / divisor
            }
        }
    }

    /// Copies little-endian fixed-width values into the page's slots: one memcpy when it has no nulls.
    private func copyFixed<T: BitwiseCopyable>(_ data: UnsafeRawBufferPointer, as: T.Type, count: Int, present: Int) {
        guard count > 0 else { return }
        let width = MemoryLayout<T>.size
        if present < count {
            scatter(count: count, present: present, zero: Self.zero(T.self)) {
                data.loadUnaligned(fromByteOffset: $0 * width, as: T.self)
            }
        } else {
            memcpy(values! + written * width, data.baseAddress!, count * width)
        }
    }

    private static func zero<T: BitwiseCopyable>(_: T.Type) -> T {
        withUnsafeTemporaryAllocation(of: T.self, capacity: 1) { p in
            UnsafeMutableRawPointer(p.baseAddress!).initializeMemory(
                as: UInt8.self, repeating: 0, count: MemoryLayout<T>.size)
            return p[0]
        }
    }

    private static func int96Timestamp(_ data: UnsafeRawBufferPointer, at offset: Int) -> Int64 {
        let nanos = Int64(littleEndian: data.loadUnaligned(fromByteOffset: offset, as: Int64.self))
        let julian = Int64(Int32(littleEndian: data.loadUnaligned(fromByteOffset: offset + 8, as: Int32.self)))
        return (julian - 2_440_588) &* 86_400_000_000 &+ nanos / 1000
    }

    /// Bytes a string buffer keeps past its end so short strings can be copied 16 bytes at a time.
    private static let copySlack = 16

    /// Splits `count` length-prefixed byte arrays: their bytes go one after another to `strings`
    /// (which has room for `data.count + copySlack`), the end offset of value `i`, counted from
    /// `base`, to `offsets[i]`. A null slot (per `validity`) repeats the previous offset.
    /// Returns how many bytes went to `strings`.
    private static func splitByteArrays(
        _ data: UnsafeRawBufferPointer, count: Int, validity: UnsafeMutablePointer<Bool>?,
        offsets: UnsafeMutablePointer<Int>, base: Int, into strings: UnsafeMutableRawPointer
    ) throws(PageDecodeError) -> Int {
        var p = 0
        var stored = 0
        for i in 0..<count {
            if let validity, !validity[i] {
                (offsets + i).initialize(to: base + stored)
                continue
            }
            guard data.count - p >= 4 else { throw .truncated("BYTE_ARRAY length at value \(i)") }
            let length = Int(UInt32(littleEndian: data.loadUnaligned(fromByteOffset: p, as: UInt32.self)))
            p += 4
            guard length <= data.count - p else {
                throw .invalid("BYTE_ARRAY value \(i) of \(length) bytes runs past the page (\(data.count - p) left)")
            }
            if length <= copySlack && data.count - p >= copySlack {
                // Short strings, the common case: one 16-byte move, within both buffers' bounds.
                (strings + stored).storeBytes(
                    of: data.loadUnaligned(fromByteOffset: p, as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
            } else if length > 0 {
                memcpy(strings + stored, data.baseAddress! + p, length)
            }
            p += length
            stored += length
            (offsets + i).initialize(to: base + stored)
        }
        return stored
    }

    /// Appends a page's string bytes to `bytes`, growing it geometrically (reserveCapacity
    /// alone allocates exactly, which is quadratic across pages).
    private func appendBytes(_ page: UnsafeRawBufferPointer) {
        let needed = bytes.count + page.count
        if bytes.capacity < needed { bytes.reserveCapacity(max(needed, 2 * bytes.capacity)) }
        bytes.append(contentsOf: page)
    }

    // MARK: Dictionary

    private func decodeDictionary(_ data: UnsafeRawBufferPointer, count: Int, encoding: Int32) throws(PageDecodeError) {
        guard encoding == Encoding.plain.rawValue || encoding == Encoding.plainDictionary.rawValue else {
            throw .unsupported("dictionary page encoding \(Encoding.name(encoding))")
        }
        guard count >= 0, count <= data.count * 8 + 8 else {
            throw .invalid("dictionary declares \(count) entries in \(data.count) bytes")
        }
        func need(_ bytes: Int) throws(PageDecodeError) {
            guard data.count >= bytes else {
                throw .truncated("dictionary: \(count) entries need \(bytes) bytes, the page has \(data.count)")
            }
        }
        switch leaf.physical {
        case .int32:
            try need(count * 4)
            dictInts32 = (0..<count).map {
                Int32(littleEndian: data.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self))
            }
        case .int64:
            try need(count * 8)
            dictInts64 = (0..<count).map {
                Int64(littleEndian: data.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self))
            }
        case .int96:
            try need(count * 12)
            dictInts64 = (0..<count).map { Self.int96Timestamp(data, at: 12 * $0) }
        case .double:
            try need(count * 8)
            dictDoubles = (0..<count).map {
                Double(bitPattern: UInt64(littleEndian: data.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)))
            }
        case .float:
            try need(count * 4)
            dictDoubles = (0..<count).map {
                Double(
                    Float(bitPattern: UInt32(littleEndian: data.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))
                )
            }
        case .boolean:
            try need((count + 7) / 8)
            dictBools = (0..<count).map { (data[$0 >> 3] >> UInt8($0 & 7)) & 1 == 1 }
        case .byteArray:
            var stored = 0
            let entryOffsets = try [Int].writtenInPlace(count: count + 1) { (out) throws(PageDecodeError) in
                out[0] = 0
                dictBytes = try [UInt8](typedUnsafeUninitializedCapacity: data.count + Self.copySlack) {
                    (strings) throws(PageDecodeError) in
                    stored = try Self.splitByteArrays(
                        data, count: count, validity: nil, offsets: out.baseAddress! + 1, base: 0,
                        into: strings.baseAddress!)
                    return stored
                }
            }
            dictOffsets = entryOffsets
        case .fixedLenByteArray:
            let width = leaf.width
            try need(count * width)
            let divisor = decimalDivisor
            dictDoubles = (0..<count).map {
                Double(LeafColumn.bigEndianInteger(data, at: width * $0, width: width)) / divisor
            }
        }
        dictionaryCount = count
    }

    /// Writes the page's slots from the dictionary; `indices` (all checked) hold one per present value.
    private func gatherDictionary(_ indices: UnsafeBufferPointer<UInt32>, count: Int, present: Int) {
        switch leaf.physical {
        case .int32:
            dictInts32.withUnsafeBufferPointer { d in
                scatter(count: count, present: present, zero: Int32(0)) { d[Int(indices[$0])] }
            }
        case .int64, .int96:
            dictInts64.withUnsafeBufferPointer { d in
                scatter(count: count, present: present, zero: Int64(0)) { d[Int(indices[$0])] }
            }
        case .double, .float, .fixedLenByteArray:
            dictDoubles.withUnsafeBufferPointer { d in
                scatter(count: count, present: present, zero: 0.0) { d[Int(indices[$0])] }
            }
        case .boolean:
            dictBools.withUnsafeBufferPointer { d in
                scatter(count: count, present: present, zero: false) { d[Int(indices[$0])] }
            }
        case .byteArray:
            gatherDictionaryStrings(indices, count: count, present: present)
        }
    }

    /// Copies dictionary strings into `bytes`, through `stringScratch` in batches of at most
    /// `batch` bytes so a page of long repeated entries never needs one huge buffer.
    private func gatherDictionaryStrings(_ indices: UnsafeBufferPointer<UInt32>, count: Int, present: Int) {
        let batch = 1 << 20
        let strings = stringScratch.reserve(batch).baseAddress!
        let out = offsets! + written + 1
        let flags = present < count ? validity! + written : nil
        dictOffsets.withUnsafeBufferPointer { starts in
            dictBytes.withUnsafeBytes { source in
                var pending = 0
                var k = 0
                for i in 0..<count {
                    if let flags, !flags[i] {
                        (out + i).initialize(to: bytes.count + pending)
                        continue
                    }
                    let d = Int(indices[k])
                    k += 1
                    let start = starts[d], length = starts[d + 1] - start
                    if pending + length > batch {
                        appendBytes(UnsafeRawBufferPointer(start: strings, count: pending))
                        pending = 0
                    }
                    if length > batch {
                        appendBytes(UnsafeRawBufferPointer(rebasing: source[start..<start + length]))
                    } else if length > 0 {
                        memcpy(strings + pending, source.baseAddress! + start, length)
                        pending += length
                    }
                    (out + i).initialize(to: bytes.count + pending)
                }
                appendBytes(UnsafeRawBufferPointer(start: strings, count: pending))
            }
        }
    }

    // MARK: Result

    private func convert(
        _ physical: PhysicalValues, to target: DataType, validity mask: [Bool]?,
        location: (_ ofRow: Int) -> ParquetLocation
    ) throws(ParquetError) -> Column {
        let values: ColumnValues
        switch (physical, target) {
        case (.bool(let v), _): values = .bool(v)
        case (.int32(let v), .int32): values = .int32(v)
        case (.int32(let v), .date): values = .date(v)
        case (.int32(let v), .int64): values = .int64(v.map { Int64(UInt32(bitPattern: $0)) })
        case (.int32(let v), .double):
            let f = decimalDivisor
            values = .double(v.map { Double($0) / f })
        case (.int64(let v), .double):
            let f = decimalDivisor
            values = .double(v.map { Double($0) / f })
        case (.int64(let v), .timestamp) where leaf.physical == .int64:
            switch leaf.conversion {
            case .timestampMillis:
                // A millisecond count past ±9.2e15 has no microsecond value: refuse it rather than wrap.
                if let row = v.firstIndex(where: { $0.multipliedReportingOverflow(by: 1000).overflow }) {
                    throw .unsupported(
                        location(row),
                        feature: "TIMESTAMP(MILLIS) value \(v[row]) is outside the range of microsecond timestamps")
                }
                values = .timestamp(v.map { $0 * 1000 })
            case .timestampNanos:
                // Floor division, so instants before 1970 round down; written to not overflow at Int64.min.
                values = .timestamp(v.map { $0 / 1000 - ($0 % 1000 < 0 ? 1 : 0) })
            default: values = .timestamp(v)
            }
        case (.int64(let v), _) where leaf.physical == .int64: values = .int64(v)
        case (.int64(let v), _): values = .timestamp(v)  // INT96
        case (.double(let v), _): values = .double(v)
        case (.strings(let s), _): values = .string(s)
        default: throw .unsupported(location(0), feature: "\(leaf.physical) as \(target)")
        }
        return Column(values, validity: mask)
    }

    /// 10^scale of a decimal column (1 for others).
    private var decimalDivisor: Double {
        guard case .decimal(let scale) = leaf.conversion else { return 1 }
        return LeafColumn.decimalDivisor(scale)
    }
}
