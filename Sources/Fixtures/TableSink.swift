import Frame
import Parquet

/// Writes the rows of one fixture table as CSV, JSON Lines or Parquet, in chunks, and counts the lines
/// so that every planted defect can be recorded with the line it is on.
///
/// `nextLine` is the 1-based physical line the next row starts on: 2 for the first CSV row (after the
/// header), 1 for JSON Lines; for Parquet it is the 1-based row number. No natural value holds a
/// newline, so each row is exactly one line.
final class TableSink {
    let schema: Schema
    let format: FixtureOptions.Format
    private(set) var nextLine: Int
    private(set) var rowsWritten = 0
    private var formatter: TextFormatter
    private var buffer: [UInt8] = []
    private let output: FileOutput?
    private let parquet: ParquetWriter?
    private var builders: [ColumnBuilder] = []
    private let jsonKeys: [[UInt8]]

    private static let chunkBytes = 1 << 20
    private static let chunkRows = 1 << 16

    init(path: String, schema: Schema, options: FixtureOptions, formatter: TextFormatter) throws(FixtureError) {
        self.schema = schema
        self.format = options.format
        self.formatter = formatter
        jsonKeys = schema.names.map { Array(("\"" + $0 + "\":").utf8) }
        switch options.format {
        case .csv, .jsonl:
            output = try FileOutput(path: path, gzipLevel: options.gzip ? options.gzipLevel : nil)
            parquet = nil
        case .parquet:
            output = nil
            var writeOptions = ParquetWriteOptions()
            writeOptions.keyValueMetadata = ["bespoke.fixtures.seed": String(options.seed)]
            do { parquet = try ParquetWriter(path: path, schema: schema, options: writeOptions) } catch {
                throw .cannotWrite(path: path, detail: "\(error)")
            }
            builders = schema.fields.map { ColumnBuilder(type: $0.type) }
        }
        if options.format == .csv {
            buffer.append(contentsOf: Array(schema.names.joined(separator: ",").utf8))
            buffer.append(10)
            nextLine = 2
        } else {
            nextLine = 1
        }
    }

    /// Appends one row; `cells` may have more or fewer cells than the schema only in text formats.
    func append(_ cells: [Cell], shape: LineShape = .normal) throws(FixtureError) {
        switch format {
        case .csv, .jsonl:
            // Encode into a local buffer: mutating a class property byte by byte pays an exclusivity check each time.
            var out = buffer
            buffer = []
            if format == .csv {
                encodeCSV(cells, shape: shape, into: &out)
            } else {
                encodeJSON(cells, shape: shape, into: &out)
            }
            buffer = out
        case .parquet:
            precondition(cells.count == builders.count && shape == .normal, "Parquet rows are never malformed")
            for (i, cell) in cells.enumerated() { builders[i].append(cell) }
        }
        nextLine += 1
        rowsWritten += 1
        if format == .parquet {
            if builders[0].count >= Self.chunkRows { try flushParquet() }
        } else if buffer.count >= Self.chunkBytes {
            try output!.write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }

    func finish() throws(FixtureError) {
        if let output {
            try output.write(buffer)
            buffer = []
            try output.finish()
        } else if let parquet {
            try flushParquet()
            do { try parquet.close() } catch { throw .cannotWrite(path: parquet.path, detail: "\(error)") }
        }
    }

    func abandon() {
        output?.abandon()
        parquet?.abandon()
    }

    // MARK: - CSV

    private func encodeCSV(_ cells: [Cell], shape: LineShape, into buffer: inout [UInt8]) {
        for (i, cell) in cells.enumerated() {
            if i > 0 { buffer.append(UInt8(ascii: ",")) }
            if shape == .unterminatedQuote && i == cells.count - 1 {
                // An opening quote with no closing one: the field runs to the end of the file.
                buffer.append(UInt8(ascii: "\""))
                appendPlain(cell, into: &buffer)
                continue
            }
            switch cell {
            case .text(let s): appendCSVText(s, into: &buffer)
            default: appendPlain(cell, into: &buffer)
            }
        }
        buffer.append(10)
    }

    private func appendPlain(_ cell: Cell, into buffer: inout [UInt8]) {
        switch cell {
        case .empty: break
        case .int(let v): TextFormatter.appendInt(v, to: &buffer)
        case .cents(let v): TextFormatter.appendCents(v, to: &buffer)
        case .text(let s): buffer.append(contentsOf: s.utf8)
        case .timestamp(let v): formatter.appendTimestamp(v, to: &buffer)
        case .date(let d): formatter.appendDateCached(d, to: &buffer)
        case .raw(let bytes): buffer.append(contentsOf: bytes)
        case .session(let n): TextFormatter.appendSession(n, to: &buffer)
        }
    }

    /// RFC 4180: quoted when holding a comma, a quote, CR or LF, or edge spaces; quotes doubled.
    private func appendCSVText(_ s: String, into buffer: inout [UInt8]) {
        let utf8 = s.utf8
        let needsQuotes =
            utf8.contains { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }
            || utf8.first == 32 || utf8.last == 32
        guard needsQuotes else {
            buffer.append(contentsOf: utf8)
            return
        }
        buffer.append(34)
        for byte in utf8 {
            if byte == 34 { buffer.append(34) }
            buffer.append(byte)
        }
        buffer.append(34)
    }

    // MARK: - JSON Lines

    private func encodeJSON(_ cells: [Cell], shape: LineShape, into buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "{"))
        for (i, cell) in cells.enumerated() {
            if i > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer.append(contentsOf: i < jsonKeys.count ? jsonKeys[i] : Array("\"extra_\(i)\":".utf8))
            let last = i == cells.count - 1
            switch cell {
            case .empty: buffer.append(contentsOf: [110, 117, 108, 108])  // null
            case .int, .cents: appendPlain(cell, into: &buffer)
            case .session:
                buffer.append(34)
                appendPlain(cell, into: &buffer)
                buffer.append(34)
            case .text(let s):
                appendJSONString(Array(s.utf8), close: !(last && shape == .unterminatedQuote), into: &buffer)
            case .raw(let bytes): appendJSONString(bytes, close: !(last && shape == .unterminatedQuote), into: &buffer)
            case .timestamp, .date:
                buffer.append(34)
                appendPlain(cell, into: &buffer)
                if !(last && shape == .unterminatedQuote) { buffer.append(34) }
            }
        }
        if shape == .normal { buffer.append(UInt8(ascii: "}")) }
        buffer.append(10)
    }

    /// A JSON string; bytes ≥ 0x80 are copied as they are (valid UTF-8 stays valid, planted invalid bytes stay invalid).
    private func appendJSONString(_ bytes: [UInt8], close: Bool, into buffer: inout [UInt8]) {
        buffer.append(34)
        for byte in bytes {
            switch byte {
            case 34: buffer.append(contentsOf: [92, 34])
            case 92: buffer.append(contentsOf: [92, 92])
            case 0..<32:
                buffer.append(contentsOf: Array("\\u00".utf8))
                let hex = Array("0123456789abcdef".utf8)
                buffer.append(hex[Int(byte >> 4)])
                buffer.append(hex[Int(byte & 15)])
            default: buffer.append(byte)
            }
        }
        if close { buffer.append(34) }
    }

    // MARK: - Parquet

    private func flushParquet() throws(FixtureError) {
        guard let parquet, builders[0].count > 0 else { return }
        let columns = builders.indices.map { builders[$0].take() }
        do {
            let frame = try Frame(schema: schema, columns: columns)
            try parquet.write(frame)
        } catch {
            throw .cannotWrite(path: parquet.path, detail: "\(error)")
        }
    }
}

/// Typed values of one Parquet column being filled from cells.
private struct ColumnBuilder {
    let type: DataType
    private var integers: [Int64] = []
    private var doubles: [Double] = []
    private var strings = StringArray()
    private var validity: [Bool] = []
    private var hasNull = false

    init(type: DataType) { self.type = type }

    var count: Int { validity.count }

    mutating func append(_ cell: Cell) {
        var valid = true
        switch cell {
        case .empty:
            valid = false
            switch type {
            case .string: strings.append("")
            case .double: doubles.append(0)
            default: integers.append(0)
            }
        case .int(let v): type == .double ? doubles.append(Double(v)) : integers.append(v)
        case .cents(let v): doubles.append(Double(v) / 100)
        case .text(let s): strings.append(s)
        case .timestamp(let v): integers.append(v * 1_000_000)
        case .date(let d): integers.append(Int64(d))
        case .raw(let bytes): strings.append(utf8: bytes)
        case .session(let n):
            var text: [UInt8] = []
            TextFormatter.appendSession(n, to: &text)
            strings.append(utf8: text)
        }
        validity.append(valid)
        if !valid { hasNull = true }
    }

    mutating func take() -> Column {
        let values: ColumnValues
        switch type {
        case .int64: values = .int64(integers)
        case .int32: values = .int32(integers.map { Int32(truncatingIfNeeded: $0) })
        case .timestamp: values = .timestamp(integers)
        case .date: values = .date(integers.map { Int32(truncatingIfNeeded: $0) })
        case .double: values = .double(doubles)
        case .string: values = .string(strings)
        case .bool: values = .bool(integers.map { $0 != 0 })
        }
        let column = Column(values, validity: hasNull ? validity : nil)
        integers.removeAll(keepingCapacity: true)
        doubles.removeAll(keepingCapacity: true)
        strings = StringArray()
        validity.removeAll(keepingCapacity: true)
        hasNull = false
        return column
    }
}
