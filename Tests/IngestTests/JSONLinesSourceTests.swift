import Frame
import Ingest
import Testing

@Suite struct JSONLinesSourceTests {
    static let options = SourceOptions(columns: [
        .int("id", required: true), .string("name"), .double("score"), ColumnMapping("ok", .bool),
        ColumnMapping("at", .timestamp, source: "ts"),
    ])

    @Test func escapesUnicodeNullsAndTypes() throws {
        let text = #"""
            {"id": 1, "name": "tab\there \"q\" \\ \/", "score": 1.5e2, "ok": true, "ts": "2024-03-01T10:00:00Z"}
            {"name": "\u00e9t\u00E9 \ud83d\ude00 日本", "id": 2, "score": null, "ok": false, "extra": {"a": [1, {"b": null}]}}

            {"id": "3", "score": "NA", "ok": "yes", "ts": "2024-03-01 10:00:00.5+01:00", "name": ""}
            """#
        let batch = try IngestFixture.read("e.jsonl", text, Self.options)
        #expect(batch.rejects.isEmpty)
        let cols = IngestFixture.columns(batch.frame)
        #expect(cols["id"] == ["1", "2", "3"])
        #expect(cols["name"] == ["tab\there \"q\" \\ /", "été 😀 日本", ""])
        #expect(cols["score"] == ["150.0", nil, nil])
        #expect(cols["ok"] == ["true", "false", "true"])
        #expect(cols["at"] == ["2024-03-01T10:00:00Z", nil, "2024-03-01T09:00:00.500000Z"])
        #expect(batch.linesRead == 4)
    }

    static let badLines: [(line: String, reason: String, code: String)] = [
        (#"{"id": 4, "name": {"first": "x"}}"#, "column 'name': expected a scalar", "unparsable_value"),
        (#"{"id": 4.5}"#, "column 'id': cannot parse '4.5' as int", "unparsable_value"),
        (#"{"id": 4, "name": "x""#, "invalid JSON: unterminated object at byte 21", "invalid_json"),
        (#"{"id": 4,}"#, "invalid JSON: expected a key string at byte 9", "invalid_json"),
        (#"[1, 2]"#, "invalid JSON: expected an object at byte 0", "invalid_json"),
        (#"{"id": 4} x"#, "invalid JSON: unexpected text after the object at byte 10", "invalid_json"),
        (#"{"id": 4, "name": "\ud800"}"#, #"invalid JSON: unpaired surrogate \u escape at byte 19"#, "invalid_json"),
        (#"{"id": 4, "name": "a\qb"}"#, #"invalid JSON: invalid escape '\q' at byte 20"#, "invalid_json"),
        (#"{"id": null}"#, "column 'id' is required but null", "missing_required"),
        (#"{"name": "no id"}"#, "column 'id' is required but null", "missing_required"),
        (
            #"{"id": 4, "ts": "yesterday"}"#, "column 'at': cannot parse 'yesterday' as timestamp (iso8601)",
            "unparsable_value"
        ),
    ]

    @Test(arguments: badLines.indices)
    func badLineIsRefusedWithItsReason(_ k: Int) throws {
        let bad = Self.badLines[k]
        let text = "{\"id\": 1}\n\(bad.line)\r\n{\"id\": 3}\n"
        let batch = try IngestFixture.read("bad.jsonl", text, Self.options)
        #expect(IngestFixture.rejectLines(batch) == ["2: \(bad.reason)"])
        #expect(batch.rejects.first?.kind.code == bad.code)
        #expect(batch.rejects.first?.raw == bad.line)
        #expect(IngestFixture.columns(batch.frame)["id"] == ["1", "3"])
    }

    @Test func invalidUTF8LineIsRefused() throws {
        let bytes = Array("{\"id\": 1}\n{\"id\": 2, \"name\": \"".utf8) + [0xFF] + Array("\"}\n".utf8)
        let (path, dir) = IngestFixture.file("u.jsonl", bytes: bytes)
        defer { dir.remove() }
        let batch = try IngestFixture.read(path, Self.options)
        #expect(IngestFixture.rejectLines(batch) == ["2: invalid UTF-8 at byte 19"])
        #expect(batch.rejects[0].raw == "{\"id\": 2, \"name\": \"\u{FFFD}\"}")
    }
}
