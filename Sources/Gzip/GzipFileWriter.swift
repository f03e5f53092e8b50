internal import CZlib

/// Streaming gzip of a file being written with zlib (for exports such as `bespoke export -o out.csv.gz`).
///
/// Writes one gzip member. The file is created (or truncated) by `init`; `finish()` must be called once to write
/// the trailer and close it — a writer dropped without `finish()` leaves a truncated `.gz`, which readers reject.
/// Not thread-safe: one writer per thread. After a write fails, every later call throws the same error.
public final class GzipFileWriter {
    private let file: PosixFile
    private let deflater: ZlibDeflateStream
    /// Compressed bytes waiting to be written to the file: `output[0..<pending]`.
    private let output: UnsafeMutableRawBufferPointer
    private var pending = 0
    private var finished = false
    private var failure: CodecError?

    private static let outputSize = 1 << 18

    public init(path: String, level: Int = 6) throws(CodecError) {
        guard ZlibDeflateStream.levels.contains(level) else { throw .invalidLevel(level) }
        file = try PosixFile.createForWriting(path)
        deflater = ZlibDeflateStream(level: level)
        output = .allocate(byteCount: Self.outputSize, alignment: 16)
    }

    deinit {
        output.deallocate()
    }

    /// Compresses `bytes` into the file; output reaches the disk in chunks of 256 KiB.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(CodecError) {
        if let failure { throw failure }
        precondition(!finished, "GzipFileWriter.write after finish() for \(file.path)")
        var offset = 0
        do throws(CodecError) {
            while offset < bytes.count {
                if pending == output.count { try flush() }
                let step = deflater.deflate(
                    bytes.baseAddress! + offset, count: bytes.count - offset,
                    into: output.baseAddress! + pending, capacity: output.count - pending, finish: false)
                // With input and output space, deflate always progresses; anything else is a zlib bug.
                precondition(step.code == Z_OK, "zlib deflate failed with code \(step.code)")
                offset += step.consumed
                pending += step.produced
            }
        } catch {
            failure = error
            throw error
        }
    }

    /// Flushes Z_FINISH, writes the rest of the member, and closes the file; must be called once.
    ///
    /// A second call does nothing more: it returns if the first succeeded and throws its error if it failed.
    public func finish() throws(CodecError) {
        if let failure { throw failure }
        if finished { return }
        finished = true
        do throws(CodecError) {
            var done = false
            while !done {
                if pending == output.count { try flush() }
                let step = deflater.deflate(
                    output.baseAddress!, count: 0,
                    into: output.baseAddress! + pending, capacity: output.count - pending, finish: true)
                precondition(
                    step.code == Z_OK || step.code == Z_STREAM_END, "zlib deflate failed with code \(step.code)")
                pending += step.produced
                done = step.code == Z_STREAM_END
            }
            try flush()
            try file.close()
        } catch {
            failure = error
            throw error
        }
    }

    private func flush() throws(CodecError) {
        try file.writeAll(UnsafeRawBufferPointer(rebasing: output[..<pending]))
        pending = 0
    }
}
