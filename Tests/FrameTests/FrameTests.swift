import Frame
import Testing

@Suite struct FrameTests {
    let schema = Schema([Field("id", .int64, nullable: false), Field("name", .string), Field("score", .double)])

    func sample() throws -> Frame {
        try Frame(
            schema: schema,
            columns: [
                Column(.int64([1, 2, 3, 4])),
                Column(.string(StringArray(["a", "", "ccc", "dd"])), validity: [true, false, true, true]),
                Column(.double([0.5, .nan, -0.0, .infinity])),
            ])
    }

    @Test func buildsAndSelects() throws {
        let f = try sample()
        #expect(f.rowCount == 4)
        #expect(f["name"]?.nullCount == 1)
        let picked = try f.selecting(["score", "id"])
        #expect(picked.schema.names == ["score", "id"])
        #expect(picked.columns[1] == f.columns[0])
    }

    @Test func rejectsInconsistentColumns() throws {
        #expect(throws: FrameError.rowCountMismatch(column: "name", expected: 2, got: 1)) {
            try Frame(
                schema: Schema([Field("id", .int64), Field("name", .string)]),
                columns: [Column(.int64([1, 2])), Column(.string(StringArray(["x"])))])
        }
        #expect(throws: FrameError.typeMismatch(column: "id", expected: .int32, got: .int64)) {
            try Frame(schema: Schema([Field("id", .int32)]), columns: [Column(.int64([1]))])
        }
        #expect(throws: FrameError.nullInRequiredColumn(column: "id", nulls: 1)) {
            try Frame(
                schema: Schema([Field("id", .int64, nullable: false)]),
                columns: [Column(.int64([1, 0]), validity: [true, false])])
        }
        #expect(throws: FrameError.duplicateColumn(name: "a")) {
            try Frame(
                schema: Schema([Field("a", .bool), Field("a", .bool)]), columns: [Column(.bool([])), Column(.bool([]))])
        }
        #expect(throws: FrameError.unknownColumn(name: "nope", available: ["id", "name", "score"])) {
            try sample().selecting(["nope"])
        }
    }

    @Test func sliceAndConcatenateRoundTrip() throws {
        let f = try sample()
        let parts = [f.slice(0..<1), f.slice(1..<1), f.slice(1..<4)]
        #expect(parts[2]["name"]?.validity == [false, true, true])
        #expect(parts[0]["name"]?.validity == nil)  // no nulls left in the slice
        let joined = try Frame.concatenate(parts, schema: schema)
        #expect(joined == f)
    }

    @Test func equalityIsBitwiseForDoubles() throws {
        #expect(Column(.double([.nan])) == Column(.double([.nan])))
        #expect(Column(.double([-0.0])) != Column(.double([0.0])))
        // Values under nulls do not matter; validity does.
        #expect(Column(.int64([1, 5]), validity: [true, false]) == Column(.int64([1, 9]), validity: [true, false]))
        #expect(Column(.int64([1, 5]), validity: [true, false]) != Column(.int64([1, 5])))
        #expect(Column(.int64([1, 5]), validity: [true, true]) == Column(.int64([1, 5])))
    }

    @Test func stringArrayStoresBytesContiguously() {
        var s = StringArray(["héllo", "", "🙂"])
        s.append("x")
        #expect(s.count == 4)
        #expect(s.offsets == [0, 6, 6, 10, 11])
        #expect(s[0] == "héllo" && s[1] == "" && s[2] == "🙂" && s[3] == "x")
        let g = s.gather([3, 0, 0])
        #expect(g.offsets == [0, 1, 7, 13])
        #expect(g[1] == "héllo")
    }
}

@Suite struct ValueFormatterTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"),
        (Int64(-1), "1969-12-31T23:59:59.999999Z"),
        (Int64(1_764_382_011_123_456), "2025-11-29T02:06:51.123456Z"),
        (Int64(951_782_400_000_000), "2000-02-29T00:00:00Z"),
        (Int64(-62_135_596_800_000_000), "0001-01-01T00:00:00Z"),
    ])
    func timestamps(micros: Int64, text: String) {
        #expect(ValueFormatter.timestamp(micros) == text)
    }

    @Test(arguments: [
        (Int32(0), "1970-01-01"), (-1, "1969-12-31"), (19_358, "2023-01-01"), (-719_162, "0001-01-01"),
        (11_016, "2000-02-29"),
    ])
    func dates(days: Int32, text: String) {
        #expect(ValueFormatter.date(days) == text)
    }

    @Test func csvQuoting() {
        #expect(ValueFormatter.csvField("plain") == "plain")
        #expect(ValueFormatter.csvField("a,b") == "\"a,b\"")
        #expect(ValueFormatter.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(ValueFormatter.csvField("two\r\nlines") == "\"two\r\nlines\"")
        #expect(ValueFormatter.csvField(" padded") == "\" padded\"")
    }

    @Test func jsonValues() {
        let c = Column(.double([1.5, .nan, -.infinity, 0]), validity: [true, true, true, false])
        #expect((0..<4).map { ValueFormatter.json(c, $0) } == ["1.5", "NaN", "-Infinity", "null"])
        #expect(ValueFormatter.jsonString("a\"b\\c\n\u{1}é") == "\"a\\\"b\\\\c\\n\\u0001é\"")
    }
}
