extension SourceOptions {
    /// Checks every option against `constraints`; throws `.invalidOptions` naming the first bad
    /// value by its JSON path, e.g. "columns[2].type: expected one of int, …; got 'integer'".
    public func validate() throws(IngestError) {
        if let issue = issues().first { throw issue }
    }

    /// Every problem with these options, in key order (the first is what `validate()` throws).
    public func issues() -> [IngestError] {
        var out: [IngestError] = []
        func fail(_ path: String, _ detail: String) { out.append(.invalidOptions(path: path, detail: detail)) }
        func expected(_ key: String, in table: [(key: String, constraint: OptionConstraint)]) -> String {
            table.first { $0.key == key }!.constraint.expectation
        }
        func quoted(_ s: String) -> String { "'" + s + "'" }
        func hint(_ value: String, _ allowed: [String]) -> String {
            NameSuggestion.closest(to: value, among: allowed).map { " (did you mean '\($0)'?)" } ?? ""
        }

        if let format, !SourceFormat.allCases.contains(format) {
            fail(
                "format",
                "expected \(expected("format", in: Self.constraints)); got \(quoted(format.rawValue))"
                    + hint(format.rawValue, SourceFormat.allCases.map(\.rawValue)))
        }
        if let delimiter, !Self.isASCIICharacter(delimiter) {
            fail("delimiter", "expected \(expected("delimiter", in: Self.constraints)); got \(quoted(delimiter))")
        }
        if !quote.isEmpty && !Self.isASCIICharacter(quote) {
            fail("quote", "expected \(expected("quote", in: Self.constraints)); got \(quoted(quote))")
        }
        let effectiveDelimiter = delimiter ?? (format == .tsv ? "\t" : ",")
        if !quote.isEmpty, effectiveDelimiter == quote, format != .jsonl, format != .parquet, format != .sqlite {
            fail("quote", "must differ from the delimiter \(quoted(effectiveDelimiter))")
        }
        if !TextEncoding.allCases.contains(encoding) {
            fail(
                "encoding",
                "expected \(expected("encoding", in: Self.constraints)); got \(quoted(encoding.rawValue))"
                    + hint(encoding.rawValue, TextEncoding.allCases.map(\.rawValue)))
        }
        if let query, query.allSatisfy({ $0.isWhitespace }) {
            fail("query", "expected a SELECT statement; got an empty string")
        }
        if format == .sqlite && query == nil { fail("query", "required for a sqlite source") }
        if let format, format != .sqlite, query != nil {
            fail("query", "only for sqlite sources (format is \(format))")
        }
        if !(1...Self.maxBatchRows).contains(batchRows) {
            fail("batch_rows", "expected \(expected("batch_rows", in: Self.constraints)); got \(batchRows)")
        }
        if !Self.sampleBytesRange.contains(sampleBytes) {
            fail("sample_bytes", "expected \(expected("sample_bytes", in: Self.constraints)); got \(sampleBytes)")
        }
        var seen: [String: Int] = [:]
        for (i, column) in columns.enumerated() {
            let at = "columns[\(i)]"
            if column.name.isEmpty { fail(at + ".name", "expected a non-empty column name") }
            if let first = seen[column.name] {
                fail(at + ".name", "duplicate column '\(column.name)' (also columns[\(first)])")
            } else {
                seen[column.name] = i
            }
            if column.source.isEmpty { fail(at + ".source", "expected a non-empty source column") }
            if !header && (format == .csv || format == .tsv), Int(column.source).map({ $0 < 1 }) ?? true {
                fail(
                    at + ".source",
                    "expected a 1-based column position for a headerless file; got \(quoted(column.source))")
            }
            if !ColumnType.allCases.contains(column.type) {
                fail(
                    at + ".type",
                    "expected \(expected("type", in: ColumnMapping.constraints)); got \(quoted(column.type.rawValue))"
                        + hint(column.type.rawValue, ColumnType.allCases.map(\.rawValue)))
            }
            if let f = column.format {
                if !column.type.isTemporal {
                    fail(at + ".format", "only for timestamp and date columns (type is \(column.type))")
                } else {
                    do throws(TimeFormatError) {
                        _ = try TimeFormat(parsing: f)
                    } catch {
                        fail(
                            at + ".format",
                            "expected \(expected("format", in: ColumnMapping.constraints)); got \(quoted(f)) (\(error.detail))"
                        )
                    }
                }
            }
        }
        return out
    }

    static func isASCIICharacter(_ s: String) -> Bool {
        let bytes = Array(s.utf8)
        return bytes.count == 1 && bytes[0] < 0x80 && bytes[0] != 0x0A && bytes[0] != 0x0D
    }
}
