import Glibc
import Ingest

/// One libFuzzer input for a text-source target: a few leading bytes choose the reader options,
/// the rest is the file.
///
/// Layout: byte 0 delimiter (bits 0-1: `,` `;` tab `|`), quoting off (bit 2), header (bit 3),
/// Latin-1 (bit 4), batch size (bits 5-7); byte 1 column count (bits 0-2, 1...8), no null
/// tokens (bit 3), required columns (bit 4), trimming flipped (bit 5); bytes 2-4 one 3-bit type
/// code per column; byte 5 one 4-bit temporal format code for columns 1 and 2 (the others
/// alternate). `make fuzz` prefixes every seed file with such a header.
public struct FuzzInput {
    public static let headerBytes = 6

    public let config: [UInt8]
    public let body: UnsafeRawBufferPointer

    public init(_ data: UnsafePointer<UInt8>, _ size: Int) {
        let n = min(size, Self.headerBytes)
        config = Array(UnsafeBufferPointer(start: data, count: n)) + Array(repeating: 0, count: Self.headerBytes - n)
        body = UnsafeRawBufferPointer(start: data + n, count: size - n)
    }

    static let delimiters = [",", ";", "\t", "|"]
    static let batchRows = [65_536, 1, 2, 3, 5, 16, 1000, 7]
    static let types: [ColumnType] = [.int, .int32, .double, .bool, .string, .timestamp, .date, .timestamp]
    static let formats: [String?] = [
        nil, "iso8601", "epoch_s", "epoch_ms", "epoch_us", "%d/%m/%Y %H:%M", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S.%f%z",
        "%d %b %Y", "%y%m%d", "%B %d, %Y %H:%M:%S", "%%%Y", nil, nil, "%d.%m.%Y", "%Y%m%d%H%M%S",
    ]

    /// How many columns the options map.
    public var columnCount: Int { Int(config[1] & 7) + 1 }
    public var header: Bool { config[0] & 8 != 0 }
    public var delimiter: UInt8 { Self.delimiters[Int(config[0] & 3)].utf8.first! }
    public var quote: String { config[0] & 4 != 0 ? "" : "\"" }

    /// The reader options for `format`, mapping our columns c1…cN to `sources` (header names or
    /// 1-based positions).
    public func options(format: SourceFormat, sources: [String]) -> SourceOptions {
        let typeBits = Int(config[2]) | Int(config[3]) << 8 | Int(config[4]) << 16
        var columns: [ColumnMapping] = []
        for (k, source) in sources.enumerated() {
            let type = Self.types[(typeBits >> (3 * k)) & 7]
            let formatCode = k < 2 ? Int(config[5] >> (4 * k)) & 15 : (k + Int(config[5])) & 15
            let format = type == .timestamp || type == .date ? Self.formats[formatCode] : nil
            let trim = (type != .string) != (config[1] & 32 != 0)
            columns.append(
                ColumnMapping(
                    "c\(k + 1)", type, source: source, format: format, required: config[1] & 16 != 0 && k % 2 == 0,
                    trim: trim))
        }
        return SourceOptions(
            format: format, delimiter: format == .jsonl ? nil : Self.delimiters[Int(config[0] & 3)],
            quote: format == .jsonl ? SourceOptions.defaultQuote : quote, header: header,
            encoding: config[0] & 16 != 0 ? .latin1 : .utf8,
            nullTokens: config[1] & 8 != 0 ? [] : SourceOptions.defaultNullTokens,
            batchRows: Self.batchRows[Int(config[0] >> 5)], columns: columns)
    }

    /// The body's first line (after a UTF-8 byte order mark), without its line end.
    public var firstLine: [UInt8] {
        var start = 0
        if body.count >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF { start = 3 }
        var end = start
        while end < body.count && body[end] != 0x0A { end += 1 }
        if end > start && body[end - 1] == 0x0D { end -= 1 }
        return Array(body[start..<end])
    }

    /// Whether the body is gzip (its lines cannot be counted here).
    public var isGzip: Bool { body.count >= 2 && body[0] == 0x1F && body[1] == 0x8B }

    /// The physical lines of a plain body: LFs, plus one for a last line without one.
    public var physicalLines: Int {
        var lines = 0
        for b in body where b == 0x0A { lines += 1 }
        if let last = body.last, last != 0x0A { lines += 1 }
        return lines
    }

    /// Writes the body to this process's scratch file (named `name`, whose suffix a reader may
    /// look at) and returns its path.
    public func writeBody(name: String) -> String {
        let path = Self.scratchDirectory + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        precondition(fd >= 0, "cannot create \(path): errno \(errno)")
        var done = 0
        while done < body.count {
            let n = write(fd, body.baseAddress! + done, body.count - done)
            precondition(n > 0 || errno == EINTR, "cannot write \(path): errno \(errno)")
            if n > 0 { done += n }
        }
        close(fd)
        return path
    }

    /// A folder of this process's own under TMPDIR (or /tmp), made once.
    static let scratchDirectory: String = {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        let dir = base + "/bespoke-fuzz-\(getpid())"
        mkdir(dir, 0o700)
        return dir
    }()
}

/// Reads a whole source batch by batch, checking what every reader promises: each reject lies
/// in its batch's lines, batches follow each other, and (when `expectedLines` is given) the
/// batches account for every physical line of the file. Errors are the expected outcome for
/// bad files; only a broken promise stops the fuzzer.
public func drainSource(path: String, options: SourceOptions, expectedLines: Int?) {
    do {
        var reader = try SourceReader.open(path: path, options: options, sourceName: "fuzz")
        var nextLine: Int?
        var lines = 0
        while let batch = try reader.nextBatch() {
            if let nextLine {
                precondition(batch.firstLine == nextLine, "batch starts at \(batch.firstLine), expected \(nextLine)")
            }
            precondition(batch.frame.schema == reader.schema, "batch schema differs from the reader's")
            let end = batch.firstLine + batch.linesRead
            for r in batch.rejects {
                precondition(
                    r.line >= batch.firstLine && r.line < end,
                    "reject at line \(r.line) outside its batch \(batch.firstLine)..<\(end)")
            }
            nextLine = end
            lines += batch.linesRead
        }
        if let expectedLines {
            precondition(lines == expectedLines, "batches read \(lines) lines of \(expectedLines)")
        }
    } catch {
        _ = "\(error)"  // the message must be printable
    }
}
