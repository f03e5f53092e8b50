/// What `bespoke fixtures` generates: the size of the business, the seed, and the file format.
///
/// The defaults are the committed `Fixtures/` set (with `gzip` on). The same options and seed always
/// give byte-identical files.
public struct FixtureOptions: Sendable, Equatable {
    /// The text or table format of the three data files.
    public enum Format: String, Sendable, CaseIterable {
        /// RFC 4180 CSV with a header line; every text-level defect is planted.
        case csv
        /// One JSON object a line; CSV-only defects become invalid JSON lines (see `MalformedKind`).
        case jsonl
        /// Clean typed Parquet tables: duplicates, re-sends, missing values and outliers, no malformed rows.
        case parquet

        /// The file name extension, without the `.gz` that `gzip` adds to text formats.
        public var fileExtension: String { rawValue }
    }

    public var seed: UInt64 = 42
    public var customers: Int = 3_000
    public var items: Int = 500
    /// Length of the event window, in whole days, ending at `endDate` (exclusive).
    public var days: Int = 120
    /// Natural events before any planted copy; malformed rows replace some of them.
    public var events: Int = 100_000
    public var format: Format = .csv
    /// Compress the text files (`.csv.gz`, `.jsonl.gz`); ignored for Parquet, whose pages are GZIP already.
    public var gzip: Bool = false
    /// zlib level for `gzip` (1...9).
    public var gzipLevel: Int = 6

    /// The first instant after the window, midnight UTC, as days since 1970-01-01 (2026-11-01).
    public static let endDay: Int = 20_758

    public static let parameterRanges: [String: ClosedRange<Int>] = [
        "customers": 10...10_000_000,
        "items": 20...1_000_000,
        "days": 60...3_650,
        "events": 1_000...1_000_000_000,
        "gzip-level": 1...9,
    ]

    public init() {}

    /// Checks every bound before anything is written.
    public func validate() throws(FixtureError) {
        let values = ["customers": customers, "items": items, "days": days, "events": events, "gzip-level": gzipLevel]
        for name in values.keys.sorted() {
            let range = Self.parameterRanges[name]!
            let value = values[name]!
            if !range.contains(value) {
                throw .invalidOption(
                    name: name, detail: "must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
            }
        }
    }

    /// The file name of `table` under these options, e.g. `events.csv.gz`.
    public func fileName(_ table: String) -> String {
        let base = "\(table).\(format.fileExtension)"
        return gzip && format != .parquet ? base + ".gz" : base
    }
}
