import Frame

/// The canonical text of a JSON value: keys sorted by their UTF-8 bytes, no whitespace, numbers
/// normalised, strings with minimal escapes.
///
/// Fingerprints hash this text, so it must not depend on the order or spelling a user chose:
/// `{"b": 1.0, "a": 2}` and `{"a":2,"b":1}` are the same text.
public enum CanonicalJSON {
    public static func string(_ value: JSONValue) -> String {
        var out = ""
        write(value, to: &out, pretty: false, indent: 0)
        return out
    }

    public static func bytes(_ value: JSONValue) -> [UInt8] { Array(string(value).utf8) }

    /// Sorted keys with two-space indentation and a final newline, for files people read
    /// (manifests, run.json) that must still be byte-stable.
    public static func pretty(_ value: JSONValue) -> String {
        var out = ""
        write(value, to: &out, pretty: true, indent: 0)
        out += "\n"
        return out
    }

    /// The normal form of a number: an integer without fraction or exponent when it is integral and
    /// fits in Int64, otherwise the shortest text that reads back as the same Double.
    public static func number(_ n: JSONNumber) -> String {
        if let i = n.int64 { return String(i) }
        guard let d = n.double else { return n.literal }
        if d == 0 { return "0" }
        return d.description.replacingOccurrences(of: "e+", with: "e")
    }

    private static func write(_ value: JSONValue, to out: inout String, pretty: Bool, indent: Int) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += number(n)
        case .string(let s): writeString(s, to: &out)
        case .array(let a):
            if a.isEmpty {
                out += "[]"
                return
            }
            out += "["
            for (i, v) in a.enumerated() {
                if i > 0 { out += "," }
                if pretty { newline(&out, indent + 1) }
                write(v, to: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { newline(&out, indent) }
            out += "]"
        case .object(let members):
            if members.isEmpty {
                out += "{}"
                return
            }
            out += "{"
            let sorted = members.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            for (i, m) in sorted.enumerated() {
                if i > 0 { out += "," }
                if pretty { newline(&out, indent + 1) }
                writeString(m.key, to: &out)
                out += pretty ? ": " : ":"
                write(m.value, to: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { newline(&out, indent) }
            out += "}"
        }
    }

    private static func newline(_ out: inout String, _ indent: Int) {
        out += "\n"
        out += String(repeating: "  ", count: indent)
    }

    /// JSON string escaping shared with every other JSON writer of the project.
    static func writeString(_ s: String, to out: inout String) {
        out += ValueFormatter.jsonString(s)
    }
}
