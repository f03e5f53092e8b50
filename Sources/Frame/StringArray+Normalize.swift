extension StringArray {
    /// Every string with surrounding whitespace removed (`trim`) and/or case-folded (`casefold`),
    /// for comparing keys that people typed.
    ///
    /// ASCII strings take a byte-level fast path; others use Unicode whitespace and Swift's
    /// `lowercased()` (full Unicode lower-casing, e.g. "ÉCOLE" → "école").
    public func normalized(trim: Bool, casefold: Bool) -> StringArray {
        if !trim && !casefold { return self }
        var out = StringArray()
        out.reserve(strings: count, bytes: bytes.count)
        bytes.withUnsafeBufferPointer { b in
            for i in 0..<count {
                var r = range(i)
                if !b[r].contains(where: { $0 >= 0x80 }) {
                    if trim {
                        while r.lowerBound < r.upperBound, Self.isASCIISpace(b[r.lowerBound]) {
                            r = r.lowerBound + 1..<r.upperBound
                        }
                        while r.lowerBound < r.upperBound, Self.isASCIISpace(b[r.upperBound - 1]) {
                            r = r.lowerBound..<r.upperBound - 1
                        }
                    }
                    if casefold {
                        out.append(utf8: b[r].lazy.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 })
                    } else {
                        out.append(utf8: b[r])
                    }
                } else {
                    var s = Substring(String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self))
                    if trim {
                        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
                        while let l = s.last, l.isWhitespace { s = s.dropLast() }
                    }
                    out.append(casefold ? s.lowercased() : String(s))
                }
            }
        }
        return out
    }

    @inline(__always) static func isASCIISpace(_ c: UInt8) -> Bool {
        c == 0x20 || (c >= 0x09 && c <= 0x0D)
    }
}
