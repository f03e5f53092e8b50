import Frame
import Gzip

/// One data page, encoded and compressed, ready to be placed in its column chunk.
struct EncodedPage {
    /// Page header followed by the (compressed) body.
    var bytes: [UInt8]
    /// Header bytes plus uncompressed body bytes, for `total_uncompressed_size`.
    var uncompressedSize: Int
    var numValues: Int
    var statistics: ColumnStatistics
}

/// Encodes one page of a column: definition levels, PLAIN values, statistics, compression.
///
/// One encoder per thread: it keeps a scratch buffer and a compressor between pages.
final class PageEncoder {
    private let compressor: GzipCompressor?
    private var body: [UInt8] = []

    init(codec: ParquetWriteOptions.Codec, level: Int) throws(ParquetError) {
        switch codec {
        case .gzip:
            do { compressor = try GzipCompressor(level: level) } catch {
                throw .invalidWrite(path: "", detail: error.description)
            }
        case .uncompressed: compressor = nil
        }
    }

    /// Pages are limited by Thrift's i32 sizes.
    static let maxPageBytes = Int(Int32.max)

    func encode(_ column: Column, field: Field, rows: Range<Int>) throws(ParquetError) -> EncodedPage {
        // A STRING column is UTF-8 by the format's definition: no reader must ever meet one that is not.
        if case .string(let s) = column.values, let bad = s.firstInvalidUTF8(in: rows) {
            throw .invalidWrite(
                path: "",
                detail: "column '\(field.name)': row \(bad.row) is not valid UTF-8 (byte \(bad.byte)); "
                    + "a STRING column holds UTF-8 only")
        }
        var stats = ColumnStatistics()
        fillBody(column, field: field, rows: rows, stats: &stats)
        guard body.count <= Self.maxPageBytes else {
            throw .invalidWrite(
                path: "",
                detail:
                    "column '\(field.name)': a page of \(rows.count) rows holds \(body.count) bytes, more than Parquet's 2 GiB page limit; use fewer rows per page"
            )
        }
        // The stored body: compressed with the page codec, or the body itself when uncompressed.
        var compressed: [UInt8] = []
        if let compressor {
            compressed.reserveCapacity(body.count / 2 + 64)
            body.withUnsafeBytes { _ = compressor.compress($0, appendingTo: &compressed) }
        }
        let stored = compressor == nil ? body : compressed
        var page: [UInt8] = []
        page.reserveCapacity(stored.count + 32)
        PageHeader.encodeDataPageV1(
            uncompressedSize: body.count, compressedSize: stored.count, numValues: rows.count, encoding: .plain,
            into: &page)
        let headerSize = page.count
        page.append(contentsOf: stored)
        return EncodedPage(
            bytes: page, uncompressedSize: headerSize + body.count, numValues: rows.count, statistics: stats)
    }

    /// The uncompressed body alone (for benchmarks of the codec on the same bytes).
    func encodeBody(_ column: Column, field: Field, rows: Range<Int>) -> [UInt8] {
        var stats = ColumnStatistics()
        fillBody(column, field: field, rows: rows, stats: &stats)
        return body
    }

    /// Fills `body` with the page's definition levels and PLAIN values, and `stats`.
    private func fillBody(_ column: Column, field: Field, rows: Range<Int>, stats: inout ColumnStatistics) {
        body.removeAll(keepingCapacity: true)
        let validity = column.validity
        if field.nullable { appendLevels(validity, rows: rows) }
        switch column.values {
        case .int32(let v), .date(let v): appendFixed(v, validity, rows, &stats) { .int(Int64($0)) }
        case .int64(let v), .timestamp(let v): appendFixed(v, validity, rows, &stats) { .int($0) }
        case .double(let v): appendDoubles(v, validity, rows, &stats)
        case .bool(let v): appendBools(v, validity, rows, &stats)
        case .string(let s): appendStrings(s, validity, rows, &stats)
        }
    }

    /// The v1 definition-level block: a 4-byte little-endian length, then the hybrid runs.
    private func appendLevels(_ validity: [Bool]?, rows: Range<Int>) {
        let lengthAt = body.count
        body.append(contentsOf: [0, 0, 0, 0])
        // A mask with no false in this page encodes exactly like no mask, so equal frames give
        // equal bytes however their validity is represented.
        if let validity, validity[rows].contains(false) {
            validity.withUnsafeBufferPointer { v in
                RLEHybridEncoder.encodeBitWidth1(UnsafeBufferPointer(rebasing: v[rows]), into: &body)
            }
        } else if !rows.isEmpty {
            RLEHybridEncoder.appendVarint(UInt64(rows.count << 1), to: &body)
            body.append(1)
        }
        let length = UInt32(body.count - lengthAt - 4)
        for k in 0..<4 { body[lengthAt + k] = UInt8(truncatingIfNeeded: length >> (8 * UInt32(k))) }
    }

    private func appendFixed<T: FixedWidthInteger>(
        _ values: [T], _ validity: [Bool]?, _ rows: Range<Int>, _ stats: inout ColumnStatistics,
        _ bound: (T) -> ColumnStatistics.Bound
    ) {
        guard !rows.isEmpty else { return }
        values.withUnsafeBufferPointer { v in
            var lo = T.max, hi = T.min, present = 0
            if let validity {
                for i in rows where validity[i] {
                    let x = v[i]
                    if x < lo { lo = x }
                    if x > hi { hi = x }
                    withUnsafeBytes(of: x.littleEndian) { body.append(contentsOf: $0) }
                    present += 1
                }
            } else {
                for i in rows {
                    let x = v[i]
                    if x < lo { lo = x }
                    if x > hi { hi = x }
                }
                body.append(contentsOf: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: v[rows])))
                present = rows.count
            }
            stats.nullCount = rows.count - present
            if present > 0 {
                stats.min = bound(lo)
                stats.max = bound(hi)
            }
        }
    }

    private func appendDoubles(
        _ values: [Double], _ validity: [Bool]?, _ rows: Range<Int>, _ stats: inout ColumnStatistics
    ) {
        guard !rows.isEmpty else { return }
        values.withUnsafeBufferPointer { v in
            var lo = Double.infinity, hi = -Double.infinity, present = 0, nans = 0, ordered = 0
            for i in rows {
                if let validity, !validity[i] { continue }
                let x = v[i]
                present += 1
                if validity != nil { withUnsafeBytes(of: x.bitPattern.littleEndian) { body.append(contentsOf: $0) } }
                if x.isNaN {
                    nans += 1
                    continue
                }
                ordered += 1
                if x < lo { lo = x }
                if x > hi { hi = x }
            }
            if validity == nil {
                body.append(contentsOf: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: v[rows])))
            }
            stats.nullCount = rows.count - present
            stats.nanCount = nans
            if ordered > 0 {
                stats.min = .double(lo)
                stats.max = .double(hi)
            }
        }
    }

    private func appendBools(_ values: [Bool], _ validity: [Bool]?, _ rows: Range<Int>, _ stats: inout ColumnStatistics)
    {
        var byte: UInt8 = 0
        var bit = 0
        var present = 0, trues = 0
        for i in rows {
            if let validity, !validity[i] { continue }
            if values[i] {
                byte |= 1 << UInt8(bit)
                trues += 1
            }
            present += 1
            bit += 1
            if bit == 8 {
                body.append(byte)
                byte = 0
                bit = 0
            }
        }
        if bit > 0 { body.append(byte) }
        stats.nullCount = rows.count - present
        if present > 0 {
            stats.min = .bool(trues == present)
            stats.max = .bool(trues > 0)
        }
    }

    private func appendStrings(
        _ s: StringArray, _ validity: [Bool]?, _ rows: Range<Int>, _ stats: inout ColumnStatistics
    ) {
        guard !rows.isEmpty else { return }
        body.reserveCapacity(body.count + s.offsets[rows.upperBound] - s.offsets[rows.lowerBound] + 4 * rows.count)
        var present = 0
        var lo: Range<Int>? = nil, hi: Range<Int>? = nil
        s.bytes.withUnsafeBufferPointer { bytes in
            s.offsets.withUnsafeBufferPointer { offsets in
                func less(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
                    let n = min(a.count, b.count)
                    let c = n == 0 ? 0 : memcmp(bytes.baseAddress! + a.lowerBound, bytes.baseAddress! + b.lowerBound, n)
                    return c < 0 || (c == 0 && a.count < b.count)
                }
                for i in rows {
                    if let validity, !validity[i] { continue }
                    let r = offsets[i]..<offsets[i + 1]
                    let length = UInt32(r.count)
                    withUnsafeBytes(of: length.littleEndian) { body.append(contentsOf: $0) }
                    body.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[r]))
                    present += 1
                    if lo == nil || less(r, lo!) { lo = r }
                    if hi == nil || less(hi!, r) { hi = r }
                }
            }
        }
        stats.nullCount = rows.count - present
        if let lo, let hi {
            stats.min = .bytes(Array(s.bytes[lo]))
            stats.max = .bytes(Array(s.bytes[hi]))
        }
    }
}

#if canImport(Glibc)
    import Glibc
#endif
