import Foundation

/// `bespoke run`: takes the run lock, then runs each selected stage that is not up to date as
/// a child process, in DAG order, and records the run in run.json.
///
/// The driver holds no stage logic: a built-in stage runs as `bespoke-<kind>`, a custom one as
/// `bespoke stage`, both over `StageRunner`. Children share the driver's lock by inheriting its
/// descriptor, so nothing else can write in the run folder meanwhile.
public struct RunDriver {
    public struct Options: Sendable {
        /// Run this stage and every stage after it in execution order.
        public var from: String?
        /// Run only these stages.
        public var only: [String] = []
        public var force = false
        /// After a failure, go on with the stages that do not depend on a failed one.
        public var keepGoing = false
        public var dryRun = false

        public init(
            from: String? = nil, only: [String] = [], force: Bool = false, keepGoing: Bool = false,
            dryRun: Bool = false
        ) {
            self.from = from
            self.only = only
            self.force = force
            self.keepGoing = keepGoing
            self.dryRun = dryRun
        }
    }

    /// Where the stage programs are.
    public struct Launcher: Sendable {
        /// The `bespoke` executable, run as `bespoke stage …` for custom command stages.
        public var bespoke: String
        /// Folders searched first for `bespoke-<kind>` (then PATH).
        public var searchDirectories: [String]
        /// The pipeline path as the user gave it, for the resume hint.
        public var pipelineArgument: String?

        public init(bespoke: String, searchDirectories: [String], pipelineArgument: String? = nil) {
            self.bespoke = bespoke
            self.searchDirectories = searchDirectories
            self.pipelineArgument = pipelineArgument
        }
    }

    /// What happened, stage by stage.
    public struct Summary: Sendable {
        public var ran: [String] = []
        public var upToDate: [String] = []
        public var failed: [(stage: String, exitStatus: Int32)] = []
        public var blocked: [String] = []
        public var notRun: [String] = []
        /// Whether every stage of the pipeline is now up to date (and `latest` was moved).
        public var complete = false
        /// The command that resumes after a failure.
        public var resumeCommand: String?

        public var succeeded: Bool { failed.isEmpty && blocked.isEmpty }
    }

    public let config: PipelineConfig
    public let folder: RunFolder
    public let log: StageLog
    public let options: Options
    public let launcher: Launcher
    public let environment: [String: String]

    public init(
        config: PipelineConfig, folder: RunFolder, log: StageLog, options: Options, launcher: Launcher,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.config = config
        self.folder = folder
        self.log = log
        self.options = options
        self.launcher = launcher
        self.environment = environment
    }

    /// The stages selected by `--from` / `--only`, in execution order.
    public func selectedStages() throws(EngineError) -> [Int] {
        let graph = PipelineGraph(stages: config.stages, sources: config.sources.map(\.name))
        let names = config.stages.map(\.name)
        for name in options.only + (options.from.map { [$0] } ?? []) where !names.contains(name) {
            throw .unknownStage(name, known: names)
        }
        if !options.only.isEmpty {
            return graph.order.filter { options.only.contains(names[$0]) }
        }
        if let from = options.from, let start = graph.order.firstIndex(where: { names[$0] == from }) {
            return Array(graph.order[start...])
        }
        return graph.order
    }

    public func run() throws(EngineError) -> Summary {
        let selected = try selectedStages()
        if options.dryRun { return try dryRun(selected) }
        try checkSourcesExist(for: selected)

        try folder.create()
        let lock = try RunLock.acquire(path: folder.lockPath, run: folder.id, environment: [:])
        defer { lock.release() }
        let startedAt = Timestamp.now()
        let clock = Timestamp.monotonicSeconds()
        try RunRecord.update(folder, config: config) { r in
            r.status = .running
            r.pid = getpid()
            r.pipeline = config.file
            r.pipelineHash = config.hash
            r.started = startedAt
            r.finished = nil
            r.seconds = nil
            r.command = commandLine()
        }
        log.info("run \(folder.id): \(selected.count) of \(config.stages.count) stages selected, in \(folder.path)")

        let evaluator = StageEvaluator(config: config, folder: folder)
        var summary = Summary()
        var failedOrBlocked = Set<Int>()
        var stopped = false
        for i in selected {
            let stage = config.stages[i]
            if stopped {
                summary.notRun.append(stage.name)
                continue
            }
            if let cause = evaluator.graph.ancestors(of: i).intersection(failedOrBlocked).min() {
                log.warning("not run: upstream stage '\(config.stages[cause].name)' failed", stage: stage.name)
                failedOrBlocked.insert(i)
                summary.blocked.append(stage.name)
                try RunRecord.update(folder, config: config) { r in
                    var e = RunRecord.StageEntry(status: .blocked)
                    e.error = "not run: upstream stage '\(config.stages[cause].name)' failed"
                    e.finished = Timestamp.now()
                    r.stages[stage.name] = e
                }
                continue
            }
            if !options.force, let evaluation = try? evaluator.evaluate(i, verifyInputs: false, verifyOutputs: true),
                evaluation.isUpToDate
            {
                log.info("up to date", stage: stage.name)
                summary.upToDate.append(stage.name)
                try RunRecord.update(folder, config: config) { r in
                    var e = RunRecord.StageEntry(status: .upToDate)
                    e.fingerprint = evaluation.fingerprint.digest
                    e.finished = Timestamp.now()
                    e.log = r.stages[stage.name]?.status == .failed ? nil : r.stages[stage.name]?.log
                    r.stages[stage.name] = e
                }
                continue
            }
            let end = try launch(stage, lock: lock)
            evaluator.forget(stage.name)
            if end.succeeded {
                summary.ran.append(stage.name)
                continue
            }
            let exit = end.exitCode ?? SysexitCode.stageFailed.rawValue
            summary.failed.append((stage.name, exit))
            failedOrBlocked.insert(i)
            var message = ""
            try RunRecord.update(folder, config: config) { r in
                var e = r.stages[stage.name] ?? RunRecord.StageEntry(status: .failed)
                if e.status != .failed || end.signal != nil {
                    // The child could not record its failure (it was killed): record it here.
                    e.status = .failed
                    e.error = end.signal.map { "killed by signal \($0)" } ?? "exit \(exit)"
                    e.exitCode = end.signal.map { 128 + $0 } ?? exit
                    e.finished = Timestamp.now()
                }
                message = e.error ?? ""
                r.stages[stage.name] = e
            }
            let how = end.signal.map { "killed by signal \($0)" } ?? "exit \(exit)"
            let head = "stage '\(stage.name)' failed (\(how))"
            // A command stage's own error already says how it ended: say the code once.
            log.error(message.isEmpty ? head : message.hasPrefix(head) ? message : head + ": " + message)
            if !options.keepGoing { stopped = true }
        }

        if let first = summary.failed.first?.stage {
            summary.resumeCommand = resumeCommand(from: first)
        }
        // Stages checked in this run are known; the others (not selected, or after a stop) are
        // evaluated now, as `bespoke status` would.
        let checked = Set(
            (summary.ran + summary.upToDate).compactMap { name in config.stages.firstIndex { $0.name == name } })
        let pending = summary.failed.isEmpty ? evaluator.pendingStages(skipping: checked, verifyOutputs: true) : []
        let finalStatus: RunRecord.Status =
            !summary.failed.isEmpty ? .failed : pending.isEmpty ? .succeeded : .incomplete
        try RunRecord.update(folder, config: config) { r in
            r.finished = Timestamp.now()
            r.seconds = Timestamp.monotonicSeconds() - clock
            r.status = finalStatus
            r.pid = nil
        }
        if finalStatus == .succeeded {
            summary.complete = true
            try folder.markLatest()
            log.info(
                "run \(folder.id) complete: \(summary.ran.count) ran, \(summary.upToDate.count) up to date; "
                    + "latest → \(folder.id)")
        } else if let resume = summary.resumeCommand {
            log.error("Fix the cause, then resume with: \(resume)")
        } else if !pending.isEmpty {
            log.info(
                "run \(folder.id) incomplete: \(summary.ran.count) ran, \(summary.upToDate.count) up to date; "
                    + "not up to date: \(pending.joined(separator: ", ")); latest not moved")
        }
        return summary
    }

    /// Fails with exit 66 before any stage starts (and before the run folder is touched) when a
    /// selected stage reads a source file that does not exist.
    func checkSourcesExist(for selected: [Int]) throws(EngineError) {
        let graph = PipelineGraph(stages: config.stages, sources: config.sources.map(\.name))
        for i in selected {
            for input in graph.inputs[i] {
                guard case .source(let name) = input.producer, let source = config.source(named: name) else { continue }
                if !FileManager.default.fileExists(atPath: source.absolutePath) {
                    throw .sourceMissing(stage: config.stages[i].name, source: name, path: source.path)
                }
            }
        }
    }

    /// Prints what would run and why, without running or locking anything.
    private func dryRun(_ selected: [Int]) throws(EngineError) -> Summary {
        let names = Set(selected.map { config.stages[$0].name })
        let status = try RunStatus.compute(config: config, folder: folder, selection: names, force: options.force)
        var summary = Summary()
        for s in status.stages where names.contains(s.name) {
            if s.needsWork {
                let why = (s.reasons.map(\.description) + (s.error.map { [$0] } ?? [])).joined(separator: "; ")
                log.info("would run: \(why)", stage: s.name)
                summary.ran.append(s.name)
            } else {
                log.info("up to date", stage: s.name)
                summary.upToDate.append(s.name)
            }
        }
        return summary
    }

    /// Starts the stage's program with the lock inherited, and waits for it.
    private func launch(_ stage: StageConfig, lock: RunLock) throws(EngineError) -> ChildProcess.Termination {
        var argv: [String]
        switch stage.kind {
        case .command:
            argv = [launcher.bespoke, "stage"]
        case .builtIn(let kind):
            // The kind's own executable beside bespoke (or on PATH); else `bespoke stage`, which runs
            // the kind in-process when it is linked in and reports it missing otherwise.
            let candidates = launcher.searchDirectories.map { $0 + "/" + kind.executableName }
            if let exe = candidates.first(where: { access($0, X_OK) == 0 })
                ?? ChildProcess.lookup(kind.executableName, path: environment["PATH"] ?? "")
            {
                argv = [exe]
            } else {
                argv = [launcher.bespoke, "stage"]
            }
        }
        argv += [
            "--pipeline", config.file, "--run", folder.id, "--stage", stage.name, "--recompute-corrupt",
            "--log-format", log.format.rawValue,
        ]
        if options.force { argv.append("--force") }
        var env = environment
        env[RunLock.inheritedDescriptorVariable] = String(lock.inheritableDescriptor())
        env[StageLog.formatVariable] = log.format.rawValue
        defer { lock.stopInheritance() }
        let pid: pid_t
        do { pid = try ChildProcess.spawn(argv, environment: env, diesWithParent: true).pid } catch {
            throw .executableNotFound(stage: stage.name, executable: argv[0], searched: [argv[0]])
        }
        return ChildProcess.wait(pid)
    }

    /// `bespoke run --run ID --from STAGE`, with `--pipeline` when it is not the default.
    public func resumeCommand(from stage: String) -> String {
        var parts = ["bespoke", "run"]
        if let p = launcher.pipelineArgument, p != PipelineDefaults.fileName { parts += ["--pipeline", p] }
        parts += ["--run", folder.id, "--from", stage]
        return parts.joined(separator: " ")
    }

    private func commandLine() -> String {
        var parts = ["bespoke", "run"]
        if let f = options.from { parts += ["--from", f] }
        for o in options.only { parts += ["--only", o] }
        if options.force { parts.append("--force") }
        if options.keepGoing { parts.append("--keep-going") }
        return parts.joined(separator: " ")
    }
}
