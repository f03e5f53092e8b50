#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file opened for positioned reads (`pread`), or bytes already in memory; safe to share
/// between reading threads.
final class InputFile: @unchecked Sendable {
    let path: String
    let size: Int
    /// -1 for an in-memory file.
    private let fd: Int32
    private let memory: [UInt8]

    init(path: String) throws(ParquetError) {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: path, errno: errno, operation: "open") }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            Glibc.close(fd)
            throw .io(path: path, errno: e, operation: "stat")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            Glibc.close(fd)
            throw .notParquet(path: path, detail: "not a regular file")
        }
        size = Int(st.st_size)
        memory = []
    }

    /// The file whose content is `bytes`; `name` stands for its path in errors.
    init(bytes: [UInt8], name: String) {
        path = name
        size = bytes.count
        fd = -1
        memory = bytes
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    /// Reads exactly `count` bytes at `offset`, which the caller has checked lie inside the file.
    func read(offset: Int, count: Int) throws(ParquetError) -> [UInt8] {
        precondition(offset >= 0 && count >= 0 && offset + count <= size)
        if fd < 0 { return Array(memory[offset..<offset + count]) }
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        let err: Int32 = out.withUnsafeMutableBytes { buf in
            while done < count {
                let n = pread(fd, buf.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if n == 0 { return EIO }  // the file shrank under us
                done += n
            }
            return 0
        }
        guard err == 0 else { throw .io(path: path, errno: err, operation: "read \(count) bytes at offset \(offset)") }
        return out
    }
}
