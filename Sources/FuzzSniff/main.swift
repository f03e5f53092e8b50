import FuzzSupport
import Ingest

runFuzzer { data, size in data.map { fuzzSniff($0, size) } ?? 0 }

/// libFuzzer target: the CSV/TSV/JSON Lines sniffer on a sample of one to four chunks. The
/// first byte chooses how the rest is cut (as `SniffSample` spreads chunks over a large file:
/// chunks may start inside a record or a quoted field) and whether the sample is the whole file;
/// the sniffer must give an answer for any bytes, within its bounds.
func fuzzSniff(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let control = data[0]
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let pieces = Int(control & 3) + 1
    var chunks: [[UInt8]] = []
    var start = 0
    for p in 0..<pieces {
        let end = p == pieces - 1 ? body.count : min(body.count, start + body.count / pieces + Int(control >> 4))
        chunks.append(Array(body[start..<max(start, end)]))
        start = max(start, end)
    }
    let whole = pieces == 1 && control & 4 != 0
    let sample = SniffSample(chunks: chunks, wholeFile: whole, reachesEnd: whole || control & 8 != 0)
    let result = Sniffer.sniff(sample: sample)
    precondition(result.columns.count <= 4096, "sniffed \(result.columns.count) columns")
    return 0
}
