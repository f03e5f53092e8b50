import Glibc

/// An open file descriptor, closed in `deinit` if not closed before; failures become `CodecError.io` with errno.
final class PosixFile {
    let path: String
    private var descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
    }

    static func openForReading(_ path: String) throws(CodecError) -> PosixFile {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw error(path, "cannot open for reading") }
        return PosixFile(path: path, descriptor: descriptor)
    }

    /// Creates `path`, or truncates it if it exists.
    static func createForWriting(_ path: String) throws(CodecError) -> PosixFile {
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw error(path, "cannot create for writing") }
        return PosixFile(path: path, descriptor: descriptor)
    }

    /// Reads up to `count` bytes; returns 0 at the end of the file.
    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(CodecError) -> Int {
        precondition(descriptor >= 0, "read from closed file \(path)")
        while true {
            let got = Glibc.read(descriptor, buffer, count)
            if got >= 0 { return got }
            if errno != EINTR { throw Self.error(path, "cannot read") }
        }
    }

    /// Writes all of `bytes`, continuing after partial writes.
    func writeAll(_ bytes: UnsafeRawBufferPointer) throws(CodecError) {
        precondition(descriptor >= 0, "write to closed file \(path)")
        var offset = 0
        while offset < bytes.count {
            let wrote = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if wrote >= 0 {
                offset += wrote
            } else if errno != EINTR {
                throw Self.error(path, "cannot write")
            }
        }
    }

    /// Closes the descriptor, reporting the error (a delayed write error on some file systems) if close fails.
    func close() throws(CodecError) {
        guard descriptor >= 0 else { return }
        let result = Glibc.close(descriptor)
        descriptor = -1
        // After EINTR the descriptor is already released on Linux, so it must not be closed again.
        if result != 0 && errno != EINTR { throw Self.error(path, "cannot close") }
    }

    private static func error(_ path: String, _ action: String) -> CodecError {
        let code = errno
        return .io(path: path, errno: code, detail: "\(action): \(String(cString: strerror(code)))")
    }
}
