internal import CLibdeflate
internal import CZlib

/// Precise errors for libdeflate's failures, found by running zlib over the failing stream.
///
/// libdeflate says only "bad data" for corruption and truncation alike, and a truncated stream can even look
/// like one that overflows the buffer (it reads zeros past the end). These paths are cold — the page is already
/// lost — so it is worth inflating the stream again with zlib, discarding the output into a small scratch
/// buffer, to tell the cases apart and to add zlib's message. The work is bounded by the output space.
extension GzipDecompressor {
    /// What zlib makes of a stream when its output is capped at a budget.
    enum ZlibVerdict {
        /// The input ends inside the stream.
        case truncated
        /// zlib rejected the data with `code` and `message`.
        case corrupt(code: Int32, message: String)
        /// The stream inflates to more than the budget.
        case exceedsBudget
        /// zlib read the whole stream without complaint.
        case accepted
    }

    /// The error for a libdeflate failure other than running out of space.
    static func diagnoseFailure(
        _ result: libdeflate_result, format: Format, stream: UnsafeRawBufferPointer, streamOffset: Int, space: Int
    ) -> CodecError {
        let code = Int32(bitPattern: result.rawValue)
        let what =
            "libdeflate: \(LibdeflateResult.name(result)) in the \(format.codec) stream at input offset \(streamOffset)"
        // libdeflate found the fault within the space it had; the margin covers zlib noticing a little later.
        let budget = space > Int.max - (1 << 16) ? Int.max : space + (1 << 16)
        switch zlibVerdict(format: format, stream: stream, budget: budget) {
        case .truncated:
            return .truncated(codec: format.codec)
        case .corrupt(_, let message):
            return .corrupt(codec: format.codec, code: code, detail: "\(what) (zlib: \(message))")
        case .exceedsBudget, .accepted:
            return .corrupt(codec: format.codec, code: code, detail: what)
        }
    }

    /// The error when libdeflate ran out of space: usually the limit, but truncated or corrupt data can do that too.
    static func diagnoseOverflow(
        format: Format, stream: UnsafeRawBufferPointer, streamOffset: Int, space: Int, limit: Int
    ) -> CodecError {
        switch zlibVerdict(format: format, stream: stream, budget: space) {
        case .truncated:
            return .truncated(codec: format.codec)
        case .corrupt(let code, let message):
            return .corrupt(
                codec: format.codec, code: code,
                detail: "zlib: \(message) in the \(format.codec) stream at input offset \(streamOffset)")
        case .exceedsBudget, .accepted:
            return .sizeLimitExceeded(codec: format.codec, limit: limit)
        }
    }

    /// Inflates `stream` with zlib, discarding the output, until it ends, fails, or passes `budget` bytes.
    static func zlibVerdict(format: Format, stream: UnsafeRawBufferPointer, budget: Int) -> ZlibVerdict {
        let windowBits = format == .gzip ? ZlibInflateStream.gzipWindowBits : ZlibInflateStream.zlibWindowBits
        let inflater = ZlibInflateStream(windowBits: windowBits)
        let scratchSize = 1 << 15
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: scratchSize, alignment: 16)
        defer { scratch.deallocate() }
        var offset = 0
        var produced = 0
        while true {
            let step = inflater.inflate(
                stream.nonNullBase + offset, count: stream.count - offset, into: scratch, capacity: scratchSize)
            offset += step.consumed
            produced += step.produced
            if produced > budget { return .exceedsBudget }
            switch step.code {
            case Z_OK:
                continue
            case Z_STREAM_END:
                return .accepted
            case Z_BUF_ERROR where offset == stream.count:
                return .truncated
            default:
                return .corrupt(code: step.code, message: inflater.message(code: step.code))
            }
        }
    }
}

/// Names for libdeflate's result codes.
enum LibdeflateResult {
    static func name(_ result: libdeflate_result) -> String {
        switch result {
        case LIBDEFLATE_SUCCESS: return "success"
        case LIBDEFLATE_BAD_DATA: return "bad data"
        case LIBDEFLATE_SHORT_OUTPUT: return "short output"
        case LIBDEFLATE_INSUFFICIENT_SPACE: return "insufficient space"
        default: return "result \(result.rawValue)"
        }
    }
}
