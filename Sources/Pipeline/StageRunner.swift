import Foundation
import Frame
import Parquet

/// The stage contract (DESIGN.md §3) for one stage of one run: lock, resolve and verify inputs,
/// fingerprint, skip when up to date, compute into a temporary folder, fsync, manifest, atomic
/// rename, and the stage's entry in run.json.
///
/// Every `bespoke-<kind>` executable and `bespoke stage` call this, so running a stage directly
/// (from make or cron) is as safe as running it through the driver.
public struct StageRunner {
    public struct Options: Sendable {
        /// Recompute even when up to date.
        public var force = false
        /// Recompute when the stage's own outputs fail verification, instead of failing with 74.
        /// The driver sets this; a direct invocation reports the corruption.
        public var recomputeCorrupt = false

        public init(force: Bool = false, recomputeCorrupt: Bool = false) {
            self.force = force
            self.recomputeCorrupt = recomputeCorrupt
        }
    }

    public enum Outcome: Sendable {
        case upToDate(StageManifest)
        case completed(StageManifest)

        public var manifest: StageManifest {
            switch self {
            case .upToDate(let m), .completed(let m): m
            }
        }
    }

    public let config: PipelineConfig
    public let folder: RunFolder
    public let log: StageLog
    public let options: Options
    public let environment: [String: String]

    public init(
        config: PipelineConfig, folder: RunFolder, log: StageLog, options: Options = Options(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.config = config
        self.folder = folder
        self.log = log
        self.options = options
        self.environment = environment
    }

    /// Whether a driver started this process (and so owns run-level fields of run.json).
    private var underDriver: Bool { environment[RunLock.inheritedDescriptorVariable] != nil }

    /// Runs stage `name`. `implementation` computes a built-in kind; custom command stages need none.
    public func run(stage name: String, implementation: (any StageImplementation)? = nil)
        throws(EngineError) -> Outcome
    {
        guard let stage = config.stage(named: name) else {
            throw .unknownStage(name, known: config.stages.map(\.name))
        }
        let impl: any StageImplementation
        switch (stage.kind, implementation) {
        case (_, let given?): impl = given
        case (.command(let argv), nil): impl = CommandStage(argv: argv)
        case (.builtIn(let kind), nil):
            throw .executableNotFound(stage: name, executable: kind.executableName, searched: ["(no implementation)"])
        }

        try folder.create()
        let lock = try RunLock.acquire(path: folder.lockPath, run: folder.id, environment: environment)
        defer { lock.release() }
        // A stage run directly (make, cron) owns the run's status too: settle it as `status` would.
        defer { if !underDriver { settleRunStatus() } }
        do {
            return try runLocked(stage, impl)
        } catch {
            // Best effort: the failure is reported to the caller whether or not run.json can say it.
            try? record(stage.name) { entry in
                entry.status = .failed
                entry.finished = Timestamp.now()
                entry.exitCode = error.exitStatus.rawValue
                entry.error = error.description
                if entry.log == nil || !FileManager.default.fileExists(atPath: folder.path + "/" + entry.log!) {
                    entry.log = nil
                }
            }
            throw error
        }
    }

    private func runLocked(_ stage: StageConfig, _ impl: any StageImplementation) throws(EngineError) -> Outcome {
        let evaluator = StageEvaluator(config: config, folder: folder)
        let index = try evaluator.index(of: stage.name)
        try folder.removeLeftovers(of: stage.name)
        // Clear a failed attempt's log path before anything can fail, so an old one is not shown.
        try record(stage.name) { $0.log = nil }

        let evaluation = try evaluator.evaluate(index, verifyInputs: true, verifyOutputs: true)
        if evaluation.isUpToDate && !options.force, let manifest = evaluation.manifest {
            log.info("up to date (fingerprint \(manifest.fingerprint.prefix(12)))", stage: stage.name)
            try record(stage.name) {
                $0 = RunRecord.StageEntry(status: .upToDate)
                $0.fingerprint = manifest.fingerprint
                $0.finished = Timestamp.now()
            }
            return .upToDate(manifest)
        }
        if let corrupt = evaluation.reasons.first(where: { $0.code == "corrupt_output" }),
            case .corruptOutput(let file, let expected, let got) = corrupt, !options.force, !options.recomputeCorrupt
        {
            throw .corruptArtifact(path: file, expected: expected, got: got, stageToRerun: stage.name, run: folder.id)
        }
        let why = options.force && evaluation.isUpToDate ? [StaleReason.forced] : evaluation.reasons
        log.info("running: " + why.map(\.description).joined(separator: "; "), stage: stage.name)

        let started = Timestamp.now()
        let clock = Timestamp.monotonicSeconds()
        try record(stage.name) {
            $0 = RunRecord.StageEntry(status: .running)
            $0.fingerprint = evaluation.fingerprint.digest
            $0.started = started
            $0.pid = getpid()
        }

        let temporary = folder.temporaryDirectory(stage.name)
        do { try DurableFiles.makeDirectory(temporary) } catch { throw .io(error) }
        let stageLog = StageLog(format: log.format, run: folder.id, stage: stage.name)
        do { try stageLog.attach(file: temporary + "/" + StageLog.fileName) } catch { throw .io(error) }

        do throws(EngineError) {
            stageLog.info("fingerprint \(evaluation.fingerprint.digest)")
            let context = StageContext(
                config: config, stage: stage, runID: folder.id, runDirectory: folder.path,
                inputs: evaluation.inputs, outputDirectory: temporary, log: stageLog)
            let result: StageResult
            do { result = try impl.run(context) } catch { throw Self.engineError(error, stage: stage.name) }

            let counters = try sideFile("_counters.json", in: temporary, stage: stage.name, merging: result.counters)
            let metrics = try sideFile("_metrics.json", in: temporary, stage: stage.name, merging: result.metrics)
            let outputs = try collectOutputs(of: stage, in: temporary)
            let seconds = Timestamp.monotonicSeconds() - clock
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            let peak = max(Int64(usage.ru_maxrss) * 1024, result.childPeakMemoryBytes ?? 0)
            let manifest = StageManifest(
                stage: stage.name, kind: stage.kindName, run: folder.id,
                fingerprint: evaluation.fingerprint.digest, fingerprintInputs: evaluation.fingerprint.inputs,
                inputs: evaluation.inputs.map { input in
                    let (kind, name): (String, String) =
                        switch input.producer {
                        case .stage(let s): ("stage", s)
                        case .source(let s): ("source", s)
                        }
                    return StageManifest.InputProvenance(
                        table: input.table, producerKind: kind, producer: name,
                        path: input.path, sha256: input.sha256)
                },
                outputs: outputs, counters: counters, metrics: metrics,
                started: started, finished: Timestamp.now(), seconds: seconds, peakMemoryBytes: peak)
            let summary = outputs.filter { $0.table != nil }
                .map { o in o.file + (o.rows.map { " (\($0) rows)" } ?? "") }.joined(separator: ", ")
            stageLog.info("wrote \(summary.isEmpty ? "no tables" : summary) in \(String(format: "%.2f", seconds)) s")
            stageLog.detach()

            // Outputs first, then the manifest, then the folder: a folder with a manifest is complete.
            do {
                for o in outputs { try DurableFiles.syncFile(temporary + "/" + o.file) }
                try DurableFiles.syncFile(temporary + "/" + StageLog.fileName)
                try DurableFiles.write(
                    Array(CanonicalJSON.pretty(manifest.json).utf8),
                    to: temporary + "/" + StageManifest.fileName)
                try DurableFiles.syncDirectory(temporary)
                try DurableFiles.publishDirectory(temporary, at: folder.stageDirectory(stage.name))
            } catch { throw EngineError.io(error) }
            evaluator.forget(stage.name)
            unlink(folder.failedLogPath(stage.name))

            log.info(
                "done in \(String(format: "%.2f", seconds)) s: \(summary.isEmpty ? "no tables" : summary)",
                stage: stage.name)
            try record(stage.name) {
                $0.status = .succeeded
                $0.finished = manifest.finished
                $0.seconds = seconds
                $0.exitCode = 0
                $0.error = nil
                $0.pid = nil
                $0.log = stage.name + "/" + StageLog.fileName
            }
            return .completed(manifest)
        } catch {
            // The stage log file gets the error; stderr gets it once, below, with the log's path.
            stageLog.log(.error, error.description, echo: false)
            stageLog.detach()
            let failedLog = folder.failedLogPath(stage.name)
            _ = rename(temporary + "/" + StageLog.fileName, failedLog)
            try? DurableFiles.remove(temporary)
            log.error(
                error.description
                    + "; log: \(FilePaths.relative(failedLog, to: FileManager.default.currentDirectoryPath))",
                stage: stage.name)
            log.markFailureReported()
            try? record(stage.name) {
                $0.status = .failed
                $0.log = "." + stage.name + ".failed.log"
            }
            throw error
        }
    }

    /// Maps whatever an implementation threw to an engine error with an exit code.
    static func engineError(_ error: any Error, stage: String) -> EngineError {
        if let e = error as? EngineError { return e }
        let message = String(describing: error)
        let status = (error as? ExitCodeProviding)?.exitStatus ?? .stageFailed
        return .stageFailed(stage: stage, message: message, status: status == .ok ? .stageFailed : status)
    }

    /// Reads and removes `_counters.json` or `_metrics.json`, merged over what the implementation returned.
    private func sideFile(_ name: String, in directory: String, stage: String, merging base: JSONValue)
        throws(EngineError) -> JSONValue
    {
        let path = directory + "/" + name
        let bytes: [UInt8]?
        do { bytes = try DurableFiles.read(path) } catch { throw .io(error) }
        guard let bytes else { return base }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch {
            throw .badSideFile(stage: stage, file: name, reason: "invalid JSON at \(error)")
        }
        guard case .object(let members) = value else {
            throw .badSideFile(stage: stage, file: name, reason: "expected a JSON object, got \(value.typeName)")
        }
        unlink(path)
        var merged = base.objectMembers ?? []
        for m in members {
            merged.removeAll { $0.key == m.key }
            merged.append(m)
        }
        return .object(merged)
    }

    /// Hashes every file the stage wrote and matches declared output tables to files.
    private func collectOutputs(of stage: StageConfig, in directory: String) throws(EngineError) -> [StageManifest
        .Output]
    {
        let reserved: Set<String> = [StageLog.fileName, StageManifest.fileName]
        var files: [String] = []
        if let walker = FileManager.default.enumerator(atPath: directory) {
            while let relative = walker.nextObject() as? String {
                var st = stat()
                guard lstat(directory + "/" + relative, &st) == 0 else { continue }
                let type = st.st_mode & S_IFMT
                if type == S_IFREG && !reserved.contains(relative) { files.append(relative) }
            }
        }
        files.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var tableOfFile: [String: String] = [:]
        for table in stage.outputs {
            let candidates = files.filter { !$0.contains("/") && ($0 == table || $0.hasPrefix(table + ".")) }
            guard let file = candidates.first(where: { $0 == table + ".parquet" }) ?? candidates.first else {
                throw .outputMissing(stage: stage.name, table: table, directory: directory)
            }
            tableOfFile[file] = table
        }
        var outputs: [StageManifest.Output] = []
        for file in files {
            let path = directory + "/" + file
            let hash: (sha256: String, bytes: Int64)
            do { hash = try SHA256Hex.ofFile(path) } catch { throw .io(error) }
            var output = StageManifest.Output(
                file: file, table: tableOfFile[file], sha256: hash.sha256,
                bytes: hash.bytes, rows: nil, schema: nil)
            if file.hasSuffix(".parquet") {
                let footer: (rows: Int64, schema: Schema)?
                do { footer = try ArtifactFooter.read(path) } catch {
                    let detail = error.description
                    throw .unreadableOutput(
                        stage: stage.name, file: file,
                        reason: detail.hasPrefix(path + ": ") ? String(detail.dropFirst(path.count + 2)) : detail)
                }
                output.rows = footer?.rows
                output.schema = footer?.schema
            }
            outputs.append(output)
        }
        return outputs
    }

    private func record(_ stage: String, _ change: (inout RunRecord.StageEntry) -> Void) throws(EngineError) {
        let driven = underDriver
        try RunRecord.update(folder, config: config) { record in
            var entry = record.stages[stage] ?? RunRecord.StageEntry(status: .running)
            change(&entry)
            record.stages[stage] = entry
            if !driven {
                record.status = .running
                record.pid = getpid()
            }
        }
    }

    /// The run's status after a direct stage invocation: failed while a failed stage is not up to
    /// date, succeeded when every stage is, incomplete otherwise. By fingerprints (outputs are not
    /// re-hashed here; `bespoke status` and `run` do that).
    private func settleRunStatus() {
        let pending = Set(StageEvaluator(config: config, folder: folder).pendingStages(verifyOutputs: false))
        try? RunRecord.update(folder, config: config) { record in
            let failed = pending.contains { record.stages[$0]?.status == .failed }
            record.status = failed ? .failed : pending.isEmpty ? .succeeded : .incomplete
            record.pid = nil
        }
    }
}
