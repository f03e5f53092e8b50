internal import CZlib

/// A zlib deflate stream writing gzip (RFC 1952) members. Not thread-safe.
///
/// Like `ZlibInflateStream`, the `z_stream` lives in allocated memory whose address never moves, and `deinit`
/// calls `deflateEnd`.
final class ZlibDeflateStream {
    /// The result of one `deflate` call.
    struct Step {
        /// zlib's return code (`Z_OK`, `Z_STREAM_END`, `Z_BUF_ERROR`).
        var code: Int32
        var consumed: Int
        var produced: Int
    }

    /// Levels accepted by zlib.
    static let levels = 0...9

    private let stream: UnsafeMutablePointer<z_stream>

    /// `level` must be in `levels`.
    init(level: Int) {
        precondition(Self.levels.contains(level), "zlib level \(level) outside 0...9")
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // windowBits 15 + 16 asks for a gzip header and trailer; memLevel 8 is zlib's default.
        let code = bespoke_deflateInit2(stream, Int32(level), 15 + 16, 8, Z_DEFAULT_STRATEGY)
        // Only Z_MEM_ERROR is possible with valid arguments; Swift treats running out of memory as fatal too.
        precondition(code == Z_OK, "zlib deflateInit2 failed with code \(code)")
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Runs `deflate` once over `input` into `output`; `finish` ends the member (`Z_FINISH`).
    func deflate(
        _ input: UnsafeRawPointer, count inputCount: Int,
        into output: UnsafeMutableRawPointer, capacity outputCount: Int, finish: Bool
    ) -> Step {
        let availableIn = UInt32(clamping: inputCount)
        let availableOut = UInt32(clamping: outputCount)
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = availableIn
        stream.pointee.next_out = output.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = availableOut
        // Z_FINISH with input still pending beyond this part would be wrong, so callers finish only with no input.
        let code = CZlib.deflate(stream, finish ? Z_FINISH : Z_NO_FLUSH)
        let step = Step(
            code: code,
            consumed: Int(availableIn - stream.pointee.avail_in),
            produced: Int(availableOut - stream.pointee.avail_out))
        stream.pointee.next_in = nil
        stream.pointee.next_out = nil
        return step
    }
}
