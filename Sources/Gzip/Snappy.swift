internal import CSnappy

/// Snappy decompression for Parquet files written by others (pyarrow's default codec).
public enum Snappy {
    /// Decompresses a raw snappy block (what Parquet SNAPPY pages hold) into `output`, which must be filled exactly.
    ///
    /// The block's declared length is checked against `output.count` before anything is decompressed, so a hostile
    /// length can neither overrun the buffer nor leave it partly filled.
    public static func decompress(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(CodecError) {
        let compressed = input.nonNullBase.assumingMemoryBound(to: CChar.self)
        var declared = 0
        let lengthStatus = snappy_uncompressed_length(compressed, input.count, &declared)
        guard lengthStatus == SNAPPY_OK else {
            throw .corrupt(
                codec: "snappy", code: Int32(bitPattern: lengthStatus.rawValue),
                detail: "snappy_uncompressed_length: \(statusName(lengthStatus)) (no valid length header)")
        }
        guard declared == output.count else {
            throw .sizeMismatch(codec: "snappy", expected: output.count, got: declared)
        }
        var length = output.count
        let status = snappy_uncompress(
            compressed, input.count, output.nonNullBase.assumingMemoryBound(to: CChar.self), &length)
        guard status == SNAPPY_OK else {
            throw .corrupt(
                codec: "snappy", code: Int32(bitPattern: status.rawValue),
                detail: "snappy_uncompress: \(statusName(status))")
        }
        guard length == output.count else {
            throw .sizeMismatch(codec: "snappy", expected: output.count, got: length)
        }
    }

    private static func statusName(_ status: snappy_status) -> String {
        switch status {
        case SNAPPY_OK: return "ok"
        case SNAPPY_INVALID_INPUT: return "invalid input"
        case SNAPPY_BUFFER_TOO_SMALL: return "buffer too small"
        default: return "status \(status.rawValue)"
        }
    }
}
