/// An in-memory columnar table: a schema and one contiguous column per field.
public struct Frame: Sendable, Equatable {
    public private(set) var schema: Schema
    public private(set) var columns: [Column]
    public let rowCount: Int

    /// Builds a frame, checking that every column matches its field and has `rowCount` rows.
    public init(schema: Schema, columns: [Column]) throws(FrameError) {
        guard schema.count == columns.count else {
            throw .columnCountMismatch(expected: schema.count, got: columns.count)
        }
        var seen = Set<String>()
        for (field, column) in zip(schema.fields, columns) {
            guard seen.insert(field.name).inserted else { throw .duplicateColumn(name: field.name) }
            guard field.type == column.type else {
                throw .typeMismatch(column: field.name, expected: field.type, got: column.type)
            }
            if !field.nullable && column.nullCount > 0 {
                throw .nullInRequiredColumn(column: field.name, nulls: column.nullCount)
            }
        }
        let rows = columns.first?.count ?? 0
        for (field, column) in zip(schema.fields, columns) where column.count != rows {
            throw .rowCountMismatch(column: field.name, expected: rows, got: column.count)
        }
        self.schema = schema
        self.columns = columns
        self.rowCount = rows
    }

    /// A frame with no columns and no rows.
    public static let empty = try! Frame(schema: Schema([]), columns: [])

    public subscript(name: String) -> Column? {
        schema.index(of: name).map { columns[$0] }
    }

    /// The named columns, in the order given.
    public func selecting(_ names: [String]) throws(FrameError) -> Frame {
        var fields: [Field] = []
        var cols: [Column] = []
        for name in names {
            guard let i = schema.index(of: name) else {
                throw .unknownColumn(name: name, available: schema.names)
            }
            fields.append(schema.fields[i])
            cols.append(columns[i])
        }
        return try Frame(schema: Schema(fields), columns: cols)
    }

    /// Rows of several frames with the same schema, one after another.
    public static func concatenate(_ frames: [Frame], schema: Schema) throws(FrameError) -> Frame {
        for f in frames where f.schema != schema {
            throw .schemaMismatch(expected: schema.description, got: f.schema.description)
        }
        var cols: [Column] = []
        for (ci, field) in schema.fields.enumerated() {
            cols.append(Column.concatenate(frames.map { $0.columns[ci] }, type: field.type))
        }
        return try Frame(schema: schema, columns: cols)
    }
}

extension Column {
    /// The rows of `parts` one after another; validity is kept only if some part has a null.
    public static func concatenate(_ parts: [Column], type: DataType) -> Column {
        if parts.count == 1 { return parts[0] }
        let total = parts.reduce(0) { $0 + $1.count }
        var validity: [Bool]? = nil
        if parts.contains(where: { $0.validity != nil }) {
            var v: [Bool] = []
            v.reserveCapacity(total)
            for p in parts { v.append(contentsOf: p.validity ?? [Bool](repeating: true, count: p.count)) }
            validity = v
        }
        func join<T>(_ extract: (ColumnValues) -> [T]) -> [T] {
            var out: [T] = []
            out.reserveCapacity(total)
            for p in parts { out.append(contentsOf: extract(p.values)) }
            return out
        }
        let values: ColumnValues
        switch type {
        case .int32: values = .int32(join { if case .int32(let v) = $0 { v } else { [] } })
        case .date: values = .date(join { if case .date(let v) = $0 { v } else { [] } })
        case .int64: values = .int64(join { if case .int64(let v) = $0 { v } else { [] } })
        case .timestamp: values = .timestamp(join { if case .timestamp(let v) = $0 { v } else { [] } })
        case .double: values = .double(join { if case .double(let v) = $0 { v } else { [] } })
        case .bool: values = .bool(join { if case .bool(let v) = $0 { v } else { [] } })
        case .string:
            var offsets: [Int] = [0]
            var bytes: [UInt8] = []
            offsets.reserveCapacity(total + 1)
            for p in parts {
                guard case .string(let s) = p.values else { continue }
                let base = bytes.count
                bytes.append(contentsOf: s.bytes)
                for o in s.offsets.dropFirst() { offsets.append(base + o) }
            }
            values = .string(StringArray(offsets: offsets, bytes: bytes))
        }
        return Column(values, validity: validity)
    }
}

extension Frame {
    /// Rows `range` of this frame, as a new frame with the same schema.
    public func slice(_ range: Range<Int>) -> Frame {
        precondition(range.lowerBound >= 0 && range.upperBound <= rowCount, "slice \(range) outside 0..<\(rowCount)")
        return try! Frame(schema: schema, columns: columns.map { $0.slice(range) })
    }
}
