internal import CZstd
import Glibc

/// Zstandard decompression for Parquet files written by others.
public enum Zstd {
    /// Decompresses one or more zstd frames into `output`, which must be filled exactly.
    ///
    /// When every frame declares its content size, the sum is checked against `output.count` before any work.
    /// Decompression uses one `ZSTD_DCtx` per thread, kept for the thread's life, so a call allocates nothing.
    public static func decompress(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(CodecError) {
        guard !input.isEmpty else { throw .truncated(codec: "zstd") }
        if let declared = declaredContentSize(input) {
            if declared > UInt64(output.count) { throw .sizeLimitExceeded(codec: "zstd", limit: output.count) }
            if declared < UInt64(output.count) {
                throw .sizeMismatch(codec: "zstd", expected: output.count, got: Int(declared))
            }
        }
        let result = ZSTD_decompressDCtx(
            threadContext(), output.nonNullBase, output.count, input.nonNullBase, input.count)
        if ZSTD_isError(result) != 0 {
            let code = ZSTD_getErrorCode(result)
            switch code {
            case ZSTD_error_dstSize_tooSmall:
                throw .sizeLimitExceeded(codec: "zstd", limit: output.count)
            case ZSTD_error_srcSize_wrong:
                throw .truncated(codec: "zstd")
            default:
                throw .corrupt(
                    codec: "zstd", code: Int32(bitPattern: code.rawValue),
                    detail: "zstd: \(String(cString: ZSTD_getErrorName(result)))")
            }
        }
        guard result == output.count else {
            throw .sizeMismatch(codec: "zstd", expected: output.count, got: result)
        }
    }

    /// The sum of the frames' declared content sizes, or nil when a frame does not declare it (or is malformed:
    /// decompression then reports the precise error).
    private static func declaredContentSize(_ input: UnsafeRawBufferPointer) -> UInt64? {
        let base = input.nonNullBase
        var offset = 0
        var total: UInt64 = 0
        while offset < input.count {
            let size = ZSTD_getFrameContentSize(base + offset, input.count - offset)
            if bespoke_zstd_content_size_is_unknown(size) != 0 || bespoke_zstd_content_size_is_error(size) != 0 {
                return nil
            }
            let frameLength = ZSTD_findFrameCompressedSize(base + offset, input.count - offset)
            if ZSTD_isError(frameLength) != 0 { return nil }
            let sum = total.addingReportingOverflow(UInt64(size))
            total = sum.overflow ? .max : sum.partialValue
            offset += frameLength
        }
        return total
    }

    /// This thread's decompression context, created on first use.
    private static func threadContext() -> OpaquePointer {
        if let context = pthread_getspecific(contextKey) { return OpaquePointer(context) }
        guard let context = ZSTD_createDCtx() else { fatalError("ZSTD_createDCtx failed: out of memory") }
        let status = pthread_setspecific(contextKey, UnsafeRawPointer(context))
        precondition(status == 0, "pthread_setspecific failed with \(status)")
        return context
    }
}

/// The key of each thread's `ZSTD_DCtx`; the destructor frees a thread's context when the thread exits.
private let contextKey: pthread_key_t = {
    var key = pthread_key_t()
    let status = pthread_key_create(&key) { context in
        _ = ZSTD_freeDCtx(OpaquePointer(context))
    }
    precondition(status == 0, "pthread_key_create failed with \(status)")
    return key
}()
