internal import CZlib

/// Streaming gunzip of a `.gz` file (or a plain file, passed through unchanged when it does not start with 1f 8b) with zlib,
/// multi-member files included (inflateReset after Z_STREAM_END when input remains). Memory bounded by the chunk size,
/// not the file size. The z_stream lives in allocated memory whose address never moves; deinit calls inflateEnd.
///
/// Not thread-safe: one reader per thread. After a read throws, every later read throws the same error.
public final class GunzipFileReader {
    public let path: String

    /// Total compressed bytes consumed so far (for progress).
    public var compressedBytesRead: Int { consumed }

    private enum State {
        /// Not gzip: file bytes are the output.
        case plain
        /// Inside a gzip member.
        case inMember
        /// After a member's trailer: the file must end or start another member.
        case betweenMembers
        /// The file ended after a complete member (or, for a plain file, simply ended).
        case finished
    }

    private let file: PosixFile
    private let limit: Int
    /// Input read from the file but not yet used: `chunk[start..<end]`.
    private let chunk: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var atEndOfFile = false
    private var inflater: ZlibInflateStream?
    private var state: State
    private var consumed = 0
    private var produced = 0
    private var failure: CodecError?

    /// Opens `path` and reads its first chunk to tell gzip from plain. `limit` caps the total output.
    public init(path: String, chunkSize: Int = 1 << 20, limit: Int = Int.max) throws(CodecError) {
        precondition(chunkSize > 0, "chunk size must be positive, got \(chunkSize)")
        precondition(limit >= 0, "negative output limit \(limit)")
        let file = try PosixFile.openForReading(path)
        self.path = path
        self.file = file
        self.limit = limit
        // Two bytes at least, to see the whole gzip magic in one chunk.
        chunk = .allocate(byteCount: max(chunkSize, 2), alignment: 16)
        state = .plain
        // Every stored property is set, so if this throws, deinit releases the chunk (and `file` closes itself).
        while end < 2 && !atEndOfFile { try refill() }
        if end >= 2 && chunk[0] == 0x1f && chunk[1] == 0x8b {
            inflater = ZlibInflateStream(windowBits: ZlibInflateStream.autoDetectWindowBits)
            state = .inMember
        }
    }

    deinit {
        chunk.deallocate()
    }

    /// Reads up to `buffer.count` decompressed bytes; returns 0 at the end. Throws .truncated if the file ends inside a member,
    /// .corrupt with zlib's code and `msg` on bad data, .sizeLimitExceeded past `limit` total output bytes.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(CodecError) -> Int {
        if let failure { throw failure }
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        do throws(CodecError) {
            if state == .plain { return try readPlain(into: base, count: buffer.count) }
            return try readGzip(into: base, count: buffer.count)
        } catch {
            failure = error
            throw error
        }
    }

    // MARK: - Plain files

    private func readPlain(into buffer: UnsafeMutableRawPointer, count: Int) throws(CodecError) -> Int {
        let allowance = limit - produced
        if allowance == 0 {
            if start == end && !atEndOfFile { try refill() }
            guard start == end else { throw .sizeLimitExceeded(codec: "gzip", limit: limit) }
            return 0
        }
        let wanted = min(count, allowance)
        var got: Int
        if start < end {
            got = min(wanted, end - start)
            buffer.copyMemory(from: chunk.baseAddress! + start, byteCount: got)
            start += got
        } else if atEndOfFile {
            got = 0
        } else {
            // Nothing buffered: read straight into the caller's buffer.
            got = try file.read(into: buffer, count: wanted)
            if got == 0 { atEndOfFile = true }
        }
        consumed += got
        produced += got
        return got
    }

    // MARK: - Gzip files

    private func readGzip(into buffer: UnsafeMutableRawPointer, count: Int) throws(CodecError) -> Int {
        guard let inflater else { preconditionFailure("gzip state without an inflate stream") }
        var written = 0
        while written < count {
            switch state {
            case .plain, .finished:
                return written
            case .betweenMembers:
                if end - start < 2 && !atEndOfFile {
                    try refill()
                    continue
                }
                let rest = end - start
                if rest == 0 {
                    state = .finished
                    continue
                }
                guard chunk[start] == 0x1f && (rest == 1 || chunk[start + 1] == 0x8b) else {
                    throw .corrupt(
                        codec: "gzip", code: Z_DATA_ERROR,
                        detail: "bytes after the gzip member ending at compressed offset \(consumed) "
                            + "do not start another member (first byte 0x\(String(chunk[start], radix: 16)))")
                }
                inflater.reset()
                state = .inMember
            case .inMember:
                if start == end && !atEndOfFile {
                    try refill()
                    continue
                }
                // At the end of the file this still runs once with no input, to flush output zlib holds back.
                let step = try inflateStep(inflater, into: buffer + written, count: count - written)
                written += step.written
                if !step.progressed && start == end && atEndOfFile { throw .truncated(codec: "gzip") }
            }
        }
        return written
    }

    /// Runs inflate once over the buffered input; returns the bytes written to `buffer` and whether zlib used any
    /// input or produced any output.
    private func inflateStep(
        _ inflater: ZlibInflateStream, into buffer: UnsafeMutableRawPointer, count: Int
    ) throws(CodecError) -> (written: Int, progressed: Bool) {
        let allowance = limit - produced
        // At the limit, inflate into a one-byte probe: the member may still end without more output.
        var probe: UInt8 = 0
        let step: ZlibInflateStream.Step
        if allowance == 0 {
            step = withUnsafeMutableBytes(of: &probe) { probeBytes in
                inflater.inflate(
                    chunk.baseAddress! + start, count: end - start,
                    into: probeBytes.baseAddress!, capacity: 1)
            }
            if step.produced > 0 { throw .sizeLimitExceeded(codec: "gzip", limit: limit) }
        } else {
            step = inflater.inflate(
                chunk.baseAddress! + start, count: end - start, into: buffer, capacity: min(count, allowance))
        }
        start += step.consumed
        consumed += step.consumed
        produced += step.produced
        switch step.code {
        case Z_OK:
            break
        case Z_STREAM_END:
            state = .betweenMembers
        case Z_BUF_ERROR where start == end:
            // zlib wants more input; the caller refills or reports truncation.
            break
        default:
            throw .corrupt(
                codec: "gzip", code: step.code,
                detail: "zlib: \(inflater.message(code: step.code)) within the first \(consumed) compressed bytes")
        }
        return (allowance == 0 ? 0 : step.produced, step.consumed > 0 || step.produced > 0)
    }

    /// Moves unread input to the front of the chunk and reads once into the space after it.
    private func refill() throws(CodecError) {
        let unread = end - start
        if unread > 0 && start > 0 {
            chunk.baseAddress!.copyMemory(from: chunk.baseAddress! + start, byteCount: unread)
        }
        start = 0
        end = unread
        let got = try file.read(into: chunk.baseAddress! + end, count: chunk.count - end)
        if got == 0 { atEndOfFile = true }
        end += got
    }
}
