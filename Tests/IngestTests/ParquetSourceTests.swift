import Frame
import Ingest
import Parquet
import TestSupport
import Testing

@Suite struct ParquetSourceTests {
    /// A file of 3 row groups (4 + 4 + 2 rows) with int32, string and double columns.
    static func writeFile(_ path: String) throws {
        let schema = Schema([
            Field("user", .int32, nullable: false), Field("when", .string), Field("amount", .double),
        ])
        let frame = try Frame(
            schema: schema,
            columns: [
                Column(.int32(Array(1...10))),
                Column(
                    .string(
                        StringArray([
                            "2024-01-01", "2024-01-02T03:04:05Z", "", "bad", "2024-01-05", "2024-01-06", "2024-01-07",
                            "2024-01-08", "2024-01-09", "2024-01-10",
                        ])), validity: [true, true, true, true, true, true, false, true, true, true]),
                Column(.double([1, 2.5, 3, 4, 5, 6, 7, 8, 9, 10])),
            ])
        var options = ParquetWriteOptions()
        options.rowGroupRows = 4
        try ParquetWriter.write(frame, to: path, options: options)
    }

    @Test(arguments: [1, 3, 4, 100])
    func rowGroupsAreReadAndConverted(batchRows: Int) throws {
        let dir = TemporaryDirectory("ingest-parquet")
        defer { dir.remove() }
        let path = dir.file("t.parquet")
        try Self.writeFile(path)
        let options = SourceOptions(
            batchRows: batchRows,
            columns: [
                .int("user"), ColumnMapping("at", .timestamp, source: "when"), .int("cents", source: "amount"),
                .string("amount_text", source: "amount"),
            ])
        var reader = try SourceReader.open(path: path, options: options, sourceName: "pq")
        var batches = 0
        var frames: [Frame] = []
        var rejects: [Reject] = []
        while let batch = try reader.nextBatch() {
            #expect(batch.frame.rowCount + batch.rejects.count <= batchRows)
            frames.append(batch.frame)
            rejects += batch.rejects
            batches += 1
        }
        #expect(batches >= 3)
        let frame = try Frame.concatenate(frames, schema: reader.schema)
        let cols = IngestFixture.columns(frame)
        // Row 4 holds 'bad' (not a timestamp); row 2 holds 2.5 (not an integral int).
        #expect(
            rejects.map { "\($0.line): \($0.reason)" } == [
                "2: column 'cents': cannot parse '2.5' as int",
                "4: column 'at': cannot parse 'bad' as timestamp (iso8601)",
            ])
        #expect(rejects.first?.raw == "2,2024-01-02T03:04:05Z,2.5")
        #expect(cols["user"] == ["1", "3", "5", "6", "7", "8", "9", "10"])
        #expect(cols["at"]?[0] == "2024-01-01T00:00:00Z")
        #expect(cols["at"]?[1] == nil)  // "" is a null token
        #expect(cols["at"]?[4] == nil)  // a real null
        #expect(cols["cents"] == ["1", "3", "5", "6", "7", "8", "9", "10"])
        #expect(cols["amount_text"]?[0] == "1.0")
    }

    @Test func missingColumnIsAHeaderMismatch() throws {
        let dir = TemporaryDirectory("ingest-parquet")
        defer { dir.remove() }
        let path = dir.file("t.parquet")
        try Self.writeFile(path)
        #expect(
            throws: IngestError.headerMismatch(path: path, missing: ["users"], available: ["user", "when", "amount"])
        ) {
            _ = try SourceReader.open(path: path, options: SourceOptions(columns: [.int("users")]), sourceName: "pq")
        }
    }
}
