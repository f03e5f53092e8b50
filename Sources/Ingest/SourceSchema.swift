import Frame
import Parquet

/// The columns of a source that declares none: sniffed from a text file, or read from a Parquet
/// file's schema or an SQLite query's declared column types.
public enum SourceSchema {
    /// `options` with its columns (and, for text, its dialect) filled in, and the sniff result
    /// for a text file. The options given are validated first.
    public static func resolve(path: String, options: SourceOptions, hints: SniffHints? = nil)
        throws(IngestError) -> (options: SourceOptions, sniffed: SniffResult?)
    {
        var resolved = options
        resolved.format = options.format ?? SourceFormat.infer(fromPath: path)
        try resolved.validate()
        switch resolved.format {
        case .parquet?:
            resolved.columns = try parquetColumns(path: path)
            return (resolved, nil)
        case .sqlite?:
            resolved.columns = try sqliteColumns(path: path, query: resolved.query ?? "")
            return (resolved, nil)
        default:
            var h = hints ?? SniffHints(options: options)
            h.format = h.format ?? resolved.format
            let sample = try SniffSample.read(path: path, sampleBytes: options.sampleBytes)
            let result = Sniffer.sniff(
                sample: sample, hints: h, settings: SniffSettings(sampleBytes: options.sampleBytes))
            var sniffed = result.options
            sniffed.batchRows = options.batchRows
            sniffed.query = options.query
            if sniffed.columns.isEmpty {
                throw .invalidOptions(
                    path: "columns", detail: "no column could be sniffed from '\(path)'; declare the columns")
            }
            return (sniffed, result)
        }
    }

    /// One mapping per column of a Parquet file that this reader supports, typed as stored.
    static func parquetColumns(path: String) throws(IngestError) -> [ColumnMapping] {
        try ParquetSource.checkFile(path)
        let reader: ParquetReader
        do { reader = try ParquetReader(path: path) } catch { throw .parquet(error) }
        return reader.schema.fields.map { field in
            ColumnMapping(field.name, columnType(of: field.type), required: !field.nullable)
        }
    }

    /// The declared type that reads as `type` (int64 → int, int32 → int32, …).
    static func columnType(of type: DataType) -> ColumnType {
        ColumnType.allCases.first { $0.dataType == type } ?? .string
    }

    /// One mapping per result column of `query`, typed by its declared type with SQLite's
    /// affinity rules (INT → int; CHAR, CLOB, TEXT → string; REAL, FLOA, DOUB, NUMERIC, DECIMAL →
    /// double), plus BOOL → bool, DATETIME and TIMESTAMP → timestamp, DATE → date; an expression
    /// (no declared type) or a BLOB is read as a string.
    static func sqliteColumns(path: String, query: String) throws(IngestError) -> [ColumnMapping] {
        try ParquetSource.checkFile(path)
        let statement = try SQLiteStatement(path: path, query: query)
        var out: [ColumnMapping] = []
        for (name, declared) in zip(statement.columnNames, statement.declaredTypes)
        where !out.contains(where: {
            $0.name == name
        }) {
            out.append(ColumnMapping(name, sqliteType(declared)))
        }
        return out
    }

    static func sqliteType(_ declared: String?) -> ColumnType {
        guard let d = declared?.uppercased() else { return .string }
        if d.contains("INT") { return .int }
        if d.contains("CHAR") || d.contains("CLOB") || d.contains("TEXT") || d.contains("BLOB") { return .string }
        if d.contains("BOOL") { return .bool }
        if d.contains("DATETIME") || d.contains("TIMESTAMP") { return .timestamp }
        if d.contains("DATE") { return .date }
        if d.contains("REAL") || d.contains("FLOA") || d.contains("DOUB") || d.contains("NUMERIC")
            || d.contains("DECIMAL")
        {
            return .double
        }
        return .string
    }
}
