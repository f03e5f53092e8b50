import Frame

/// Latin-1 transcoding beside Frame's UTF-8 checks.
extension UTF8Validation {
    /// Writes the UTF-8 form of Latin-1 `src[0..<n]` to `dst` (which has room for 2n bytes);
    /// returns the bytes written.
    static func transcodeLatin1(_ src: UnsafePointer<UInt8>, _ n: Int, to dst: UnsafeMutablePointer<UInt8>) -> Int {
        var o = 0
        for i in 0..<n {
            let b = src[i]
            if b < 0x80 {
                dst[o] = b
                o += 1
            } else {
                dst[o] = 0xC0 | (b >> 6)
                dst[o + 1] = 0x80 | (b & 0x3F)
                o += 2
            }
        }
        return o
    }
}
