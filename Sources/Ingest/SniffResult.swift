/// What sniffing a text source found: the options to read it with (columns included) and the
/// evidence behind each choice.
public struct SniffResult: Sendable, Equatable {
    /// Ready to read the file: format, delimiter, quote, header, encoding and one mapping per column.
    public var options: SourceOptions
    public var lineEnding: LineEnding
    public var columns: [SniffedColumn]
    /// Bytes of text looked at, and whether that was the whole file.
    public var sampledBytes: Int
    public var wholeFile: Bool
    /// Records typed (the header excluded) and records set aside (a field count other than the
    /// file's, or a line that is not one JSON object).
    public var sampledRecords: Int
    public var irregularRecords: Int
    /// Things a user should know: ambiguous dates, columns left out, unsupported line ends.
    public var notes: [String]

    public init(
        options: SourceOptions, lineEnding: LineEnding, columns: [SniffedColumn], sampledBytes: Int,
        wholeFile: Bool, sampledRecords: Int, irregularRecords: Int, notes: [String]
    ) {
        self.options = options
        self.lineEnding = lineEnding
        self.columns = columns
        self.sampledBytes = sampledBytes
        self.wholeFile = wholeFile
        self.sampledRecords = sampledRecords
        self.irregularRecords = irregularRecords
        self.notes = notes
    }
}

/// One column as sniffed.
public struct SniffedColumn: Sendable, Equatable {
    public var mapping: ColumnMapping
    /// Non-null and null values in the sample.
    public var values: Int
    public var nulls: Int
    /// Sample values the chosen type cannot read: each becomes a reject when the file is read.
    public var exceptions: Int
    /// Distinct non-null values in the sample (nil when too many to remember).
    public var distinctValues: Int?
    public var examples: [String]

    public var nullable: Bool { nulls > 0 }

    public init(
        mapping: ColumnMapping, values: Int, nulls: Int, exceptions: Int, distinctValues: Int?, examples: [String]
    ) {
        self.mapping = mapping
        self.values = values
        self.nulls = nulls
        self.exceptions = exceptions
        self.distinctValues = distinctValues
        self.examples = examples
    }
}

/// How lines end in a text file. The readers split on LF and drop a CR before it, so `lf` and
/// `crlf` (and a mix) read alike; a file of bare CRs is one long line to them.
public enum LineEnding: String, Sendable, Equatable {
    case lf
    case crlf
    case cr
    /// A file without a line break.
    case none
}

/// What the caller already knows about a source: these are kept, the rest is sniffed.
public struct SniffHints: Sendable, Equatable {
    public var format: SourceFormat?
    public var delimiter: String?
    /// "" for no quoting.
    public var quote: String?
    public var header: Bool?
    public var encoding: TextEncoding?
    public var nullTokens: [String]

    public init(
        format: SourceFormat? = nil, delimiter: String? = nil, quote: String? = nil, header: Bool? = nil,
        encoding: TextEncoding? = nil, nullTokens: [String] = SourceOptions.defaultNullTokens
    ) {
        self.format = format
        self.delimiter = delimiter
        self.quote = quote
        self.header = header
        self.encoding = encoding
        self.nullTokens = nullTokens
    }

    /// The hints a set of options implies when nothing says which keys were written: each
    /// setting that differs from its default was surely chosen.
    public init(options: SourceOptions) {
        self.init(
            format: options.format, delimiter: options.delimiter,
            quote: options.quote == SourceOptions.defaultQuote ? nil : options.quote,
            header: options.header ? nil : false, encoding: options.encoding == .utf8 ? nil : options.encoding,
            nullTokens: options.nullTokens)
    }
}

/// How much to look at, and how many odd values a type may leave to rejects.
public struct SniffSettings: Sendable, Equatable {
    /// Bytes of text sampled: the head of the file and evenly spaced stretches after it.
    public var sampleBytes: Int
    /// The share of a column's sample values that may fail its type and still not widen it (a
    /// mostly-int column with one `2x` stays int, and the `2x` row is a reject). Half collect's
    /// default reject limit, so that one column's exceptions alone do not fail a run.
    public var maxExceptionShare: Double

    public static let defaultSampleBytes = 1 << 20
    public static let defaultMaxExceptionShare = 0.005

    public init(
        sampleBytes: Int = SniffSettings.defaultSampleBytes,
        maxExceptionShare: Double = SniffSettings.defaultMaxExceptionShare
    ) {
        self.sampleBytes = sampleBytes
        self.maxExceptionShare = maxExceptionShare
    }

    /// Exceptions tolerated among `values` sample values.
    func allowedExceptions(_ values: Int) -> Int {
        guard maxExceptionShare > 0, values > 0 else { return 0 }
        return Int((Double(values) * maxExceptionShare).rounded(.down))
    }
}
