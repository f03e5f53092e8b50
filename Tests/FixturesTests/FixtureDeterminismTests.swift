import Fixtures
import Foundation
import Frame
import Parquet
import TestSupport
import Testing

/// The same seed and options give the same bytes; another seed gives other bytes.
@Suite struct FixtureDeterminismTests {
    static func small(_ format: FixtureOptions.Format = .csv, seed: UInt64 = 7, gzip: Bool = false) -> FixtureOptions {
        var o = FixtureOptions()
        o.seed = seed
        o.customers = 400
        o.items = 120
        o.days = 60
        o.events = 20_000
        o.format = format
        o.gzip = gzip
        return o
    }

    static func files(_ folder: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            out[name] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
        }
        return out
    }

    @Test(arguments: [(FixtureOptions.Format.csv, true), (.csv, false), (.jsonl, true), (.parquet, false)])
    func sameSeedSameBytes(format: FixtureOptions.Format, gzip: Bool) throws {
        let a = TemporaryDirectory("fixtures-a"), b = TemporaryDirectory("fixtures-b")
        defer { a.remove(); b.remove() }
        _ = try FixtureGenerator.generate(Self.small(format, gzip: gzip), into: a.path)
        _ = try FixtureGenerator.generate(Self.small(format, gzip: gzip), into: b.path)
        let first = try Self.files(a.path), second = try Self.files(b.path)
        #expect(first.count == 4)
        #expect(first == second)
        // No temporary file is left behind.
        #expect(first.keys.allSatisfy { !$0.hasPrefix(".") })
        if gzip {
            // zlib's header: magic, deflate, no flags, MTIME 0.
            let events = first[Self.small(format, gzip: true).fileName("events")]!
            #expect(Array(events.prefix(8)) == [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0])
        }
    }

    @Test func otherSeedOtherBytes() throws {
        let a = TemporaryDirectory("fixtures-a"), b = TemporaryDirectory("fixtures-b")
        defer { a.remove(); b.remove() }
        _ = try FixtureGenerator.generate(Self.small(seed: 7), into: a.path)
        _ = try FixtureGenerator.generate(Self.small(seed: 8), into: b.path)
        let first = try Self.files(a.path), second = try Self.files(b.path)
        for name in ["customers.csv", "items.csv", "events.csv", "truth.json"] {
            #expect(first[name] != second[name], "\(name)")
        }
    }

    @Test(arguments: [
        ("customers", 5), ("items", 5), ("days", 10), ("events", 10), ("gzip-level", 0),
    ])
    func optionsOutOfRangeAreRefused(name: String, value: Int) {
        var o = FixtureOptions()
        switch name {
        case "customers": o.customers = value
        case "items": o.items = value
        case "days": o.days = value
        case "events": o.events = value
        default: o.gzipLevel = value
        }
        #expect(throws: FixtureError.self) { try o.validate() }
        #expect(throws: FixtureError.self) { _ = try FixtureGenerator.generate(o, into: "/nonexistent/never") }
    }

    @Test func unwritableFolderFails() {
        #expect(throws: FixtureError.self) { _ = try FixtureGenerator.generate(Self.small(), into: "/proc/fixtures") }
    }
}
