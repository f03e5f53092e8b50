/// UTF-8 checks over raw bytes: the one rule every reader and writer of strings applies.
public enum UTF8Validation {
    /// The offset of the first byte that does not start a valid UTF-8 sequence (overlong forms,
    /// surrogates and code points above U+10FFFF are invalid), or nil when all of `p[0..<n]` is valid.
    /// Runs of ASCII are skipped eight bytes at a time.
    public static func firstInvalidByte(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        var i = 0
        while i < n {
            if i + 8 <= n, UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            let b0 = p[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            @inline(__always) func cont(_ k: Int) -> Bool { i + k < n && p[i + k] & 0xC0 == 0x80 }
            if b0 >= 0xC2 && b0 <= 0xDF {
                guard cont(1) else { return i }
                i += 2
            } else if b0 >= 0xE0 && b0 <= 0xEF {
                guard cont(1), cont(2) else { return i }
                let b1 = p[i + 1]
                if b0 == 0xE0 && b1 < 0xA0 { return i }  // overlong
                if b0 == 0xED && b1 > 0x9F { return i }  // surrogate
                i += 3
            } else if b0 >= 0xF0 && b0 <= 0xF4 {
                guard cont(1), cont(2), cont(3) else { return i }
                let b1 = p[i + 1]
                if b0 == 0xF0 && b1 < 0x90 { return i }  // overlong
                if b0 == 0xF4 && b1 > 0x8F { return i }  // above U+10FFFF
                i += 4
            } else {
                return i
            }
        }
        return nil
    }
}
