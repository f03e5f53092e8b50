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
    /// The algorithm version covers the sniffer's rules (`Ingest.Sniffer`): a change to them can
    /// change the schema of a source without declared columns, so it reruns collect.
    public static let kind = StageKind(
        name: "collect", algorithmVersion: "3",
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
                for note in counts.schema?.notes ?? [] {
                    context.log.warning("\(name): sniffed \(note)", stage: context.stage.name)
                }
                let share = counts.records == 0 ? 0 : Double(counts.rejects) / Double(counts.records)
                if share > maxShare {
                    failures.append(
                        .tooManyRejects(
                            source: name, rejected: counts.rejects, records: counts.records, limit: maxShare,
                            examples: counts.examples,
                            wrongTypes: try Self.wrongSniffedTypes(source, name: name, schema: counts.schema)))
                }
                perSource.append(
                    (
                        name,
                        .object(
                            [
                                ("records", .number(JSONNumber(counts.records))),
                                ("rows_out", .number(JSONNumber(counts.rowsOut))),
                                ("rejects", .number(JSONNumber(counts.rejects))),
                                (
                                    "rejects_by_kind",
                                    .object(
                                        counts.byKind.keys.sorted().map {
                                            ($0, .number(JSONNumber(counts.byKind[$0]!)))
                                        })
                                ),
                            ] + (counts.schema.map { [("schema", $0.json)] } ?? []))
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
        var schema: SchemaRecord?
    }

    /// Streams one source into its table, its refused records into `rejects`.
    func collect(_ source: SourceConfig, name: String, into output: String, rejects: ParquetWriter) throws
        -> SourceCounts
    {
        let options = try Self.options(for: source)
        var reader: SourceReader
        do {
            reader = try SourceReader.open(
                path: source.absolutePath, options: options, sourceName: name, hints: Self.sniffHints(for: source))
        } catch {
            throw CollectError.source(error)
        }
        var counts = SourceCounts()
        counts.schema = SchemaRecord(reader: reader, declared: !options.columns.isEmpty)
        let writer = try ParquetWriter(path: output, schema: reader.schema)
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
    /// the first problem (see `SourceCheck.decode`) is thrown with its JSON path.
    static func options(for source: SourceConfig) throws -> SourceOptions {
        let (options, issues) = SourceCheck.decode(source)
        if let first = issues.first {
            throw CollectError.invalidOptions(path: first.path, detail: first.message)
        }
        return options!
    }
}

/// Why `collect` failed.
public enum CollectError: Error, CustomStringConvertible, ExitCodeProviding {
    case source(IngestError)
    case invalidOptions(path: String, detail: String)
    /// `wrongTypes`: sniffed columns whose type the whole file does not fit, with the type that
    /// holds every value and how many values the sniffed type refused.
    case tooManyRejects(
        source: String, rejected: Int, records: Int, limit: Double, examples: [Reject],
        wrongTypes: [SniffedTypeMismatch] = [])
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
        case .tooManyRejects(let source, let rejected, let records, let limit, let examples, let wrongTypes):
            "source '\(source)': \(rejected) of \(records) records rejected "
                + "(\(Self.percent(Double(rejected) / Double(max(records, 1)))), over the limit of \(Self.percent(limit)) "
                + "set by max_reject_share)"
                + wrongTypes.map { "\n  " + $0.description }.joined()
                + (wrongTypes.isEmpty
                    ? "" : "\n  declare the columns in $.sources.\(source).options.columns (bespoke sniff prints them)")
                + "; first rejects:\n"
                + examples.map { "  " + $0.description }.joined(separator: "\n")
        case .rowsNotConserved(let source, let read, let written, let rejected):
            "source '\(source)': rows not conserved: read \(read), wrote \(written), rejected \(rejected)"
        }
    }

    static func percent(_ x: Double) -> String { String(format: "%.2f%%", x * 100) }
}
