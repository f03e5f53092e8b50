import Ingest
import Pipeline

/// The schema a source was read with, for collect's manifest: declared in pipeline.json, sniffed
/// from the file's text, or taken from a Parquet or SQLite file's own schema.
struct SchemaRecord {
    enum Origin: String {
        case declared, sniffed, file
    }

    var origin: Origin
    var options: SourceOptions
    /// What sniffing noticed and could not settle (dates that read either day or month first,
    /// codes kept as text): logged as warnings and kept in the manifest, since a nightly run is
    /// the only place a sniffed source's choices are seen.
    var notes: [String]

    init(reader: SourceReader, declared: Bool) {
        origin = declared ? .declared : (reader.sniffed != nil ? .sniffed : .file)
        options = reader.options
        notes = reader.sniffed?.notes ?? []
    }

    /// `{"origin": "sniffed", "delimiter": ",", "header": true, "encoding": "utf-8", "columns":
    /// {"id": "int", "day": "date %d/%m/%Y"}}`: strings only, so counter diffs skip it, while the
    /// output table's schema in the manifest shows any change of type.
    var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("origin", .string(origin.rawValue))]
        if origin == .sniffed {
            if let f = options.format { members.append(("format", .string(f.rawValue))) }
            if options.format != .jsonl {
                if let d = options.delimiter { members.append(("delimiter", .string(d))) }
                members.append(("quote", .string(options.quote)))
                members.append(("header", .bool(options.header)))
            }
            members.append(("encoding", .string(options.encoding.rawValue)))
        }
        members.append(
            (
                "columns",
                .object(
                    options.columns.map { c in
                        (c.name, .string(c.type.rawValue + (c.format.map { " " + $0 } ?? "")))
                    })
            ))
        if !notes.isEmpty { members.append(("notes", .array(notes.map { .string($0) }))) }
        return .object(members)
    }
}

extension CollectStage {
    /// What the source's options say for sure, for sniffing: each key written in pipeline.json
    /// (a default value left out is sniffed, a value written is kept).
    static func sniffHints(for source: SourceConfig) -> SniffHints? {
        guard case .object(let members) = source.options else { return SniffHints() }
        if let columns = members.first(where: { $0.key == "columns" })?.value, columns.arrayValue?.isEmpty == false {
            return nil
        }
        func value(_ key: String) -> JSONValue? { members.first { $0.key == key }?.value }
        var hints = SniffHints()
        if let f = source.format ?? value("format")?.stringValue { hints.format = SourceFormat(rawValue: f) }
        hints.delimiter = value("delimiter")?.stringValue
        if let q = value("quote") { hints.quote = q.stringValue ?? "" }
        hints.header = value("header")?.boolValue
        hints.encoding = value("encoding")?.stringValue.map(TextEncoding.init(rawValue:))
        if let tokens = value("null_tokens")?.arrayValue { hints.nullTokens = tokens.compactMap(\.stringValue) }
        return hints
    }

    /// For a sniffed source whose rejects passed the limit: the columns whose sniffed type the
    /// whole file does not fit (read once more, as text), for the error message.
    static func wrongSniffedTypes(_ source: SourceConfig, name: String, schema: SchemaRecord?) throws
        -> [SniffedTypeMismatch]
    {
        guard let schema, schema.origin == .sniffed else { return [] }
        do {
            return try SniffedTypeAudit.mismatches(
                path: source.absolutePath, options: schema.options, sourceName: name)
        } catch {
            throw CollectError.source(error)
        }
    }
}
