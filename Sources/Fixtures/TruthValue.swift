import Frame

#if canImport(Glibc)
    import Glibc
#endif

/// A JSON value for `truth.json`, written with sorted keys so the file diffs cleanly.
///
/// Objects whose values are all scalars are written on one line (a planted row, a customer), larger
/// ones indented by two spaces per level.
public indirect enum TruthValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([TruthValue])
    case object([String: TruthValue])

    static func int(_ v: Int) -> TruthValue { .int(Int64(v)) }

    /// Money in cents as a JSON number with at most two decimals.
    static func money(_ cents: Int64) -> TruthValue { .double(Double(cents) / 100) }

    static func optional(_ v: String?) -> TruthValue { v.map { .string($0) } ?? .null }

    /// The document, ending with a newline.
    public func json() -> String {
        var out = ""
        write(to: &out, indent: 0)
        return out + "\n"
    }

    private var isScalar: Bool {
        switch self {
        case .array(let a): a.isEmpty
        case .object(let o): o.isEmpty
        default: true
        }
    }

    private func write(to out: inout String, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let v): out += String(v)
        case .double(let v):
            // Integral values keep a ".0" so readers see a double; the rest in shortest round-trip form.
            out += v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) + ".0" : "\(v)"
        case .string(let s): Self.writeString(s, to: &out)
        case .array(let values):
            if values.isEmpty {
                out += "[]"
                return
            }
            if values.allSatisfy({ $0.isScalar }) && values.count <= 16 {
                out += "["
                for (i, v) in values.enumerated() {
                    if i > 0 { out += ", " }
                    v.write(to: &out, indent: indent)
                }
                out += "]"
                return
            }
            let pad = String(repeating: " ", count: indent + 2)
            out += "[\n"
            for (i, v) in values.enumerated() {
                out += pad
                v.write(to: &out, indent: indent + 2)
                out += i == values.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "]"
        case .object(let members):
            if members.isEmpty {
                out += "{}"
                return
            }
            let keys = members.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            if members.values.allSatisfy({ $0.isScalar }) {
                out += "{"
                for (i, key) in keys.enumerated() {
                    if i > 0 { out += ", " }
                    Self.writeString(key, to: &out)
                    out += ": "
                    members[key]!.write(to: &out, indent: indent)
                }
                out += "}"
                return
            }
            let pad = String(repeating: " ", count: indent + 2)
            out += "{\n"
            for (i, key) in keys.enumerated() {
                out += pad
                Self.writeString(key, to: &out)
                out += ": "
                members[key]!.write(to: &out, indent: indent + 2)
                out += i == keys.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        }
    }

    /// UTF-8 kept as is; quotes, backslashes and control characters escaped.
    private static func writeString(_ s: String, to out: inout String) {
        out += ValueFormatter.jsonString(s)
    }
}
