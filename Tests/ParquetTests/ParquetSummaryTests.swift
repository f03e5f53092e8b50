import Foundation
import Frame
import TestSupport
import Testing

@testable import Parquet

/// What `inspect` shows of other writers' files: statistics decoded by the column's annotation
/// (unsigned, nanosecond timestamps rounded down, scaled decimals) and legacy annotations by name.
struct ParquetSummaryTests {
    static let pyarrowAvailable: Bool = (try? PythonScript.run("import pyarrow")) != nil
    static let duckdbAvailable: Bool = (try? PythonScript.run("import duckdb")) != nil

    @Test(.enabled(if: pyarrowAvailable, "pyarrow is not installed"))
    func statisticsAreDecodedByTheColumnsAnnotation() throws {
        let dir = TemporaryDirectory("bespoke-summary")
        defer { dir.remove() }
        let path = dir.file("s.parquet")
        try PythonScript.run(
            """
            import sys, decimal, pyarrow as pa, pyarrow.parquet as pq
            D = decimal.Decimal
            pq.write_table(pa.table({
                'u64': pa.array([0, 2**64 - 1], pa.uint64()), 'u32': pa.array([0, 2**32 - 1], pa.uint32()),
                'ns': pa.array([-1, 1500], pa.timestamp('ns', tz='UTC')),
                'd32': pa.array([D('-1.05'), D('123.45')], pa.decimal128(9, 2)),
                'd64': pa.array([D('-0.0001'), D('12345678901234.5678')], pa.decimal128(18, 4))}),
                sys.argv[1], store_decimal_as_integer=True)
            """, arguments: [path])
        let summary = ParquetSummary(try ParquetReader(path: path))
        let stats = summary.rowGroups[0].columns.map { "\($0.column) \($0.min ?? "-") \($0.max ?? "-")" }
        #expect(
            stats == [
                "u64 0 18446744073709551615", "u32 0 4294967295",
                // -1 ns is before 1970-01-01T00:00:00Z: down to -1 µs, as the reader converts it.
                "ns 1969-12-31T23:59:59.999999Z 1970-01-01T00:00:00.000001Z",
                "d32 -1.05 123.45", "d64 -0.0001 12345678901234.5678",
            ])
    }

    /// Legacy converted types read by their specification names, DECIMAL with precision and scale.
    @Test func convertedTypesAreShownByName() {
        func shown(_ c: ConvertedType, _ precision: Int32? = nil, _ scale: Int32? = nil) -> String {
            var e = SchemaElement(name: "c")
            e.convertedType = c.rawValue
            e.precision = precision
            e.scale = scale
            return ParquetSummary.describeConverted(c.rawValue, e)
        }
        #expect(shown(.uint8) == "UINT_8")
        #expect(shown(.int16) == "INT_16")
        #expect(shown(.utf8) == "UTF8")
        #expect(shown(.timestampMillis) == "TIMESTAMP_MILLIS")
        #expect(shown(.decimal, 9, 2) == "DECIMAL(9, 2)")
        #expect(ParquetSummary.describeConverted(99, SchemaElement(name: "c")) == "converted type 99")
    }

    /// DuckDB's files: no column is described by a bare converted-type number.
    @Test(.enabled(if: duckdbAvailable, "duckdb is not installed"))
    func duckDBColumnsAreDescribedByName() throws {
        let dir = TemporaryDirectory("bespoke-summary")
        defer { dir.remove() }
        let path = dir.file("d.parquet")
        try PythonScript.run(
            """
            import sys, duckdb
            duckdb.connect().execute("COPY (SELECT 1::UTINYINT u8, 4000000000::UINTEGER u32, 1.5::DECIMAL(9,2) d, "
                                     "'x'::VARCHAR s, 3::TINYINT i8) TO '%s' (FORMAT parquet)" % sys.argv[1])
            """, arguments: [path])
        let summary = ParquetSummary(try ParquetReader(path: path))
        for column in summary.schema {
            #expect(
                !(column.logicalType ?? "").contains("converted type"), "\(column.name): \(column.logicalType ?? "")")
        }
        let stats = summary.rowGroups[0].columns.map { "\($0.column) \($0.min ?? "-")" }
        #expect(stats == ["u8 1", "u32 4000000000", "d 1.50", "s x", "i8 3"])
    }
}
