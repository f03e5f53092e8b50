import Foundation

/// A small RFC 4180 reader for the tests: an independent check of what the generator wrote.
///
/// Each record carries the 1-based physical line it starts on, its fields as bytes, and its text
/// (the record's bytes without the newline). A quoted field still open at the end of the input marks
/// the record `unterminated`.
struct CSVRecord: Sendable {
    let line: Int
    let fields: [[UInt8]]
    let text: [UInt8]
    let unterminated: Bool

    func string(_ i: Int) -> String { String(decoding: fields[i], as: UTF8.self) }
}

enum CSVRecords {
    static func read(_ bytes: [UInt8]) -> [CSVRecord] {
        var records: [CSVRecord] = []
        var i = 0
        var line = 1
        let n = bytes.count
        while i < n {
            let startLine = line
            let start = i
            var fields: [[UInt8]] = []
            var field: [UInt8] = []
            var unterminated = false
            var endOfRecord = false
            while !endOfRecord {
                field.removeAll(keepingCapacity: true)
                if i < n && bytes[i] == 34 {
                    i += 1
                    var closed = false
                    while i < n {
                        let b = bytes[i]
                        if b == 34 {
                            if i + 1 < n && bytes[i + 1] == 34 {
                                field.append(34)
                                i += 2
                                continue
                            }
                            i += 1
                            closed = true
                            break
                        }
                        if b == 10 { line += 1 }
                        field.append(b)
                        i += 1
                    }
                    if !closed { unterminated = true }
                }
                while i < n && bytes[i] != 44 && bytes[i] != 10 {
                    field.append(bytes[i])
                    i += 1
                }
                fields.append(field)
                if i >= n {
                    endOfRecord = true
                } else if bytes[i] == 44 {
                    i += 1
                } else {
                    i += 1
                    line += 1
                    endOfRecord = true
                }
            }
            var end = i
            if end > start && end <= n && bytes[end - 1] == 10 && !unterminated { end -= 1 }
            records.append(
                CSVRecord(line: startLine, fields: fields, text: Array(bytes[start..<end]), unterminated: unterminated))
        }
        return records
    }
}

/// Strict value checks, written independently of the generator's formatter.
enum ValueCheck {
    static func isInteger(_ b: [UInt8]) -> Bool {
        var digits = b[...]
        if digits.first == 45 { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    static func isDecimal(_ b: [UInt8]) -> Bool {
        var body = b[...]
        if body.first == 45 { body = body.dropFirst() }
        let parts = body.split(separator: 46, omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0 >= 48 && $0 <= 57 } }
    }

    static func number(_ b: [UInt8], from: Int, count: Int) -> Int? {
        guard from + count <= b.count else { return nil }
        var v = 0
        for c in b[from..<from + count] {
            guard c >= 48 && c <= 57 else { return nil }
            v = v * 10 + Int(c - 48)
        }
        return v
    }

    static func isDate(_ b: [UInt8]) -> Bool {
        guard b.count == 10, b[4] == 45, b[7] == 45,
            let y = number(b, from: 0, count: 4), let m = number(b, from: 5, count: 2),
            let d = number(b, from: 8, count: 2)
        else { return false }
        let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return (1...12).contains(m) && d >= 1 && d <= days[m - 1]
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    static func isTimestamp(_ b: [UInt8]) -> Bool {
        guard b.count == 20, isDate(Array(b[0..<10])), b[10] == 84, b[13] == 58, b[16] == 58, b[19] == 90,
            let h = number(b, from: 11, count: 2), let mi = number(b, from: 14, count: 2),
            let s = number(b, from: 17, count: 2)
        else { return false }
        return h < 24 && mi < 60 && s < 60
    }

    static func isUTF8(_ b: [UInt8]) -> Bool { String(validating: b, as: UTF8.self) != nil }

    /// Cents of a two-decimal amount.
    static func cents(_ b: [UInt8]) -> Int64 {
        let s = String(decoding: b, as: UTF8.self)
        let negative = s.hasPrefix("-")
        let parts = s.drop(while: { $0 == "-" }).split(separator: ".")
        let value =
            Int64(parts[0])! * 100
            + (parts.count > 1 ? Int64(parts[1].padding(toLength: 2, withPad: "0", startingAt: 0))! : 0)
        return negative ? -value : value
    }
}
