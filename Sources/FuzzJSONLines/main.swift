import FuzzSupport
import Ingest

runFuzzer { data, size in data.map { fuzzJSONLines($0, size) } ?? 0 }

/// libFuzzer target: a JSON Lines source (object scanner, escapes, nesting, typed conversion,
/// rejects) read whole with options taken from the input's first bytes (`FuzzInput`). The keys
/// mapped are the first ones the first line seems to hold.
func fuzzJSONLines(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    let keys = apparentKeys(input.firstLine, limit: input.columnCount)
    let path = input.writeBody(name: "input.jsonl")
    drainSource(
        path: path, options: input.options(format: .jsonl, sources: keys.isEmpty ? ["id"] : keys),
        expectedLines: input.isGzip ? nil : input.physicalLines)
    return 0
}

/// The distinct `"key":` strings of `line` (no escapes decoded), at most `limit`.
func apparentKeys(_ line: [UInt8], limit: Int) -> [String] {
    var keys: [String] = []
    var i = 0
    while i < line.count && keys.count < limit {
        guard line[i] == UInt8(ascii: "\"") else {
            i += 1
            continue
        }
        var j = i + 1
        while j < line.count && line[j] != UInt8(ascii: "\"") { j += line[j] == UInt8(ascii: "\\") ? 2 : 1 }
        guard j < line.count else { break }
        var k = j + 1
        while k < line.count && line[k] == UInt8(ascii: " ") { k += 1 }
        if k < line.count && line[k] == UInt8(ascii: ":") {
            let key = String(decoding: line[(i + 1)..<j], as: UTF8.self)
            if !keys.contains(key) { keys.append(key) }
        }
        i = j + 1
    }
    return keys
}
