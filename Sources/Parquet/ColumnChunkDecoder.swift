import Frame
import Gzip

#if canImport(Glibc)
import Glibc
#endif

/// Decodes one column chunk — its dictionary and data pages — into a Frame column.
///
/// Nothing read from the file is trusted: every size and count is checked against the bytes
/// that hold it before anything is allocated from it.
final class ColumnChunkDecoder {
    /// The most an uncompressed page may exceed its compressed size, per codec, plus slack.
    static func maxUncompressed(compressed: Int, codec: CompressionCodec) -> Int {
        let ratio = switch codec {
        case .uncompressed: 1
        case .gzip: 1032  // deflate cannot expand more than ~1032:1
        case .snappy: 64
        default: 1 << 16  // zstd's RLE blocks reach very high ratios
        }
        return compressed.multipliedReportingOverflow(by: ratio).partialValue + (codec == .uncompressed ? 0 : 1 << 16)
    }

    private let leaf: LeafColumn
    private let codec: CompressionCodec
    private let decompressor = GzipDecompressor()
    /// Reused buffer that pages are decompressed into.
    private var scratch = UnsafeMutableRawBufferPointer(start: nil, count: 0)

    // Decoded values in the physical domain (float and INT96 are widened as they are read).
    private var bools: [Bool] = []
    private var ints32: [Int32] = []
    private var ints64: [Int64] = []
    private var doubles: [Double] = []
    private var offsets: [Int] = [0]
    private var bytes: [UInt8] = []
    private var validity: [Bool] = []
    private var nulls = 0

    // The chunk's dictionary, if it has one.
    private var dictionaryCount: Int?
    private var dictBools: [Bool] = []
    private var dictInts32: [Int32] = []
    private var dictInts64: [Int64] = []
    private var dictDoubles: [Double] = []
    private var dictOffsets: [Int] = [0]
    private var dictBytes: [UInt8] = []

    init(leaf: LeafColumn, codec: CompressionCodec) {
        self.leaf = leaf
        self.codec = codec
    }

    deinit { scratch.deallocate() }

    /// Decodes `expectedValues` values from `chunk`, whose first byte sits at file offset `chunkOffset`.
    func decode(chunk: [UInt8], chunkOffset: Int, expectedValues: Int, location: ParquetLocation) throws(ParquetError) -> Column {
        reserve(min(expectedValues, chunk.count * 8192 + 8192))
        var position = 0
        var decoded = 0
        var sawData = false
        try chunk.withTypedBytes { (buf) throws(ParquetError) in
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
                    throw .corruptData(loc, detail: "negative page size (compressed \(compressed), uncompressed \(uncompressed))")
                }
                guard compressed <= buf.count - bodyStart else {
                    throw .corruptData(loc, detail: "page body of \(compressed) bytes runs past the chunk's end (\(buf.count - bodyStart) bytes left)")
                }
                let body = UnsafeRawBufferPointer(rebasing: buf[bodyStart ..< bodyStart + compressed])
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
                        let data = try decompress(body, uncompressed: uncompressed, codec: codec)
                        try decodeDataPageV1(data, count: n, header: h)
                        decoded += n
                        sawData = true
                    case .dataPageV2:
                        guard let h = header.dataPageV2 else { throw .invalid("DATA_PAGE_V2 without its header") }
                        let n = try pageValueCount(h.numValues, decoded: decoded, expected: expectedValues)
                        try decodeDataPageV2(body, uncompressed: uncompressed, count: n, header: h)
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
        return try finish(location: location)
    }

    private func pageValueCount(_ n: Int32, decoded: Int, expected: Int) throws(PageDecodeError) -> Int {
        guard n >= 0 else { throw .invalid("negative value count \(n)") }
        guard Int(n) <= expected - decoded else {
            throw .invalid("page holds \(n) values but only \(expected - decoded) remain in the chunk")
        }
        return Int(n)
    }

    private func reserve(_ n: Int) {
        switch leaf.physical {
        case .boolean: bools.reserveCapacity(n)
        case .int32: ints32.reserveCapacity(n)
        case .int64, .int96: ints64.reserveCapacity(n)
        case .float, .double: doubles.reserveCapacity(n)
        case .byteArray, .fixedLenByteArray: offsets.reserveCapacity(n + 1)
        }
        if leaf.optional { validity.reserveCapacity(n) }
    }

    // MARK: Decompression

    /// Decompresses a page body into `scratch`, checking the declared size against the codec's bounds.
    private func decompress(_ body: UnsafeRawBufferPointer, uncompressed: Int, codec: CompressionCodec) throws(PageDecodeError) -> UnsafeRawBufferPointer {
        if codec == .uncompressed {
            guard uncompressed == body.count else {
                throw .invalid("UNCOMPRESSED page declares \(uncompressed) bytes but stores \(body.count)")
            }
            return body
        }
        let limit = Self.maxUncompressed(compressed: body.count, codec: codec)
        guard uncompressed <= limit else {
            throw .invalid("page declares \(uncompressed) uncompressed bytes, more than \(codec) can produce from \(body.count)")
        }
        if scratch.count < uncompressed {
            scratch.deallocate()
            scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: uncompressed, alignment: 16)
        }
        let target = UnsafeMutableRawBufferPointer(rebasing: scratch[0 ..< uncompressed])
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
        return UnsafeRawBufferPointer(target)
    }

    // MARK: Pages

    private func decodeDataPageV1(_ data: UnsafeRawBufferPointer, count: Int, header: DataPageHeader) throws(PageDecodeError) {
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
            present = try decodeLevels(UnsafeRawBufferPointer(rebasing: data[4 ..< 4 + length]), count: count)
            values = UnsafeRawBufferPointer(rebasing: data[(4 + length)...])
        }
        try decodeValues(values, count: count, present: present, encoding: header.encoding)
    }

    private func decodeDataPageV2(_ body: UnsafeRawBufferPointer, uncompressed: Int, count: Int, header: DataPageHeaderV2) throws(PageDecodeError) {
        let repLength = Int(header.repetitionLevelsByteLength), defLength = Int(header.definitionLevelsByteLength)
        guard repLength >= 0, defLength >= 0, repLength + defLength <= body.count, repLength + defLength <= uncompressed else {
            throw .invalid("level lengths \(repLength) + \(defLength) exceed the page's \(body.count) bytes")
        }
        var present = count
        if leaf.optional {
            present = try decodeLevels(UnsafeRawBufferPointer(rebasing: body[repLength ..< repLength + defLength]), count: count)
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

    /// Decodes definition levels into `validity`; returns how many values are present.
    private func decodeLevels(_ data: UnsafeRawBufferPointer, count: Int) throws(PageDecodeError) -> Int {
        let start = validity.count
        validity.append(contentsOf: repeatElement(true, count: count))
        try validity.withTypedMutableBuffer { (v) throws(PageDecodeError) in
            var decoder = RLEHybridDecoder(data, bitWidth: 1)
            try decoder.decodeLevels(into: UnsafeMutableBufferPointer(rebasing: v[start ..< start + count]))
        }
        var present = 0
        for i in start ..< start + count where validity[i] { present += 1 }
        nulls += count - present
        return present
    }

    /// Appends `count` values, of which `present` are not null, decoding per `encoding`.
    private func decodeValues(_ data: UnsafeRawBufferPointer, count: Int, present: Int, encoding: Int32) throws(PageDecodeError) {
        let pageValidity = validity.count - count  // start of this page's levels (when optional)
        switch Encoding(rawValue: encoding) {
        case .plain:
            try decodePlain(data, count: count, present: present, levelsAt: pageValidity)
        case .plainDictionary, .rleDictionary:
            guard let dictCount = dictionaryCount else { throw .invalid("dictionary-encoded page without a dictionary page") }
            guard data.count >= 1 else { throw .truncated("dictionary index bit width") }
            let width = Int(data[0])
            guard width <= 32 else { throw .invalid("dictionary index bit width \(width) is above 32") }
            var indices = [UInt32](repeating: 0, count: present)
            try indices.withTypedMutableBuffer { (out) throws(PageDecodeError) in
                var decoder = RLEHybridDecoder(UnsafeRawBufferPointer(rebasing: data[1...]), bitWidth: width)
                try decoder.decode(into: out)
            }
            for i in indices where Int(i) >= dictCount {
                throw .invalid("dictionary index \(i) is past the dictionary's \(dictCount) entries")
            }
            gatherDictionary(indices, count: count, levelsAt: pageValidity)
        case .rle where leaf.physical == .boolean:
            guard data.count >= 4 else { throw .truncated("RLE boolean length") }
            let length = Int(data.loadUnaligned(as: UInt32.self).littleEndian)
            guard length <= data.count - 4 else { throw .invalid("RLE booleans of \(length) bytes run past the page") }
            var decoded = [UInt32](repeating: 0, count: present)
            try decoded.withTypedMutableBuffer { (out) throws(PageDecodeError) in
                var decoder = RLEHybridDecoder(UnsafeRawBufferPointer(rebasing: data[4 ..< 4 + length]), bitWidth: 1)
                try decoder.decode(into: out)
            }
            var k = 0
            appendScattered(count: count, levelsAt: pageValidity, into: &bools, zero: false) {
                defer { k += 1 }
                return decoded[k] != 0
            }
        default:
            throw .unsupported("encoding \(Encoding.name(encoding)) for \(leaf.physical) values")
        }
    }

    /// Appends `count` slots to `array`, taking the next value from `next` for every present slot.
    private func appendScattered<T>(count: Int, levelsAt: Int, into array: inout [T], zero: T, _ next: () -> T) {
        if leaf.optional && nullsInPage(count: count, levelsAt: levelsAt) {
            for i in 0 ..< count { array.append(validity[levelsAt + i] ? next() : zero) }
        } else {
            for _ in 0 ..< count { array.append(next()) }
        }
    }

    private func nullsInPage(count: Int, levelsAt: Int) -> Bool {
        validity.withUnsafeBufferPointer { v in
            for i in levelsAt ..< levelsAt + count where !v[i] { return true }
            return false
        }
    }

    private func decodePlain(_ data: UnsafeRawBufferPointer, count: Int, present: Int, levelsAt: Int) throws(PageDecodeError) {
        func need(_ bytes: Int) throws(PageDecodeError) {
            guard data.count >= bytes else {
                throw .truncated("PLAIN values: \(present) \(leaf.physical) values need \(bytes) bytes, the page has \(data.count)")
            }
        }
        switch leaf.physical {
        case .int32:
            try need(present * 4)
            appendFixed(data, as: Int32.self, count: count, present: present, levelsAt: levelsAt, into: &ints32)
        case .int64:
            try need(present * 8)
            appendFixed(data, as: Int64.self, count: count, present: present, levelsAt: levelsAt, into: &ints64)
        case .double:
            try need(present * 8)
            appendFixed(data, as: Double.self, count: count, present: present, levelsAt: levelsAt, into: &doubles)
        case .float:
            try need(present * 4)
            var k = 0
            appendScattered(count: count, levelsAt: levelsAt, into: &doubles, zero: 0) {
                defer { k += 1 }
                return Double(Float(bitPattern: UInt32(littleEndian: data.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self))))
            }
        case .int96:
            try need(present * 12)
            var k = 0
            appendScattered(count: count, levelsAt: levelsAt, into: &ints64, zero: 0) {
                defer { k += 1 }
                let nanos = Int64(littleEndian: data.loadUnaligned(fromByteOffset: 12 * k, as: Int64.self))
                let julian = Int64(Int32(littleEndian: data.loadUnaligned(fromByteOffset: 12 * k + 8, as: Int32.self)))
                return (julian - 2_440_588) &* 86_400_000_000 &+ nanos / 1000
            }
        case .boolean:
            try need((present + 7) / 8)
            var k = 0
            appendScattered(count: count, levelsAt: levelsAt, into: &bools, zero: false) {
                defer { k += 1 }
                return (data[k >> 3] >> UInt8(k & 7)) & 1 == 1
            }
        case .byteArray:
            try appendByteArrays(data, count: count, levelsAt: levelsAt, offsets: &offsets, bytes: &bytes)
        case .fixedLenByteArray:
            throw .unsupported("FIXED_LEN_BYTE_ARRAY values")
        }
    }

    /// Appends fixed-width little-endian values: one memcpy when the page has no nulls.
    private func appendFixed<T>(_ data: UnsafeRawBufferPointer, as: T.Type, count: Int, present: Int, levelsAt: Int, into array: inout [T]) {
        let start = array.count
        let width = MemoryLayout<T>.size
        if leaf.optional && present < count {
            array.append(contentsOf: repeatElement(zeroValue(T.self), count: count))
            validity.withUnsafeBufferPointer { v in
                array.withUnsafeMutableBytes { out in
                    var k = 0
                    for i in 0 ..< count where v[levelsAt + i] {
                        memcpy(out.baseAddress! + (start + i) * width, data.baseAddress! + k * width, width)
                        k += 1
                    }
                }
            }
        } else {
            array.append(contentsOf: repeatElement(zeroValue(T.self), count: count))
            if count > 0 {
                array.withUnsafeMutableBytes { out in
                    _ = memcpy(out.baseAddress! + start * width, data.baseAddress!, count * width)
                }
            }
        }
    }

    private func zeroValue<T>(_: T.Type) -> T {
        withUnsafeTemporaryAllocation(of: T.self, capacity: 1) { p in
            UnsafeMutableRawPointer(p.baseAddress!).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<T>.size)
            return p[0]
        }
    }

    /// Appends length-prefixed byte arrays; a null slot repeats the previous offset.
    /// `levelsAt` is where the page's definition levels start in `validity`; nil when the
    /// values have no levels (a dictionary page).
    private func appendByteArrays(
        _ data: UnsafeRawBufferPointer, count: Int, levelsAt: Int?, offsets: inout [Int], bytes: inout [UInt8]
    ) throws(PageDecodeError) {
        var p = 0
        let hasNulls = levelsAt.map { leaf.optional && nullsInPage(count: count, levelsAt: $0) } ?? false
        let levelsAt = levelsAt ?? 0
        // The values cannot hold more string bytes than the page has; grow geometrically
        // (reserveCapacity alone allocates exactly, which is quadratic across pages).
        let needed = bytes.count + data.count
        if bytes.capacity < needed { bytes.reserveCapacity(max(needed, 2 * bytes.capacity)) }
        for i in 0 ..< count {
            if hasNulls && !validity[levelsAt + i] {
                offsets.append(bytes.count)
                continue
            }
            guard data.count - p >= 4 else { throw .truncated("BYTE_ARRAY length at value \(i)") }
            let length = Int(UInt32(littleEndian: data.loadUnaligned(fromByteOffset: p, as: UInt32.self)))
            p += 4
            guard length <= data.count - p else {
                throw .invalid("BYTE_ARRAY value \(i) of \(length) bytes runs past the page (\(data.count - p) left)")
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: data[p ..< p + length]))
            p += length
            offsets.append(bytes.count)
        }
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
            guard data.count >= bytes else { throw .truncated("dictionary: \(count) entries need \(bytes) bytes, the page has \(data.count)") }
        }
        switch leaf.physical {
        case .int32:
            try need(count * 4)
            dictInts32 = (0 ..< count).map { Int32(littleEndian: data.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
        case .int64:
            try need(count * 8)
            dictInts64 = (0 ..< count).map { Int64(littleEndian: data.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) }
        case .int96:
            try need(count * 12)
            dictInts64 = (0 ..< count).map {
                let nanos = Int64(littleEndian: data.loadUnaligned(fromByteOffset: 12 * $0, as: Int64.self))
                let julian = Int64(Int32(littleEndian: data.loadUnaligned(fromByteOffset: 12 * $0 + 8, as: Int32.self)))
                return (julian - 2_440_588) &* 86_400_000_000 &+ nanos / 1000
            }
        case .double:
            try need(count * 8)
            dictDoubles = (0 ..< count).map { Double(bitPattern: UInt64(littleEndian: data.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))) }
        case .float:
            try need(count * 4)
            dictDoubles = (0 ..< count).map { Double(Float(bitPattern: UInt32(littleEndian: data.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))) }
        case .boolean:
            try need((count + 7) / 8)
            dictBools = (0 ..< count).map { (data[$0 >> 3] >> UInt8($0 & 7)) & 1 == 1 }
        case .byteArray:
            dictOffsets = [0]
            dictBytes = []
            try appendByteArrays(data, count: count, levelsAt: nil, offsets: &dictOffsets, bytes: &dictBytes)
        case .fixedLenByteArray:
            throw .unsupported("FIXED_LEN_BYTE_ARRAY values")
        }
        dictionaryCount = count
    }

    private func gatherDictionary(_ indices: [UInt32], count: Int, levelsAt: Int) {
        var k = 0
        switch leaf.physical {
        case .int32:
            appendScattered(count: count, levelsAt: levelsAt, into: &ints32, zero: 0) { defer { k += 1 }; return dictInts32[Int(indices[k])] }
        case .int64, .int96:
            appendScattered(count: count, levelsAt: levelsAt, into: &ints64, zero: 0) { defer { k += 1 }; return dictInts64[Int(indices[k])] }
        case .double, .float:
            appendScattered(count: count, levelsAt: levelsAt, into: &doubles, zero: 0) { defer { k += 1 }; return dictDoubles[Int(indices[k])] }
        case .boolean:
            appendScattered(count: count, levelsAt: levelsAt, into: &bools, zero: false) { defer { k += 1 }; return dictBools[Int(indices[k])] }
        case .byteArray:
            let hasNulls = leaf.optional && nullsInPage(count: count, levelsAt: levelsAt)
            for i in 0 ..< count {
                if hasNulls && !validity[levelsAt + i] {
                    offsets.append(bytes.count)
                    continue
                }
                let d = Int(indices[k])
                k += 1
                bytes.append(contentsOf: dictBytes[dictOffsets[d] ..< dictOffsets[d + 1]])
                offsets.append(bytes.count)
            }
        case .fixedLenByteArray:
            break
        }
    }

    // MARK: Result

    private func finish(location: ParquetLocation) throws(ParquetError) -> Column {
        let mask: [Bool]? = leaf.optional && nulls > 0 ? validity : nil
        let target: DataType
        switch leaf.target {
        case .success(let t): target = t
        case .failure(let u): throw .unsupported(location, feature: u.reason)
        }
        let values: ColumnValues
        switch (leaf.physical, target) {
        case (.boolean, _): values = .bool(bools)
        case (.int32, .int32): values = .int32(ints32)
        case (.int32, .date): values = .date(ints32)
        case (.int32, .int64): values = .int64(ints32.map { Int64(UInt32(bitPattern: $0)) })
        case (.int32, .double):
            guard case .decimal(let scale) = leaf.conversion else { preconditionFailure() }
            let f = pow10(scale)
            values = .double(ints32.map { Double($0) / f })
        case (.int64, .double):
            guard case .decimal(let scale) = leaf.conversion else { preconditionFailure() }
            let f = pow10(scale)
            values = .double(ints64.map { Double($0) / f })
        case (.int64, .timestamp):
            switch leaf.conversion {
            case .timestampMillis:
                // A millisecond count past ±9.2e15 has no microsecond value: refuse it rather than wrap.
                if let bad = ints64.first(where: { $0.multipliedReportingOverflow(by: 1000).overflow }) {
                    throw .unsupported(location, feature: "TIMESTAMP(MILLIS) value \(bad) is outside the range of microsecond timestamps")
                }
                values = .timestamp(ints64.map { $0 * 1000 })
            case .timestampNanos:
                // Floor division, so instants before 1970 round down; written to not overflow at Int64.min.
                values = .timestamp(ints64.map { $0 / 1000 - ($0 % 1000 < 0 ? 1 : 0) })
            default: values = .timestamp(ints64)
            }
        case (.int64, _): values = .int64(ints64)
        case (.int96, _): values = .timestamp(ints64)
        case (.float, _), (.double, _): values = .double(doubles)
        case (.byteArray, _): values = .string(StringArray(offsets: offsets, bytes: bytes))
        default: throw .unsupported(location, feature: "\(leaf.physical) as \(target)")
        }
        return Column(values, validity: mask)
    }

    private func pow10(_ scale: Int32) -> Double {
        var f = 1.0
        for _ in 0 ..< max(0, Int(scale)) { f *= 10 }
        return f
    }
}
