import Foundation
import Frame
import Ingest
import TestSupport
import Testing

@Suite struct DelimitedSourceTests {
    static let peopleOptions = SourceOptions(columns: [
        .int("id", required: true), .string("name"), .double("score"),
        ColumnMapping("born", .date), ColumnMapping("active", .bool),
    ])

    static let peopleLF = """
        id,name,score,born,active
        1,Ann,3.5,1990-01-02,true
        2,Bob,,1985-12-31,no
        3,"Cho, Li",-0.25,,1

        """

    @Test(arguments: ["\n", "\r\n"])
    func lineEndsGiveTheSameRows(_ ending: String) throws {
        let text = Self.peopleLF.replacingOccurrences(of: "\n", with: ending)
        let batch = try IngestFixture.read("people.csv", text, Self.peopleOptions)
        #expect(batch.rejects.isEmpty)
        let cols = IngestFixture.columns(batch.frame)
        #expect(cols["id"] == ["1", "2", "3"])
        #expect(cols["name"] == ["Ann", "Bob", "Cho, Li"])
        #expect(cols["score"] == ["3.5", nil, "-0.25"])
        #expect(cols["born"] == ["1990-01-02", "1985-12-31", nil])
        #expect(cols["active"] == ["true", "false", "true"])
        #expect(batch.frame.schema.fields[0] == Field("id", .int64, nullable: false))
        #expect(batch.frame.schema.fields[1] == Field("name", .string, nullable: true))
        #expect(batch.linesRead == 4)
    }

    @Test func latin1IsTranscoded() throws {
        // "Zoë" with ë as the single Latin-1 byte 0xEB, and "café" with é as 0xE9.
        let bytes = Array("id,name\n1,Zo".utf8) + [0xEB] + Array("\n2,caf".utf8) + [0xE9] + Array("\n".utf8)
        let (path, dir) = IngestFixture.file("latin.csv", bytes: bytes)
        defer { dir.remove() }
        var options = SourceOptions(columns: [.int("id"), .string("name")])
        options.encoding = .latin1
        let batch = try IngestFixture.read(path, options)
        #expect(batch.rejects.isEmpty)
        #expect(IngestFixture.columns(batch.frame)["name"] == ["Zoë", "café"])
        // The same bytes read as UTF-8 are invalid and refused, with the offset of the bad byte.
        options.encoding = .utf8
        let strict = try IngestFixture.read(path, options)
        #expect(IngestFixture.rejectLines(strict) == ["2: invalid UTF-8 at byte 4", "3: invalid UTF-8 at byte 5"])
    }

    @Test func quotedFieldsWithDelimitersQuotesAndNewlines() throws {
        let text =
            "id,note\r\n"
            + "1,\"a, b\"\r\n"
            + "2,\"she said \"\"hi\"\"\"\r\n"
            + "3,\"two\r\nlines\"\r\n"
            + "4,\"three\nmore\nlines\"\n"
            + "5,x,extra\n"
            + "6,\"\"\n"
        let batch = try IngestFixture.read("q.csv", text, SourceOptions(columns: [.int("id"), .string("note")]))
        let cols = IngestFixture.columns(batch.frame)
        #expect(cols["id"] == ["1", "2", "3", "4", "6"])
        #expect(cols["note"] == ["a, b", "she said \"hi\"", "two\r\nlines", "three\nmore\nlines", nil])
        // Record 5 starts on physical line 9: the multi-line records before it are counted right.
        #expect(IngestFixture.rejectLines(batch) == ["9: wrong field count: expected 2, got 3"])
        #expect(batch.rejects[0].raw == "5,x,extra")
        #expect(batch.rejects[0].kind.code == "wrong_field_count")
    }

    @Test func headerlessPipeSeparatedMappedByPosition() throws {
        let text = "10|widget|2.50\n11|gadget|3\n"
        let options = SourceOptions(
            delimiter: "|", header: false,
            columns: [.string("title", source: "2"), .int("sku", source: "1"), .double("price", source: "3")])
        let batch = try IngestFixture.read("items.txt", text, options.with(format: .csv))
        #expect(batch.rejects.isEmpty)
        let cols = IngestFixture.columns(batch.frame)
        #expect(batch.frame.schema.names == ["title", "sku", "price"])
        #expect(cols["sku"] == ["10", "11"])
        #expect(cols["title"] == ["widget", "gadget"])
        #expect(cols["price"] == ["2.5", "3.0"])
    }

    @Test func blankNumericCellsHoldingASpaceAreNull() throws {
        let text = "a,b,c\n1, ,x\n , 2.5 , \n"
        let batch = try IngestFixture.read(
            "blank.csv", text, SourceOptions(columns: [.int("a"), .double("b"), .string("c")]))
        #expect(batch.rejects.isEmpty)
        let cols = IngestFixture.columns(batch.frame)
        #expect(cols["a"] == ["1", nil])
        #expect(cols["b"] == [nil, "2.5"])
        // Strings are not trimmed, but a blank one is still null (the "" token after trimming).
        #expect(cols["c"] == ["x", nil])
    }

    @Test func blankLinesAndTrailingNewlinesMakeNoRecords() throws {
        let batch = try IngestFixture.read("b.csv", "a\n\n1\n\r\n2\n\n", SourceOptions(columns: [.int("a")]))
        #expect(batch.rejects.isEmpty)
        #expect(IngestFixture.columns(batch.frame)["a"] == ["1", "2"])
        let noFinalNewline = try IngestFixture.read("b.csv", "a\n1\n2", SourceOptions(columns: [.int("a")]))
        #expect(IngestFixture.columns(noFinalNewline.frame)["a"] == ["1", "2"])
    }

    struct Malformed: CustomStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        var reason: String
        var code: String
        var description: String { name }
    }

    static let malformed: [Malformed] = [
        Malformed(
            name: "wrong field count", bytes: Array("4,Dee,1.0\n".utf8),
            reason: "wrong field count: expected 4, got 3", code: "wrong_field_count"),
        Malformed(
            name: "unparsable int", bytes: Array("abc,Dee,1.0,2024-01-04\n".utf8),
            reason: "column 'id': cannot parse 'abc' as int", code: "unparsable_value"),
        Malformed(
            name: "unparsable double", bytes: Array("4,Dee,1.0x,2024-01-04\n".utf8),
            reason: "column 'score': cannot parse '1.0x' as double", code: "unparsable_value"),
        Malformed(
            name: "unparsable date", bytes: Array("4,Dee,1.0,2024-13-45\n".utf8),
            reason: "column 'day': cannot parse '2024-13-45' as date (iso8601)", code: "unparsable_value"),
        Malformed(
            name: "int overflow", bytes: Array("9223372036854775808,Dee,1.0,2024-01-04\n".utf8),
            reason: "column 'id': cannot parse '9223372036854775808' as int", code: "unparsable_value"),
        Malformed(
            name: "invalid UTF-8", bytes: Array("4,D".utf8) + [0xC3, 0x28] + Array("e,1.0,2024-01-04\n".utf8),
            reason: "invalid UTF-8 at byte 3", code: "invalid_utf8"),
        Malformed(
            name: "unterminated quote", bytes: Array("4,\"Dee,1.0,2024-01-04\n".utf8),
            reason: "unterminated quoted field", code: "unterminated_quote"),
        Malformed(
            name: "missing required", bytes: Array("NA,Dee,1.0,2024-01-04\n".utf8),
            reason: "column 'id' is required but null", code: "missing_required"),
        Malformed(
            name: "text after closing quote", bytes: Array("4,\"Dee\"x,1.0,2024-01-04\n".utf8),
            reason: "unexpected character after closing quote at byte 7", code: "invalid_quote"),
    ]

    /// One planted bad row on line 4 among good rows: refused with its reason and line, and every
    /// good row kept in order, plain and gzip alike.
    @Test(arguments: malformed, [false, true])
    func malformedRowIsRefusedAndGoodRowsSurvive(_ bad: Malformed, gzipped: Bool) throws {
        let head = Array("id,name,score,day\n1,Ann,1.5,2024-01-01\n2,Bob,2.5,2024-01-02\n".utf8)
        let tail = Array("5,\"Eve, E\",5.5,2024-01-05\n6,Fay,6.5,2024-01-06\n".utf8)
        let options = SourceOptions(columns: [
            .int("id", required: true), .string("name"), .double("score"), ColumnMapping("day", .date),
        ])
        var (path, dir) = IngestFixture.file("bad.csv", bytes: head + bad.bytes + tail)
        defer { dir.remove() }
        if gzipped {
            let gz = dir.file("bad.csv.gz")
            try IngestFixture.gzip([head + bad.bytes, tail], to: gz)
            path = gz
        }
        let batch = try IngestFixture.read(path, options, source: "orders")
        #expect(IngestFixture.rejectLines(batch) == ["4: \(bad.reason)"])
        #expect(batch.rejects.first?.kind.code == bad.code)
        #expect(batch.rejects.first?.source == "orders")
        let raw = String(decoding: bad.bytes.dropLast(), as: UTF8.self)
        #expect(batch.rejects.first?.raw == raw)
        #expect(IngestFixture.columns(batch.frame)["id"] == ["1", "2", "5", "6"])
        #expect(IngestFixture.columns(batch.frame)["name"] == ["Ann", "Bob", "Eve, E", "Fay"])
    }

    /// An unterminated quote whose quote is closed by a later quoted field: only the first line is
    /// refused and the rows after it are read again from the next line.
    @Test func unterminatedQuoteResynchronisesAtTheNextLine() throws {
        let text = "id,name\n1,\"Ann\n2,\"Bob\"\n3,Cy\n4,\"Di, D\"\n"
        let batch = try IngestFixture.read("u.csv", text, SourceOptions(columns: [.int("id"), .string("name")]))
        #expect(IngestFixture.rejectLines(batch) == ["2: unterminated quoted field"])
        #expect(batch.rejects[0].raw == "1,\"Ann")
        #expect(IngestFixture.columns(batch.frame)["id"] == ["2", "3", "4"])
        #expect(IngestFixture.columns(batch.frame)["name"] == ["Bob", "Cy", "Di, D"])
    }

    @Test func gzipSingleAndMultiMemberEqualPlain() throws {
        var text = "id,name,score\n"
        for i in 0..<5000 { text += "\(i),name \(i),\(Double(i) / 4)\n" }
        let options = SourceOptions(batchRows: 700, columns: [.int("id"), .string("name"), .double("score")])
        let (plain, dir) = IngestFixture.file("t.csv", text)
        defer { dir.remove() }
        let bytes = Array(text.utf8)
        let single = dir.file("single.csv.gz")
        let multi = dir.file("multi.csv.gz")
        try IngestFixture.gzip([bytes], to: single)
        // Members split mid-record, so a record straddles two members.
        try IngestFixture.gzip(
            [Array(bytes[0..<1001]), Array(bytes[1001..<40_000]), Array(bytes[40_000...])], to: multi)
        let expected = try IngestFixture.read(plain, options)
        #expect(expected.frame.rowCount == 5000)
        for path in [single, multi] {
            let got = try IngestFixture.read(path, options)
            #expect(got.frame == expected.frame)
            #expect(got.rejects.isEmpty)
        }
    }

    @Test func tabSeparatedAndQuotingOff() throws {
        let text = "a\tb\n1\t\"x\"\n"
        var options = SourceOptions(columns: [.int("a"), .string("b")])
        let quoted = try IngestFixture.read("t.tsv", text, options)
        #expect(IngestFixture.columns(quoted.frame)["b"] == ["x"])
        options.quote = ""
        let raw = try IngestFixture.read("t.tsv", text, options)
        #expect(IngestFixture.columns(raw.frame)["b"] == ["\"x\""])
    }

    @Test func utf8ByteOrderMarkIsSkipped() throws {
        let batch = try IngestFixture.read("bom.csv", "\u{FEFF}id\n7\n", SourceOptions(columns: [.int("id")]))
        #expect(IngestFixture.columns(batch.frame)["id"] == ["7"])
    }
}

extension SourceOptions {
    func with(format: SourceFormat) -> SourceOptions {
        var copy = self
        copy.format = format
        return copy
    }
}
