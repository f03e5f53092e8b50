import Frame
import Ingest
import TestSupport
import Testing

@Suite struct StreamingTests {
    /// 300k rows read 10k at a time: at least 30 batches, none larger than 10k rows, and together
    /// the same frame and rejects as one read with a batch larger than the file.
    @Test func batchesAreBoundedAndAddUpToTheWhole() throws {
        var text = "id,name,score,ts\n"
        text.reserveCapacity(12_000_000)
        for i in 0..<300_000 {
            if i % 50_000 == 7 {
                text += "\(i),broken\n"
            } else {
                text += "\(i),\"n\(i % 977), x\",\(Double(i % 1000) / 8),\(1_700_000_000 + i)\n"
            }
        }
        let columns: [ColumnMapping] = [
            .int("id"), .string("name"), .double("score"), ColumnMapping("ts", .timestamp, format: "epoch_s"),
        ]
        let (path, dir) = IngestFixture.file("big.csv", text)
        defer { dir.remove() }

        var reader = try SourceReader.open(
            path: path, options: SourceOptions(batchRows: 10_000, columns: columns), sourceName: "big")
        var frames: [Frame] = []
        var rejects: [Reject] = []
        var nextLine = 1
        while let batch = try reader.nextBatch() {
            #expect(batch.frame.rowCount + batch.rejects.count <= 10_000)
            #expect(batch.firstLine == nextLine)
            nextLine += batch.linesRead
            frames.append(batch.frame)
            rejects += batch.rejects
        }
        #expect(frames.count >= 30)
        #expect(nextLine == 300_002)
        let streamed = try Frame.concatenate(frames, schema: reader.schema)

        let whole = try IngestFixture.read(path, SourceOptions(batchRows: 1_000_000, columns: columns), source: "big")
        #expect(streamed.rowCount == 300_000 - 6)
        #expect(streamed == whole.frame)
        #expect(rejects == whole.rejects)
        #expect(rejects.map(\.line) == [9, 50_009, 100_009, 150_009, 200_009, 250_009])
    }

    /// A record longer than the read size (1 MiB) straddles refills and still parses.
    @Test func recordsLongerThanTheReadSize() throws {
        let long = String(repeating: "xy,\"z\n", count: 300_000)
        let text = "a,b\n1,\"\(long.replacingOccurrences(of: "\"", with: "\"\""))\"\n2,short\n"
        let batch = try IngestFixture.read("long.csv", text, SourceOptions(columns: [.int("a"), .string("b")]))
        #expect(batch.rejects.isEmpty)
        #expect(IngestFixture.columns(batch.frame)["b"] == [long, "short"])
    }
}
