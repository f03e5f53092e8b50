/// Streaming evidence about one column's values: how many are null, and how many each candidate
/// type (with its format) fails to read. The sniffer feeds it a sample; `collect` feeds it a
/// whole file when a sniffed type proved wrong, to name the type that holds every value.
///
/// Work per value is bounded (a fixed list of candidates, each a parser over the value's bytes)
/// and memory is bounded (`maxDistinct` values remembered, for guessing keys).
struct ColumnProfile {
    /// Where a value came from: delimited text, or a JSON number, string or boolean.
    enum Origin {
        case text, jsonNumber, jsonString, jsonBool
    }

    /// One type a column may be read as, in the order they are preferred.
    struct Candidate {
        enum Group: Int, CaseIterable {
            case bool, epoch, int, double, isoDate, patternDate, isoTimestamp, patternTimestamp
        }
        var group: Group
        var type: ColumnType
        /// The `ColumnMapping.format`: nil for ISO 8601 (the default) and for non-temporal types.
        var format: String?
        var time: TimeFormat?
    }

    /// Day-first and month-first patterns that mean different dates for the same text are both
    /// listed; month-first comes first, so a tie (no value with a field over 12) reads month-first,
    /// as DuckDB and pandas do.
    static let datePatterns = ["%m/%d/%Y", "%d/%m/%Y", "%m-%d-%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d"]
    static let timeSuffixes = [" %H:%M:%S", " %H:%M"]

    static let candidates: [Candidate] = {
        var out: [Candidate] = [
            Candidate(group: .bool, type: .bool),
            Candidate(group: .epoch, type: .timestamp, format: "epoch_s", time: .epochSeconds),
            Candidate(group: .epoch, type: .timestamp, format: "epoch_ms", time: .epochMillis),
            Candidate(group: .int, type: .int),
            Candidate(group: .double, type: .double),
            Candidate(group: .isoDate, type: .date, time: .iso8601),
        ]
        for p in datePatterns {
            out.append(Candidate(group: .patternDate, type: .date, format: p, time: try! TimeFormat(parsing: p)))
        }
        out.append(Candidate(group: .isoTimestamp, type: .timestamp, time: .iso8601))
        for p in datePatterns {
            for s in timeSuffixes {
                out.append(
                    Candidate(
                        group: .patternTimestamp, type: .timestamp, format: p + s, time: try! TimeFormat(parsing: p + s)
                    ))
            }
        }
        return out
    }()

    /// Epoch values are believed only between 1990-01-01 and 2100-01-01 (seconds): rating and
    /// review logs reach back into the 1990s (MovieLens starts in 1995), while a duration or count
    /// in a time-named column rarely exceeds 631 million.
    static let epochRange: Range<Int64> = 631_152_000..<4_102_444_800
    static let maxDistinct = 1 << 17

    var values = 0
    var nulls = 0
    /// Per candidate: values it cannot read.
    var failures = [Int](repeating: 0, count: ColumnProfile.candidates.count)
    /// Integers written with a leading zero ("007"): codes, not numbers.
    var leadingZeros = 0
    /// Integers too long for 64 bits: identifiers that a double would silently round.
    var hugeIntegers = 0
    /// JSON objects or arrays: not a column a flat table can hold.
    var nested = 0
    /// A few distinct values, for messages and `bespoke sniff`.
    var examples: [String] = []
    var distinct: Set<String>? = []

    init(trackDistinct: Bool = true) {
        if !trackDistinct { distinct = nil }
    }

    mutating func addNull() { nulls += 1 }

    mutating func addNested() {
        values += 1
        nested += 1
        for k in failures.indices { failures[k] += 1 }
    }

    /// Adds one non-null value (already trimmed of spaces and tabs).
    mutating func add(_ v: UnsafeRawBufferPointer, origin: Origin = .text) {
        values += 1
        if examples.count < 3 || distinct != nil {
            let s = String(decoding: v, as: UTF8.self)
            if examples.count < 3 && !examples.contains(s) { examples.append(s) }
            if distinct != nil {
                if distinct!.count < Self.maxDistinct { distinct!.insert(s) } else { distinct = nil }
            }
        }
        let n = v.count
        let isInteger = Self.isInteger(v)
        if isInteger {
            let digitsStart = (v[0] == UInt8(ascii: "-") || v[0] == UInt8(ascii: "+")) ? 1 : 0
            if n - digitsStart > 1 && v[digitsStart] == UInt8(ascii: "0") { leadingZeros += 1 }
        }
        let base = v.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!
        let int = isInteger ? ValueParser.int64(base, n) : nil
        if isInteger && int == nil { hugeIntegers += 1 }
        let numeric = origin == .text || origin == .jsonNumber
        let double = numeric ? (int.map(Double.init) ?? ValueParser.double(base, n)) : nil
        let temporalText = (origin == .text || origin == .jsonString) && n >= 6 && v[0] &- 48 < 10
        for (k, c) in Self.candidates.enumerated() {
            let ok: Bool
            switch c.group {
            case .bool:
                ok = origin == .jsonBool || (origin == .text && Self.isBoolWord(v))
            case .epoch:
                guard numeric, let d = double else {
                    ok = false
                    break
                }
                let seconds = c.time == .epochMillis ? d / 1000 : d
                ok = seconds >= Double(Self.epochRange.lowerBound) && seconds < Double(Self.epochRange.upperBound)
            case .int:
                ok = numeric && int != nil
            case .double:
                ok = double != nil
            case .isoDate:
                ok = temporalText && n == 10 && c.time!.date(v) != nil
            case .patternDate:
                ok = temporalText && c.time!.date(v) != nil
            case .isoTimestamp, .patternTimestamp:
                ok = temporalText && c.time!.timestamp(v) != nil
            }
            if !ok { failures[k] += 1 }
        }
    }

    /// The column's type: the most preferred candidate that fails on at most `allowedExceptions`
    /// values, else string. `timeNamed` lets integer columns be epoch timestamps (only a column
    /// named like a time is believed to be one).
    func choice(allowedExceptions: Int, timeNamed: Bool) -> (type: ColumnType, format: String?, failures: Int) {
        guard values > nested, nested == 0 else { return (.string, nil, 0) }
        let numericCodes = leadingZeros > 0 || hugeIntegers > 0
        for group in Candidate.Group.allCases {
            if group == .epoch && !timeNamed { continue }
            if numericCodes && (group == .epoch || group == .int || group == .double) { continue }
            var best: (index: Int, failures: Int)?
            for (k, c) in Self.candidates.enumerated() where c.group == group && failures[k] <= allowedExceptions {
                if best == nil || failures[k] < best!.failures { best = (k, failures[k]) }
            }
            if let best {
                let c = Self.candidates[best.index]
                return (c.type, c.format, best.failures)
            }
        }
        return (.string, nil, 0)
    }

    /// Whether a day-first pattern reads as many values as the chosen month-first one (no value
    /// told them apart).
    func isDayMonthAmbiguous(format: String?) -> Bool {
        guard let format, format.hasPrefix("%m") else { return false }
        // "%m/%d…" → "%d/%m…": every month-first pattern starts with "%m", a separator, "%d".
        let chars = Array(format)
        guard chars.count >= 5 else { return false }
        let swapped = "%d" + String(chars[2]) + "%m" + String(chars[5...])
        guard let a = Self.candidates.firstIndex(where: { $0.format == format }),
            let b = Self.candidates.firstIndex(where: { $0.format == swapped })
        else { return false }
        return failures[a] == failures[b]
    }

    mutating func merge(_ other: ColumnProfile) {
        values += other.values
        nulls += other.nulls
        for k in failures.indices { failures[k] += other.failures[k] }
        leadingZeros += other.leadingZeros
        hugeIntegers += other.hugeIntegers
        nested += other.nested
        for e in other.examples where examples.count < 3 && !examples.contains(e) { examples.append(e) }
        if let d = other.distinct, distinct != nil {
            distinct!.formUnion(d)
            if distinct!.count > Self.maxDistinct { distinct = nil }
        } else {
            distinct = nil
        }
    }

    static func isInteger(_ v: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        if i < v.count && (v[0] == UInt8(ascii: "-") || v[0] == UInt8(ascii: "+")) { i = 1 }
        guard i < v.count else { return false }
        while i < v.count {
            if v[i] &- 48 >= 10 { return false }
            i += 1
        }
        return true
    }

    /// `true` or `false` in any case: the words DuckDB and pandas also read as booleans (0/1,
    /// yes/no and t/f are left to numbers and strings).
    static func isBoolWord(_ v: UnsafeRawBufferPointer) -> Bool {
        func equals(_ word: StaticString) -> Bool {
            guard v.count == word.utf8CodeUnitCount else { return false }
            for k in 0..<v.count where v[k] | 0x20 != word.utf8Start[k] { return false }
            return true
        }
        return equals("true") || equals("false")
    }
}
