import Frame
import Parquet

/// Rows and schema of a Parquet artifact, read from its footer for the manifest.
enum ArtifactFooter {
    /// The row count and schema of a `.parquet` output. nil when it is valid Parquet with a feature
    /// this build does not map (nested columns, say): another reader may still use it. Throws when
    /// it is not Parquet at all or its footer does not parse: no reader could use it.
    static func read(_ path: String) throws(ParquetError) -> (rows: Int64, schema: Schema)? {
        do {
            let reader = try ParquetReader(path: path)
            return (Int64(reader.rowCount), reader.schema)
        } catch {
            if case .unsupported = error { return nil }
            throw error
        }
    }
}
