import Foundation
import Ingest
import Testing

@Suite struct SourceOptionsTests {
    @Test func decodingFillsDefaults() throws {
        let json =
            #"{"columns": [{"name": "id", "type": "int"}, {"name": "ts", "type": "timestamp", "format": "epoch_ms"}]}"#
        let options = try JSONDecoder().decode(SourceOptions.self, from: Data(json.utf8))
        #expect(options.format == nil)
        #expect(options.quote == "\"")
        #expect(options.header)
        #expect(options.encoding == .utf8)
        #expect(options.nullTokens == ["", "NULL", "null", "NA", "N/A"])
        #expect(options.batchRows == 65_536)
        #expect(options.columns == [ColumnMapping("id", .int), ColumnMapping("ts", .timestamp, format: "epoch_ms")])
        #expect(options.columns[0].source == "id" && options.columns[0].trim && !options.columns[0].required)
        let noQuote = try JSONDecoder().decode(SourceOptions.self, from: Data(#"{"quote": null, "columns": []}"#.utf8))
        #expect(noQuote.quote == "")
        let again = try JSONDecoder().decode(SourceOptions.self, from: JSONEncoder().encode(options))
        #expect(again == options)
    }

    static let invalid: [(json: String, message: String)] = [
        (
            #"{"columns": [{"name": "a"}, {"name": "b"}, {"name": "c", "type": "integer"}]}"#,
            "columns[2].type: expected one of int, int32, double, bool, string, timestamp, date; got 'integer'"
        ),
        (
            #"{"format": "xlsx", "columns": [{"name": "a"}]}"#,
            "format: expected one of csv, tsv, jsonl, parquet, sqlite; got 'xlsx'"
        ),
        (#"{"delimiter": "||", "columns": [{"name": "a"}]}"#, "delimiter: expected a single ASCII character; got '||'"),
        (#"{"quote": "«", "columns": [{"name": "a"}]}"#, "quote: expected a single ASCII character or \"\"; got '«'"),
        (#"{"delimiter": "'", "quote": "'", "columns": [{"name": "a"}]}"#, "quote: must differ from the delimiter '''"),
        (
            #"{"encoding": "cp1252", "columns": [{"name": "a"}]}"#,
            "encoding: expected one of utf-8, latin-1; got 'cp1252'"
        ),
        (#"{"batch_rows": 0, "columns": [{"name": "a"}]}"#, "batch_rows: expected an integer in 1...16777216; got 0"),
        (#"{"sample_bytes": 100}"#, "sample_bytes: expected an integer in 4096...1073741824; got 100"),
        (
            #"{"encoding": "latin1"}"#,
            "encoding: expected one of utf-8, latin-1; got 'latin1' (did you mean 'latin-1'?)"
        ),
        (#"{"columns": [{"name": "a"}, {"name": "a"}]}"#, "columns[1].name: duplicate column 'a' (also columns[0])"),
        (
            #"{"format": "csv", "header": false, "columns": [{"name": "a", "source": "a"}]}"#,
            "columns[0].source: expected a 1-based column position for a headerless file; got 'a'"
        ),
        (
            #"{"columns": [{"name": "a", "type": "int", "format": "epoch_s"}]}"#,
            "columns[0].format: only for timestamp and date columns (type is int)"
        ),
        (
            #"{"columns": [{"name": "a", "type": "date", "format": "%Q-%m"}]}"#,
            "columns[0].format: expected one of iso8601, epoch_s, epoch_ms, epoch_us, or a pattern using %Y %m %d %H %M %S %f %y %b %B %z; got '%Q-%m' (unsupported directive '%Q')"
        ),
        (
            #"{"columns": [{"name": "a", "type": "date", "format": "dd/mm/yyyy"}]}"#,
            "columns[0].format: expected one of iso8601, epoch_s, epoch_ms, epoch_us, or a pattern using %Y %m %d %H %M %S %f %y %b %B %z; got 'dd/mm/yyyy' (not a known format and no % directive)"
        ),
        (#"{"format": "sqlite", "columns": [{"name": "a"}]}"#, "query: required for a sqlite source"),
        (
            #"{"format": "csv", "query": "SELECT 1", "columns": [{"name": "a"}]}"#,
            "query: only for sqlite sources (format is csv)"
        ),
    ]

    @Test(arguments: invalid.indices)
    func invalidOptionsNameTheirPath(_ k: Int) throws {
        let options = try JSONDecoder().decode(SourceOptions.self, from: Data(Self.invalid[k].json.utf8))
        do {
            try options.validate()
            Issue.record("expected: \(Self.invalid[k].message)")
        } catch {
            #expect(error.description == Self.invalid[k].message)
            #expect(error.exitCode == 78)
        }
    }

    @Test func formatIsInferredFromTheFileName() {
        let cases: [(String, SourceFormat?)] = [
            ("a/b/events.csv", .csv), ("E.CSV.GZ", .csv), ("x.tsv.gz", .tsv), ("x.ndjson", .jsonl),
            ("x.jsonl.gz", .jsonl), ("x.parquet", .parquet), ("shop.db", .sqlite), ("shop.sqlite", .sqlite),
            ("notes.txt", nil), ("x.parquet.gz", nil),
        ]
        for (path, format) in cases { #expect(SourceFormat.infer(fromPath: path) == format, "\(path)") }
    }

    @Test func uninferrableFormatIsAnOptionsError() {
        #expect(
            throws: IngestError.invalidOptions(
                path: "format",
                detail:
                    "cannot infer the format of 'notes.txt' from its name; expected one of csv, tsv, jsonl, parquet, sqlite"
            )
        ) {
            _ = try SourceReader.open(path: "notes.txt", options: SourceOptions(columns: [.int("a")]), sourceName: "n")
        }
    }
}
