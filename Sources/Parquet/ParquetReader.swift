import Dispatch
import Frame
import Synchronization

/// Reads Parquet files: ours, and what pyarrow, DuckDB and Spark write by default.
///
/// Opening reads only the footer. `read(columns:rowGroups:)` fetches just the byte ranges of
/// the chunks asked for and decodes them on both cores. Every length, offset and count in
/// the file is checked before use: a damaged file gives a `ParquetError` naming the file,
/// row group, column and page, never a crash or an allocation out of proportion to the file.
public final class ParquetReader: @unchecked Sendable {
    public let path: String
    public let metadata: FileMetaData
    /// The Frame schema of the readable columns, in file order.
    public let schema: Schema
    /// Columns this reader cannot convert, with the reason; reading them throws.
    public let unsupportedColumns: [(name: String, reason: String)]
    public let fileSize: Int

    let leaves: [LeafColumn]
    private let file: InputFile
    private let footerOffset: Int

    /// A row group may claim at most this many rows per byte it stores (bounds allocations).
    static let maxRowsPerStoredByte = 8192
    /// Buffers sized from a chunk's declared uncompressed size reserve at most this many bytes
    /// per byte it stores; more than that is grown into as the pages are decoded.
    static let maxHintRatio: Int64 = 64

    public var rowCount: Int { Int(metadata.numRows) }
    public var rowGroupCount: Int { metadata.rowGroups.count }

    public convenience init(path: String) throws(ParquetError) {
        try self.init(file: InputFile(path: path))
    }

    /// Reads a Parquet file held in memory; `name` stands for its path in errors.
    public convenience init(bytes: [UInt8], name: String = "<memory>") throws(ParquetError) {
        try self.init(file: InputFile(bytes: bytes, name: name))
    }

    private init(file: InputFile) throws(ParquetError) {
        let path = file.path
        self.path = path
        self.file = file
        fileSize = file.size
        guard file.size >= 12 else {
            throw .notParquet(path: path, detail: "\(file.size) bytes is too short for a Parquet file (at least 12)")
        }
        let head = try file.read(offset: 0, count: 4)
        guard head == Self.magic else {
            throw .notParquet(path: path, detail: "no PAR1 magic at the start (found \(Self.hex(head)))")
        }
        let tail = try file.read(offset: file.size - 8, count: 8)
        guard Array(tail[4...]) == Self.magic else {
            throw .notParquet(
                path: path,
                detail: "no PAR1 magic at the end (found \(Self.hex(Array(tail[4...])))); the file may be truncated")
        }
        let footerLength = Int(UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
        guard footerLength <= file.size - 12 else {
            throw .corruptFooter(
                path: path, detail: "footer length \(footerLength) exceeds the \(file.size - 12) bytes available")
        }
        footerOffset = file.size - 8 - footerLength
        let footer = try file.read(offset: footerOffset, count: footerLength)
        var meta: FileMetaData
        do throws(ThriftError) {
            meta = try footer.withTypedBytes { (buf) throws(ThriftError) in
                var reader = ThriftCompactReader(buf)
                return try FileMetaData(from: &reader)
            }
        } catch {
            throw .corruptFooter(path: path, detail: Self.describe(error))
        }
        (leaves, schema, unsupportedColumns) = try Self.leaves(of: meta, path: path)
        try Self.validate(&meta, leaves: leaves, path: path, dataEnd: footerOffset)
        metadata = meta
    }

    static let magic: [UInt8] = Array("PAR1".utf8)

    // MARK: Reading

    /// Reads the named columns (all when nil) of the given row groups (all when nil), in the
    /// order asked, as one Frame. Column chunks are decoded on `threads` threads.
    public func read(
        columns: [String]? = nil, rowGroups: [Int]? = nil, threads: Int = ParquetWriteOptions.defaultThreads
    ) throws(ParquetError) -> Frame {
        let selected = try columnIndices(columns)
        let groups = rowGroups ?? Array(0..<metadata.rowGroups.count)
        for g in groups where g < 0 || g >= metadata.rowGroups.count {
            throw .unknownRowGroup(path: path, index: g, count: metadata.rowGroups.count)
        }
        var fields: [Field] = []
        for c in selected {
            switch leaves[c].target {
            case .success(let t): fields.append(Field(leaves[c].name, t, nullable: leaves[c].optional))
            case .failure(let u):
                throw .unsupported(ParquetLocation(path: path, column: leaves[c].name), feature: u.reason)
            }
        }
        let out = try decodeColumns(selected, groups: groups, types: fields.map(\.type), threads: threads)
        do { return try Frame(schema: Schema(fields), columns: out) } catch {
            throw .corruptData(ParquetLocation(path: path), detail: error.description)
        }
    }

    /// Reads one row group.
    public func readRowGroup(_ index: Int, columns: [String]? = nil) throws(ParquetError) -> Frame {
        try read(columns: columns, rowGroups: [index], threads: 1)
    }

    private func columnIndices(_ names: [String]?) throws(ParquetError) -> [Int] {
        guard let names else { return Array(leaves.indices) }
        var out: [Int] = []
        for name in names {
            guard let i = leaves.firstIndex(where: { $0.name == name }) else {
                throw .unknownColumn(path: path, name: name, available: leaves.map(\.name))
            }
            out.append(i)
        }
        return out
    }

    /// Decodes the `columns` of `groups` on up to `threads` threads.
    ///
    /// A task is one column over all the row groups, decoded straight into the column's final
    /// arrays. Only when there are fewer columns than threads does a task become one column
    /// chunk, the chunks of a column then being joined, so that every thread has work.
    private func decodeColumns(_ columns: [Int], groups: [Int], types: [DataType], threads: Int) throws(ParquetError)
        -> [Column]
    {
        if columns.count >= threads || groups.count <= 1 {
            // Largest columns first, so the last task to finish is a small one.
            let order = columns.indices.sorted { storedBytes(columns[$0], groups) > storedBytes(columns[$1], groups) }
            let decoded = try runConcurrently(columns.count, threads: threads) { (t) throws(ParquetError) in
                try decodeColumn(columns[order[t]], groups: groups)
            }
            var out = decoded
            for (t, k) in order.enumerated() { out[k] = decoded[t] }
            return out
        }
        let parts = try runConcurrently(groups.count * columns.count, threads: threads) { (t) throws(ParquetError) in
            try decodeColumn(columns[t % columns.count], groups: [groups[t / columns.count]])
        }
        return columns.indices.map { k in
            Column.concatenate(stride(from: k, to: parts.count, by: columns.count).map { parts[$0] }, type: types[k])
        }
    }

    /// The compressed bytes of `column` in `groups`.
    private func storedBytes(_ column: Int, _ groups: [Int]) -> Int64 {
        groups.reduce(0) { $0 + (metadata.rowGroups[$1].columns[column].metaData?.totalCompressedSize ?? 0) }
    }

    /// Runs `work` for tasks `0 ..< count` on up to `threads` threads; the results are in task
    /// order, and the error thrown is the first in task order, whatever the thread count.
    private func runConcurrently(
        _ count: Int, threads: Int, _ work: @Sendable (Int) throws(ParquetError) -> Column
    ) throws(ParquetError) -> [Column] {
        let workers = max(1, min(threads, count))
        if workers == 1 {
            var out: [Column] = []
            for t in 0..<count { out.append(try work(t)) }
            return out
        }
        let slots = ChunkSlots(count: count)
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let t = next.add(1, ordering: .relaxed).oldValue
                if t >= count || !slots.isNeeded(t) { break }
                do throws(ParquetError) { slots.store(.success(try work(t)), at: t) } catch {
                    slots.store(.failure(error), at: t)
                }
            }
        }
        return try slots.collect()
    }

    /// Fetches and decodes the chunks of one column in `groups`, as one column.
    func decodeColumn(_ column: Int, groups: [Int]) throws(ParquetError) -> Column {
        let leaf = leaves[column]
        let chunks = groups.map { g in
            let location = ParquetLocation(path: path, rowGroup: g, column: leaf.name)
            let meta = metadata.rowGroups[g].columns[column].metaData!
            let hint = Int(max(0, min(meta.totalUncompressedSize, meta.totalCompressedSize * Self.maxHintRatio)))
            return ColumnChunkDecoder.Chunk(
                values: Int(metadata.rowGroups[g].numRows), uncompressedHint: hint, location: location
            ) { () throws(ParquetError) in
                try self.fetchChunk(group: g, column: column, location: location)
            }
        }
        return try ColumnChunkDecoder(leaf: leaf).decode(
            chunks, location: ParquetLocation(path: path, column: leaf.name))
    }

    /// Reads the bytes of one column chunk, after checking its codec is one this reader has.
    private func fetchChunk(
        group: Int, column: Int, location: ParquetLocation
    ) throws(ParquetError) -> (bytes: [UInt8], offset: Int, codec: CompressionCodec) {
        let meta = metadata.rowGroups[group].columns[column].metaData!
        guard let codec = CompressionCodec(rawValue: meta.codec),
            [.uncompressed, .gzip, .snappy, .zstd].contains(codec)
        else {
            throw .unsupported(location, feature: "codec \(CompressionCodec.name(meta.codec))")
        }
        if meta.numValues == 0 { return ([], 0, codec) }  // an empty chunk: its offsets mean nothing
        let range = chunkRange(meta)  // inside the file: checked by `validate`
        return (try file.read(offset: range.lowerBound, count: range.count), range.lowerBound, codec)
    }

    /// The stored bytes of column `column` in row group `group`, for `ParquetWriter` to copy
    /// into another file; nil when the chunk is not laid out exactly as our writer would write
    /// `field` (another physical type, annotation, repetition or codec), so it must be re-encoded.
    public func copyableChunk(group: Int, column: Int, as field: Field, codec: ParquetWriteOptions.Codec = .gzip)
        throws(ParquetError) -> CopiedChunk?
    {
        guard group >= 0, group < metadata.rowGroups.count else {
            throw .unknownRowGroup(path: path, index: group, count: metadata.rowGroups.count)
        }
        let leaf = leaves[column]
        let layout = PhysicalLayout(field.type)
        guard leaf.physical == layout.physical, leaf.conversion == .none, (try? leaf.target.get()) == field.type,
            leaf.optional == field.nullable,
            let meta = metadata.rowGroups[group].columns[column].metaData,
            meta.codec == (codec == .gzip ? CompressionCodec.gzip : .uncompressed).rawValue,
            meta.numValues > 0
        else { return nil }
        let range = chunkRange(meta)
        return CopiedChunk(
            bytes: try file.read(offset: range.lowerBound, count: range.count), meta: meta, field: field,
            sourceOffset: range.lowerBound)
    }

    /// Where a chunk's pages lie: from its dictionary page when it has one (the rule
    /// parquet-java uses), for `total_compressed_size` bytes. Checked by `validate`.
    func chunkRange(_ meta: ColumnMetaData) -> Range<Int> {
        var start = Int(meta.dataPageOffset)
        if let d = meta.dictionaryPageOffset, d > 0, d < meta.dataPageOffset { start = Int(d) }
        return start..<start + Int(meta.totalCompressedSize)
    }

    // MARK: Schema and validation

    private static func leaves(of meta: FileMetaData, path: String) throws(ParquetError) -> (
        [LeafColumn], Schema, [(String, String)]
    ) {
        guard let root = meta.schema.first else { throw .corruptFooter(path: path, detail: "the schema is empty") }
        let children = Int(root.numChildren ?? 0)
        guard children == meta.schema.count - 1 else {
            let nested = meta.schema.dropFirst().first { ($0.numChildren ?? 0) > 0 }
            if let nested {
                throw .unsupported(
                    ParquetLocation(path: path, column: nested.name),
                    feature: "nested column (group with \(nested.numChildren ?? 0) children)")
            }
            throw .corruptFooter(
                path: path,
                detail: "the root declares \(children) children but the schema lists \(meta.schema.count - 1) leaves")
        }
        var leaves: [LeafColumn] = []
        var fields: [Field] = []
        var unsupported: [(String, String)] = []
        for e in meta.schema.dropFirst() {
            if let n = e.numChildren, n > 0 {
                throw .unsupported(
                    ParquetLocation(path: path, column: e.name), feature: "nested column (group with \(n) children)")
            }
            guard let physical = e.type else {
                if let raw = e.rawType {
                    throw .corruptFooter(path: path, detail: "column '\(e.name)' has unknown physical type \(raw)")
                }
                throw .corruptFooter(path: path, detail: "leaf column '\(e.name)' has no physical type")
            }
            if e.repetition == .repeated {
                throw .unsupported(ParquetLocation(path: path, column: e.name), feature: "REPEATED column")
            }
            let leaf = LeafColumn(e, physical: physical)
            switch leaf.target {
            case .success(let t): fields.append(Field(e.name, t, nullable: leaf.optional))
            case .failure(let u): unsupported.append((e.name, u.reason))
            }
            leaves.append(leaf)
        }
        return (leaves, Schema(fields), unsupported)
    }

    /// Checks the footer's numbers against each other and the file before any chunk is read.
    private static func validate(_ meta: inout FileMetaData, leaves: [LeafColumn], path: String, dataEnd: Int)
        throws(ParquetError)
    {
        guard meta.numRows >= 0 else { throw .corruptFooter(path: path, detail: "negative row count \(meta.numRows)") }
        var total: Int64 = 0
        for (g, group) in meta.rowGroups.enumerated() {
            guard group.columns.count == leaves.count else {
                throw .corruptFooter(
                    path: path,
                    detail:
                        "row group \(g) has \(group.columns.count) column chunks, the schema \(leaves.count) columns")
            }
            guard group.numRows >= 0 else {
                throw .corruptFooter(path: path, detail: "row group \(g) has negative row count \(group.numRows)")
            }
            let (sum, overflow) = total.addingReportingOverflow(group.numRows)
            guard !overflow else {
                throw .corruptFooter(path: path, detail: "the row groups' row counts overflow a 64-bit total")
            }
            total = sum
            var stored = 0
            for (c, chunk) in group.columns.enumerated() {
                let loc = ParquetLocation(path: path, rowGroup: g, column: leaves[c].name)
                if chunk.filePath != nil { throw .unsupported(loc, feature: "column chunk stored in another file") }
                guard let m = chunk.metaData else {
                    throw .corruptFooter(
                        path: path, detail: "\(loc.description.dropFirst(path.count + 2)): no column metadata")
                }
                guard m.type == leaves[c].physical.rawValue else {
                    throw .corruptFooter(
                        path: path,
                        detail:
                            "row group \(g), column '\(leaves[c].name)': chunk type \(m.type) differs from the schema's \(leaves[c].physical)"
                    )
                }
                guard m.numValues == group.numRows else {
                    throw .corruptFooter(
                        path: path,
                        detail:
                            "row group \(g), column '\(leaves[c].name)': \(m.numValues) values for \(group.numRows) rows"
                    )
                }
                if m.numValues == 0 { continue }  // an empty chunk (pyarrow's 0-row files): its offsets mean nothing
                var start = m.dataPageOffset
                if let d = m.dictionaryPageOffset, d > 0, d < m.dataPageOffset { start = d }
                guard start >= 4, m.totalCompressedSize > 0, start <= Int64(dataEnd),
                    m.totalCompressedSize <= Int64(dataEnd) - start
                else {
                    throw .corruptFooter(
                        path: path,
                        detail:
                            "row group \(g), column '\(leaves[c].name)': chunk at offset \(start) of \(m.totalCompressedSize) bytes lies outside the data (4..<\(dataEnd))"
                    )
                }
                stored += Int(m.totalCompressedSize)
            }
            let limit = (stored + 1024).multipliedReportingOverflow(by: maxRowsPerStoredByte).partialValue
            guard group.numRows <= Int64(limit) else {
                throw .corruptFooter(
                    path: path, detail: "row group \(g) claims \(group.numRows) rows in \(stored) stored bytes")
            }
        }
        guard total == meta.numRows else {
            throw .corruptFooter(
                path: path, detail: "the row groups hold \(total) rows but the file declares \(meta.numRows)")
        }
    }

    static func describe(_ error: ThriftError) -> String {
        switch error {
        case .truncated(let at): "Thrift data ends early at byte \(at)"
        case .invalid(let at, let what): "invalid Thrift at byte \(at): \(what)"
        case .missingRequired(let s, let f): "\(s) lacks required field \(f)"
        }
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined(separator: " ") }
}

/// Per-task results of concurrent decoding; each slot is written by one worker.
private final class ChunkSlots: @unchecked Sendable {
    private var slots: [Result<Column, ParquetError>?]
    /// The lowest task index that failed so far (Int.max for none).
    private let lowestFailure = Atomic<Int>(Int.max)

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// Whether task `t` still matters: every task below the lowest failure runs, so the error
    /// reported is the first in task order whatever the thread timing.
    func isNeeded(_ t: Int) -> Bool { t < lowestFailure.load(ordering: .relaxed) }

    func store(_ result: Result<Column, ParquetError>, at index: Int) {
        if case .failure = result {
            var current = lowestFailure.load(ordering: .relaxed)
            while index < current {
                let (exchanged, actual) = lowestFailure.compareExchange(
                    expected: current, desired: index, ordering: .relaxed)
                if exchanged { break }
                current = actual
            }
        }
        slots.withUnsafeMutableBufferPointer { $0[index] = result }
    }

    /// The columns in task order, or the first failure in task order.
    func collect() throws(ParquetError) -> [Column] {
        var out: [Column] = []
        for slot in slots {
            switch slot {
            case .success(let c)?: out.append(c)
            case .failure(let e)?: throw e
            case nil: continue
            }
        }
        return out
    }
}
