import Foundation

/// Starts a program with posix_spawn and waits for it with wait4, so the caller gets the exit
/// status and the child's peak memory, and a crashing child never takes the caller down.
///
/// Foundation's Process hides the rusage and may close descriptors a child must inherit (the
/// run lock); this keeps both in hand.
public enum ChildProcess {
    public struct Termination: Sendable, Equatable {
        /// The exit code, when the program exited.
        public var exitCode: Int32?
        /// The signal that killed it, when one did.
        public var signal: Int32?
        /// ru_maxrss of the child, in bytes.
        public var peakMemoryBytes: Int64

        public var succeeded: Bool { exitCode == 0 }
    }

    public enum Failure: Error, Equatable {
        /// posix_spawn failed: usually the program does not exist or is not executable.
        case cannotStart(program: String, errno: Int32)
    }

    /// Starts `argv` and returns its pid. `searchPath` resolves `argv[0]` through PATH.
    /// With `output`, the child's stdout and stderr go to a new pipe whose read end is returned.
    public static func spawn(
        _ argv: [String], environment: [String: String], workingDirectory: String? = nil,
        captureOutput: Bool = false, newProcessGroup: Bool = false
    )
        throws(Failure) -> (pid: pid_t, output: Int32?)
    {
        precondition(!argv.isEmpty, "empty argv")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        // Children start with default signal handling and nothing blocked, whatever the parent set.
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var flags = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        if newProcessGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        var pipeEnds: [Int32] = [-1, -1]
        if captureOutput {
            guard pipe(&pipeEnds) == 0 else { throw .cannotStart(program: argv[0], errno: errno) }
            _ = fcntl(pipeEnds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(pipeEnds[1], F_SETFD, FD_CLOEXEC)
            posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
            posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 2)
        }
        if let workingDirectory, let chdir = addChdir {
            _ = chdir(&actions, workingDirectory)
        }

        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc: Int32
        if argv[0].contains("/") {
            rc = posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, cEnv)
        } else {
            // posix_spawnp searches the PATH of the caller, not of `environment`; look it up ourselves.
            let resolved = lookup(argv[0], path: environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
            rc = posix_spawn(&pid, resolved ?? argv[0], &actions, &attributes, cArgs, cEnv)
        }
        if captureOutput { close(pipeEnds[1]) }
        guard rc == 0 else {
            if captureOutput { close(pipeEnds[0]) }
            throw .cannotStart(program: argv[0], errno: rc)
        }
        return (pid, captureOutput ? pipeEnds[0] : nil)
    }

    /// Waits for `pid` and returns how it ended.
    public static func wait(_ pid: pid_t) -> Termination {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            if errno != EINTR { return Termination(exitCode: nil, signal: nil, peakMemoryBytes: 0) }
        }
        let peak = Int64(usage.ru_maxrss) * 1024
        let termSignal = status & 0x7F
        if termSignal == 0 { return Termination(exitCode: (status >> 8) & 0xFF, signal: nil, peakMemoryBytes: peak) }
        return Termination(exitCode: nil, signal: termSignal, peakMemoryBytes: peak)
    }

    /// Reads `fd` to its end, calling `line` for every complete line (and a last partial one).
    public static func readLines(_ fd: Int32, _ line: (String) -> Void) {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            pending.append(contentsOf: buffer[0..<n])
            while let newline = pending.firstIndex(of: 0x0A) {
                line(String(decoding: pending[..<newline], as: UTF8.self))
                pending.removeSubrange(...newline)
            }
        }
        if !pending.isEmpty { line(String(decoding: pending, as: UTF8.self)) }
        close(fd)
    }

    /// The first executable called `name` in the colon-separated `path`.
    public static func lookup(_ name: String, path: String) -> String? {
        for dir in path.split(separator: ":") {
            let candidate = String(dir) + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// The absolute path of the running executable.
    public static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    private typealias AddChdir =
        @convention(c) (
            UnsafeMutablePointer<posix_spawn_file_actions_t>,
            UnsafePointer<CChar>
        ) -> Int32
    /// glibc's posix_spawn_file_actions_addchdir_np (2.29+), which Swift's Glibc module does not export.
    private static let addChdir: AddChdir? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()
}
