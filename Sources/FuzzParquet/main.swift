import FuzzSupport
import Parquet

runFuzzer { data, size in data.map { fuzzParquet($0, size) } ?? 0 }

/// libFuzzer target: a Parquet file in memory: footer, schema, validation, summary (what
/// `bespoke inspect` prints) and every column of every row group, on one thread.
func fuzzParquet(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let reader = try ParquetReader(bytes: bytes, name: "fuzz.parquet")
        _ = ParquetSummary(reader)
        let frame = try reader.read(threads: 1)
        precondition(frame.rowCount == reader.rowCount, "read \(frame.rowCount) rows of \(reader.rowCount)")
    } catch {
        _ = "\(error)"  // the message must be printable
    }
    return 0
}
