import Frame
import Testing

@testable import Ingest

/// The text parsers on their own: exact values for tables of inputs.
@Suite struct ValueParsingTests {
    static func withBytes<T>(_ s: String, _ body: (UnsafePointer<UInt8>, Int) -> T) -> T {
        var s = s
        return s.withUTF8 { body($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
    }

    @Test(arguments: [
        ("0", Int64(0)), ("-0", 0), ("+42", 42), ("007", 7), ("9223372036854775807", Int64.max),
        ("-9223372036854775808", Int64.min), ("123456789012345678", 123_456_789_012_345_678),
    ])
    func integers(_ text: String, _ value: Int64) {
        #expect(Self.withBytes(text) { ValueParser.int64($0, $1) } == value)
    }

    @Test(arguments: ["", "-", "+", "1.0", "1e3", " 1", "9223372036854775808", "-9223372036854775809", "0x10", "1_000"])
    func notIntegers(_ text: String) {
        #expect(Self.withBytes(text) { ValueParser.int64($0, $1) } == nil)
    }

    @Test(arguments: [
        ("1e3", 1000.0), ("-0", -0.0), ("0.1", 0.1), (".5", 0.5), ("5.", 5.0), ("-2.5E-3", -0.0025),
        ("1.7976931348623157e308", Double.greatestFiniteMagnitude), ("123456789012345678901", 123456789012345678901.0),
        ("4.9e-324", 4.9e-324), ("inf", Double.infinity), ("-Infinity", -Double.infinity),
        ("0.30000000000000004", 0.30000000000000004),
    ])
    func doubles(_ text: String, _ value: Double) {
        #expect(Self.withBytes(text) { ValueParser.double($0, $1) }?.bitPattern == value.bitPattern)
    }

    @Test func nanParses() {
        for t in ["nan", "NaN", "-nan"] { #expect(Self.withBytes(t) { ValueParser.double($0, $1) }?.isNaN == true) }
    }

    @Test(arguments: ["", "-", "e3", "1e", "1.2.3", "0x1p3", " 1", "1 ", "abc", "1,5"])
    func notDoubles(_ text: String) {
        #expect(Self.withBytes(text) { ValueParser.double($0, $1) } == nil)
    }

    @Test(arguments: [
        ("true", true), ("TRUE", true), ("t", true), ("Yes", true), ("y", true), ("1", true),
        ("false", false), ("F", false), ("no", false), ("N", false), ("0", false),
    ])
    func booleans(_ text: String, _ value: Bool) {
        #expect(Self.withBytes(text) { ValueParser.bool($0, $1) } == value)
    }

    @Test(arguments: ["", "2", "tru", "yess", "on"])
    func notBooleans(_ text: String) {
        #expect(Self.withBytes(text) { ValueParser.bool($0, $1) } == nil)
    }

    static let timestamps: [(format: String, text: String, expected: String?)] = [
        ("iso8601", "2024-02-29", "2024-02-29T00:00:00Z"),
        ("iso8601", "2024-02-29T23:59:59", "2024-02-29T23:59:59Z"),
        ("iso8601", "2024-02-29 23:59:59.123456Z", "2024-02-29T23:59:59.123456Z"),
        ("iso8601", "2024-02-29T23:59:59.1234567+02:00", "2024-02-29T21:59:59.123456Z"),
        ("iso8601", "2024-03-01T01:30-0130", "2024-03-01T03:00:00Z"),
        ("iso8601", "1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.500000Z"),
        ("iso8601", "2023-02-29", nil),
        ("iso8601", "2024-13-45", nil),
        ("iso8601", "2024-01-01T24:00:00", nil),
        ("iso8601", "2024-01-01T", nil),
        ("iso8601", "24-01-01", nil),
        ("epoch_s", "1700000000", "2023-11-14T22:13:20Z"),
        ("epoch_s", "-1.5", "1969-12-31T23:59:58.500000Z"),
        ("epoch_ms", "1700000000123", "2023-11-14T22:13:20.123000Z"),
        ("epoch_us", "1700000000123456", "2023-11-14T22:13:20.123456Z"),
        ("epoch_ms", "17e5", nil),
        ("%d/%m/%Y %H:%M", "29/02/2024 07:05", "2024-02-29T07:05:00Z"),
        ("%d/%m/%Y %H:%M", "1/2/2024 7:05", "2024-02-01T07:05:00Z"),
        ("%d/%m/%Y %H:%M", "29/02/2024 07:05:00", nil),
        ("%d %b %y %H:%M:%S.%f %z", "03 mar 24 10:00:00.25 -05:00", "2024-03-03T15:00:00.250000Z"),
        ("%B %d, %Y", "September 09, 1999", "1999-09-09T00:00:00Z"),
        ("%Y%m%d%H%M%S", "20240102030405", "2024-01-02T03:04:05Z"),
        ("%Y-%m-%d %%", "2024-01-02 %", "2024-01-02T00:00:00Z"),
    ]

    @Test(arguments: timestamps.indices)
    func timestampFormats(_ k: Int) throws {
        let c = Self.timestamps[k]
        let format = try TimeFormat(parsing: c.format)
        let micros = Self.withBytes(c.text) { format.timestamp(UnsafeRawBufferPointer(start: $0, count: $1)) }
        #expect(micros.map(ValueFormatter.timestamp) == c.expected, "\(c.format) \(c.text)")
    }

    @Test(arguments: [
        ("iso8601", "2024-03-01", "2024-03-01"), ("iso8601", "2024-03-01T23:30:00-05:00", "2024-03-01"),
        ("epoch_s", "-1", "1969-12-31"), ("epoch_ms", "86400000", "1970-01-02"),
        ("%d.%m.%Y", "01.03.1900", "1900-03-01"),
    ])
    func dates(_ format: String, _ text: String, _ expected: String) throws {
        let f = try TimeFormat(parsing: format)
        let days = Self.withBytes(text) { f.date(UnsafeRawBufferPointer(start: $0, count: $1)) }
        #expect(days.map { ValueFormatter.date(Int32($0)) } == expected)
    }

    @Test func utf8Validation() {
        let cases: [([UInt8], Int?)] = [
            (Array("plain ascii".utf8), nil), (Array("Zoë 😀".utf8), nil), ([0x61, 0x80], 1), ([0xC0, 0xAF], 0),
            ([0xE0, 0x80, 0xAF], 0), ([0xED, 0xA0, 0x80], 0), ([0xF4, 0x90, 0x80, 0x80], 0), ([0x61, 0xE2, 0x82], 1),
            // Past the eight-byte ASCII skip, and a sequence straddling an eight-byte boundary.
            (Array("abcdefghij".utf8) + [0x80], 10), (Array("abcdefg".utf8) + [0xC3, 0xA9] + Array("xyz".utf8), nil),
            (Array("abcdefg".utf8) + [0xC3], 7),
        ]
        for (bytes, expected) in cases {
            #expect(
                bytes.withUnsafeBufferPointer { UTF8Validation.firstInvalidByte($0.baseAddress!, $0.count) } == expected
            )
        }
    }
}
