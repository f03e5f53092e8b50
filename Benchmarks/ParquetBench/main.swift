// parquet-bench: times Bespoke's Parquet writer, reader and the raw codec on one input file,
// for Benchmarks/run.py, which runs pyarrow on the same data and writes BENCHMARKS.md.
// Each call prints one JSON object: seconds (wall), cpu_seconds, peak_rss_mb, and sizes.
import Dispatch
import Foundation
import Frame
import Gzip
import Parquet

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return s(usage.ru_utime) + s(usage.ru_stime)
}

func peakRSSMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

func report(_ fields: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

func option(_ name: String, _ fallback: String? = nil) -> String {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: "--" + name), i + 1 < args.count { return args[i + 1] }
    guard let fallback else {
        FileHandle.standardError.write(Data("parquet-bench: missing --\(name)\n".utf8))
        exit(64)
    }
    return fallback
}

let mode = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : ""
let threads = Int(option("threads", "2"))!
let level = Int(option("level", "6"))!

do {
    switch mode {
    case "write":
        let input = try ParquetReader(path: option("input")).read()
        var options = ParquetWriteOptions()
        options.compressionLevel = level
        options.threads = threads
        let plainBytes = try ParquetWriter.uncompressedPageBodies(of: input, options: options).reduce(0) {
            $0 + $1.count
        }
        let cpu0 = cpuSeconds(), t0 = now()
        try ParquetWriter.write(input, to: option("output"), options: options)
        let seconds = now() - t0, cpu = cpuSeconds() - cpu0
        let size = (try FileManager.default.attributesOfItem(atPath: option("output"))[.size] as? Int) ?? 0
        report([
            "seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": peakRSSMB(), "plain_bytes": plainBytes,
            "file_bytes": size, "rows": input.rowCount,
        ])
    case "read":
        let path = option("input")
        let cpu0 = cpuSeconds(), t0 = now()
        let frame = try ParquetReader(path: path).read(threads: threads)
        let seconds = now() - t0, cpu = cpuSeconds() - cpu0
        report(["seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": peakRSSMB(), "rows": frame.rowCount])
    case "codec":
        // libdeflate alone on the writer's own page bodies, pages shared out over `threads`.
        let input = try ParquetReader(path: option("input")).read()
        var options = ParquetWriteOptions()
        options.compressionLevel = level
        let bodies = try ParquetWriter.uncompressedPageBodies(of: input, options: options)
        let total = bodies.reduce(0) { $0 + $1.count }
        final class Counter: @unchecked Sendable { var compressed = [Int](repeating: 0, count: 64) }
        let counter = Counter()
        let t0 = now(), cpu0 = cpuSeconds()
        DispatchQueue.concurrentPerform(iterations: threads) { w in
            let compressor = try! GzipCompressor(level: level)
            var sum = 0
            for i in stride(from: w, to: bodies.count, by: threads) {
                sum += bodies[i].withUnsafeBytes { compressor.compress($0).count }
            }
            counter.compressed[w] = sum
        }
        let seconds = now() - t0, cpu = cpuSeconds() - cpu0
        report([
            "seconds": seconds, "cpu_seconds": cpu, "plain_bytes": total,
            "compressed_bytes": counter.compressed.reduce(0, +), "pages": bodies.count,
        ])
    default:
        FileHandle.standardError.write(
            Data("usage: parquet-bench write|read|codec --input F [--output F] [--threads N] [--level L]\n".utf8))
        exit(64)
    }
} catch {
    FileHandle.standardError.write(Data("parquet-bench: \(error)\n".utf8))
    exit(1)
}
