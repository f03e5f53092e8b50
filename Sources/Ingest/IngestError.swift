import Glibc
import Gzip
import Parquet

/// Why a source could not be read at all (as opposed to a bad row, which becomes a `Reject`).
///
/// Every case names the file (or, for options, the JSON path) and what was expected.
public enum IngestError: Error, Equatable, CustomStringConvertible {
    /// The file does not exist.
    case missingSource(path: String)
    /// The file holds no records (no bytes, only blank lines, or for a headed text file not even a header).
    case emptySource(path: String)
    /// A csv/tsv/jsonl file that is not text: a NUL byte anywhere, or control characters in its first KB.
    case binarySource(path: String, detail: String)
    /// A file named `.gz`, or a zlib stream, without gzip's magic bytes.
    case notGzip(path: String, detail: String)
    /// Mapped source columns that the header (or Parquet schema, or query result) does not have.
    case headerMismatch(path: String, missing: [String], available: [String])
    /// An option is invalid; `path` is its JSON path within the source object ("columns[2].type").
    case invalidOptions(path: String, detail: String)
    /// Opening or reading the file failed.
    case io(path: String, errno: Int32)
    /// A `.gz` source is corrupt or truncated.
    case codec(path: String, CodecError)
    case parquet(ParquetError)
    /// SQLite refused to open the database or run the query; `code` is its result code.
    case sqlite(path: String, code: Int32, message: String)

    /// The sysexits code a command should exit with: 66 input missing, 65 data error, 74 I/O error,
    /// 78 invalid configuration.
    public var exitCode: Int32 {
        switch self {
        case .missingSource: 66
        case .emptySource, .binarySource, .notGzip, .headerMismatch: 65
        case .invalidOptions: 78
        case .io: 74
        case .codec(_, let e):
            if case .io = e { 74 } else { 65 }
        case .parquet(let e):
            if case .io = e { 74 } else { 65 }
        case .sqlite(_, let code, _):
            // SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_FULL: the machine, not the data.
            [10, 14, 13].contains(code & 0xFF) ? 74 : 65
        }
    }

    public var description: String {
        switch self {
        case .missingSource(let path):
            return "\(path): source file not found"
        case .emptySource(let path):
            return "\(path): source is empty (no records)"
        case .binarySource(let path, let detail):
            return "\(path): not a text file: \(detail)"
        case .notGzip(let path, let detail):
            return "\(path): not gzip: \(detail)"
        case .headerMismatch(let path, let missing, let available):
            let names = missing.map { name in
                "'\(name)'"
                    + (NameSuggestion.closest(to: name, among: available).map { " (did you mean '\($0)'?)" } ?? "")
            }
            let has = available.isEmpty ? "no columns" : available.map { "'\($0)'" }.joined(separator: ", ")
            return "\(path): header does not match the column mapping: missing \(names.joined(separator: ", ")); "
                + "the source has \(has)"
        case .invalidOptions(let path, let detail):
            return "\(path): \(detail)"
        case .io(let path, let errno):
            return "\(path): cannot read: \(String(cString: strerror(errno))) (errno \(errno))"
        case .codec(let path, let error):
            return "\(path): \(error)"
        case .parquet(let error):
            return error.description
        case .sqlite(let path, let code, let message):
            return "\(path): sqlite: \(message) (code \(code))"
        }
    }
}

/// Did-you-mean suggestions for misspelt column names.
enum NameSuggestion {
    /// The candidate closest to `word` (ignoring case), if within 2 edits or a third of its length.
    static func closest(to word: String, among candidates: [String]) -> String? {
        var best: (name: String, distance: Int)?
        let limit = max(2, word.count / 3)
        for c in candidates where c != word {
            let d = levenshtein(Array(word.lowercased().unicodeScalars), Array(c.lowercased().unicodeScalars))
            if d <= limit && (best == nil || d < best!.distance) { best = (c, d) }
        }
        return best?.name
    }

    static func levenshtein(_ x: [Unicode.Scalar], _ y: [Unicode.Scalar]) -> Int {
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}
