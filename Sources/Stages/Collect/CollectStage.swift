import Foundation
import Frame
import Ingest
import Parquet
import Pipeline

/// `collect`: reads every source the pipeline declares into a Parquet table of the same name,
/// streaming batch by batch, and keeps every refused row in `rejects.parquet`.
///
/// Rows are conserved per source: records read = rows written + rows rejected. The stage fails
/// with exit 65 when a source's rejects pass `max_reject_share` of its records.
public struct CollectStage: StageImplementation {
    public static let kind = StageKind(
        name: "collect", algorithmVersion: "1",
        parameters: [
            ParameterSpec(
                "max_reject_share", .double(0...1), default: 0.01,
                "Fail when more than this share of a source's records are rejected.")
        ],
        reads: [.allSources], writes: [.allSources, .table("rejects")],
        summary: "Read the declared sources (CSV/TSV/JSON Lines, plain or .gz; Parquet; SQLite) into typed tables.")

    public init() {}

    public func run(_ context: StageContext) throws -> StageResult {
        let maxShare = context.params["max_reject_share"]?.doubleValue ?? 0.01
        // Rejects stream to their file as they come, so a source that is all rejects (a wrong
        // delimiter, say) costs disk, not memory.
        let rejectsWriter = try ParquetWriter(path: context.outputPath("rejects"), schema: RejectTable.schema)
        var totalRejects = 0
        var perSource: [(key: String, value: JSONValue)] = []
        var failures: [CollectError] = []
        do {
            for input in context.inputs {
                guard case .source(let name) = input.producer, let source = context.config.source(named: name) else {
                    continue
                }
                let counts = try collect(source, name: name, into: context.outputPath(name), rejects: rejectsWriter)
                context.log.info(
                    "\(name): \(counts.records) records, \(counts.rowsOut) rows, \(counts.rejects) rejected",
                    stage: context.stage.name)
                let share = counts.records == 0 ? 0 : Double(counts.rejects) / Double(counts.records)
                if share > maxShare {
                    failures.append(
                        .tooManyRejects(
                            source: name, rejected: counts.rejects, records: counts.records, limit: maxShare,
                            examples: counts.examples))
                }
                perSource.append(
                    (
                        name,
                        .object([
                            ("records", .number(JSONNumber(counts.records))),
                            ("rows_out", .number(JSONNumber(counts.rowsOut))),
                            ("rejects", .number(JSONNumber(counts.rejects))),
                            (
                                "rejects_by_kind",
                                .object(
                                    counts.byKind.keys.sorted().map { ($0, .number(JSONNumber(counts.byKind[$0]!))) })
                            ),
                        ])
                    ))
                totalRejects += counts.rejects
            }
            if let failure = failures.first { throw failure }
            try rejectsWriter.close()
        } catch {
            rejectsWriter.abandon()
            throw error
        }
        return StageResult(
            counters: .object([
                ("sources", .object(perSource)),
                ("rejects", .number(JSONNumber(totalRejects))),
            ]))
    }

    /// What reading one source came to.
    struct SourceCounts {
        var records = 0
        var rowsOut = 0
        var rejects = 0
        var byKind: [String: Int] = [:]
        /// The first few rejects, for the error message when there are too many.
        var examples: [Reject] = []
    }

    /// Streams one source into its table, its refused records into `rejects`.
    func collect(_ source: SourceConfig, name: String, into output: String, rejects: ParquetWriter) throws
        -> SourceCounts
    {
        let options = try Self.options(for: source)
        var reader: SourceReader
        do { reader = try SourceReader.open(path: source.absolutePath, options: options, sourceName: name) } catch {
            throw CollectError.source(error)
        }
        let writer = try ParquetWriter(path: output, schema: reader.schema)
        var counts = SourceCounts()
        do {
            while let batch = try reader.nextBatch() {
                try writer.write(batch.frame)
                counts.rowsOut += batch.frame.rowCount
                counts.records += batch.frame.rowCount + batch.rejects.count
                counts.rejects += batch.rejects.count
                for r in batch.rejects { counts.byKind[r.kind.code, default: 0] += 1 }
                counts.examples += batch.rejects.prefix(5 - counts.examples.count)
                if !batch.rejects.isEmpty { try rejects.write(RejectTable.frame(batch.rejects)) }
            }
            try writer.close()
        } catch {
            writer.abandon()
            if let error = error as? IngestError { throw CollectError.source(error) }
            throw error
        }
        guard counts.records == counts.rowsOut + counts.rejects else {
            throw CollectError.rowsNotConserved(
                source: name, read: counts.records, written: counts.rowsOut, rejected: counts.rejects)
        }
        return counts
    }

    /// The source's reader options from pipeline.json, with the source's own `format` applied;
    /// problems are reported with their JSON path.
    static func options(for source: SourceConfig) throws -> SourceOptions {
        let path = "$.sources.\(source.name).options"
        if case .object(let members) = source.options {
            for (key, _) in members where !SourceOptions.keys.contains(key) {
                throw CollectError.invalidOptions(
                    path: path + "." + key,
                    detail: "unknown key '\(key)'"
                        + (DidYouMean.hint(for: key, among: SourceOptions.keys)))
            }
        }
        var options: SourceOptions
        do {
            let json = CanonicalJSON.string(source.options == .null ? .object([]) : source.options)
            options = try JSONDecoder().decode(SourceOptions.self, from: Data(json.utf8))
        } catch {
            throw CollectError.invalidOptions(path: path, detail: "\(error)")
        }
        if let format = source.format { options.format = SourceFormat(rawValue: format) }
        if options.query == nil, let table = source.sqliteTable { options.query = "SELECT * FROM \"\(table)\"" }
        do { try options.validate() } catch {
            if case .invalidOptions(let at, let detail) = error {
                throw CollectError.invalidOptions(path: path + "." + at, detail: detail)
            }
            throw CollectError.source(error)
        }
        return options
    }
}

/// Why `collect` failed.
public enum CollectError: Error, CustomStringConvertible, ExitCodeProviding {
    case source(IngestError)
    case invalidOptions(path: String, detail: String)
    case tooManyRejects(source: String, rejected: Int, records: Int, limit: Double, examples: [Reject])
    case rowsNotConserved(source: String, read: Int, written: Int, rejected: Int)

    public var exitStatus: SysexitCode {
        switch self {
        case .source(let e): SysexitCode(rawValue: e.exitCode) ?? .dataError
        case .invalidOptions: .invalidPipeline
        case .tooManyRejects: .dataError
        case .rowsNotConserved: .stageFailed
        }
    }

    public var description: String {
        switch self {
        case .source(let e): e.description
        case .invalidOptions(let path, let detail): "pipeline.json: \(path): \(detail)"
        case .tooManyRejects(let source, let rejected, let records, let limit, let examples):
            "source '\(source)': \(rejected) of \(records) records rejected "
                + "(\(Self.percent(Double(rejected) / Double(max(records, 1)))), over the limit of \(Self.percent(limit)) "
                + "set by max_reject_share); first rejects:\n"
                + examples.map { "  " + $0.description }.joined(separator: "\n")
        case .rowsNotConserved(let source, let read, let written, let rejected):
            "source '\(source)': rows not conserved: read \(read), wrote \(written), rejected \(rejected)"
        }
    }

    static func percent(_ x: Double) -> String { String(format: "%.2f%%", x * 100) }
}
