internal import CLibdeflate

/// Whole-buffer gzip (RFC 1952) compression with libdeflate. Not thread-safe: one per thread.
///
/// Each call produces one complete gzip member (`1f 8b 08`, MTIME 0, then deflate data, CRC-32 and ISIZE), the
/// unit a Parquet GZIP page holds. The output depends only on the input and the level, never on time or host.
/// Reuse one compressor for many pages: allocating one costs far more than compressing a small page.
public final class GzipCompressor {
    /// The libdeflate level, 0 (stored) ... 12 (slowest, smallest). 6 is the Parquet default.
    public let level: Int
    private let compressor: OpaquePointer

    /// Levels accepted by libdeflate.
    static let levels = 0...12

    public init(level: Int = 6) throws(CodecError) {
        guard Self.levels.contains(level) else { throw .invalidLevel(level) }
        guard let compressor = libdeflate_alloc_compressor(Int32(level)) else {
            fatalError("libdeflate_alloc_compressor(\(level)) failed: out of memory")
        }
        self.level = level
        self.compressor = compressor
    }

    deinit {
        libdeflate_free_compressor(compressor)
    }

    /// Compresses `input` into one RFC 1952 gzip member (header 1f 8b 08 ..., CRC32 + ISIZE trailer).
    public func compress(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        let bound = libdeflate_gzip_compress_bound(compressor, input.count)
        return [UInt8](unsafeUninitializedCapacity: bound) { buffer, initializedCount in
            initializedCount = compress(input, into: UnsafeMutableRawPointer(buffer.baseAddress!), capacity: bound)
        }
    }

    /// Appends the compressed member to `output` (avoids an extra allocation); returns bytes appended.
    @discardableResult
    public func compress(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) -> Int {
        let bound = libdeflate_gzip_compress_bound(compressor, input.count)
        let start = output.count
        // Array has no way to append uninitialised bytes, so reserve the bound as zeros and trim what is unused.
        output.append(contentsOf: repeatElement(0, count: bound))
        let written = output.withUnsafeMutableBytes { bytes in
            compress(input, into: bytes.baseAddress! + start, capacity: bound)
        }
        output.removeLast(bound - written)
        return written
    }

    private func compress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer, capacity: Int) -> Int {
        let written = libdeflate_gzip_compress(compressor, input.nonNullBase, input.count, output, capacity)
        // libdeflate returns 0 only when the output does not fit, which its own bound rules out.
        precondition(written > 0, "libdeflate_gzip_compress overflowed libdeflate_gzip_compress_bound")
        return written
    }
}
