/// A failure in a codec, carrying the library's own return code where there is one.
///
/// `codec` names the format being decoded ("gzip", "zlib", "snappy", "zstd"); `code` is the return code of the
/// library that reported the failure (libdeflate's `libdeflate_result`, zlib's `Z_*`, snappy's `snappy_status`,
/// zstd's `ZSTD_ErrorCode`), and `detail` says which library and what it said.
public enum CodecError: Error, Equatable, CustomStringConvertible {
    /// A compression level outside 0...12 (libdeflate, `GzipCompressor`) or 0...9 (zlib, `GzipFileWriter`).
    case invalidLevel(Int)
    /// The library rejected the data; `code` is its return code.
    case corrupt(codec: String, code: Int32, detail: String)
    /// Inflation would pass `limit` bytes of output (the gzip-bomb guard, or an exact-size buffer that is too small).
    case sizeLimitExceeded(codec: String, limit: Int)
    /// The data decompressed (or declares it decompresses) to `got` bytes where the caller said `expected`.
    case sizeMismatch(codec: String, expected: Int, got: Int)
    /// The input ended inside a stream.
    case truncated(codec: String)
    /// Opening, reading, writing or closing a file failed with `errno`.
    case io(path: String, errno: Int32, detail: String)

    public var description: String {
        switch self {
        case .invalidLevel(let level):
            return "invalid compression level \(level): expected 0...12 (libdeflate, gzip pages) "
                + "or 0...9 (zlib, gzip files)"
        case .corrupt(let codec, let code, let detail):
            return "\(codec): corrupt stream (code \(code): \(detail))"
        case .sizeLimitExceeded(let codec, let limit):
            return "\(codec): data inflates to more than the limit of \(limit) bytes"
        case .sizeMismatch(let codec, let expected, let got):
            return "\(codec): expected \(expected) decompressed bytes, got \(got)"
        case .truncated(let codec):
            return "\(codec): truncated input (it ends inside a compressed stream)"
        case .io(let path, let errno, let detail):
            return "\(path): \(detail) (errno \(errno))"
        }
    }
}
