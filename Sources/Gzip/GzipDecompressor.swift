internal import CLibdeflate

/// Whole-buffer decompression with libdeflate. Not thread-safe: one per thread.
///
/// Accepts what Parquet GZIP pages hold in practice (parquet-notes §6): one gzip member, several concatenated
/// members, or a zlib (RFC 1950) stream, which pyarrow also writes and reads. Raw deflate is rejected, and so is
/// anything after the last member that does not start a new one (zero padding included). Reuse one decompressor
/// for many pages.
public final class GzipDecompressor {
    private let decompressor: OpaquePointer

    public init() {
        guard let decompressor = libdeflate_alloc_decompressor() else {
            fatalError("libdeflate_alloc_decompressor failed: out of memory")
        }
        self.decompressor = decompressor
    }

    deinit {
        libdeflate_free_decompressor(decompressor)
    }

    /// Inflates `input` — one or more concatenated gzip members, or a zlib (RFC 1950) stream
    /// (auto-detected by the first bytes: 1f 8b = gzip; otherwise try zlib) — into `output`,
    /// which must be filled EXACTLY (its count is the known uncompressed size). Throws
    /// .sizeMismatch when the data inflates to fewer bytes, .sizeLimitExceeded(limit: output.count)
    /// when it would inflate to more, .corrupt with libdeflate's code on bad data.
    public func decompress(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(CodecError) {
        let format = Format(input)
        switch try inflate(input, format: format, into: output.nonNullBase, capacity: output.count) {
        case .complete(let produced):
            guard produced == output.count else {
                throw .sizeMismatch(codec: format.codec, expected: output.count, got: produced)
            }
        case .outOfSpace(let streamOffset, let space):
            throw Self.diagnoseOverflow(
                format: format, stream: UnsafeRawBufferPointer(rebasing: input[streamOffset...]),
                streamOffset: streamOffset, space: space, limit: output.count)
        }
    }

    /// Inflates data of unknown size (gzip, multi-member) up to `limit` bytes; throws .sizeLimitExceeded past it.
    ///
    /// Also accepts a zlib stream, like the exact-size variant. The first attempt sizes its buffer from the last
    /// member's ISIZE (capped by `limit` and by deflate's maximum ratio, so a lying trailer cannot force a huge
    /// allocation); when the data does not fit, the buffer doubles and inflation restarts, never past `limit`.
    public func decompress(_ input: UnsafeRawBufferPointer, limit: Int) throws(CodecError) -> [UInt8] {
        precondition(limit >= 0, "negative inflation limit \(limit)")
        let format = Format(input)
        var capacity = Self.initialCapacity(input, format: format, limit: limit)
        while true {
            var failure: CodecError?
            var outOfSpace: (streamOffset: Int, space: Int)?
            let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initializedCount in
                initializedCount = 0
                do throws(CodecError) {
                    let target = UnsafeMutableRawBufferPointer(buffer).nonNullBase
                    switch try inflate(input, format: format, into: target, capacity: capacity) {
                    case .complete(let produced): initializedCount = produced
                    case .outOfSpace(let streamOffset, let space): outOfSpace = (streamOffset, space)
                    }
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
            guard let outOfSpace else { return output }
            guard capacity < limit else {
                throw Self.diagnoseOverflow(
                    format: format, stream: UnsafeRawBufferPointer(rebasing: input[outOfSpace.streamOffset...]),
                    streamOffset: outOfSpace.streamOffset, space: outOfSpace.space, limit: limit)
            }
            capacity = capacity > limit / 2 ? limit : capacity * 2
        }
    }

    // MARK: - Inflation

    /// The container around the deflate data, told apart by the first bytes.
    enum Format {
        case gzip
        case zlib

        init(_ input: UnsafeRawBufferPointer) {
            // Empty input and a lone 1f are truncated gzip members (the format Parquet writes) rather than zlib.
            if input.isEmpty || (input[0] == 0x1f && (input.count == 1 || input[1] == 0x8b)) {
                self = .gzip
            } else {
                self = .zlib
            }
        }

        var codec: String {
            switch self {
            case .gzip: return "gzip"
            case .zlib: return "zlib"
            }
        }
    }

    /// How an inflation into a fixed buffer ended.
    enum Outcome {
        /// All input inflated into this many bytes.
        case complete(Int)
        /// libdeflate ran out of space in the stream starting at `streamOffset`, with `space` bytes left for it.
        /// Usually the data inflates to more than the buffer holds, but a truncated stream can look the same.
        case outOfSpace(streamOffset: Int, space: Int)
    }

    /// Inflates all of `input` into `output[0..<capacity]`.
    private func inflate(
        _ input: UnsafeRawBufferPointer, format: Format,
        into output: UnsafeMutableRawPointer, capacity: Int
    ) throws(CodecError) -> Outcome {
        guard !input.isEmpty else { throw .truncated(codec: format.codec) }
        switch format {
        case .gzip: return try inflateMembers(input, into: output, capacity: capacity)
        case .zlib: return try inflateZlib(input, into: output, capacity: capacity)
        }
    }

    /// Inflates gzip members one after another into the space the previous ones left.
    private func inflateMembers(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer, capacity: Int
    ) throws(CodecError) -> Outcome {
        let base = input.nonNullBase
        var inputOffset = 0
        var outputOffset = 0
        while true {
            var consumed = 0
            var produced = 0
            let result = libdeflate_gzip_decompress_ex(
                decompressor, base + inputOffset, input.count - inputOffset,
                output + outputOffset, capacity - outputOffset, &consumed, &produced)
            switch result {
            case LIBDEFLATE_SUCCESS:
                inputOffset += consumed
                outputOffset += produced
            case LIBDEFLATE_INSUFFICIENT_SPACE:
                return .outOfSpace(streamOffset: inputOffset, space: capacity - outputOffset)
            default:
                throw Self.diagnoseFailure(
                    result, format: .gzip, stream: UnsafeRawBufferPointer(rebasing: input[inputOffset...]),
                    streamOffset: inputOffset, space: capacity - outputOffset)
            }
            let rest = input.count - inputOffset
            if rest == 0 { return .complete(outputOffset) }
            let startsMember = input[inputOffset] == 0x1f && (rest == 1 || input[inputOffset + 1] == 0x8b)
            guard startsMember else {
                throw .corrupt(
                    codec: "gzip", code: Int32(LIBDEFLATE_BAD_DATA.rawValue),
                    detail: "\(rest) bytes after the gzip member ending at input offset \(inputOffset) "
                        + "do not start another member (first byte 0x\(String(input[inputOffset], radix: 16)))")
            }
        }
    }

    /// Inflates one zlib stream, which must use all of `input`.
    private func inflateZlib(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer, capacity: Int
    ) throws(CodecError) -> Outcome {
        var consumed = 0
        var produced = 0
        let result = libdeflate_zlib_decompress_ex(
            decompressor, input.nonNullBase, input.count, output, capacity, &consumed, &produced)
        switch result {
        case LIBDEFLATE_SUCCESS:
            guard consumed == input.count else {
                throw .corrupt(
                    codec: "zlib", code: Int32(LIBDEFLATE_BAD_DATA.rawValue),
                    detail: "\(input.count - consumed) bytes follow the zlib stream ending at input offset \(consumed)")
            }
            return .complete(produced)
        case LIBDEFLATE_INSUFFICIENT_SPACE:
            return .outOfSpace(streamOffset: 0, space: capacity)
        default:
            throw Self.diagnoseFailure(result, format: .zlib, stream: input, streamOffset: 0, space: capacity)
        }
    }

    /// A first buffer size for data of unknown size: the last gzip member's ISIZE when there is one, else 4×.
    private static func initialCapacity(_ input: UnsafeRawBufferPointer, format: Format, limit: Int) -> Int {
        // Deflate cannot expand more than about 1032:1, so a larger hint is a lie (or a wrapped ISIZE).
        let possible = input.count.multipliedReportingOverflow(by: 1032)
        let ceiling = possible.overflow ? Int.max : possible.partialValue + 1024
        var hint = input.count.multipliedReportingOverflow(by: 4).overflow ? Int.max : input.count * 4
        if format == .gzip && input.count >= 18 {
            let trailer = input.count - 4
            hint =
                Int(input[trailer]) | Int(input[trailer + 1]) << 8
                | Int(input[trailer + 2]) << 16 | Int(input[trailer + 3]) << 24
        }
        return min(limit, ceiling, max(hint, 256))
    }
}
