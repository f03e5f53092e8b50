import Foundation

/// Resolves a stage's inputs in one run, computes its fingerprint, and compares it with what the
/// stage's manifest records: the one place that decides "up to date" or "stale, and why".
public final class StageEvaluator {
    public let config: PipelineConfig
    public let graph: PipelineGraph
    public let folder: RunFolder
    public let sourceHashes: SourceHashCache
    private var manifests: [String: StageManifest?] = [:]

    public init(config: PipelineConfig, folder: RunFolder) {
        self.config = config
        self.graph = PipelineGraph(stages: config.stages, sources: config.sources.map(\.name))
        self.folder = folder
        self.sourceHashes = SourceHashCache(path: folder.sourceHashCachePath)
    }

    /// The result of looking at one stage.
    public struct Evaluation: Sendable {
        public var inputs: [ResolvedInput]
        public var fingerprint: StageFingerprint
        public var manifest: StageManifest?
        /// Empty when the stage is up to date.
        public var reasons: [StaleReason]
        public var isUpToDate: Bool { reasons.isEmpty }
    }

    public func index(of stage: String) throws(EngineError) -> Int {
        guard let i = config.stages.firstIndex(where: { $0.name == stage }) else {
            throw .unknownStage(stage, known: config.stages.map(\.name))
        }
        return i
    }

    /// The manifest of a completed stage in this run (memoised; `forget` after it changes).
    public func manifest(of stage: String) throws(EngineError) -> StageManifest? {
        if let cached = manifests[stage] { return cached }
        let m = try StageManifest.load(folder.manifestPath(stage))
        manifests[stage] = m
        return m
    }

    public func forget(_ stage: String) { manifests[stage] = nil }

    /// Where each input of stage `index` is, with its SHA-256. With `verify`, every upstream
    /// artifact is re-hashed against its producer's manifest (a stage never computes on a
    /// corrupt input).
    public func resolveInputs(of index: Int, verify: Bool) throws(EngineError) -> [ResolvedInput] {
        let stage = config.stages[index]
        var out: [ResolvedInput] = []
        for input in graph.inputs[index] {
            switch input.producer {
            case .stage(let j):
                let producer = config.stages[j].name
                guard let manifest = try manifest(of: producer), let output = manifest.output(forTable: input.table)
                else {
                    throw .inputMissing(stage: stage.name, table: input.table, producer: producer, run: folder.id)
                }
                let path = folder.stageDirectory(producer) + "/" + output.file
                if verify {
                    let actual: (sha256: String, bytes: Int64)
                    do { actual = try SHA256Hex.ofFile(path) } catch {
                        if case .cannotOpen(_, let e) = error, e == ENOENT {
                            throw .corruptArtifact(
                                path: path, expected: "\(output.bytes) bytes", got: "no file",
                                stageToRerun: producer, run: folder.id)
                        }
                        throw .io(error)
                    }
                    if actual.bytes != output.bytes || actual.sha256 != output.sha256 {
                        let (e, g) =
                            actual.bytes != output.bytes
                            ? ("\(output.bytes) bytes", "\(actual.bytes) bytes")
                            : ("sha256 \(output.sha256.prefix(16))…", "sha256 \(actual.sha256.prefix(16))…")
                        throw .corruptArtifact(path: path, expected: e, got: g, stageToRerun: producer, run: folder.id)
                    }
                }
                out.append(
                    ResolvedInput(
                        table: input.table, producer: .stage(producer), path: path,
                        sha256: output.sha256, sourceSettings: nil))
            case .source(let name):
                let source = config.source(named: name)!
                let hash: (sha256: String, bytes: Int64)
                do { hash = try sourceHashes.hash(of: source.absolutePath) } catch {
                    if case .cannotOpen(_, let e) = error, e == ENOENT {
                        throw .sourceMissing(stage: stage.name, source: name, path: source.path)
                    }
                    throw .io(error)
                }
                out.append(
                    ResolvedInput(
                        table: input.table, producer: .source(name), path: source.absolutePath,
                        sha256: hash.sha256, sourceSettings: source.fingerprintSettings))
            }
        }
        sourceHashes.save()
        return out
    }

    /// Content hashes of the files a custom command names (its scripts), relative to the
    /// pipeline's folder, so editing a script makes its stage stale.
    public func codeHashes(of index: Int) throws(EngineError) -> [(file: String, sha256: String)] {
        guard case .command(let argv) = config.stages[index].kind else { return [] }
        var out: [(file: String, sha256: String)] = []
        let words = argv.flatMap { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) }
        for word in words where !word.hasPrefix("/") && !word.hasPrefix("-") && !word.contains("$") {
            let path = FilePaths.resolve(word, against: config.directory)
            var st = stat()
            guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            guard !out.contains(where: { $0.file == word }) else { continue }
            do { out.append((word, try sourceHashes.hash(of: path).sha256)) } catch { throw .io(error) }
        }
        sourceHashes.save()
        return out
    }

    /// Looks at stage `index`: its fingerprint now and why (if at all) it is stale.
    /// `verifyOutputs` re-hashes the stage's own outputs against its manifest.
    public func evaluate(_ index: Int, verifyInputs: Bool = false, verifyOutputs: Bool = true)
        throws(EngineError) -> Evaluation
    {
        let stage = config.stages[index]
        let inputs = try resolveInputs(of: index, verify: verifyInputs)
        let fingerprint = StageFingerprint(
            stage: stage, seed: config.seed, inputs: inputs, code: try codeHashes(of: index))
        guard let manifest = try manifest(of: stage.name) else {
            return Evaluation(inputs: inputs, fingerprint: fingerprint, manifest: nil, reasons: [.neverRun])
        }
        var provenance: [String: String] = [:]
        for i in inputs { provenance[i.table] = i.origin }
        var reasons = fingerprint.reasons(since: manifest.fingerprintInputs, provenance: provenance)
        if reasons.isEmpty && manifest.fingerprint != fingerprint.digest { reasons = [.fingerprintFormatChanged] }
        if reasons.isEmpty && verifyOutputs {
            let bad: (path: String, expected: String, got: String)?
            do { bad = try manifest.verify(in: folder.stageDirectory(stage.name)) } catch { throw .io(error) }
            if let bad { reasons = [.corruptOutput(file: bad.path, expected: bad.expected, got: bad.got)] }
        }
        return Evaluation(inputs: inputs, fingerprint: fingerprint, manifest: manifest, reasons: reasons)
    }

    /// The stages, in execution order, that are not up to date now (stale, missing, or unable to
    /// resolve their inputs), skipping those in `known` (just checked by the caller). What decides
    /// a run's status and whether `latest` may move, so `bespoke status` says the same.
    public func pendingStages(skipping known: Set<Int> = [], verifyOutputs: Bool) -> [String] {
        graph.order.filter { i in
            guard !known.contains(i) else { return false }
            guard let evaluation = try? evaluate(i, verifyInputs: false, verifyOutputs: verifyOutputs) else {
                return true
            }
            return !evaluation.isUpToDate
        }.map { config.stages[$0].name }
    }
}
