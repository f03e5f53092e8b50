import Frame

/// The rows read from one stretch of a source: the accepted ones as a Frame, the others as rejects.
public struct IngestBatch: Sendable {
    /// The mapped schema; accepted rows only, in source order.
    public var frame: Frame
    public var rejects: [Reject]
    /// The 1-based physical line (text) or row number (Parquet, SQLite) where this batch starts.
    public var firstLine: Int
    /// Physical lines (text, blank lines and the header included) or rows consumed by this batch.
    public var linesRead: Int

    public init(frame: Frame, rejects: [Reject], firstLine: Int, linesRead: Int) {
        self.frame = frame
        self.rejects = rejects
        self.firstLine = firstLine
        self.linesRead = linesRead
    }
}

/// A source read batch by batch; memory is bounded by the batch size, not the file size.
public protocol RecordSource {
    /// The mapped output schema: our names and types, nullable unless required.
    var schema: Schema { get }
    /// The next batch, or nil at the end of the source. A batch holds at most `batchRows` records
    /// (accepted and rejected together) and may hold none when the stretch was all blank lines.
    mutating func nextBatch() throws(IngestError) -> IngestBatch?
}
