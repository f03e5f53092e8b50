import Foundation
import Frame
import Ingest
import TestSupport
import Testing

/// The sample is spread over the file (plain or gzip) and aligned to records, and the sniffer
/// survives any bytes.
@Suite struct SniffSampleTests {
    /// 20,000 invoices, numeric but for cancellations `C…` from row 12,000 on (3% of rows there):
    /// a head-only sample would call the column int.
    static let invoices: String = {
        var text = "invoice,qty,note\n"
        for i in 1...20_000 {
            let invoice = i > 12_000 && i % 17 == 0 ? "C\(536_000 + i)" : String(536_000 + i)
            text += "\(invoice),\(i % 9 + 1),\"line \(i)\nsecond line, with a comma\"\n"
        }
        return text
    }()

    @Test func spreadSampleSeesValuesDeepInsideAPlainFile() throws {
        let (path, dir) = IngestFixture.file("invoices.csv", Self.invoices)
        defer { dir.remove() }
        let sample = try SniffSample.read(path: path, sampleBytes: 64 << 10)
        #expect(!sample.wholeFile && sample.chunks.count == 16 && sample.reachesEnd)
        let result = Sniffer.sniff(sample: sample)
        #expect(result.options.columns.map(\.type) == [.string, .int, .string])
        // Stretches starting inside the two-line quoted notes were realigned, not mis-split.
        #expect(result.irregularRecords == 0)
        #expect(result.options.header && result.options.delimiter == ",")
    }

    @Test func spreadSampleSeesValuesDeepInsideAGzipFile() throws {
        let dir = TemporaryDirectory("sniff-gz")
        defer { dir.remove() }
        let path = dir.file("invoices.csv.gz")
        try IngestFixture.gzip([Array(Self.invoices.utf8)], to: path)
        let sample = try SniffSample.read(path: path, sampleBytes: 64 << 10)
        #expect(!sample.wholeFile && sample.reachesEnd)
        #expect(sample.chunks.reduce(0) { $0 + $1.count } <= 2 * (64 << 10))
        let result = Sniffer.sniff(sample: sample)
        #expect(result.options.columns.map(\.type) == [.string, .int, .string])
        #expect(result.irregularRecords == 0)
    }

    /// Random bytes, random delimited junk and truncations: a result, never a crash.
    @Test func anyBytesGiveAResult() {
        var rng = SplitMix64(seed: 11)
        let alphabet = Array("a1,;|\t\"'\n\r{}:.-/ 0x\u{00}é".utf8)
        for round in 0..<300 {
            let n = Int(rng.next() % 400)
            let bytes = (0..<n).map { _ in
                round % 2 == 0
                    ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[Int(rng.next() % UInt64(alphabet.count))]
            }
            let cut = Int(rng.next() % UInt64(max(n, 1)))
            let sample = SniffSample(
                chunks: [Array(bytes.prefix(cut)), Array(bytes.dropFirst(cut))], wholeFile: false,
                reachesEnd: round % 3 == 0)
            let result = Sniffer.sniff(sample: sample)
            #expect(result.options.columns.count <= 4096)
        }
    }
}
