import Dispatch
import Frame

/// How the writer lays out and compresses a file. Defaults suit nightly artifacts.
public struct ParquetWriteOptions: Sendable, Equatable {
    /// The page codec: GZIP (the artifact format) or UNCOMPRESSED (for tests and tools).
    public enum Codec: Sendable, Equatable { case gzip, uncompressed }

    public var codec: Codec = .gzip
    /// libdeflate level 0...12; 6 by default (level 9 costs ~10× the time for ~1% smaller files).
    public var compressionLevel: Int = 6
    /// Rows per row group, the unit of memory when reading a file back.
    public var rowGroupRows: Int = 1 << 20
    /// Rows per data page (pyarrow uses 20,000).
    public var pageRows: Int = 20_000
    /// Threads that compress pages; the bytes written do not depend on it.
    public var threads: Int = ParquetWriteOptions.defaultThreads
    /// Extra key/value metadata, written sorted by key.
    public var keyValueMetadata: [String: String] = [:]
    /// The footer's `created_by`, in the form parquet-java's version parser accepts.
    public var createdBy: String = "bespoke version \(BespokeVersion.string) (build release)"

    public init() {}

    public static var defaultThreads: Int { max(1, min(2, ProcessInfoCompat.activeProcessorCount)) }

    func validate(path: String) throws(ParquetError) {
        guard (0...12).contains(compressionLevel) else {
            throw .invalidWrite(path: path, detail: "compression level must be in 0...12, got \(compressionLevel)")
        }
        guard rowGroupRows >= 1 else {
            throw .invalidWrite(path: path, detail: "rowGroupRows must be >= 1, got \(rowGroupRows)")
        }
        guard pageRows >= 1 else { throw .invalidWrite(path: path, detail: "pageRows must be >= 1, got \(pageRows)") }
        guard threads >= 1 else { throw .invalidWrite(path: path, detail: "threads must be >= 1, got \(threads)") }
    }
}

enum ProcessInfoCompat {
    static var activeProcessorCount: Int {
        #if canImport(Glibc)
            Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
            2
        #endif
    }
}

#if canImport(Glibc)
    import Glibc
#endif
