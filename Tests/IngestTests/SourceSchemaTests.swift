import Foundation
import Frame
import Ingest
import Parquet
import TestSupport
import Testing

/// Issue 11: Parquet and SQLite sources that declare no columns take them from the file: the
/// Parquet schema as stored, an SQLite query's declared column types by affinity.
@Suite struct SourceSchemaTests {
    @Test func parquetColumnsComeFromTheFileSchema() throws {
        let dir = TemporaryDirectory("ingest-schema")
        defer { dir.remove() }
        let path = dir.file("t.parquet")
        let frame = try Frame(
            schema: Schema([
                Field("id", .int64, nullable: false), Field("name", .string), Field("price", .double),
                Field("at", .timestamp), Field("ok", .bool), Field("day", .date), Field("n", .int32),
            ]),
            columns: [
                Column(.int64([1, 2])), Column(.string(StringArray(["a", ""])), validity: [true, false]),
                Column(.double([1.5, 2])), Column(.timestamp([0, 86_400_000_000])), Column(.bool([true, false])),
                Column(.date([0, 19_000])), Column(.int32([7, -7])),
            ])
        try ParquetWriter.write(frame, to: path)
        let resolved = try SourceSchema.resolve(path: path, options: SourceOptions(format: .parquet, columns: []))
        #expect(resolved.options.columns.map(\.name) == ["id", "name", "price", "at", "ok", "day", "n"])
        #expect(resolved.options.columns.map(\.type) == [.int, .string, .double, .timestamp, .bool, .date, .int32])
        #expect(resolved.sniffed == nil)
        let read = try IngestFixture.read(path, resolved.options)
        let cols = IngestFixture.columns(read.frame)
        #expect(cols["name"] == ["a", nil])
        #expect(cols["at"] == ["1970-01-01T00:00:00Z", "1970-01-02T00:00:00Z"])
        #expect(cols["n"] == ["7", "-7"])
        #expect(read.rejects.isEmpty)
    }

    @Test func sqliteColumnsComeFromTheDeclaredTypes() throws {
        let dir = TemporaryDirectory("ingest-schema")
        defer { dir.remove() }
        let path = dir.file("shop.db")
        try Python.run(
            script: """
                import sqlite3, sys
                con = sqlite3.connect(sys.argv[1])
                con.execute('CREATE TABLE t (id INTEGER, who VARCHAR(20), total REAL, placed DATETIME, '
                            'paid BOOLEAN, day DATE, amount DECIMAL(9,2), blob)')
                con.execute("INSERT INTO t VALUES (1, 'Ann', 9.5, '2024-02-01 10:00:00', 1, '2024-02-01', 3.25, 'x')")
                con.commit()
                """, arguments: [path])
        let options = SourceOptions(format: .sqlite, query: "SELECT *, total * 2 AS doubled FROM t", columns: [])
        let resolved = try SourceSchema.resolve(path: path, options: options)
        #expect(
            resolved.options.columns.map(\.name) == [
                "id", "who", "total", "placed", "paid", "day", "amount", "blob", "doubled",
            ])
        #expect(
            resolved.options.columns.map(\.type) == [
                .int, .string, .double, .timestamp, .bool, .date, .double, .string, .string,
            ])
        let cols = IngestFixture.columns(try IngestFixture.read(path, resolved.options).frame)
        #expect(cols["placed"] == ["2024-02-01T10:00:00Z"])
        #expect(cols["paid"] == ["true"])
        #expect(cols["doubled"] == ["19.0"])
    }
}
