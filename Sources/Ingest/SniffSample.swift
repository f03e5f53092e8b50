import Glibc
import Gzip

/// Stretches of a text file's bytes for the sniffer: its head, then evenly spaced chunks up to
/// its end, so that a value that first appears deep inside (a cancelled order's `C536379`) is
/// seen. The chunks are raw (not yet aligned to records, not transcoded).
public struct SniffSample: Sendable, Equatable {
    /// In file order; `chunks[0]` starts at the file's first byte.
    public var chunks: [[UInt8]]
    /// Whether `chunks[0]` is the whole file (then it is the only chunk).
    public var wholeFile: Bool
    /// Whether the last chunk ends where the file ends.
    public var reachesEnd: Bool

    public init(chunks: [[UInt8]], wholeFile: Bool, reachesEnd: Bool) {
        self.chunks = chunks
        self.wholeFile = wholeFile && chunks.count == 1
        self.reachesEnd = reachesEnd || self.wholeFile
    }

    /// A whole file's bytes as one chunk (tests and fuzzing).
    public init(bytes: [UInt8]) {
        self.init(chunks: [bytes], wholeFile: true, reachesEnd: true)
    }

    /// The other chunks besides the head.
    static let spreadChunks = 15

    /// Reads a sample of about `sampleBytes` from `path` (plain or gzip): a quarter from the head,
    /// the rest in `spreadChunks` stretches spread evenly over the file. A plain file is read at
    /// those offsets; a gzip file is decompressed as a stream, keeping every `stride`-th block and
    /// doubling the stride whenever too many are kept, so memory stays bounded by the sample.
    public static func read(path: String, sampleBytes: Int) throws(IngestError) -> SniffSample {
        let budget = max(sampleBytes, 4096)
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw errno == ENOENT ? .missingSource(path: path) : .io(path: path, errno: errno)
        }
        if info.st_mode & 0o170000 == 0o040000 { throw .io(path: path, errno: EISDIR) }
        if info.st_size == 0 { throw .emptySource(path: path) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: path, errno: errno) }
        var magic: (UInt8, UInt8) = (0, 0)
        let got = withUnsafeMutableBytes(of: &magic) { pread(fd, $0.baseAddress, 2, 0) }
        let sample: SniffSample
        if got == 2 && magic == (0x1f, 0x8b) {
            close(fd)
            sample = try readGzip(path: path, budget: budget)
        } else {
            defer { close(fd) }
            sample = try readPlain(fd: fd, path: path, size: Int(info.st_size), budget: budget)
        }
        let head = sample.chunks[0]
        if head.isEmpty { throw .emptySource(path: path) }
        let checked = min(head.count, TextInput.sniffBytes)
        if let problem = head.withUnsafeBufferPointer({ TextInput.binaryProblem($0.baseAddress!, checked) }) {
            throw .binarySource(path: path, detail: problem)
        }
        return sample
    }

    private static func readPlain(fd: Int32, path: String, size: Int, budget: Int) throws(IngestError)
        -> SniffSample
    {
        func readAt(_ offset: Int, _ count: Int) throws(IngestError) -> [UInt8] {
            var out = [UInt8](repeating: 0, count: count)
            var have = 0
            while have < count {
                let n = out.withUnsafeMutableBytes {
                    pread(fd, $0.baseAddress! + have, count - have, off_t(offset + have))
                }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw .io(path: path, errno: errno)
                }
                if n == 0 { break }
                have += n
            }
            out.removeLast(count - have)
            return out
        }
        if size <= budget { return SniffSample(chunks: [try readAt(0, size)], wholeFile: true, reachesEnd: true) }
        let headBytes = budget / 4
        let chunkBytes = (budget - headBytes) / spreadChunks
        var chunks = [try readAt(0, headBytes)]
        let span = size - headBytes - chunkBytes
        for i in 0..<spreadChunks {
            let offset = headBytes + span * i / (spreadChunks - 1)
            chunks.append(try readAt(offset, chunkBytes))
        }
        return SniffSample(chunks: chunks, wholeFile: false, reachesEnd: true)
    }

    private static func readGzip(path: String, budget: Int) throws(IngestError) -> SniffSample {
        let reader: GunzipFileReader
        do { reader = try GunzipFileReader(path: path) } catch { throw wrap(error, path) }
        let headBytes = budget / 4
        let blockBytes = max(1, (budget - headBytes) / spreadChunks)
        func fill(_ count: Int) throws(IngestError) -> [UInt8] {
            var out = [UInt8](repeating: 0, count: count)
            var have = 0
            while have < count {
                let result: Result<Int, CodecError> = out.withUnsafeMutableBytes { buf in
                    do throws(CodecError) {
                        return .success(try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: buf[have...])))
                    } catch { return .failure(error) }
                }
                let n: Int
                switch result {
                case .success(let v): n = v
                case .failure(let e): throw wrap(e, path)
                }
                if n == 0 { break }
                have += n
            }
            out.removeLast(count - have)
            return out
        }
        let head = try fill(headBytes)
        if head.count < headBytes { return SniffSample(chunks: [head], wholeFile: true, reachesEnd: true) }
        // Blocks after the head, numbered from 0; block i is kept when i % stride == 0.
        var kept: [(index: Int, bytes: [UInt8])] = []
        var stride = 1
        var index = 0
        var last: [UInt8] = []
        var compacted = false
        while true {
            let block = try fill(blockBytes)
            if block.isEmpty { break }
            if index % stride == 0 {
                kept.append((index, block))
                if kept.count > spreadChunks {
                    stride *= 2
                    kept.removeAll { $0.index % stride != 0 }
                    compacted = true
                }
            }
            last = block
            index += 1
            if block.count < blockBytes { break }
        }
        if !compacted && kept.count == index {
            // Everything was kept: the file fits the sample, as one stretch.
            return SniffSample(chunks: [head + kept.flatMap(\.bytes)], wholeFile: true, reachesEnd: true)
        }
        var chunks = [head] + kept.map(\.bytes)
        if kept.last?.index != index - 1 { chunks.append(last) }
        return SniffSample(chunks: chunks, wholeFile: false, reachesEnd: true)
    }

    private static func wrap(_ error: CodecError, _ path: String) -> IngestError {
        if case .io(_, let code, _) = error {
            return code == ENOENT ? .missingSource(path: path) : .io(path: path, errno: code)
        }
        return .codec(path: path, error)
    }
}
