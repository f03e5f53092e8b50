import Foundation
import Pipeline
import TestSupport
import Testing

@Suite struct RunLockTests {
    @Test func secondAcquireFailsNamingTheHolder() throws {
        let dir = TemporaryDirectory("lock")
        defer { dir.remove() }
        let path = dir.file(".lock")
        let first = try RunLock.acquire(path: path, run: "r1", environment: [:])
        #expect(throws: EngineError.locked(run: "r1", pid: getpid())) {
            try RunLock.acquire(path: path, run: "r1", environment: [:])
        }
        #expect(EngineError.locked(run: "r1", pid: 42).exitStatus.rawValue == 75)
        #expect(
            EngineError.locked(run: "r1", pid: 42).description
                == "run r1 is locked by pid 42; wait for it to finish or pass another --run")
        first.release()
        // Other tests spawn processes concurrently; a child between its clone and exec briefly
        // shares our descriptors, so the released lock may take a moment to become free.
        var again: RunLock?
        for _ in 0..<100 where again == nil {
            again = try? RunLock.acquire(path: path, run: "r1", environment: [:])
            if again == nil { usleep(10_000) }
        }
        #expect(again != nil)
        again?.release()
    }

    @Test func anInheritedDescriptorOfTheSameLockIsAdopted() throws {
        let dir = TemporaryDirectory("lock")
        defer { dir.remove() }
        let path = dir.file(".lock")
        let holder = try RunLock.acquire(path: path, run: "r1", environment: [:])
        let fd = holder.inheritableDescriptor()
        // What a child sees: the same open file description, so the same lock.
        let child = try RunLock.acquire(
            path: path, run: "r1",
            environment: [RunLock.inheritedDescriptorVariable: String(fd)])
        #expect(child.descriptor == fd)
        // A descriptor of some other file is not a lock.
        let other = open(dir.file("other"), O_RDWR | O_CREAT, 0o644)
        defer { close(other) }
        #expect(throws: EngineError.locked(run: "r1", pid: getpid())) {
            try RunLock.acquire(
                path: path, run: "r1",
                environment: [RunLock.inheritedDescriptorVariable: String(other)])
        }
        holder.release()
    }

    @Test func twoConcurrentRunsExactlyOneProceedsTheOtherExits75() throws {
        let h = try EngineHarness("concurrent")
        try h.writePipeline([h.stage("slow", inputs: ["raw"], outputs: ["t"], params: ["sleep": 1.5])])
        let one = try h.start(["run", "--run", "r1"])
        let two = try h.start(["run", "--run", "r1"])
        let endOne = ChildProcess.wait(one.pid)
        let endTwo = ChildProcess.wait(two.pid)
        let codes = [endOne.exitCode, endTwo.exitCode]
        #expect(codes.sorted { ($0 ?? -1) < ($1 ?? -1) } == [0, 75])
        let loser = endOne.exitCode == 75 ? one : two
        let winner = endOne.exitCode == 75 ? two : one
        #expect(
            h.read(loser.stderr) == "bespoke: run r1 is locked by pid \(winner.pid); "
                + "wait for it to finish or pass another --run\n")
        #expect(h.executed() == ["slow"])
        // A stage run directly (as make does) is refused too while a driver holds the run.
        let three = try h.start(["run", "--run", "r1", "--force"])
        while !FileManager.default.fileExists(atPath: h.tracePath) { usleep(20_000) }
        let direct = try h.bespoke("stage", "--run", "r1", "--stage", "slow", "--force")
        #expect(direct.status == 75)
        #expect(ChildProcess.wait(three.pid).exitCode == 0)
    }

    @Test func aKilledHoldersLockDoesNotBlockTheNextRun() throws {
        let h = try EngineHarness("killed")
        try h.writePipeline([h.stage("slow", inputs: ["raw"], outputs: ["t"], params: ["sleep": 30])])
        let victim = try h.start(["run", "--run", "r1"])
        // Wait until the stage program is running, then kill the driver and everything it started.
        while !FileManager.default.fileExists(atPath: h.tracePath) { usleep(20_000) }
        kill(-victim.pid, SIGKILL)
        _ = ChildProcess.wait(victim.pid)
        #expect(RunLock.recordedPid(path: h.root + "/runs/r1/.lock") == victim.pid)
        try h.writePipeline([h.stage("slow", inputs: ["raw"], outputs: ["t"], params: [:])])
        let next = try h.bespoke("run", "--run", "r1")
        #expect(next.status == 0, "\(next.stderr)")
        // The killed attempt's temporary folder was cleared away.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: h.root + "/runs/r1")
            .filter { $0.contains(".tmp-") }
        #expect(leftovers == [])
    }

    /// `kill -9` of the driver alone (issue 12): its stage and the stage's program die with it, so
    /// nothing holds the lock or commits later; run.json's "running" reads as interrupted.
    @Test func killingTheDriverKillsItsStagesAndFreesTheLock() throws {
        let h = try EngineHarness("orphans")
        let pidFile = h.root + "/program.pid"
        try h.writePipeline([
            h.stage("slow", inputs: ["raw"], outputs: ["t"], params: ["sleep": 30, "pid_file": .string(pidFile)])
        ])
        let victim = try h.start(["run", "--run", "r1"])
        while !FileManager.default.fileExists(atPath: pidFile) { usleep(20_000) }
        let program = try #require(Int32(h.read(pidFile)))
        kill(victim.pid, SIGKILL)
        _ = ChildProcess.wait(victim.pid)
        // The kernel delivers the parent-death signal down the chain; wait for it without timing it.
        var running = true
        for _ in 0..<1000 where running {
            running = RunLock.isAlive(program)
            if running { usleep(10_000) }
        }
        #expect(!running, "the stage program \(program) outlived the killed driver")
        let runs = try h.bespoke("runs")
        #expect(runs.stdout.split(separator: "\n").contains { $0.hasPrefix("r1 ") && $0.contains(" interrupted ") })
        #expect(runs.stdout.contains("1 interrupted"))
        let status = try h.bespoke("status", "--run", "r1")
        #expect(status.stdout.contains("its last attempt was interrupted (pid "), "\(status.stdout)")

        try h.writePipeline([h.stage("slow", inputs: ["raw"], outputs: ["t"], params: [:])])
        let next = try h.bespoke("run", "--run", "r1")
        #expect(next.status == 0, "\(next.stderr)")
        #expect(h.executed() == ["slow", "slow"])
        #expect(try RunRecord.load(h.runFolder("r1"))?.status == .succeeded)
    }

    /// When the recorded owner is gone but a process it started still holds the lock, the
    /// message names that live process, not the dead pid.
    @Test func aLockHeldByAnInheritorNamesTheLiveHolder() throws {
        let dir = TemporaryDirectory("lock")
        defer { dir.remove() }
        let path = dir.file(".lock")
        let lock = try RunLock.acquire(path: path, run: "r1", environment: [:])
        _ = lock.inheritableDescriptor()
        let holder = try ChildProcess.spawn(["/bin/sleep", "60"], environment: [:]).pid
        defer {
            kill(holder, SIGKILL)
            _ = ChildProcess.wait(holder)
        }
        lock.stopInheritance()
        lock.release()
        let gone = try ChildProcess.spawn(["/bin/true"], environment: [:]).pid
        _ = ChildProcess.wait(gone)
        // The lock file names a pid that no longer runs, as after `kill -9` of a driver.
        let fd = open(path, O_WRONLY | O_TRUNC)
        let text = Array("\(gone)\n".utf8)
        _ = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        // (A child another test spawns at the instant the descriptor is inheritable may hold it
        // too; any live holder is a right answer, the dead pid never is.)
        do {
            _ = try RunLock.acquire(path: path, run: "r1", environment: [:])
            Issue.record("the lock was taken while \(holder) holds it")
        } catch {
            guard case .locked(let run, let pid?) = error else {
                Issue.record("expected .locked naming a pid, got \(error)")
                return
            }
            #expect(run == "r1")
            #expect(pid != gone && RunLock.isAlive(pid))
        }
    }
}
