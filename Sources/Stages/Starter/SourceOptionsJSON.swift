import Ingest
import Pipeline

/// Source options as pipeline.json writes them.
public enum SourceOptionsJSON {
    /// The options object. `explicit`: every dialect setting is written (for `bespoke sniff`);
    /// otherwise only what differs from what the reader would assume for `path` (for `bespoke init`,
    /// so the file reads as its user would write it). Columns are always written out.
    public static func object(_ options: SourceOptions, path: String, explicit: Bool, required: Set<String> = [])
        -> JSONValue
    {
        var m: [(key: String, value: JSONValue)] = []
        let format = options.format ?? SourceFormat.infer(fromPath: path) ?? .csv
        if explicit || SourceFormat.infer(fromPath: path) != format { m.append(("format", .string(format.rawValue))) }
        if format == .csv || format == .tsv {
            let delimiter = options.delimiter ?? (format == .tsv ? "\t" : ",")
            if explicit || delimiter != (format == .tsv ? "\t" : ",") { m.append(("delimiter", .string(delimiter))) }
            if explicit || options.quote != SourceOptions.defaultQuote {
                m.append(("quote", options.quote.isEmpty ? .null : .string(options.quote)))
            }
            if explicit || !options.header { m.append(("header", .bool(options.header))) }
        }
        if format.isTextFormat && (explicit || options.encoding != .utf8) {
            m.append(("encoding", .string(options.encoding.rawValue)))
        }
        if options.nullTokens != SourceOptions.defaultNullTokens {
            m.append(("null_tokens", .array(options.nullTokens.map { .string($0) })))
        }
        if let q = options.query { m.append(("query", .string(q))) }
        if options.sampleBytes != SourceOptions.defaultSampleBytes {
            m.append(("sample_bytes", .number(JSONNumber(options.sampleBytes))))
        }
        let columns: [JSONValue] = options.columns.map { c in
            var o: [(key: String, value: JSONValue)] = [("name", .string(c.name))]
            if c.source != c.name { o.append(("source", .string(c.source))) }
            o.append(("type", .string(c.type.rawValue)))
            if let f = c.format { o.append(("format", .string(f))) }
            if c.required || required.contains(c.name) { o.append(("required", .bool(true))) }
            return .object(o)
        }
        m.append(("columns", .array(columns)))
        return .object(m)
    }
}

extension SourceFormat {
    var isTextFormat: Bool { self == .csv || self == .tsv || self == .jsonl }
}
