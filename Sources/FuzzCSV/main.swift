import FuzzSupport
import Ingest

runFuzzer { data, size in data.map { fuzzCSV($0, size) } ?? 0 }

/// libFuzzer target: a CSV/TSV source (scanner, quoting, refills, UTF-8/Latin-1, gzip, typed
/// conversion, rejects) read whole with options taken from the input's first bytes (`FuzzInput`).
func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    let sources: [String]
    if input.header {
        // Map the first N names the header holds (a naive split; a miss is a header mismatch).
        let quote = input.quote.utf8.first
        sources = input.firstLine.split(separator: input.delimiter, omittingEmptySubsequences: false)
            .prefix(input.columnCount)
            .map { field in
                var f = field[...]
                if let quote, f.count >= 2, f.first == quote, f.last == quote { f = f.dropFirst().dropLast() }
                return String(decoding: f, as: UTF8.self)
            }
    } else {
        sources = (1...input.columnCount).map(String.init)
    }
    let format: SourceFormat = input.delimiter == UInt8(ascii: "\t") ? .tsv : .csv
    let path = input.writeBody(name: "input.\(format)")
    drainSource(
        path: path, options: input.options(format: format, sources: sources),
        expectedLines: input.isGzip ? nil : input.physicalLines)
    return 0
}
