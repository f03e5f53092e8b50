/// The malformations planted in raw files, and the reject reason a reader must give for each.
///
/// CSV (RFC 4180, header on line 1, every record one physical line):
/// - `fieldCount`: a record with one field too few (the last field and its comma dropped) or one too
///   many (the last field repeated); reason `field_count`.
/// - `unparsableNumber`: a number with a letter appended (`quantity` `2x`, customer `age` `34x`);
///   reason `unparsable_number`.
/// - `unparsableDate`: `timestamp` `YYYY-13-45T25:61:00Z` or `signup_date` `YYYY-13-45`; reason `unparsable_date`.
/// - `invalidUTF8`: invalid UTF-8 inside a field (an event `query` with Latin-1 bytes ` \xE9t\xE9` appended;
///   a customer `city` encoded as Latin-1, e.g. `Z\xFCrich`); reason `invalid_utf8`.
/// - `unterminatedQuote`: the file's last record, whose last field starts with `"` and never closes, so
///   the quoted field runs into the end of the file; reason `unterminated_quote`, at that record's line.
///   It is always the last line, so it swallows nothing else.
///
/// JSON Lines has no field count or CSV quoting: `fieldCount` is an object cut before its closing
/// brace, and `unterminatedQuote` an object whose last string and brace are missing, both reason
/// `invalid_json`; the others are the same text inside JSON strings (the numbers as strings, e.g.
/// `"quantity":"2x"`). Parquet files hold no malformed rows.
public enum MalformedKind: String, Sendable, CaseIterable {
    case fieldCount = "field_count"
    case unparsableNumber = "unparsable_number"
    case unparsableDate = "unparsable_date"
    case invalidUTF8 = "invalid_utf8"
    case unterminatedQuote = "unterminated_quote"

    /// The reason code a reader gives for this malformation in `format`.
    public func reason(in format: FixtureOptions.Format) -> String {
        if format == .jsonl && (self == .fieldCount || self == .unterminatedQuote) { return "invalid_json" }
        return rawValue
    }

    /// The text of each reason code, for `truth.json`.
    static let reasonDescriptions: [String: String] = [
        "field_count": "CSV record with a number of fields other than the header's",
        "unparsable_number": "a numeric column holding text that is not a number (\"2x\")",
        "unparsable_date": "a date or timestamp column holding an impossible date (month 13, day 45, hour 25)",
        "invalid_utf8": "a field holding bytes that are not valid UTF-8 (Latin-1 text)",
        "unterminated_quote": "CSV quoted field still open at the end of the file (the file's last line)",
        "invalid_json": "JSON Lines line that is not a complete JSON object",
    ]
}
