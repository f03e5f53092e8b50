import Foundation
import Frame
import TestSupport
import Testing

@testable import Ingest

/// A gzip CSV in the shape `bespoke fixtures` writes, with every kind of malformed row planted at
/// once: each refused with its reason and line, every good row kept in order, and the rejects
/// table built from them.
@Suite struct PlantedRejectsTests {
    @Test func everyPlantedRowIsRefusedOnce() throws {
        var lines: [[UInt8]] = [Array("event_id,customer_id,ts,price\r\n".utf8)]
        var expected: [String] = []
        var good: [String] = []
        for i in 1...400 {
            let line = lines.count + 1
            switch i {
            case 50:
                lines.append(Array("\(i),c\(i),2024-01-01T00:00:00Z\r\n".utf8))
                expected.append("\(line): wrong field count: expected 4, got 3")
            case 120:
                lines.append(Array("\(i),c\(i),2024-01-01T00:00:00Z,12.x\r\n".utf8))
                expected.append("\(line): column 'price': cannot parse '12.x' as double")
            case 200:
                lines.append(Array("\(i),c\(i),2024-02-30T00:00:00Z,1\r\n".utf8))
                expected.append("\(line): column 'ts': cannot parse '2024-02-30T00:00:00Z' as timestamp (iso8601)")
            case 260:
                lines.append(Array("\(i),c".utf8) + [0xFF, 0xFE] + Array(",2024-01-01T00:00:00Z,1\r\n".utf8))
                expected.append("\(line): invalid UTF-8 at byte \(String(i).count + 2)")
            case 333:
                lines.append(Array("\(i),\"c\(i),2024-01-01T00:00:00Z,1\r\n".utf8))
                expected.append("\(line): unterminated quoted field")
            default:
                lines.append(
                    Array("\(i),\"c\(i), x\",2024-01-01T00:00:\(String(format: "%02d", i % 60))Z,\(i).5\r\n".utf8))
                good.append(String(i))
            }
        }
        let dir = TemporaryDirectory("ingest-planted")
        defer { dir.remove() }
        let path = dir.file("events.csv.gz")
        // Three gzip members, as a concatenating writer would leave them.
        try IngestFixture.gzip(
            [lines[0..<100].flatMap { $0 }, lines[100..<300].flatMap { $0 }, lines[300...].flatMap { $0 }], to: path)
        let options = SourceOptions(
            batchRows: 64,
            columns: [
                .int("event_id", required: true), .string("customer_id"), ColumnMapping("ts", .timestamp),
                .double("price"),
            ])
        let batch = try IngestFixture.read(path, options, source: "events")
        #expect(IngestFixture.rejectLines(batch) == expected)
        #expect(
            batch.rejects.map(\.kind.code) == [
                "wrong_field_count", "unparsable_value", "unparsable_value", "invalid_utf8", "unterminated_quote",
            ])
        #expect(IngestFixture.columns(batch.frame)["event_id"]?.compactMap { $0 } == good)
        let table = RejectTable.frame(batch.rejects)
        #expect(table.schema == RejectTable.schema)
        #expect(IngestFixture.columns(table)["line"] == expected.map { String($0.prefix { $0 != ":" }) })
        #expect(IngestFixture.columns(table)["raw"]?[0] == "50,c50,2024-01-01T00:00:00Z")
        #expect(IngestFixture.columns(table)["source"] == Array(repeating: "events", count: 5))
    }

    /// A quote left open near the start of a file larger than the record limit: memory stays
    /// bounded, the one line is refused, and every row after it is read.
    @Test func unterminatedQuoteStopsAtTheRecordLimit() throws {
        var text = "id,name\n1,\"open\n"
        for i in 2...60_000 { text += "\(i),name number \(i)\n" }
        let (path, dir) = IngestFixture.file("open.csv", text)
        defer { dir.remove() }
        let source = try DelimitedSource(
            path: path, options: SourceOptions(columns: [.int("id"), .string("name")]), format: .csv, sourceName: "o",
            maxRecordBytes: 64 << 10)
        var rows = 0
        var rejects: [Reject] = []
        while let batch = try source.nextBatch() {
            rows += batch.frame.rowCount
            rejects += batch.rejects
        }
        #expect(rejects.map { "\($0.line): \($0.reason)" } == ["2: unterminated quoted field"])
        #expect(rows == 59_999)
    }

    @Test func overlongLineIsRefusedAndSkipped() throws {
        let long = String(repeating: "x", count: 3 << 20)
        let text = "id,name\n1,a\n2,\(long)\n3,c\n"
        let (path, dir) = IngestFixture.file("long.csv", text)
        defer { dir.remove() }
        let source = try DelimitedSource(
            path: path, options: SourceOptions(columns: [.int("id"), .string("name")]), format: .csv, sourceName: "o",
            maxRecordBytes: 1 << 20)
        var ids: [String?] = []
        var rejects: [Reject] = []
        while let batch = try source.nextBatch() {
            ids += IngestFixture.columns(batch.frame)["id"] ?? []
            rejects += batch.rejects
        }
        #expect(rejects.map { "\($0.line): \($0.reason)" } == ["3: record longer than 1048576 bytes"])
        #expect(rejects.first?.raw.utf8.count == Reject.maxRawBytes + "…".utf8.count)
        #expect(ids == ["1", "3"])
    }
}
