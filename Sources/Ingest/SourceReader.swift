import Frame

/// Reads one declared source, batch by batch, into Frames of the mapped schema plus rejects.
///
/// `open` validates the options, checks the file (missing, empty, binary) and its header (or
/// Parquet schema, or query result) against the mapping, so that every whole-source problem is
/// one `IngestError` before any row is read.
public struct SourceReader: RecordSource {
    public let path: String
    public let sourceName: String
    public let format: SourceFormat
    public let options: SourceOptions
    public let schema: Schema
    /// What sniffing found, when the columns were sniffed.
    public let sniffed: SniffResult?
    private var source: any RecordSource

    /// Opens `path` as `options` describe it; `sourceName` goes into every reject.
    ///
    /// When `options.columns` is empty, the columns come from the file: sniffed from a sample of
    /// a text file (`hints` are the settings the caller knows were chosen; nil: those that differ
    /// from their defaults), or read from a Parquet file's or a query's schema. `options` and
    /// `sniffed` then say what was used.
    public static func open(path: String, options: SourceOptions, sourceName: String, hints: SniffHints? = nil)
        throws(IngestError) -> SourceReader
    {
        var options = options
        var sniffed: SniffResult?
        if options.columns.isEmpty {
            (options, sniffed) = try SourceSchema.resolve(path: path, options: options, hints: hints)
        }
        let format: SourceFormat
        if let f = options.format {
            format = f
        } else if let f = SourceFormat.infer(fromPath: path) {
            format = f
        } else {
            throw .invalidOptions(
                path: "format",
                detail: "cannot infer the format of '\(path)' from its name; expected one of "
                    + SourceFormat.allCases.map(\.rawValue).joined(separator: ", "))
        }
        // Validated with the format resolved, since some checks depend on it.
        var resolved = options
        resolved.format = format
        try resolved.validate()
        let source: any RecordSource
        switch format {
        case .csv, .tsv:
            source = try DelimitedSource(path: path, options: options, format: format, sourceName: sourceName)
        case .jsonl:
            source = try JSONLinesSource(path: path, options: options, sourceName: sourceName)
        case .parquet:
            source = try ParquetSource(path: path, options: options, sourceName: sourceName)
        default:
            source = try SQLiteSource(path: path, options: options, sourceName: sourceName)
        }
        return SourceReader(
            path: path, sourceName: sourceName, format: format, options: options, schema: source.schema,
            sniffed: sniffed, source: source)
    }

    private init(
        path: String, sourceName: String, format: SourceFormat, options: SourceOptions, schema: Schema,
        sniffed: SniffResult?, source: any RecordSource
    ) {
        self.path = path
        self.sourceName = sourceName
        self.format = format
        self.options = options
        self.schema = schema
        self.sniffed = sniffed
        self.source = source
    }

    public mutating func nextBatch() throws(IngestError) -> IngestBatch? {
        try source.nextBatch()
    }

    /// Every remaining batch as one: the frames concatenated, the rejects in order. For tests and
    /// small sources; a stage streams with `nextBatch()`.
    public mutating func readAll() throws(IngestError) -> IngestBatch {
        var frames: [Frame] = []
        var rejects: [Reject] = []
        var firstLine: Int?
        var lines = 0
        while let batch = try nextBatch() {
            frames.append(batch.frame)
            rejects += batch.rejects
            firstLine = firstLine ?? batch.firstLine
            lines += batch.linesRead
        }
        let frame =
            frames.isEmpty
            ? try! Frame(schema: schema, columns: schema.fields.map { Column(.empty($0.type)) })
            : try! Frame.concatenate(frames, schema: schema)
        return IngestBatch(frame: frame, rejects: rejects, firstLine: firstLine ?? 1, linesRead: lines)
    }
}
