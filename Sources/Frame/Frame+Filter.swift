extension ColumnValues {
    /// The values at `rows`, in that order, as a new contiguous array.
    public func gather(_ rows: [Int]) -> ColumnValues {
        switch self {
        case .int32(let v): .int32(rows.map { v[$0] })
        case .date(let v): .date(rows.map { v[$0] })
        case .int64(let v): .int64(rows.map { v[$0] })
        case .timestamp(let v): .timestamp(rows.map { v[$0] })
        case .double(let v): .double(rows.map { v[$0] })
        case .bool(let v): .bool(rows.map { v[$0] })
        case .string(let s): .string(s.gather(rows))
        }
    }
}

extension Column {
    /// The rows `rows` of this column, in that order; validity is kept only if a null remains.
    public func gather(_ rows: [Int]) -> Column {
        var validity: [Bool]? = nil
        if let v = self.validity {
            let picked = rows.map { v[$0] }
            if picked.contains(false) { validity = picked }
        }
        return Column(values.gather(rows), validity: validity)
    }
}

extension Frame {
    /// The rows `rows`, in that order (repeats allowed), with the same schema. Columns are
    /// gathered on both cores.
    public func gather(_ rows: [Int]) -> Frame {
        let cols = columns
        let gathered = ParallelWork.map(count: cols.count, parallel: rows.count >= 1 << 15) { cols[$0].gather(rows) }
        return try! Frame(schema: schema, columns: gathered)
    }

    /// The rows where `mask` is true, in order.
    public func filter(_ mask: [Bool]) -> Frame {
        precondition(mask.count == rowCount, "mask has \(mask.count) entries for \(rowCount) rows")
        var rows: [Int] = []
        rows.reserveCapacity(rowCount)
        for (i, keep) in mask.enumerated() where keep { rows.append(i) }
        if rows.count == rowCount { return self }
        return gather(rows)
    }

    /// This frame with `column` in place of the column called `name`, or appended when there is
    /// none; `field` gives the new column's name, type and nullability.
    public func replacing(_ field: Field, with column: Column) throws(FrameError) -> Frame {
        var fields = schema.fields
        var cols = columns
        if let i = schema.index(of: field.name) {
            fields[i] = field
            cols[i] = column
        } else {
            fields.append(field)
            cols.append(column)
        }
        return try Frame(schema: Schema(fields), columns: cols)
    }
}
