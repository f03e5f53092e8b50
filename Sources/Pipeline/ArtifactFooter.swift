import Frame
import Parquet

/// Rows and schema of a Parquet artifact, read from its footer for the manifest.
enum ArtifactFooter {
    /// nil when the file is not a Parquet file this build can read (a custom stage may write any file).
    static func read(_ path: String) -> (rows: Int64, schema: Schema)? {
        guard let reader = try? ParquetReader(path: path) else { return nil }
        return (Int64(reader.rowCount), reader.schema)
    }
}
