/// Everything about reading one source file: its format, how its text is split and typed, and
/// how its columns map to ours.
///
/// Decoding fills every absent key with its default (the defaults live here and nowhere else);
/// values are not checked while decoding, so that `validate()` can report each bad value with its
/// JSON path. `SourceReader.open` validates before it reads anything.
public struct SourceOptions: Codable, Sendable, Equatable {
    /// `nil`: inferred from the file name (see `SourceFormat.infer(fromPath:)`).
    public var format: SourceFormat?
    /// One ASCII character; `nil`: "," for csv, a tab for tsv.
    public var delimiter: String?
    /// One ASCII character, or "" for no quoting.
    public var quote: String
    /// Whether the first record names the columns; when false, `ColumnMapping.source` is a 1-based position.
    public var header: Bool
    public var encoding: TextEncoding
    /// Cells equal to one of these after trimming ASCII spaces and tabs are null.
    public var nullTokens: [String]
    /// sqlite: the SELECT whose result columns are mapped by name.
    public var query: String?
    /// Records per batch: the bound on the rows held in memory at once.
    public var batchRows: Int
    /// The columns to read; empty: sniffed from the file (text formats) or taken from its schema
    /// (Parquet, SQLite) when the source is opened.
    public var columns: [ColumnMapping]
    /// Bytes sampled when the columns are sniffed (see `Sniffer`).
    public var sampleBytes: Int

    public static let defaultQuote = "\""
    public static let defaultNullTokens = ["", "NULL", "null", "NA", "N/A"]
    public static let defaultBatchRows = 65_536
    public static let defaultSampleBytes = SniffSettings.defaultSampleBytes

    public init(
        format: SourceFormat? = nil, delimiter: String? = nil, quote: String = SourceOptions.defaultQuote,
        header: Bool = true, encoding: TextEncoding = .utf8, nullTokens: [String] = SourceOptions.defaultNullTokens,
        query: String? = nil, batchRows: Int = SourceOptions.defaultBatchRows, columns: [ColumnMapping],
        sampleBytes: Int = SourceOptions.defaultSampleBytes
    ) {
        self.format = format
        self.delimiter = delimiter
        self.quote = quote
        self.header = header
        self.encoding = encoding
        self.nullTokens = nullTokens
        self.query = query
        self.batchRows = batchRows
        self.columns = columns
        self.sampleBytes = sampleBytes
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case format, delimiter, quote, header, encoding, query, columns
        case nullTokens = "null_tokens"
        case batchRows = "batch_rows"
        case sampleBytes = "sample_bytes"
    }

    /// The JSON keys a source object may hold (for unknown-key checks upstream).
    public static let keys: [String] = CodingKeys.allCases.map(\.rawValue)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decodeIfPresent(SourceFormat.self, forKey: .format)
        delimiter = try c.decodeIfPresent(String.self, forKey: .delimiter)
        // An explicit null turns quoting off; an absent key keeps the default.
        if c.contains(.quote) {
            quote = try c.decodeNil(forKey: .quote) ? "" : try c.decode(String.self, forKey: .quote)
        } else {
            quote = Self.defaultQuote
        }
        header = try c.decodeIfPresent(Bool.self, forKey: .header) ?? true
        encoding = try c.decodeIfPresent(TextEncoding.self, forKey: .encoding) ?? .utf8
        nullTokens = try c.decodeIfPresent([String].self, forKey: .nullTokens) ?? Self.defaultNullTokens
        query = try c.decodeIfPresent(String.self, forKey: .query)
        batchRows = try c.decodeIfPresent(Int.self, forKey: .batchRows) ?? Self.defaultBatchRows
        columns = try c.decodeIfPresent([ColumnMapping].self, forKey: .columns) ?? []
        sampleBytes = try c.decodeIfPresent(Int.self, forKey: .sampleBytes) ?? Self.defaultSampleBytes
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(format, forKey: .format)
        try c.encodeIfPresent(delimiter, forKey: .delimiter)
        try c.encode(quote, forKey: .quote)
        try c.encode(header, forKey: .header)
        try c.encode(encoding, forKey: .encoding)
        try c.encode(nullTokens, forKey: .nullTokens)
        try c.encodeIfPresent(query, forKey: .query)
        try c.encode(batchRows, forKey: .batchRows)
        try c.encode(columns, forKey: .columns)
        if sampleBytes != Self.defaultSampleBytes { try c.encode(sampleBytes, forKey: .sampleBytes) }
    }

    /// The delimiter byte for `format` (csv and tsv only).
    func delimiterByte(for format: SourceFormat) -> UInt8 {
        if let delimiter, let b = delimiter.utf8.first { return b }
        return format == .tsv ? UInt8(ascii: "\t") : UInt8(ascii: ",")
    }

    /// The quote byte, or nil when quoting is off.
    var quoteByte: UInt8? { quote.utf8.first }
}

/// A source file format. Any string decodes, so that validation can name a bad one.
public struct SourceFormat: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let csv = SourceFormat(rawValue: "csv")
    public static let tsv = SourceFormat(rawValue: "tsv")
    public static let jsonl = SourceFormat(rawValue: "jsonl")
    public static let parquet = SourceFormat(rawValue: "parquet")
    public static let sqlite = SourceFormat(rawValue: "sqlite")
    public static let allCases: [SourceFormat] = [.csv, .tsv, .jsonl, .parquet, .sqlite]

    public var description: String { rawValue }
    /// Formats read as lines of text (plain or gzip).
    var isText: Bool { self == .csv || self == .tsv || self == .jsonl }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    /// The format a file name implies: `.csv`, `.tsv`, `.jsonl`/`.ndjson` (each optionally `.gz`),
    /// `.parquet`, `.sqlite`/`.sqlite3`/`.db`; nil for anything else.
    public static func infer(fromPath path: String) -> SourceFormat? {
        var name = Substring(path.split(separator: "/").last ?? "").lowercased()[...]
        if name.hasSuffix(".gz") { name = name.dropLast(3) }
        let table: [(String, SourceFormat)] = [
            (".csv", .csv), (".tsv", .tsv), (".tab", .tsv), (".jsonl", .jsonl), (".ndjson", .jsonl),
            (".parquet", .parquet), (".sqlite", .sqlite), (".sqlite3", .sqlite), (".db", .sqlite),
        ]
        for (suffix, format) in table where name.hasSuffix(suffix) {
            if (format == .parquet || format == .sqlite) && path.lowercased().hasSuffix(".gz") { return nil }
            return format
        }
        return nil
    }
}

/// The character encoding of a text source. Any string decodes, so that validation can name a bad one.
public struct TextEncoding: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let utf8 = TextEncoding(rawValue: "utf-8")
    /// ISO 8859-1: every byte is the code point of the same value; transcoded to UTF-8 on read.
    public static let latin1 = TextEncoding(rawValue: "latin-1")
    public static let allCases: [TextEncoding] = [.utf8, .latin1]

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}
