import Frame
import Parquet
import TestSupport
import Testing

/// `ParquetWriter.writeRowGroup(_:rows:copying:)` with chunks from `ParquetReader.copyableChunk`:
/// a table with one column changed is rewritten without re-encoding the others.
@Suite struct ChunkCopyTests {
    static func source() throws -> Frame {
        let n = 25
        return try Frame(
            schema: Schema([
                Field("id", .int64, nullable: false), Field("name", .string), Field("price", .double),
            ]),
            columns: [
                Column(.int64((0..<n).map { Int64($0) })),
                Column(.string(StringArray((0..<n).map { "name \($0)" })), validity: (0..<n).map { $0 % 7 != 3 }),
                Column(.double((0..<n).map { Double($0) * 1.5 }), validity: (0..<n).map { $0 % 5 != 0 }),
            ])
    }

    @Test func unchangedColumnsAreCopiedAndTheFileReadsBackAsTheNewFrame() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var options = ParquetWriteOptions()
        options.rowGroupRows = 10
        options.pageRows = 4
        let input = try Self.source()
        try ParquetWriter.write(input, to: dir.file("in.parquet"), options: options)

        // price filled with 0 where null, plus an indicator column.
        guard case .double(let prices) = input.columns[2].values else { Issue.record("price is not double"); return }
        let filled = Column(.double(prices.enumerated().map { input.columns[2].isNull($0.offset) ? 0 : $0.element }))
        let flags = Column(.bool((0..<input.rowCount).map { input.columns[2].isNull($0) }))
        let output = try Frame(
            schema: Schema(input.schema.fields + [Field("price_imputed", .bool, nullable: false)]),
            columns: [input.columns[0], input.columns[1], filled, flags])

        let reader = try ParquetReader(path: dir.file("in.parquet"))
        #expect(reader.rowGroupCount == 3)
        let writer = try ParquetWriter(path: dir.file("out.parquet"), schema: output.schema, options: options)
        var start = 0
        var copiedBytes: [[UInt8]] = []
        for g in 0..<reader.rowGroupCount {
            let rows = Int(reader.metadata.rowGroups[g].numRows)
            let id = try #require(try reader.copyableChunk(group: g, column: 0, as: output.schema.fields[0]))
            let name = try #require(try reader.copyableChunk(group: g, column: 1, as: output.schema.fields[1]))
            copiedBytes += [id.bytes, name.bytes]
            try writer.writeRowGroup(output, rows: start..<start + rows, copying: [0: id, 1: name])
            start += rows
        }
        try writer.close()

        let back = try ParquetReader(path: dir.file("out.parquet"))
        #expect(try back.read() == output)
        // The copied chunks are byte for byte the source's, at their new offsets.
        var again: [[UInt8]] = []
        for g in 0..<back.rowGroupCount {
            for c in 0..<2 {
                again.append(
                    try #require(try back.copyableChunk(group: g, column: c, as: output.schema.fields[c])).bytes)
            }
        }
        #expect(again == copiedBytes)
        // A column stored differently from what the writer would write is not copyable.
        #expect(try reader.copyableChunk(group: 0, column: 2, as: Field("price", .double, nullable: false)) == nil)
        // pyarrow reads the stitched file, statistics and all.
        let text = try Python.run(
            script: """
                import sys, pyarrow.parquet as pq
                f = pq.ParquetFile(sys.argv[1]); t = f.read()
                print(t.num_rows, f.metadata.num_row_groups, t.column("id").to_pylist()[-1], t.column("name").null_count,
                      f.metadata.row_group(1).column(1).statistics.min, sum(t.column("price_imputed").to_pylist()))
                """, arguments: [dir.file("out.parquet")])
        #expect(text == "25 3 24 4 name 11 5\n")  // row 10 is null, so group 1 starts at "name 11"
    }
}
