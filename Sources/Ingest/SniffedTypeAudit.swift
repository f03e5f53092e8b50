import Frame

/// A sniffed column whose type the whole file does not fit.
public struct SniffedTypeMismatch: Sendable, Equatable, CustomStringConvertible {
    public var column: String
    /// The sniffed type, as reject reasons name it ("int", "date (%d/%m/%Y)").
    public var sniffed: String
    /// Values of the file the sniffed type refused.
    public var refused: Int
    /// The narrowest type that reads every value of the file.
    public var holding: ColumnType
    public var holdingFormat: String?

    public var description: String {
        let fits = holdingFormat.map { "\(holding) with format \"\($0)\"" } ?? holding.rawValue
        return "column '\(column)' was sniffed as \(sniffed) from a sample, but \(refused) values of the file are not; "
            + "every value fits \(fits)"
    }
}

/// Checks sniffed types against a whole file, for the error `collect` gives when a sniffed
/// source's rejects pass the limit: which columns the sample misjudged, and what would hold them.
public enum SniffedTypeAudit {
    /// Reads `path` again with every column of `options` as text and returns the columns whose
    /// type refuses some value, each with the type that would hold every value.
    public static func mismatches(path: String, options: SourceOptions, sourceName: String)
        throws(IngestError) -> [SniffedTypeMismatch]
    {
        var text = options
        text.columns = options.columns.map { ColumnMapping($0.name, .string, source: $0.source, trim: false) }
        var reader = try SourceReader.open(path: path, options: text, sourceName: sourceName)
        var profiles = [ColumnProfile](repeating: ColumnProfile(trackDistinct: false), count: text.columns.count)
        while let batch = try reader.nextBatch() {
            for (c, column) in batch.frame.columns.enumerated() {
                guard case .string(let strings) = column.values else { continue }
                strings.bytes.withUnsafeBufferPointer { buf in
                    for r in 0..<strings.count {
                        if column.isNull(r) {
                            profiles[c].addNull()
                            continue
                        }
                        var range = strings.range(r)
                        while range.lowerBound < range.upperBound,
                            buf[range.lowerBound] == 0x20 || buf[range.lowerBound] == 0x09
                        {
                            range = range.lowerBound + 1..<range.upperBound
                        }
                        while range.lowerBound < range.upperBound,
                            buf[range.upperBound - 1] == 0x20 || buf[range.upperBound - 1] == 0x09
                        {
                            range = range.lowerBound..<range.upperBound - 1
                        }
                        profiles[c].add(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buf[range])))
                    }
                }
            }
        }
        var out: [SniffedTypeMismatch] = []
        for (mapping, profile) in zip(options.columns, profiles) {
            guard
                let k = ColumnProfile.candidates.firstIndex(where: {
                    $0.type == mapping.type && $0.format == mapping.format
                }),
                profile.failures[k] > 0
            else { continue }
            let holding = profile.choice(allowedExceptions: 0, timeNamed: Sniffer.isTimeNamed(mapping.name))
            let label =
                mapping.type == .timestamp || mapping.type == .date
                ? "\(mapping.type) (\(mapping.format ?? "iso8601"))" : mapping.type.rawValue
            out.append(
                SniffedTypeMismatch(
                    column: mapping.name, sniffed: label, refused: profile.failures[k], holding: holding.type,
                    holdingFormat: holding.format))
        }
        return out
    }
}
