internal import CZlib

/// A zlib inflate stream. Not thread-safe.
///
/// zlib keeps a pointer from its internal state back to the `z_stream`, so the struct lives in allocated memory
/// whose address never moves (a Swift stored struct could be moved); `deinit` calls `inflateEnd`.
final class ZlibInflateStream {
    /// The result of one `inflate` call.
    struct Step {
        /// zlib's return code (`Z_OK`, `Z_STREAM_END`, `Z_BUF_ERROR`, `Z_DATA_ERROR`, ...).
        var code: Int32
        var consumed: Int
        var produced: Int
    }

    /// windowBits for gzip only (15 + 16), zlib only (15), or either, detected from the header (15 + 32).
    static let gzipWindowBits: Int32 = 15 + 16
    static let zlibWindowBits: Int32 = 15
    static let autoDetectWindowBits: Int32 = 15 + 32

    private let stream: UnsafeMutablePointer<z_stream>

    init(windowBits: Int32) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let code = bespoke_inflateInit2(stream, windowBits)
        // Only Z_MEM_ERROR is possible with valid arguments; Swift treats running out of memory as fatal too.
        precondition(code == Z_OK, "zlib inflateInit2 failed with code \(code)")
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Starts a new stream (the next gzip member) with the same settings, keeping the allocated window.
    func reset() {
        let code = inflateReset(stream)
        precondition(code == Z_OK, "zlib inflateReset failed with code \(code)")
    }

    /// Runs `inflate(Z_NO_FLUSH)` once over `input` into `output`. Counts above 4 GiB are offered in parts.
    func inflate(
        _ input: UnsafeRawPointer, count inputCount: Int,
        into output: UnsafeMutableRawPointer, capacity outputCount: Int
    ) -> Step {
        let availableIn = UInt32(clamping: inputCount)
        let availableOut = UInt32(clamping: outputCount)
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = availableIn
        stream.pointee.next_out = output.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = availableOut
        let code = CZlib.inflate(stream, Z_NO_FLUSH)
        let step = Step(
            code: code,
            consumed: Int(availableIn - stream.pointee.avail_in),
            produced: Int(availableOut - stream.pointee.avail_out))
        stream.pointee.next_in = nil
        stream.pointee.next_out = nil
        return step
    }

    /// zlib's `msg` for the last error, or a fallback naming the code.
    func message(code: Int32) -> String {
        if let message = stream.pointee.msg { return String(cString: message) }
        return ZlibCode.name(code)
    }
}

/// Names for zlib's return codes, for messages when zlib set no `msg`.
enum ZlibCode {
    static func name(_ code: Int32) -> String {
        switch code {
        case Z_OK: return "Z_OK"
        case Z_STREAM_END: return "Z_STREAM_END"
        case Z_NEED_DICT: return "Z_NEED_DICT (a preset dictionary is required)"
        case Z_ERRNO: return "Z_ERRNO"
        case Z_STREAM_ERROR: return "Z_STREAM_ERROR"
        case Z_DATA_ERROR: return "Z_DATA_ERROR"
        case Z_MEM_ERROR: return "Z_MEM_ERROR (out of memory)"
        case Z_BUF_ERROR: return "Z_BUF_ERROR"
        case Z_VERSION_ERROR: return "Z_VERSION_ERROR"
        default: return "zlib code \(code)"
        }
    }
}
