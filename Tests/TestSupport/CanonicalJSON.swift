import Frame

/// One canonical text form of table values, produced identically by Swift (from a Frame) and by
/// Python (from what pyarrow or DuckDB read), so two readers can be compared exactly.
///
/// Each column becomes one line, `{"name":…,"type":…,"nullable":…,"values":[…]}`, exactly as
/// Python's `json.dumps(…, separators=(',', ':'))` prints it (ASCII only, `\uXXXX` escapes):
/// integers as integers, doubles as the hex string of their IEEE bits (so NaN, ±inf and −0.0
/// compare exactly), timestamps as integer µs since the epoch, dates as integer days, strings
/// as themselves, nulls as `null`. `type` is the Frame `DataType` name.
public enum CanonicalJSON {
    /// One line per column of `frame`, in schema order.
    public static func lines(_ frame: Frame) -> [String] {
        zip(frame.schema.fields, frame.columns).map { line(field: $0, column: $1) }
    }

    public static func line(field: Field, column: Column) -> String {
        var out = "{\"name\":" + string(field.name) + ",\"type\":" + string(field.type.rawValue)
        out += ",\"nullable\":" + (field.nullable ? "true" : "false") + ",\"values\":["
        for i in 0..<column.count {
            if i > 0 { out += "," }
            out += column.isNull(i) ? "null" : value(column.values, i)
        }
        return out + "]}"
    }

    /// The canonical text of the value in slot `i`.
    public static func value(_ values: ColumnValues, _ i: Int) -> String {
        switch values {
        case .int32(let v), .date(let v): return String(v[i])
        case .int64(let v), .timestamp(let v): return String(v[i])
        case .double(let v): return doubleBits(v[i])
        case .bool(let v): return v[i] ? "true" : "false"
        case .string(let s): return string(s[i])
        }
    }

    /// A double as the quoted hex of its bit pattern, e.g. `"0x8000000000000000"` for −0.0.
    public static func doubleBits(_ d: Double) -> String {
        let hex = String(d.bitPattern, radix: 16)
        return "\"0x" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
    }

    /// A JSON string literal escaped the way Python's `json.dumps` does with `ensure_ascii=True`.
    public static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value >= 0x20 && scalar.value <= 0x7E {
                    out.unicodeScalars.append(scalar)
                } else if scalar.value > 0xFFFF {
                    let v = scalar.value - 0x10000
                    out += escape(0xD800 + (v >> 10)) + escape(0xDC00 + (v & 0x3FF))
                } else {
                    out += escape(scalar.value)
                }
            }
        }
        return out + "\""
    }

    private static func escape(_ unit: UInt32) -> String {
        let hex = String(unit, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    /// Python definitions that print the same lines: `canon_line(name, type, nullable, values)`,
    /// `arrow_lines(table)` for a pyarrow Table, `duckdb_lines(con, path)` for what DuckDB reads from
    /// a Parquet file, and `canon_value(type, v)`. Prepend it to a script.
    public static let python = #"""
        import json, struct
        import pyarrow as pa
        import pyarrow.compute as pc

        def canon_value(typ, v):
            if v is None:
                return None
            if typ == 'double':
                return '0x%016x' % struct.unpack('<Q', struct.pack('<d', v))[0]
            return v

        def canon_line(name, typ, nullable, values):
            return json.dumps({'name': name, 'type': typ, 'nullable': nullable,
                               'values': [canon_value(typ, v) for v in values]}, separators=(',', ':'))

        def arrow_type_name(t):
            if pa.types.is_boolean(t): return 'bool'
            if t in (pa.int8(), pa.int16(), pa.int32(), pa.uint8(), pa.uint16()): return 'int32'
            if t in (pa.int64(), pa.uint32()): return 'int64'
            if pa.types.is_floating(t): return 'double'
            if pa.types.is_string(t) or pa.types.is_large_string(t): return 'string'
            if pa.types.is_timestamp(t): return 'timestamp'
            if pa.types.is_date32(t): return 'date'
            raise ValueError('no Frame type for %s' % t)

        def arrow_values(col, t):
            if pa.types.is_timestamp(t):
                raw = col.cast(pa.int64()).to_pylist()
                scale = {'s': 1000000, 'ms': 1000, 'us': 1, 'ns': None}[t.unit]
                if scale is None:
                    return [None if v is None else v // 1000 for v in raw]
                return [None if v is None else v * scale for v in raw]
            if pa.types.is_date32(t):
                return col.cast(pa.int32()).to_pylist()
            return col.to_pylist()

        def arrow_lines(table):
            return [canon_line(f.name, arrow_type_name(f.type), f.nullable, arrow_values(table.column(i), f.type))
                    for i, f in enumerate(table.schema)]

        DUCKDB_TYPES = {'INTEGER': 'int32', 'BIGINT': 'int64', 'DOUBLE': 'double', 'BOOLEAN': 'bool', 'VARCHAR': 'string',
                        'TIMESTAMP WITH TIME ZONE': 'timestamp', 'DATE': 'date'}

        def duckdb_lines(con, path):
            described = con.execute('DESCRIBE SELECT * FROM read_parquet(?)', [path]).fetchall()
            repetition = dict(con.execute("SELECT name, repetition_type FROM parquet_schema(?)", [path]).fetchall())
            out = []
            for name, dtype, *_ in described:
                typ = DUCKDB_TYPES[dtype]
                q = '"%s"' % name.replace('"', '""')
                expr = {'timestamp': 'epoch_us(%s)' % q, 'date': '(%s - DATE \'1970-01-01\')' % q}.get(typ, q)
                values = [r[0] for r in con.execute('SELECT %s FROM read_parquet(?)' % expr, [path]).fetchall()]
                out.append(canon_line(name, typ, repetition[name] == 'OPTIONAL', values))
            return out

        """#
}
