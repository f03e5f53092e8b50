import Frame
import Ingest
import TestSupport
import Testing

@Suite struct SQLiteSourceTests {
    static func makeDatabase(_ path: String) throws {
        try Python.run(
            script: """
                import sqlite3, sys
                con = sqlite3.connect(sys.argv[1])
                con.execute('CREATE TABLE orders (id INTEGER, customer TEXT, total REAL, placed TEXT, flag)')
                rows = [(1, 'Ann', 9.5, '2024-02-01 10:00:00', 1), (2, 'Zoë', 12.0, '2024-02-02T11:30:00Z', 0),
                        (3, None, None, None, None), (4, 'Dee', 'n/a', '2024-02-04', 'yes'),
                        (5, 'Eve', 1e3, 'soon', 'no')]
                con.executemany('INSERT INTO orders VALUES (?, ?, ?, ?, ?)', rows)
                con.commit()
                """, arguments: [path])
    }

    @Test(arguments: [1, 2, 10])
    func queryRowsAreMappedAndTyped(batchRows: Int) throws {
        let dir = TemporaryDirectory("ingest-sqlite")
        defer { dir.remove() }
        let path = dir.file("shop.db")
        try Self.makeDatabase(path)
        let options = SourceOptions(
            query: "SELECT id, customer AS who, total, placed, flag FROM orders ORDER BY id", batchRows: batchRows,
            columns: [
                .int("order_id", source: "id"), .string("who"), .double("total"), ColumnMapping("placed", .timestamp),
                ColumnMapping("flag", .bool),
            ])
        let batch = try IngestFixture.read(path, options)
        #expect(
            IngestFixture.rejectLines(batch) == [
                "4: column 'total': cannot parse 'n/a' as double",
                "5: column 'placed': cannot parse 'soon' as timestamp (iso8601)",
            ])
        #expect(batch.rejects[0].raw == "4,Dee,n/a,2024-02-04,yes")
        let cols = IngestFixture.columns(batch.frame)
        #expect(cols["order_id"] == ["1", "2", "3"])
        #expect(cols["who"] == ["Ann", "Zoë", nil])
        #expect(cols["total"] == ["9.5", "12.0", nil])
        #expect(cols["placed"] == ["2024-02-01T10:00:00Z", "2024-02-02T11:30:00Z", nil])
        #expect(cols["flag"] == ["true", "false", nil])
    }

    @Test func badQueryAndMissingColumnAreErrors() throws {
        let dir = TemporaryDirectory("ingest-sqlite")
        defer { dir.remove() }
        let path = dir.file("shop.sqlite")
        try Self.makeDatabase(path)
        let bad = SourceOptions(query: "SELECT nope FROM orders", columns: [.int("id")])
        #expect(throws: IngestError.sqlite(path: path, code: 1, message: "no such column: nope")) {
            _ = try SourceReader.open(path: path, options: bad, sourceName: "db")
        }
        let missing = SourceOptions(query: "SELECT id, customer FROM orders", columns: [.string("custmer")])
        #expect(throws: IngestError.headerMismatch(path: path, missing: ["custmer"], available: ["id", "customer"])) {
            _ = try SourceReader.open(path: path, options: missing, sourceName: "db")
        }
        let write = SourceOptions(query: "DELETE FROM orders", columns: [.int("id")])
        #expect(throws: IngestError.invalidOptions(path: "query", detail: "expected a read-only SELECT statement")) {
            _ = try SourceReader.open(path: path, options: write, sourceName: "db")
        }
    }
}
