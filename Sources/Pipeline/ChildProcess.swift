import CSpawn
import Foundation

/// Starts a program (fork and exec in the `CSpawn` shim) and waits for it with wait4, so the
/// caller gets the exit status and the child's peak memory, and a crashing child never takes the
/// caller down.
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
        /// fork or exec failed: usually the program does not exist or is not executable.
        case cannotStart(program: String, errno: Int32)
    }

    /// Starts `argv` and returns its pid. A bare `argv[0]` is looked up in `environment`'s PATH.
    /// With `captureOutput`, the child's stdout and stderr go to a new pipe whose read end is returned.
    /// With `diesWithParent`, the kernel kills the child (SIGKILL) when the calling thread's process
    /// dies, so a killed driver leaves no stage running; call `wait` from the same thread.
    public static func spawn(
        _ argv: [String], environment: [String: String], workingDirectory: String? = nil,
        captureOutput: Bool = false, newProcessGroup: Bool = false, diesWithParent: Bool = false
    )
        throws(Failure) -> (pid: pid_t, output: Int32?)
    {
        precondition(!argv.isEmpty, "empty argv")
        var pipeEnds: [Int32] = [-1, -1]
        if captureOutput {
            guard pipe(&pipeEnds) == 0 else { throw .cannotStart(program: argv[0], errno: errno) }
            _ = fcntl(pipeEnds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(pipeEnds[1], F_SETFD, FD_CLOEXEC)
        }
        // posix_spawnp would search the PATH of the caller, not of `environment`: look it up here.
        let program =
            argv[0].contains("/")
            ? argv[0] : lookup(argv[0], path: environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin") ?? argv[0]
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var failure: Int32 = 0
        let pid = bespoke_spawn(
            program, cArgs, cEnv, workingDirectory, captureOutput ? pipeEnds[1] : -1, newProcessGroup ? 1 : 0,
            diesWithParent ? 1 : 0, &failure)
        if captureOutput { close(pipeEnds[1]) }
        guard pid > 0 else {
            if captureOutput { close(pipeEnds[0]) }
            throw .cannotStart(program: argv[0], errno: failure)
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
}
