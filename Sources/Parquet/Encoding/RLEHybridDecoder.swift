/// Decodes the RLE/bit-packed hybrid (levels, dictionary indices, RLE booleans).
///
/// The decoder stops at the number of values the caller expects; a bit-packed run may carry
/// padding past it. Every byte it reads is bounds-checked against its buffer.
struct RLEHybridDecoder {
    private let data: UnsafeRawBufferPointer
    private var position = 0
    let bitWidth: Int

    init(_ data: UnsafeRawBufferPointer, bitWidth: Int) {
        self.data = data
        self.bitWidth = bitWidth
    }

    /// Bytes consumed so far.
    var consumed: Int { position }

    private mutating func readVarint() throws(PageDecodeError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < data.count else { throw .truncated("RLE run header") }
            let b = data[position]
            position += 1
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            guard shift < 64 else { throw .invalid("RLE run header varint is too long") }
        }
    }

    /// Fills `out` completely with decoded values.
    mutating func decode(into out: UnsafeMutableBufferPointer<UInt32>) throws(PageDecodeError) {
        let n = out.count
        var filled = 0
        let byteWidth = (bitWidth + 7) / 8
        while filled < n {
            let header = try readVarint()
            if header & 1 == 0 {
                let runLength = header >> 1
                guard position + byteWidth <= data.count else { throw .truncated("RLE run value") }
                var value: UInt32 = 0
                for k in 0..<byteWidth { value |= UInt32(data[position + k]) << (8 * UInt32(k)) }
                position += byteWidth
                if bitWidth < 32 && value >> UInt32(bitWidth) != 0 {
                    throw .invalid("RLE run value \(value) does not fit in \(bitWidth) bits")
                }
                let count = Int(min(runLength, UInt64(n - filled)))
                (out.baseAddress! + filled).update(repeating: value, count: count)
                filled += count
            } else {
                let groups = header >> 1
                guard groups <= UInt64(data.count) else { throw .truncated("bit-packed run") }
                let totalValues = Int(groups) * 8
                let byteCount = Int(groups) * bitWidth
                guard position + byteCount <= data.count else {
                    // Some writers end the data early inside the final group's padding.
                    let available = data.count - position
                    let whole = bitWidth == 0 ? totalValues : available * 8 / bitWidth
                    guard filled + whole >= n else { throw .truncated("bit-packed run") }
                    unpack(count: n - filled, into: out.baseAddress! + filled)
                    position = data.count
                    filled = n
                    break
                }
                let count = min(totalValues, n - filled)
                unpack(count: count, into: out.baseAddress! + filled)
                position += byteCount
                filled += count
            }
        }
    }

    /// Unpacks `count` values of `bitWidth` bits, LSB first, starting at `position`.
    private func unpack(count: Int, into out: UnsafeMutablePointer<UInt32>) {
        if bitWidth == 0 {
            out.update(repeating: 0, count: count)
            return
        }
        let mask: UInt64 = bitWidth == 32 ? 0xFFFF_FFFF : (1 << UInt64(bitWidth)) - 1
        var bitPos = position * 8
        let end = data.count
        for k in 0..<count {
            let byte = bitPos >> 3
            let shift = UInt64(bitPos & 7)
            var window: UInt64 = 0
            // Up to 5 bytes cover 32 bits plus a 7-bit offset.
            let limit = min(byte + 5, end)
            var b = byte
            while b < limit {
                window |= UInt64(data[b]) << (8 * UInt64(b - byte))
                b += 1
            }
            out[k] = UInt32(truncatingIfNeeded: (window >> shift) & mask)
            bitPos += bitWidth
        }
    }

    /// Decodes bit-width-1 levels straight into a validity mask (level 1 = present).
    mutating func decodeLevels(into out: UnsafeMutableBufferPointer<Bool>) throws(PageDecodeError) {
        precondition(bitWidth == 1)
        let n = out.count
        var filled = 0
        while filled < n {
            let header = try readVarint()
            if header & 1 == 0 {
                guard position < data.count else { throw .truncated("RLE run value") }
                let value = data[position]
                position += 1
                guard value <= 1 else { throw .invalid("definition level \(value) is above the maximum 1") }
                let count = Int(min(header >> 1, UInt64(n - filled)))
                (out.baseAddress! + filled).update(repeating: value == 1, count: count)
                filled += count
            } else {
                let groups = Int(min(header >> 1, UInt64(data.count)))
                let available = min(groups, data.count - position)
                let count = min(available * 8, n - filled)
                guard count > 0 else { throw .truncated("bit-packed levels") }
                for k in 0..<count {
                    out[filled + k] = (data[position + (k >> 3)] >> UInt8(k & 7)) & 1 == 1
                }
                filled += count
                if available < groups && filled < n { throw .truncated("bit-packed levels") }
                position += available
            }
        }
    }
}
