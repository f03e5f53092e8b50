/// Encodes definition levels (bit width 1) as the RLE/bit-packed hybrid.
///
/// Runs of eight or more equal levels become RLE runs; everything else goes into bit-packed
/// groups of eight. Literal groups are completed from the following run before an RLE run
/// starts, because padding is only allowed at the very end of the data.
enum RLEHybridEncoder {
    /// Appends the hybrid encoding of `levels` (each 0 or 1) to `out`.
    static func encodeBitWidth1(_ levels: UnsafeBufferPointer<Bool>, into out: inout [UInt8]) {
        let n = levels.count
        var i = 0
        var literalStart = 0
        var literalCount = 0

        func flushLiteral(_ out: inout [UInt8]) {
            guard literalCount > 0 else { return }
            let groups = (literalCount + 7) / 8
            appendVarint(UInt64(groups << 1 | 1), to: &out)
            var byte: UInt8 = 0
            for k in 0..<groups * 8 {
                if k < literalCount && levels[literalStart + k] { byte |= 1 << UInt8(k & 7) }
                if k & 7 == 7 {
                    out.append(byte)
                    byte = 0
                }
            }
            literalCount = 0
        }

        while i < n {
            let value = levels[i]
            var run = 1
            while i + run < n && levels[i + run] == value { run += 1 }
            if run >= 8 {
                if literalCount > 0 {
                    let pad = (8 - literalCount % 8) % 8
                    let take = min(pad, run)
                    literalCount += take
                    i += take
                    run -= take
                    flushLiteral(&out)
                }
                if run >= 8 {
                    appendVarint(UInt64(run << 1), to: &out)
                    out.append(value ? 1 : 0)
                    i += run
                    literalStart = i
                    continue
                }
            }
            if literalCount == 0 { literalStart = i }
            literalCount += run
            i += run
        }
        flushLiteral(&out)
    }

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
}
