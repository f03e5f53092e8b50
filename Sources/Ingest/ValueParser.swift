import Glibc

/// Parsers from the exact bytes of a value (already trimmed) to numbers and booleans.
/// No Swift String is built on the common paths.
enum ValueParser {
    /// A decimal integer with an optional sign; nil on any other byte or on overflow.
    @inline(__always)
    static func int64(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        guard n > 0 else { return nil }
        var i = 0
        let negative = p[0] == UInt8(ascii: "-")
        if negative || p[0] == UInt8(ascii: "+") {
            i = 1
            guard n > 1 else { return nil }
        }
        // Up to 18 digits cannot overflow; longer inputs take the checked path.
        if n - i <= 18 {
            var v: Int64 = 0
            while i < n {
                let d = p[i] &- 48
                guard d < 10 else { return nil }
                v = v &* 10 &+ Int64(d)
                i += 1
            }
            return negative ? -v : v
        }
        // Accumulate negatively so that Int64.min parses.
        var v: Int64 = 0
        while i < n {
            let d = p[i] &- 48
            guard d < 10 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.subtractingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            v = s
            i += 1
        }
        if negative { return v }
        return v == Int64.min ? nil : -v
    }

    private static let powersOfTen: [Double] = (0...22).map { k in
        var v = 1.0
        for _ in 0..<k { v *= 10 }
        return v
    }

    /// A decimal or scientific number, `inf`/`infinity`/`nan` in any case (with a sign), as strtod
    /// reads it; nil when any byte is left over.
    ///
    /// Most values take the exact fast path (at most 15 significant digits and a power of ten up to
    /// 22, where one multiplication or division is correctly rounded); the rest go to strtod.
    @inline(__always)
    static func double(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        guard n > 0 else { return nil }
        var i = 0
        let negative = p[0] == UInt8(ascii: "-")
        if negative || p[0] == UInt8(ascii: "+") { i = 1 }
        var mantissa: UInt64 = 0
        var significant = 0
        var digits = 0
        var exponent = 0
        while i < n, p[i] &- 48 < 10 {
            if significant > 0 || p[i] != 48 { significant += 1 }
            mantissa = mantissa &* 10 &+ UInt64(p[i] &- 48)
            digits += 1
            i += 1
        }
        if i < n && p[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, p[i] &- 48 < 10 {
                if significant > 0 || p[i] != 48 { significant += 1 }
                mantissa = mantissa &* 10 &+ UInt64(p[i] &- 48)
                digits += 1
                exponent -= 1
                i += 1
            }
        }
        guard digits > 0 else { return slowDouble(p, n) }
        if i < n && (p[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            var expNegative = false
            if i < n && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
                expNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            var expDigits = 0
            while i < n, p[i] &- 48 < 10 {
                if e < 100_000 { e = e * 10 + Int(p[i] &- 48) }
                expDigits += 1
                i += 1
            }
            guard expDigits > 0 else { return nil }
            exponent += expNegative ? -e : e
        }
        guard i == n else { return nil }
        guard significant <= 15, exponent >= -22, exponent <= 22 else { return slowDouble(p, n) }
        var v = Double(mantissa)
        if exponent < 0 { v /= powersOfTen[-exponent] } else if exponent > 0 { v *= powersOfTen[exponent] }
        return negative ? -v : v
    }

    /// strtod over a NUL-terminated copy; rejects leading spaces and leftover bytes.
    private static func slowDouble(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        guard n > 0, n < 1024, p[0] != 0x20, p[0] != 0x09 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buf -> Double? in
            for k in 0..<n {
                guard p[k] != 0 else { return nil }
                buf[k] = CChar(bitPattern: p[k])
            }
            buf[n] = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            let v = strtod(buf.baseAddress!, &end)
            guard let end, end - buf.baseAddress! == n else { return nil }
            // strtod also reads hexadecimal floats; a data file means decimal.
            for k in 0..<n where p[k] | 0x20 == UInt8(ascii: "x") { return nil }
            return v
        }
    }

    /// true/false, 1/0, yes/no, t/f, y/n in any case.
    @inline(__always)
    static func bool(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool? {
        switch n {
        case 1:
            let c = p[0]
            if c == UInt8(ascii: "1") { return true }
            if c == UInt8(ascii: "0") { return false }
            switch c | 0x20 {
            case UInt8(ascii: "t"), UInt8(ascii: "y"): return true
            case UInt8(ascii: "f"), UInt8(ascii: "n"): return false
            default: return nil
            }
        case 2: return lowerEquals(p, n, "no") ? false : nil
        case 3: return lowerEquals(p, n, "yes") ? true : nil
        case 4: return lowerEquals(p, n, "true") ? true : nil
        case 5: return lowerEquals(p, n, "false") ? false : nil
        default: return nil
        }
    }

    private static func lowerEquals(_ p: UnsafePointer<UInt8>, _ n: Int, _ word: StaticString) -> Bool {
        let w = word.utf8Start
        for k in 0..<n where p[k] | 0x20 != w[k] { return false }
        return true
    }
}
