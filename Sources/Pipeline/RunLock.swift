import Foundation

/// The exclusive lock of one run folder: `flock` on `runs/ID/.lock`, holding the owner's pid.
///
/// The kernel drops a flock when its last holder exits, so a lock left by a killed process never
/// blocks the next run. A driver passes its lock to the stages it starts by inheritance
/// (`BESPOKE_LOCK_FD`): the child shares the same open file description, and so the same lock.
public final class RunLock {
    /// The environment variable naming an inherited, already locked descriptor.
    public static let inheritedDescriptorVariable = "BESPOKE_LOCK_FD"

    public let path: String
    public let run: String
    /// The locked descriptor; stays open (and locked) until `release()` or exit.
    public private(set) var descriptor: Int32

    private init(path: String, run: String, descriptor: Int32) {
        self.path = path
        self.run = run
        self.descriptor = descriptor
    }

    /// Locks `path` without waiting, or adopts the descriptor a parent passed in `environment`.
    /// Throws `.locked` naming the holder's pid when another process has it.
    public static func acquire(
        path: String, run: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    )
        throws(EngineError) -> RunLock
    {
        if let inherited = environment[inheritedDescriptorVariable].flatMap(Int32.init),
            let lock = adopt(descriptor: inherited, path: path, run: run)
        {
            return lock
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(.cannotCreate(path: path, errno: errno)) }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let e = errno
            let holder = liveHolder(fd)
            close(fd)
            if e == EWOULDBLOCK { throw .locked(run: run, pid: holder) }
            throw .io(.cannotOpen(path: path, errno: e))
        }
        let text = Array("\(getpid())\n".utf8)
        ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return RunLock(path: path, run: run, descriptor: fd)
    }

    /// Uses a descriptor inherited from the parent if it is this very lock file and still locked by us.
    private static func adopt(descriptor fd: Int32, path: String, run: String) -> RunLock? {
        var a = stat()
        var b = stat()
        guard fstat(fd, &a) == 0, stat(path, &b) == 0, a.st_dev == b.st_dev, a.st_ino == b.st_ino else { return nil }
        // Same open file description as the holder: flock succeeds and changes nothing.
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return RunLock(path: path, run: run, descriptor: fd)
    }

    /// The pid recorded in the lock file at `path`, if any (for messages and `status`).
    public static func recordedPid(path: String) -> Int32? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return readPid(fd)
    }

    /// The pid of a live process holding the lock open on `fd`'s file: the recorded owner while it
    /// runs; otherwise (the owner died, a child that inherited the lock lives on) a process with the
    /// file open, found in /proc; nil when none can be seen.
    private static func liveHolder(_ fd: Int32) -> Int32? {
        if let recorded = readPid(fd), isAlive(recorded) { return recorded }
        var target = stat()
        guard fstat(fd, &target) == 0 else { return nil }
        let me = getpid()
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        let pids = processes.compactMap(Int32.init).filter { $0 != me }.sorted()
        for pid in pids {
            let fdDirectory = "/proc/\(pid)/fd"
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: fdDirectory)) ?? [] {
                var st = stat()
                if stat(fdDirectory + "/" + entry, &st) == 0, st.st_dev == target.st_dev, st.st_ino == target.st_ino {
                    return pid
                }
            }
        }
        return nil
    }

    /// Whether process `pid` runs. A zombie does not: it has exited (its descriptors, and so any
    /// lock, are gone) and only waits to be reaped.
    public static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = stat.range(of: ") ", options: .backwards)
        else { return true }
        return stat[end.upperBound...].first != "Z"
    }

    private static func readPid(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The descriptor with close-on-exec cleared, for a child that must share the lock; pass its
    /// number in `inheritedDescriptorVariable`.
    public func inheritableDescriptor() -> Int32 {
        _ = fcntl(descriptor, F_SETFD, 0)
        return descriptor
    }

    /// Sets close-on-exec again, so programs that must not hold the lock do not inherit it.
    public func stopInheritance() { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }

    public func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
