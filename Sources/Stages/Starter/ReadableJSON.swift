import Frame
import Pipeline

/// JSON for files people edit (a pipeline.json written by `bespoke init`): keys in the order
/// given, two-space indentation, and each object or array that holds only scalars (a column
/// mapping, a key list) on one line.
public enum ReadableJSON {
    public static func string(_ value: JSONValue) -> String {
        var out = ""
        write(value, to: &out, indent: 0)
        return out + "\n"
    }

    static func write(_ value: JSONValue, to out: inout String, indent: Int) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += CanonicalJSON.number(n)
        case .string(let s): out += ValueFormatter.jsonString(s)
        case .array(let items):
            if items.isEmpty || items.allSatisfy(\.isScalar) {
                out += "["
                for (i, v) in items.enumerated() {
                    if i > 0 { out += ", " }
                    write(v, to: &out, indent: indent)
                }
                out += "]"
                return
            }
            out += "["
            for (i, v) in items.enumerated() {
                out += (i > 0 ? "," : "") + "\n" + String(repeating: "  ", count: indent + 1)
                write(v, to: &out, indent: indent + 1)
            }
            out += "\n" + String(repeating: "  ", count: indent) + "]"
        case .object(let members):
            if members.isEmpty || members.allSatisfy({ $0.value.isScalar }) {
                out += "{"
                for (i, m) in members.enumerated() {
                    out += (i > 0 ? ", " : "") + ValueFormatter.jsonString(m.key) + ": "
                    write(m.value, to: &out, indent: indent)
                }
                out += "}"
                return
            }
            out += "{"
            for (i, m) in members.enumerated() {
                out += (i > 0 ? "," : "") + "\n" + String(repeating: "  ", count: indent + 1)
                out += ValueFormatter.jsonString(m.key) + ": "
                write(m.value, to: &out, indent: indent + 1)
            }
            out += "\n" + String(repeating: "  ", count: indent) + "}"
        }
    }
}

extension JSONValue {
    fileprivate var isScalar: Bool {
        switch self {
        case .array(let a):
            a.allSatisfy { if case .array = $0 { false } else if case .object = $0 { false } else { true } }
        case .object: false
        default: true
        }
    }
}
