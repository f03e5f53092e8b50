/// Reads one JSON Lines record (a JSON object on one line) and picks out the values of the
/// wanted keys, without building a tree or any per-value object.
///
/// Strings are decoded (escapes, `\u` surrogate pairs) into `scratch`; numbers are kept as their
/// text. Values of keys nobody asked for are checked and skipped. `NaN`, `Infinity` and
/// `-Infinity`, which Python's json module writes, are read as numbers.
struct JSONLineScanner {
    enum Kind: UInt8 {
        case missing, null, bool, number, string, nested
    }

    struct Slot {
        var kind = Kind.missing
        var bool = false
        /// number: the range in the line; string: the range in `scratch`.
        var start = 0
        var end = 0
    }

    struct Failure: Error {
        var detail: String
    }

    /// The wanted keys as UTF-8.
    let keys: [[UInt8]]
    private(set) var slots: [Slot]
    private(set) var scratch: [UInt8] = []
    private var keyBuffer: [UInt8] = []
    /// When set, every key of the object is collected here (to describe a source's keys in errors).
    var collectedKeys: [String]?
    /// Decoded text of values and keys nobody asked for.
    private var skipBuffer: [UInt8] = []

    static let maxDepth = 256

    init(keys: [String]) {
        self.keys = keys.map { Array($0.utf8) }
        slots = Array(repeating: Slot(), count: keys.count)
    }

    /// Scans `p[0..<n]`; afterwards `slots[k]` holds the value of `keys[k]` (the last one when a key repeats).
    mutating func scan(_ p: UnsafePointer<UInt8>, _ n: Int) throws(Failure) {
        for k in slots.indices { slots[k] = Slot() }
        scratch.removeAll(keepingCapacity: true)
        var i = Self.skipSpace(p, n, 0)
        guard i < n, p[i] == UInt8(ascii: "{") else {
            throw Failure(detail: i < n ? "expected an object at byte \(i)" : "expected an object, got an empty line")
        }
        i = Self.skipSpace(p, n, i + 1)
        var hint = 0
        if i < n && p[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                guard i < n, p[i] == UInt8(ascii: "\"") else {
                    throw Failure(detail: "expected a key string at byte \(i)")
                }
                keyBuffer.removeAll(keepingCapacity: true)
                i = try Self.decodeString(p, n, i, into: &keyBuffer)
                if collectedKeys != nil { collectedKeys!.append(String(decoding: keyBuffer, as: UTF8.self)) }
                let slot = findKey(&hint)
                i = Self.skipSpace(p, n, i)
                guard i < n, p[i] == UInt8(ascii: ":") else { throw Failure(detail: "expected ':' at byte \(i)") }
                i = Self.skipSpace(p, n, i + 1)
                i = try value(p, n, i, slot: slot)
                i = Self.skipSpace(p, n, i)
                guard i < n else { throw Failure(detail: "unterminated object at byte \(i)") }
                if p[i] == UInt8(ascii: ",") {
                    i = Self.skipSpace(p, n, i + 1)
                    continue
                }
                guard p[i] == UInt8(ascii: "}") else { throw Failure(detail: "expected ',' or '}' at byte \(i)") }
                i += 1
                break
            }
        }
        i = Self.skipSpace(p, n, i)
        guard i == n else { throw Failure(detail: "unexpected text after the object at byte \(i)") }
    }

    /// The slot of the key in `keyBuffer`, trying the one after the previous match first.
    private func findKey(_ hint: inout Int) -> Int? {
        if hint < keys.count && keys[hint] == keyBuffer {
            hint += 1
            return hint - 1
        }
        for (k, key) in keys.enumerated() where key == keyBuffer {
            hint = k + 1
            return k
        }
        return nil
    }

    @inline(__always)
    private static func skipSpace(_ p: UnsafePointer<UInt8>, _ n: Int, _ from: Int) -> Int {
        var i = from
        while i < n, p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0D || p[i] == 0x0A { i += 1 }
        return i
    }

    /// Reads the value at `i` into `slot` (when wanted); returns the index after it.
    private mutating func value(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int, slot: Int?) throws(Failure) -> Int {
        guard i < n else { throw Failure(detail: "expected a value at byte \(i)") }
        var s = Slot()
        var next: Int
        switch p[i] {
        case UInt8(ascii: "\""):
            s.kind = .string
            if slot != nil {
                s.start = scratch.count
                next = try Self.decodeString(p, n, i, into: &scratch)
                s.end = scratch.count
            } else {
                skipBuffer.removeAll(keepingCapacity: true)
                next = try Self.decodeString(p, n, i, into: &skipBuffer)
            }
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            s.kind = .nested
            next = try skipNested(p, n, i, depth: 0)
        case UInt8(ascii: "t"):
            guard Self.literal(p, n, i, "true") else { throw Failure(detail: "invalid literal at byte \(i)") }
            s.kind = .bool
            s.bool = true
            next = i + 4
        case UInt8(ascii: "f"):
            guard Self.literal(p, n, i, "false") else { throw Failure(detail: "invalid literal at byte \(i)") }
            s.kind = .bool
            next = i + 5
        case UInt8(ascii: "n"):
            guard Self.literal(p, n, i, "null") else { throw Failure(detail: "invalid literal at byte \(i)") }
            s.kind = .null
            next = i + 4
        default:
            s.kind = .number
            s.start = i
            next = try Self.number(p, n, i)
            s.end = next
        }
        if let slot { slots[slot] = s }
        return next
    }

    private static func literal(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int, _ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard i + count <= n else { return false }
        for k in 0..<count where p[i + k] != word.utf8Start[k] { return false }
        return true
    }

    /// A JSON number (or NaN, Infinity, -Infinity); returns the index after it.
    private static func number(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) throws(Failure) -> Int {
        var i = start
        if i < n && p[i] == UInt8(ascii: "-") { i += 1 }
        if Self.literal(p, n, i, "Infinity") { return i + 8 }
        if i == start && Self.literal(p, n, i, "NaN") { return i + 3 }
        let bad = Failure(detail: "invalid number at byte \(start)")
        guard i < n, p[i] &- 48 < 10 else { throw bad }
        if p[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            while i < n, p[i] &- 48 < 10 { i += 1 }
        }
        if i < n && p[i] == UInt8(ascii: ".") {
            i += 1
            guard i < n, p[i] &- 48 < 10 else { throw bad }
            while i < n, p[i] &- 48 < 10 { i += 1 }
        }
        if i < n && (p[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            if i < n && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) { i += 1 }
            guard i < n, p[i] &- 48 < 10 else { throw bad }
            while i < n, p[i] &- 48 < 10 { i += 1 }
        }
        return i
    }

    /// Skips an object or array, checking its syntax.
    private mutating func skipNested(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int, depth: Int) throws(Failure)
        -> Int
    {
        guard depth < Self.maxDepth else {
            throw Failure(detail: "nesting deeper than \(Self.maxDepth) at byte \(start)")
        }
        let isObject = p[start] == UInt8(ascii: "{")
        let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        var i = Self.skipSpace(p, n, start + 1)
        if i < n && p[i] == close { return i + 1 }
        while true {
            if isObject {
                guard i < n, p[i] == UInt8(ascii: "\"") else {
                    throw Failure(detail: "expected a key string at byte \(i)")
                }
                skipBuffer.removeAll(keepingCapacity: true)
                i = try Self.decodeString(p, n, i, into: &skipBuffer)
                i = Self.skipSpace(p, n, i)
                guard i < n, p[i] == UInt8(ascii: ":") else { throw Failure(detail: "expected ':' at byte \(i)") }
                i = Self.skipSpace(p, n, i + 1)
            }
            guard i < n else { throw Failure(detail: "expected a value at byte \(i)") }
            if p[i] == UInt8(ascii: "{") || p[i] == UInt8(ascii: "[") {
                i = try skipNested(p, n, i, depth: depth + 1)
            } else {
                i = try value(p, n, i, slot: nil)
            }
            i = Self.skipSpace(p, n, i)
            guard i < n else { throw Failure(detail: "unterminated \(isObject ? "object" : "array") at byte \(i)") }
            if p[i] == UInt8(ascii: ",") {
                i = Self.skipSpace(p, n, i + 1)
                continue
            }
            guard p[i] == close else {
                throw Failure(detail: "expected ',' or '\(Character(Unicode.Scalar(close)))' at byte \(i)")
            }
            return i + 1
        }
    }

    /// Decodes the string starting with the quote at `start` into `out`; returns the index after
    /// its closing quote.
    private static func decodeString(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int, into out: inout [UInt8])
        throws(Failure)
        -> Int
    {
        var i = start + 1
        var runStart = i
        while true {
            while i < n {
                let b = p[i]
                if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 { break }
                i += 1
            }
            out.append(contentsOf: UnsafeBufferPointer(start: p + runStart, count: i - runStart))
            guard i < n else { throw Failure(detail: "unterminated string at byte \(start)") }
            let b = p[i]
            if b == UInt8(ascii: "\"") { return i + 1 }
            if b < 0x20 { throw Failure(detail: "control character in string at byte \(i)") }
            // Escape.
            guard i + 1 < n else { throw Failure(detail: "unterminated string at byte \(start)") }
            let e = p[i + 1]
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = Self.hex4(p, n, i + 2) else {
                    throw Failure(detail: "invalid \\u escape at byte \(i)")
                }
                var length = 6
                if (0xD800...0xDBFF).contains(scalar) {
                    guard i + 12 <= n, p[i + 6] == UInt8(ascii: "\\"), p[i + 7] == UInt8(ascii: "u"),
                        let low = Self.hex4(p, n, i + 8), (0xDC00...0xDFFF).contains(low)
                    else { throw Failure(detail: "unpaired surrogate \\u escape at byte \(i)") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    length = 12
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw Failure(detail: "unpaired surrogate \\u escape at byte \(i)")
                }
                for unit in UTF8.encode(Unicode.Scalar(scalar)!)! { out.append(unit) }
                i += length
                runStart = i
                continue
            default:
                throw Failure(detail: "invalid escape '\\\(Character(Unicode.Scalar(e)))' at byte \(i)")
            }
            i += 2
            runStart = i
        }
    }

    private static func hex4(_ p: UnsafePointer<UInt8>, _ n: Int, _ at: Int) -> UInt32? {
        guard at + 4 <= n else { return nil }
        var v: UInt32 = 0
        for k in at..<at + 4 {
            let c = p[k]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - 48
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - 87
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - 55
            default: return nil
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }
}
