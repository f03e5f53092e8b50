import Frame

/// One refused record: where it came from, its raw text and why.
public struct Reject: Sendable, Equatable, CustomStringConvertible {
    /// The source's name as the pipeline declares it.
    public var source: String
    /// The 1-based physical line where the record starts (text sources), or the 1-based row number
    /// (Parquet, SQLite).
    public var line: Int
    /// The record's text, invalid UTF-8 replaced by U+FFFD, at most `Reject.maxRawBytes` bytes.
    public var raw: String
    /// Short, stable and greppable: what and where ("column 'age': cannot parse 'abc' as int").
    public var reason: String
    public var kind: RejectKind

    /// Raw text beyond this many bytes is cut (at a character boundary) and ends with "…".
    public static let maxRawBytes = 4096

    public init(source: String, line: Int, raw: String, reason: String, kind: RejectKind) {
        self.source = source
        self.line = line
        self.raw = raw
        self.reason = reason
        self.kind = kind
    }

    public var description: String { "\(source):\(line): \(reason)" }

    /// `bytes` as reject text: capped at `maxRawBytes` on a character boundary, invalid UTF-8 as U+FFFD.
    static func rawText(_ bytes: UnsafeRawBufferPointer) -> String {
        guard bytes.count > maxRawBytes else { return String(decoding: bytes, as: UTF8.self) }
        var cut = maxRawBytes
        while cut > 0 && bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<cut]), as: UTF8.self) + "…"
    }
}

/// The kinds of reject, each with a stable code so counters can group by kind.
public enum RejectKind: String, Sendable, CaseIterable, Codable {
    case wrongFieldCount = "wrong_field_count"
    case unparsableValue = "unparsable_value"
    case invalidUTF8 = "invalid_utf8"
    case unterminatedQuote = "unterminated_quote"
    /// A closing quote followed by something other than a delimiter or line end.
    case invalidQuote = "invalid_quote"
    case missingRequired = "missing_required"
    /// A timestamp or date outside the years 1–9999 (`TimeFormat.validMicros`).
    case outOfRange = "out_of_range"
    case invalidJSON = "invalid_json"
    /// A record longer than the reader's limit (see `DelimitedSource.maxRecordBytes`).
    case recordTooLong = "record_too_long"

    public var code: String { rawValue }
}

/// The `rejects.parquet` table: one row per refused record.
public enum RejectTable {
    public static let schema = Schema([
        Field("source", .string, nullable: false),
        Field("line", .int64, nullable: false),
        Field("raw", .string, nullable: false),
        Field("reason", .string, nullable: false),
        Field("kind", .string, nullable: false),
    ])

    public static func frame(_ rejects: [Reject]) -> Frame {
        var source = StringArray(), raw = StringArray(), reason = StringArray(), kind = StringArray()
        var line: [Int64] = []
        line.reserveCapacity(rejects.count)
        for r in rejects {
            source.append(r.source)
            line.append(Int64(r.line))
            raw.append(r.raw)
            reason.append(r.reason)
            kind.append(r.kind.code)
        }
        return try! Frame(
            schema: schema,
            columns: [
                Column(.string(source)), Column(.int64(line)), Column(.string(raw)), Column(.string(reason)),
                Column(.string(kind)),
            ])
    }
}
