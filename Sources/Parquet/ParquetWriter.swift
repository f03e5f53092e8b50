import Dispatch
import Foundation
import Frame
import Synchronization

/// Writes a Frame, or a stream of Frames with one schema, as a GZIP Parquet file.
///
/// The file is written under a temporary name beside `path` and renamed into place by
/// `close()` after an fsync, so readers never see a half-written file. Pages of a row group
/// are encoded and compressed on `options.threads` threads; the bytes do not depend on it.
///
/// A full row group is encoded in the background while the caller prepares the next one (at
/// most one in flight), so a stage that parses or filters overlaps that work with compression.
/// Only the background queue touches the file and the row-group list until `close()` or
/// `abandon()` has drained it; that is why the class may be marked `@unchecked Sendable`.
public final class ParquetWriter: @unchecked Sendable {
    public let path: String
    public let schema: Schema
    public let options: ParquetWriteOptions

    private let tempPath: String
    private var file: OutputFile?
    private var rowGroups: [RowGroup] = []
    private var numRows: Int64 = 0
    private var pending: [Frame] = []
    private var pendingRows = 0
    private let layouts: [PhysicalLayout]
    private let encoding = DispatchQueue(label: "bespoke.parquet.row-groups")
    private let inFlight = DispatchSemaphore(value: 1)
    private let backgroundError = Mutex<ParquetError?>(nil)

    public init(path: String, schema: Schema, options: ParquetWriteOptions = ParquetWriteOptions()) throws(ParquetError)
    {
        try options.validate(path: path)
        self.path = path
        self.schema = schema
        self.options = options
        self.layouts = schema.fields.map { PhysicalLayout($0.type) }
        self.tempPath = ParquetWriter.temporaryPath(for: path)
        let file = try OutputFile(path: tempPath, reportedPath: path)
        self.file = file
        try file.write(Array("PAR1".utf8))
    }

    deinit {
        // No row group can be in flight: its closure holds the writer. Don't wait on the queue
        // here, since the last reference may be dropped by that very closure, on that queue.
        if let file {
            file.closeQuietly()
            unlink(tempPath)
        }
    }

    /// Writes one frame in one call, atomically.
    public static func write(_ frame: Frame, to path: String, options: ParquetWriteOptions = ParquetWriteOptions())
        throws(ParquetError)
    {
        let writer = try ParquetWriter(path: path, schema: frame.schema, options: options)
        do {
            try writer.write(frame)
            try writer.close()
        } catch {
            writer.abandon()
            throw error
        }
    }

    /// Appends rows. Row groups hold `options.rowGroupRows` rows except the last; small frames
    /// are buffered until a row group fills.
    public func write(_ frame: Frame) throws(ParquetError) {
        guard file != nil else { throw .invalidWrite(path: path, detail: "the writer is already closed") }
        guard frame.schema == schema else {
            throw .invalidWrite(path: path, detail: "expected schema [\(schema)], got [\(frame.schema)]")
        }
        guard frame.rowCount > 0 else { return }
        if pending.isEmpty && frame.rowCount >= options.rowGroupRows {
            try submitFullRowGroups(of: frame)
            return
        }
        buffer(frame)
        if pendingRows >= options.rowGroupRows { try submitFullRowGroups(of: try joinPending()) }
    }

    /// Submits every whole row group of `frame` and buffers the rows left over.
    private func submitFullRowGroups(of frame: Frame) throws(ParquetError) {
        var start = 0
        while frame.rowCount - start >= options.rowGroupRows {
            try submitRowGroup(frame, rows: start..<start + options.rowGroupRows)
            start += options.rowGroupRows
        }
        if start < frame.rowCount { buffer(frame.slice(start..<frame.rowCount)) }
    }

    /// Writes what is buffered and the footer, fsyncs, and renames the file into place.
    public func close() throws(ParquetError) {
        guard let file else { throw .invalidWrite(path: path, detail: "the writer is already closed") }
        try drain()
        if pendingRows > 0 {
            let joined = try joinPending()
            try encodeRowGroup(joined, rows: 0..<joined.rowCount)
        }
        var leaves = schema.fields.enumerated().map { i, f in layouts[i].schemaElement(for: f) }
        var root = SchemaElement(name: "schema")
        root.numChildren = Int32(schema.count)
        leaves.insert(root, at: 0)
        var kv = options.keyValueMetadata
        kv["bespoke.schema"] = ParquetWriter.schemaJSON(schema)
        let meta = FileMetaData(
            version: 1, schema: leaves, numRows: numRows, rowGroups: rowGroups,
            keyValueMetadata: kv.keys.sorted().map { KeyValue(key: $0, value: kv[$0]) },
            createdBy: options.createdBy,
            columnOrders: [Bool](repeating: true, count: schema.count))
        var footer = meta.encode()
        let length = UInt32(footer.count)
        for k in 0..<4 { footer.append(UInt8(truncatingIfNeeded: length >> (8 * UInt32(k)))) }
        footer.append(contentsOf: Array("PAR1".utf8))
        try file.write(footer)
        try file.syncAndClose()
        self.file = nil
        guard rename(tempPath, path) == 0 else {
            let e = errno
            unlink(tempPath)
            throw .io(path: path, errno: e, operation: "rename \(tempPath) into place")
        }
        OutputFile.syncDirectory(of: path)
    }

    /// Drops the temporary file; the destination is left as it was.
    public func abandon() {
        encoding.sync {}
        if let file {
            file.closeQuietly()
            self.file = nil
        }
        unlink(tempPath)
    }

    // MARK: Row groups

    /// Hands a row group to the background queue, waiting while another is still being encoded.
    private func submitRowGroup(
        _ frame: Frame, rows: Range<Int>, copying copied: [Int: CopiedChunk] = [:]
    ) throws(ParquetError) {
        if let error = backgroundError.withLock({ $0 }) { throw error }
        inFlight.wait()
        encoding.async {
            defer { self.inFlight.signal() }
            guard self.backgroundError.withLock({ $0 == nil }) else { return }
            do throws(ParquetError) { try self.encodeRowGroup(frame, rows: rows, copying: copied) } catch {
                self.backgroundError.withLock { $0 = error }
            }
        }
    }

    /// Writes rows `rows` of `frame` as one row group, taking the columns in `copied` (by
    /// position) byte for byte from another file instead of encoding them: a stage that changes
    /// a few columns of a table rewrites only those. Anything buffered is written first.
    public func writeRowGroup(_ frame: Frame, rows: Range<Int>, copying copied: [Int: CopiedChunk]) throws(ParquetError)
    {
        guard file != nil else { throw .invalidWrite(path: path, detail: "the writer is already closed") }
        guard frame.schema == schema else {
            throw .invalidWrite(path: path, detail: "expected schema [\(schema)], got [\(frame.schema)]")
        }
        for (c, copy) in copied
        where c < 0 || c >= schema.count || copy.field != schema.fields[c] || copy.meta.numValues != Int64(rows.count) {
            let wanted = c >= 0 && c < schema.count ? schema.fields[c].description : "no such column"
            throw .invalidWrite(
                path: path,
                detail: "the chunk copied as column \(c) holds \(copy.meta.numValues) values of [\(copy.field)], "
                    + "not \(rows.count) of [\(wanted)]")
        }
        if pendingRows > 0 {
            let joined = try joinPending()
            try submitRowGroup(joined, rows: 0..<joined.rowCount)
        }
        guard !rows.isEmpty else { return }
        try submitRowGroup(frame, rows: rows, copying: copied)
    }

    /// Waits for the background row group and rethrows its failure, if any.
    private func drain() throws(ParquetError) {
        encoding.sync {}
        if let error = backgroundError.withLock({ $0 }) { throw error }
    }

    private func buffer(_ frame: Frame) {
        pending.append(frame)
        pendingRows += frame.rowCount
    }

    private func joinPending() throws(ParquetError) -> Frame {
        let frames = pending
        pending = []
        pendingRows = 0
        do { return try Frame.concatenate(frames, schema: schema) } catch {
            throw .invalidWrite(path: path, detail: error.description)
        }
    }

    private func encodeRowGroup(_ frame: Frame, rows: Range<Int>, copying copied: [Int: CopiedChunk] = [:])
        throws(ParquetError)
    {
        guard let file else { throw .invalidWrite(path: path, detail: "the writer is already closed") }
        var tasks: [(column: Int, rows: Range<Int>)] = []
        for c in 0..<schema.count where copied[c] == nil {
            var start = rows.lowerBound
            while start < rows.upperBound {
                let end = min(start + options.pageRows, rows.upperBound)
                tasks.append((c, start..<end))
                start = end
            }
        }
        let pages = try encodePages(frame, tasks: tasks)

        var chunks: [ColumnChunk] = []
        var groupBytes: [UInt8] = []
        groupBytes.reserveCapacity(
            pages.reduce(0) { $0 + $1.bytes.count } + copied.values.reduce(0) { $0 + $1.bytes.count })
        let groupStart = file.offset
        var totalUncompressed: Int64 = 0
        var taskIndex = 0
        for (c, field) in schema.fields.enumerated() {
            let chunkStart = groupStart + groupBytes.count
            if let copy = copied[c] {
                groupBytes.append(contentsOf: copy.bytes)
                chunks.append(
                    ColumnChunk(
                        filePath: nil, fileOffset: 0, metaData: copy.relocated(to: chunkStart, name: field.name)))
                totalUncompressed += copy.meta.totalUncompressedSize
                continue
            }
            var uncompressed = 0
            var stats = ColumnStatistics()
            var values = 0
            while taskIndex < tasks.count && tasks[taskIndex].column == c {
                let page = pages[taskIndex]
                groupBytes.append(contentsOf: page.bytes)
                uncompressed += page.uncompressedSize
                stats.merge(page.statistics)
                values += page.numValues
                taskIndex += 1
            }
            let compressed = groupStart + groupBytes.count - chunkStart
            totalUncompressed += Int64(uncompressed)
            let meta = ColumnMetaData(
                type: layouts[c].physical.rawValue,
                encodings: [Encoding.plain.rawValue, Encoding.rle.rawValue],
                pathInSchema: [field.name],
                codec: (options.codec == .gzip ? CompressionCodec.gzip : .uncompressed).rawValue,
                numValues: Int64(values), totalUncompressedSize: Int64(uncompressed),
                totalCompressedSize: Int64(compressed), dataPageOffset: Int64(chunkStart),
                dictionaryPageOffset: nil, statistics: stats.encoded(type: field.type))
            chunks.append(ColumnChunk(filePath: nil, fileOffset: 0, metaData: meta))
        }
        try file.write(groupBytes)
        rowGroups.append(
            RowGroup(
                columns: chunks, totalByteSize: totalUncompressed, numRows: Int64(rows.count),
                fileOffset: Int64(groupStart), totalCompressedSize: Int64(groupBytes.count)))
        numRows += Int64(rows.count)
    }

    /// Encodes every page task, handing tasks out to `options.threads` workers in order.
    private func encodePages(_ frame: Frame, tasks: [(column: Int, rows: Range<Int>)]) throws(ParquetError)
        -> [EncodedPage]
    {
        let workers = min(options.threads, tasks.count)
        var made: [PageEncoder] = []
        for _ in 0..<max(1, workers) {
            made.append(try PageEncoder(codec: options.codec, level: options.compressionLevel))
        }
        let encoders = PerWorker(made)
        let results = PageSlots(count: tasks.count)
        let fields = schema.fields
        if workers <= 1 {
            for (t, task) in tasks.enumerated() {
                results.store(
                    Result { () throws(ParquetError) in
                        try encoders.items[0].encode(
                            frame.columns[task.column], field: fields[task.column], rows: task.rows)
                    }, at: t)
            }
        } else {
            let next = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let encoder = encoders.items[w]
                while true {
                    let t = next.add(1, ordering: .relaxed).oldValue
                    if t >= tasks.count { break }
                    let task = tasks[t]
                    results.store(
                        Result { () throws(ParquetError) in
                            try encoder.encode(frame.columns[task.column], field: fields[task.column], rows: task.rows)
                        }, at: t)
                }
            }
        }
        do { return try results.collect() } catch {
            if case .invalidWrite(_, let detail) = error { throw .invalidWrite(path: path, detail: detail) }
            throw error
        }
    }

    // MARK: Helpers

    /// `.NAME.tmp-PID-N` beside `path`: unique per process and writer, so two writers to one
    /// destination never share a temporary file.
    static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        let n = temporaryFileCounter.add(1, ordering: .relaxed).oldValue
        return dir + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(n)"
    }

    /// Our own schema as JSON, so a reader can tell e.g. that a column came from Bespoke as-is.
    static func schemaJSON(_ schema: Schema) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(schema)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

private let temporaryFileCounter = Atomic<Int>(0)

/// Result slots written by concurrent workers, each slot by exactly one worker.
private final class PageSlots: @unchecked Sendable {
    private var slots: [Result<EncodedPage, ParquetError>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ result: Result<EncodedPage, ParquetError>, at index: Int) {
        slots.withUnsafeMutableBufferPointer { $0[index] = result }
    }

    /// The pages in task order, or the first failure in task order.
    func collect() throws(ParquetError) -> [EncodedPage] {
        var out: [EncodedPage] = []
        out.reserveCapacity(slots.count)
        for slot in slots { out.append(try slot!.get()) }
        return out
    }
}

/// Objects handed to concurrent workers, one each: worker `w` alone uses `items[w]`.
private final class PerWorker<Item>: @unchecked Sendable {
    let items: [Item]
    init(_ items: [Item]) { self.items = items }
}

extension ParquetWriter {
    /// The uncompressed page bodies (levels + PLAIN values) the writer would compress for
    /// `frame`, in file order. For benchmarks that time the codec alone on the same bytes.
    public static func uncompressedPageBodies(of frame: Frame, options: ParquetWriteOptions = ParquetWriteOptions())
        throws(ParquetError) -> [[UInt8]]
    {
        let encoder = try PageEncoder(codec: .uncompressed, level: 0)
        var bodies: [[UInt8]] = []
        var groupStart = 0
        while groupStart < frame.rowCount {
            let groupEnd = min(groupStart + options.rowGroupRows, frame.rowCount)
            for (c, field) in frame.schema.fields.enumerated() {
                var start = groupStart
                while start < groupEnd {
                    let end = min(start + options.pageRows, groupEnd)
                    bodies.append(encoder.encodeBody(frame.columns[c], field: field, rows: start..<end))
                    start = end
                }
            }
            groupStart = groupEnd
        }
        return bodies
    }
}

/// A column chunk's stored bytes and metadata, taken from one file to be placed in another.
public struct CopiedChunk: Sendable {
    public let bytes: [UInt8]
    public let meta: ColumnMetaData
    /// The field the chunk was checked to store exactly as the writer would.
    public let field: Field
    /// File offset of `bytes[0]` in the file it came from.
    public let sourceOffset: Int

    /// The metadata with every page offset moved to where the bytes now start.
    func relocated(to start: Int, name: String) -> ColumnMetaData {
        var m = meta
        let delta = Int64(start - sourceOffset)
        m.dataPageOffset += delta
        if let d = m.dictionaryPageOffset, d > 0 { m.dictionaryPageOffset = d + delta }
        m.pathInSchema = [name]
        return m
    }
}
