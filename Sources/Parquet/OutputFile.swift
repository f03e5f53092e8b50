#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file opened for writing with POSIX calls, tracking its size; errors name the user's path.
final class OutputFile {
    private var fd: Int32
    let reportedPath: String
    private(set) var offset = 0

    init(path: String, reportedPath: String) throws(ParquetError) {
        self.reportedPath = reportedPath
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: reportedPath, errno: errno, operation: "create") }
    }

    func write(_ bytes: [UInt8]) throws(ParquetError) {
        var done = 0
        let result: Int32 = bytes.withUnsafeBytes { buf in
            while done < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + done, buf.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                done += n
            }
            return 0
        }
        guard result == 0 else { throw .io(path: reportedPath, errno: result, operation: "write") }
        offset += bytes.count
    }

    func syncAndClose() throws(ParquetError) {
        guard fsync(fd) == 0 else { throw .io(path: reportedPath, errno: errno, operation: "fsync") }
        guard Glibc.close(fd) == 0 else { throw .io(path: reportedPath, errno: errno, operation: "close") }
        fd = -1
    }

    func closeQuietly() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    deinit { closeQuietly() }

    /// Makes a rename durable by syncing the folder that holds `path`.
    static func syncDirectory(of path: String) {
        var dir = path
        if let slash = dir.lastIndex(of: "/") { dir = String(dir[..<slash]) } else { dir = "." }
        if dir.isEmpty { dir = "/" }
        let d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if d >= 0 {
            _ = fsync(d)
            _ = Glibc.close(d)
        }
    }
}
