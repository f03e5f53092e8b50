import Foundation

/// Crash-safe file-system steps: whole-file writes by temporary name and rename, fsync of files
/// and folders, and the atomic exchange of two folders.
///
/// Every step that publishes something is a rename, and everything renamed was fsynced first,
/// so a crash at any instant leaves either the old or the new state on disk.
public enum DurableFiles {
    /// Writes `bytes` to `path` through `path.tmp-<pid>`, fsyncing the file and its folder.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(ArtifactIOError) {
        let temporary = path + ".tmp-\(getpid())"
        try write(bytes, to: temporary)
        if rename(temporary, path) != 0 {
            let e = errno
            unlink(temporary)
            throw .renameFailed(from: temporary, to: path, errno: e)
        }
        try syncDirectory((path as NSString).deletingLastPathComponent)
    }

    /// Writes `bytes` to a new or truncated file at `path` and fsyncs it.
    public static func write(_ bytes: [UInt8], to path: String) throws(ArtifactIOError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotCreate(path: path, errno: errno) }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .writeFailed(path: path, errno: errno)
            }
            offset += n
        }
        guard fsync(fd) == 0 else { throw .syncFailed(path: path, errno: errno) }
    }

    public static func syncFile(_ path: String) throws(ArtifactIOError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .syncFailed(path: path, errno: errno) }
    }

    public static func syncDirectory(_ path: String) throws(ArtifactIOError) {
        let fd = open(path.isEmpty ? "." : path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .syncFailed(path: path, errno: errno) }
    }

    /// Creates `path` and any missing parents.
    public static func makeDirectory(_ path: String) throws(ArtifactIOError) {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue { return }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreate(path: path, errno: (error as NSError).code == 0 ? EIO : Int32(EACCES))
        }
    }

    /// Removes a file or a folder tree; a missing path is not an error.
    public static func remove(_ path: String) throws(ArtifactIOError) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw .cannotRemove(path: path, errno: EIO)
        }
    }

    /// Puts the complete folder `source` at `destination` in one atomic step.
    ///
    /// When `destination` exists, the two are exchanged with renameat2(RENAME_EXCHANGE) and the
    /// old content, now at `source`, is removed: at every instant `destination` is a complete
    /// folder. Returns after the parent folder is fsynced.
    public static func publishDirectory(_ source: String, at destination: String) throws(ArtifactIOError) {
        let parent = (destination as NSString).deletingLastPathComponent
        var st = stat()
        if lstat(destination, &st) == 0 {
            if let exchange = renameExchange {
                if exchange(AT_FDCWD, source, AT_FDCWD, destination, renameExchangeFlag) == 0 {
                    try syncDirectory(parent)
                    try remove(source)
                    return
                }
                // A filesystem without RENAME_EXCHANGE (some NFS/FUSE mounts) takes the path below.
                let e = errno
                guard e == EINVAL || e == ENOSYS || e == EOPNOTSUPP else {
                    throw .renameFailed(from: source, to: destination, errno: e)
                }
            }
            // Without an exchange there is a moment with no folder at all, never a partial one;
            // `RunFolder.removeLeftovers` puts the old folder back if a crash lands in it.
            let aside = destination + ".old-\(getpid())"
            guard rename(destination, aside) == 0 else {
                throw .renameFailed(from: destination, to: aside, errno: errno)
            }
            guard rename(source, destination) == 0 else {
                throw .renameFailed(from: source, to: destination, errno: errno)
            }
            try syncDirectory(parent)
            try remove(aside)
            return
        }
        guard rename(source, destination) == 0 else {
            throw .renameFailed(from: source, to: destination, errno: errno)
        }
        try syncDirectory(parent)
    }

    private typealias RenameAt2 =
        @convention(c) (
            Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32
        ) -> Int32
    private static let renameExchangeFlag: UInt32 = 1 << 1  // RENAME_EXCHANGE

    /// glibc's renameat2, looked up at run time because Swift's Glibc module does not export it.
    private static let renameExchange: RenameAt2? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: RenameAt2.self)
    }()

    /// Replaces the symbolic link `link` with one pointing at `target`, atomically.
    public static func replaceSymlink(_ link: String, pointingTo target: String) throws(ArtifactIOError) {
        let temporary = link + ".tmp-\(getpid())"
        unlink(temporary)
        guard symlink(target, temporary) == 0 else { throw .cannotCreate(path: temporary, errno: errno) }
        guard rename(temporary, link) == 0 else {
            let e = errno
            unlink(temporary)
            throw .renameFailed(from: temporary, to: link, errno: e)
        }
        try syncDirectory((link as NSString).deletingLastPathComponent)
    }

    /// Whole content of a file, or nil if it does not exist.
    public static func read(_ path: String) throws(ArtifactIOError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw .cannotOpen(path: path, errno: errno)
        }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .readFailed(path: path, errno: errno)
            }
            if n == 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        return out
    }
}
