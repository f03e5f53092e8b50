import Foundation
import Frame
import Parquet
import TestSupport
import Testing

@testable import Ingest

/// One rule across sources (issue 12): UTF-8 strings, the years 1–9999 for times, what "not gzip"
/// and a NUL byte mean, and a header naming a column twice.
@Suite struct SourceRulesTests {
    static let pyarrowAvailable: Bool = (try? PythonScript.run("import pyarrow")) != nil

    /// A Parquet `binary` column holding b'\xff\xfe', mapped as a string: an `invalid_utf8` reject,
    /// as CSV and SQLite give, never a string that readers then choke on.
    @Test(.enabled(if: pyarrowAvailable, "pyarrow is not installed"))
    func parquetBinaryColumnWithInvalidUTF8IsRejected() throws {
        let dir = TemporaryDirectory("ingest-binary")
        defer { dir.remove() }
        let path = dir.file("t.parquet")
        _ = try PythonScript.run(
            """
            import sys, pyarrow as pa, pyarrow.parquet as pq
            pq.write_table(pa.table({"id": [1, 2, 3], "b": pa.array([b"ok", b"\\xff\\xfe", b"caf\\xc3\\xa9"], pa.binary())}),
                           sys.argv[1])
            """, arguments: [path])
        let batch = try IngestFixture.read(path, SourceOptions(columns: [.int("id"), .string("b")]), source: "pq")
        #expect(batch.rejects.map(\.kind) == [.invalidUTF8])
        #expect(IngestFixture.rejectLines(batch) == ["2: column 'b': invalid UTF-8 at byte 0"])
        #expect(IngestFixture.columns(batch.frame)["b"] == ["ok", "café"])
    }

    /// Epoch seconds past 9999-12-31 (here Int64.max microseconds, which pyarrow cannot read) and
    /// ISO times before year 1 are `out_of_range` rejects; the limits themselves are kept.
    @Test func timesOutsideTheYears1To9999AreRejected() throws {
        let text = """
            id,s,iso
            1,253402300799.999999,0001-01-01T00:00:00Z
            2,9223372036854.775807,2024-01-01
            3,-62135596800,0000-12-31T23:59:59Z
            4,-62135596800.000001,2024-01-01
            5,253402300800,0001-01-01T00:30:00+01:00
            6,99999999999999999999999,2024-01-01

            """
        let options = SourceOptions(columns: [
            .int("id"), ColumnMapping("s", .timestamp, format: "epoch_s"), ColumnMapping("iso", .timestamp),
        ])
        let batch = try IngestFixture.read("t.csv", text, options)
        #expect(
            IngestFixture.rejectLines(batch) == [
                "3: column 's': '9223372036854.775807' as timestamp (epoch_s) is outside the years 1–9999",
                "4: column 'iso': '0000-12-31T23:59:59Z' as timestamp (iso8601) is outside the years 1–9999",
                "5: column 's': '-62135596800.000001' as timestamp (epoch_s) is outside the years 1–9999",
                "6: column 's': '253402300800' as timestamp (epoch_s) is outside the years 1–9999",
                "7: column 's': '99999999999999999999999' as timestamp (epoch_s) is outside the years 1–9999",
            ])
        #expect(Set(batch.rejects.map(\.kind)) == [.outOfRange])
        let columns = IngestFixture.columns(batch.frame)
        #expect(columns["id"] == ["1"])
        #expect(columns["s"] == ["9999-12-31T23:59:59.999999Z"])
        #expect(columns["iso"] == ["0001-01-01T00:00:00Z"])
    }

    /// Typed sources share the range: an int64 epoch_ms and a Parquet timestamp past year 9999.
    @Test func typedTimesOutsideTheRangeAreRejected() throws {
        let dir = TemporaryDirectory("ingest-range")
        defer { dir.remove() }
        let path = dir.file("t.parquet")
        let frame = try Frame(
            schema: Schema([Field("ms", .int64, nullable: false), Field("at", .timestamp, nullable: false)]),
            columns: [
                Column(.int64([0, 253_402_300_800_000, 1])),
                Column(.timestamp([0, 1, 253_402_300_800_000_000])),
            ])
        try ParquetWriter.write(frame, to: path)
        let options = SourceOptions(columns: [
            ColumnMapping("ms", .timestamp, format: "epoch_ms"), ColumnMapping("at", .timestamp),
        ])
        let batch = try IngestFixture.read(path, options, source: "pq")
        #expect(
            IngestFixture.rejectLines(batch) == [
                "2: column 'ms': '253402300800000' as timestamp (epoch_ms) is outside the years 1–9999",
                "3: column 'at': '10000-01-01T00:00:00Z' as timestamp (iso8601) is outside the years 1–9999",
            ])
        #expect(IngestFixture.columns(batch.frame)["ms"] == ["1970-01-01T00:00:00Z"])
    }

    /// `id,name,name`: the repeat is renamed `name_1` (DuckDB's rule), so both can be mapped; a
    /// suffix already taken by a real column is skipped.
    @Test func aRepeatedHeaderNameIsRenamedAsDuckDBDoes() throws {
        let simple = try IngestFixture.read(
            "h.csv", "id,name,name\n1,a,b\n",
            SourceOptions(columns: [.int("id"), .string("first", source: "name"), .string("second", source: "name_1")]))
        #expect(IngestFixture.columns(simple.frame)["first"] == ["a"])
        #expect(IngestFixture.columns(simple.frame)["second"] == ["b"])
        #expect(
            DelimitedSource.distinctNames(["id", "name", "name", "name_1", "name"]) == [
                "id", "name", "name_2", "name_1", "name_3",
            ])
    }

    /// A plain text file named .csv.gz, and a zlib stream, are both "not gzip" (as pandas says).
    @Test func plainTextNamedGzAndZlibStreamsAreNotGzip() throws {
        let (plain, dir) = IngestFixture.file("e.csv.gz", "id\n1\n")
        defer { dir.remove() }
        let options = SourceOptions(columns: [.int("id")])
        let named = IngestError.notGzip(
            path: plain,
            detail: "the name ends in .gz but the file does not start with gzip's magic 1f 8b (found 69 64)")
        #expect(throws: named) { _ = try SourceReader.open(path: plain, options: options, sourceName: "e") }
        #expect(named.exitCode == 65)
        #expect(
            named.description.hasSuffix(
                ".csv.gz: not gzip: the name ends in .gz but the file does not start with gzip's magic 1f 8b (found 69 64)"
            ))

        let zlibPath = dir.file("z.csv")
        _ = try PythonScript.run(
            "import sys, zlib\nopen(sys.argv[1], 'wb').write(zlib.compress(b'id\\n1\\n'))", arguments: [zlibPath])
        #expect(
            throws: IngestError.notGzip(
                path: zlibPath, detail: "a zlib stream (starts 78 9c), not gzip's 1f 8b; recompress it with gzip")
        ) {
            _ = try SourceReader.open(path: zlibPath, options: options, sourceName: "e")
        }
    }

    /// A NUL byte fails the source wherever it is: in the first KB or deep in the file.
    @Test(arguments: [5, 3_000_000])
    func aNULByteAnywhereFailsTheSource(at offset: Int) throws {
        var bytes = Array(String(repeating: "1,abc\n", count: 600_000).utf8)
        bytes.insert(contentsOf: Array("id,s\n".utf8), at: 0)
        bytes[offset] = 0
        let (path, dir) = IngestFixture.file("n.csv", bytes: bytes)
        defer { dir.remove() }
        let options = SourceOptions(columns: [.int("id"), .string("s")])
        #expect(throws: IngestError.binarySource(path: path, detail: "NUL byte at offset \(offset)")) {
            _ = try IngestFixture.read(path, options)
        }
    }
}
