import Foundation
import Frame
import Gzip
import TestSupport
import Testing

@testable import Parquet

/// Builds the corrupt-file corpus in `Tests/ParquetTests/Corpus/` from one valid file we write.
///
/// Regenerate with
///
///     RECORD_CORPUS=1 swift test --scratch-path .build-ptest --filter recordCorpus
///
/// It writes `seed.parquet` (the frame below, written by `ParquetWriter`), derives every damaged
/// file from it deterministically (fixed seeds, no clock), reads each with `ParquetReader`, checks
/// that the error is of the kind the case names (`mustContain`), and writes the reader's exact
/// `description` (the path replaced by `{path}`) into `expected.json`, or `OK` for the files that
/// must read back as the seed. Review the diff of `expected.json` like any golden file; rebuild
/// so the test bundle picks up the new files.
struct CorpusGenerator {
    struct Case {
        var name: String
        /// A fragment the reader's error must contain, or "OK".
        var mustContain: String
        var bytes: [UInt8]
    }

    static var corpusDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus").path
    }

    /// The seed: 40 rows in two row groups of 20, pages of 8 rows, REQUIRED and OPTIONAL columns of every type.
    static var seedFrame: Frame {
        let specs: [(String, DataType, NullMode)] = [
            ("id", .int64, .required), ("name", .string, .someNulls), ("price", .double, .someNulls),
            ("flag", .bool, .someNulls), ("at", .timestamp, .required), ("day", .date, .noNulls),
            ("qty", .int32, .required),
        ]
        let fields = specs.map { Field($0.0, $0.1, nullable: $0.2.nullable) }
        let columns = specs.enumerated().map { i, s in
            SampleData.column(s.1, rows: 40, mode: s.2, seed: 100 + UInt64(i), interopSafe: true)
        }
        return try! Frame(schema: Schema(fields), columns: columns)
    }

    static var seedOptions: ParquetWriteOptions {
        var o = ParquetWriteOptions()
        o.rowGroupRows = 20
        o.pageRows = 8
        o.threads = 1
        o.compressionLevel = 6
        return o
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["RECORD_CORPUS"] == "1"))
    func recordCorpus() throws {
        let dir = Self.corpusDirectory
        let scratch = TemporaryDirectory("bespoke-corpus")
        defer { scratch.remove() }
        try ParquetWriter.write(Self.seedFrame, to: scratch.file("seed.parquet"), options: Self.seedOptions)
        let seed = try ParquetFileLayout(path: scratch.file("seed.parquet"))
        let cases = try Self.cases(seed)
        #expect(Set(cases.map(\.name)).count == cases.count, "case names are unique")

        for old in try FileManager.default.contentsOfDirectory(atPath: dir) where old.hasSuffix(".parquet") {
            try FileManager.default.removeItem(atPath: dir + "/" + old)
        }
        var expected: [String: String] = [:]
        let seedValues = try ParquetReader(path: scratch.file("seed.parquet")).read()
        for c in cases {
            let path = dir + "/" + c.name
            try Data(c.bytes).write(to: URL(fileURLWithPath: path))
            let outcome = CorruptCorpusTests.outcome(path: path, seed: seedValues)
            #expect(
                c.mustContain == "OK" ? outcome == "OK" : outcome.contains(c.mustContain),
                "\(c.name): expected \(c.mustContain), got \(outcome)")
            expected[c.name] = outcome.replacingOccurrences(of: path, with: "{path}")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try (encoder.encode(expected) + Data("\n".utf8)).write(to: URL(fileURLWithPath: dir + "/expected.json"))
    }

    // MARK: Cases

    static func cases(_ seed: ParquetFileLayout) throws -> [Case] {
        var out: [Case] = []
        let bytes = seed.bytes
        let size = bytes.count
        let base = ParquetFileSurgery(seed)
        func add(_ name: String, _ mustContain: String, _ b: [UInt8]) {
            out.append(Case(name: name + ".parquet", mustContain: mustContain, bytes: b))
        }
        func edited(_ edit: (inout ParquetFileSurgery) throws -> Void, footer: (inout FileMetaData) -> Void = { _ in })
            rethrows -> [UInt8]
        {
            var s = base
            try edit(&s)
            return s.assemble(footer: footer)
        }
        func withFooter(_ footer: [UInt8]) -> [UInt8] {
            ParquetFileSurgery.finish(Array(bytes[..<seed.footerOffset]), footer: footer)
        }
        let footer = Array(bytes[seed.footerOffset..<size - 8])
        let id = base.column("id"), name = base.column("name"), qty = base.column("qty"), price = base.column("price")

        add("seed", "OK", bytes)

        // The whole file: truncation, magic, footer length.
        for k in 1...15 {
            add(
                "truncated-\(String(format: "%02d", k))-of-16", "not a Parquet file", Array(bytes.prefix(size * k / 16))
            )
        }
        add("truncated-footer-first-byte", "not a Parquet file", Array(bytes.prefix(seed.footerOffset + 1)))
        add(
            "truncated-footer-middle", "not a Parquet file",
            Array(bytes.prefix(seed.footerOffset + seed.footerLength / 2)))
        add("truncated-footer-end", "not a Parquet file", Array(bytes.prefix(seed.footerOffset + seed.footerLength)))
        for j in 1...7 { add("truncated-trailer-minus-\(j)", "not a Parquet file", Array(bytes.prefix(size - j))) }
        add("empty-file", "too short", [])
        add("magic-only", "too short", Array("PAR1".utf8))
        add("bad-leading-magic", "no PAR1 magic at the start", Array("PAR2".utf8) + bytes.dropFirst(4))
        add("bad-trailing-magic", "no PAR1 magic at the end", bytes.dropLast(4) + Array("PARX".utf8))
        add("footer-length-past-file", "exceeds the", Self.settingFooterLength(bytes, UInt32(size)))
        add("footer-length-max", "exceeds the", Self.settingFooterLength(bytes, UInt32.max))
        add("footer-length-zero", "corrupt footer", Self.settingFooterLength(bytes, 0))
        add(
            "footer-length-short-by-10", "corrupt footer",
            Self.settingFooterLength(bytes, UInt32(seed.footerLength - 10)))
        add(
            "data-truncated-footer-kept", "lies outside the data",
            ParquetFileSurgery.finish(Array(bytes[..<(seed.footerOffset - 200)]), footer: footer))

        // The footer's Thrift.
        for s in 1...3 {
            var rng = SplitMix64(seed: UInt64(s))
            add("footer-random-bytes-seed\(s)", "corrupt footer", withFooter(rng.bytes(footer.count)))
        }
        precondition(
            Array(footer.prefix(4)) == [0x15, 0x02, 0x19, 0x8C],
            "the footer starts with version 1 and an 8-element schema list")
        add(
            "footer-huge-list-length", "cannot fit",
            withFooter([0x15, 0x02, 0x19, 0xFC] + Self.varint(UInt64(Int32.max)) + footer.dropFirst(4)))
        add(
            "footer-list-length-over-int32", "too large",
            withFooter([0x15, 0x02, 0x19, 0xFC] + Self.varint(1 << 40) + footer.dropFirst(4)))
        add(
            "footer-varint-11-bytes", "varint",
            withFooter([0x15] + [UInt8](repeating: 0x80, count: 10) + [0x00] + footer.dropFirst(2)))
        add(
            "footer-deep-nesting", "nesting deeper than",
            withFooter(
                seed.metadata.encoded(
                    appending: [0x0C, 0xC8, 0x01] + [UInt8](repeating: 0x1C, count: 200)
                        + [UInt8](repeating: 0, count: 201))))
        add(
            "footer-missing-num-rows", "lacks required field num_rows", withFooter(seed.metadata.encoded(omitting: [3]))
        )
        add("footer-missing-schema", "lacks required field schema", withFooter(seed.metadata.encoded(omitting: [2])))
        add(
            "footer-binary-length-past-end", "binary length",
            withFooter(seed.metadata.encoded(appending: [0x08, 0xC8, 0x01] + Self.varint(1 << 20) + [0x41, 0x42])))
        // Field 32767 (binary) as BinaryProtocolExtensions.md shows it, then zigzag-encoded; unknown fields 100 and 101.
        add(
            "footer-unknown-fields-and-extensions", "OK",
            withFooter(
                seed.metadata.encoded(
                    appending: [0x08, 0xFF, 0xFF, 0x01, 0x03, 0x61, 0x62, 0x63]
                        + [0x08, 0xFE, 0xFF, 0x03, 0x01, 0x7A]  // field 32767 binary, zigzag
                        + [0x09, 0xC8, 0x01, 0x35, 0x02, 0x04, 0x06]  // field 100: list<i32> [1, 2, 3]
                        + [0x0B, 0xCA, 0x01, 0x01, 0x86, 0x01, 0x61, 0x0C]  // field 101: map<binary, i64> {"a": 6}
                )))

        // What the footer says.
        add("schema-root-children-mismatch", "children", edited({ _ in }, footer: { $0.schema[0].numChildren = 9 }))
        add(
            "schema-leaf-without-physical-type", "has no physical type",
            edited({ _ in }, footer: { $0.schema[1].type = nil }))
        let idLeaf: [UInt8] = [0x15, 0x04, 0x25, 0x00, 0x18, 0x02, 0x69, 0x64]  // type INT64, REQUIRED, name "id"
        add(
            "schema-unknown-physical-type", "unknown physical type 9",
            withFooter(Self.replacing(idLeaf, with: [0x15, 0x12] + idLeaf.dropFirst(2), in: footer)))
        // INT32, REQUIRED, "qty", stop; then DECIMAL (converted type 5) with scale Int32.max.
        let qtyLeaf: [UInt8] = [0x15, 0x02, 0x25, 0x00, 0x18, 0x03, 0x71, 0x74, 0x79, 0x00]
        add(
            "schema-decimal-scale-huge", "unsupported: INT32 DECIMAL with scale 2147483647 column 'qty'",
            withFooter(
                Self.replacing(
                    qtyLeaf,
                    with: qtyLeaf.dropLast() + [0x25, 0x0A, 0x15] + Self.varint(UInt64(UInt32.max - 1)) + [0x00],
                    in: footer)))
        // FileMetaData.row_groups: list of 2; RowGroup.columns: list of 7; ColumnChunk.file_offset 0; meta_data.
        let firstChunk: [UInt8] = [0x19, 0x2C, 0x19, 0x7C, 0x26, 0x00, 0x1C]
        add(
            "chunk-in-another-file", "another file",
            withFooter(
                Self.replacing(
                    firstChunk, with: [0x19, 0x2C, 0x19, 0x7C, 0x18, 0x05] + Array("other".utf8) + [0x16, 0x00, 0x1C],
                    in: footer)))
        add(
            "row-group-missing-column-chunk", "column chunks",
            edited({ _ in }, footer: { _ = $0.rowGroups[1].columns.popLast() }))
        add(
            "chunk-type-differs-from-schema", "differs from the schema",
            edited({ _ in }, footer: { $0.rowGroups[0].columns[id].metaData!.type = 1 }))
        add("file-negative-row-count", "negative row count", edited({ _ in }, footer: { $0.numRows = -1 }))
        add(
            "row-group-negative-row-count", "negative row count",
            edited(
                { _ in },
                footer: {
                    $0.rowGroups[0].numRows = -20; $0.numRows = 0
                }))
        add(
            "row-group-claims-1e12-rows", "claims 1000000000000 rows",
            edited(
                { _ in },
                footer: { m in
                    m.rowGroups[0].numRows = 1_000_000_000_000
                    m.numRows = 1_000_000_000_020
                    for c in m.rowGroups[0].columns.indices {
                        m.rowGroups[0].columns[c].metaData!.numValues = 1_000_000_000_000
                    }
                }))
        add(
            "file-row-count-differs-from-row-groups", "hold 40 rows but the file declares 41",
            edited({ _ in }, footer: { $0.numRows = 41 }))
        add(
            "chunk-offset-past-data", "lies outside the data",
            edited({ _ in }, footer: { $0.rowGroups[1].columns[name].metaData!.dataPageOffset = Int64(size * 2) }))
        add(
            "chunk-negative-size", "lies outside the data",
            edited({ _ in }, footer: { $0.rowGroups[0].columns[qty].metaData!.totalCompressedSize = -100 }))
        add(
            "chunk-negative-offset", "lies outside the data",
            edited({ _ in }, footer: { $0.rowGroups[0].columns[qty].metaData!.dataPageOffset = -4 }))
        add(
            "chunk-values-differ-from-rows", "19 values for 20 rows",
            edited({ _ in }, footer: { $0.rowGroups[0].columns[price].metaData!.numValues = 19 }))
        add(
            "chunk-zero-values-in-nonempty-row-group", "0 values for 20 rows",
            edited({ _ in }, footer: { $0.rowGroups[1].columns[price].metaData!.numValues = 0 }))
        add(
            "chunk-codec-lz4", "unsupported: codec LZ4",
            edited({ _ in }, footer: { $0.rowGroups[1].columns[qty].metaData!.codec = 5 }))
        add(
            "chunk-codec-unknown", "unsupported: codec unknown codec 42",
            edited({ _ in }, footer: { $0.rowGroups[0].columns[id].metaData!.codec = 42 }))

        // Page headers.
        add(
            "page-compressed-size-past-chunk", "runs past the chunk's end",
            try edited { $0.chunks[0][name][0].header.compressedPageSize += 1000 })
        add(
            "page-uncompressed-size-huge", "2147483647 uncompressed bytes",
            try edited { $0.chunks[1][qty][2].header.uncompressedPageSize = Int32.max })
        add(
            "page-negative-compressed-size", "negative page size",
            try edited { $0.chunks[0][id][1].header.compressedPageSize = -5 })
        add(
            "page-negative-uncompressed-size", "negative page size",
            try edited { $0.chunks[0][id][1].header.uncompressedPageSize = -1 })
        add(
            "page-value-count-past-row-group", "page holds 1000 values but only 20 remain",
            try edited { $0.chunks[0][id][0].header.dataPage!.numValues = 1000 })
        add(
            "page-value-count-negative", "negative value count",
            try edited { $0.chunks[1][id][0].header.dataPage!.numValues = -1 })
        add(
            "page-values-fewer-than-chunk", "the chunk ends after 16 of 20 values",
            try edited { _ = $0.chunks[0][qty].popLast() })
        add(
            "page-header-garbled", "bad page header",
            try edited { s in
                var rng = SplitMix64(seed: 77)
                s.chunks[0][price][1].rawHeader = rng.bytes(s.chunks[0][price][1].header.encoded().count)
            })
        add(
            "page-header-truncated-struct", "bad page header",
            try edited { s in
                s.chunks[1][name][0].rawHeader = Array(s.chunks[1][name][0].header.encoded().prefix(5))
            })
        add(
            "data-page-without-its-header", "DATA_PAGE without its data_page_header",
            try edited { $0.chunks[0][qty][0].header.dataPage = nil })
        add(
            "page-encoding-delta-binary-packed", "unsupported: encoding DELTA_BINARY_PACKED for INT64 values",
            try edited { $0.chunks[0][id][0].header.dataPage!.encoding = Encoding.deltaBinaryPacked.rawValue })
        add(
            "page-encoding-unknown", "unknown encoding 77",
            try edited { $0.chunks[0][qty][0].header.dataPage!.encoding = 77 })
        add(
            "page-definition-level-encoding-bit-packed", "definition level encoding BIT_PACKED",
            try edited { $0.chunks[0][name][1].header.dataPage!.definitionLevelEncoding = Encoding.bitPacked.rawValue })

        // Page bodies: the codec.
        add(
            "page-gzip-deflate-corrupt", "gzip",
            try edited { s in
                let n = s.chunks[0][name][0].body.count
                for k in 12..<min(20, n - 8) { s.chunks[0][name][0].body[k] ^= 0xFF }
            })
        add(
            "page-gzip-bad-crc", "gzip",
            try edited { s in
                let n = s.chunks[0][id][0].body.count
                s.chunks[0][id][0].body[n - 8] ^= 0x01
            })
        add(
            "page-gzip-truncated", "truncated",
            try edited { s in
                s.chunks[1][price][0].body.removeLast(5)
                s.chunks[1][price][0].header.compressedPageSize -= 5
            })
        add(
            "page-raw-deflate", "corrupt",
            try edited { s in
                let body = s.chunks[0][qty][0].body
                s.chunks[0][qty][0].body = Array(body[10..<body.count - 8])
                s.chunks[0][qty][0].header.compressedPageSize = Int32(body.count - 18)
            })
        add(
            "page-uncompressed-size-one-short", "inflates to more than the limit",
            try edited { $0.chunks[0][id][0].header.uncompressedPageSize -= 1 })
        add(
            "page-uncompressed-size-one-over", "expected 65 decompressed bytes, got 64",
            try edited { $0.chunks[0][id][0].header.uncompressedPageSize += 1 })
        add(
            "page-zlib-stream", "OK",
            try edited { s in
                let plain = try ParquetFileSurgery.inflate(s.chunks[0][id][0])
                s.chunks[0][id][0].body = Self.zlib(plain)
                s.chunks[0][id][0].header.compressedPageSize = Int32(s.chunks[0][id][0].body.count)
            })
        add(
            "page-gzip-two-members", "OK",
            try edited { s in
                let plain = try ParquetFileSurgery.inflate(s.chunks[1][name][0])
                s.chunks[1][name][0].body =
                    ParquetFileSurgery.gzip(Array(plain.prefix(10)))
                    + ParquetFileSurgery.gzip(Array(plain.dropFirst(10)))
                s.chunks[1][name][0].header.compressedPageSize = Int32(s.chunks[1][name][0].body.count)
            })
        let bomb = ParquetFileSurgery.gzip([UInt8](repeating: 0, count: 100_000_000), level: 12)
        add(
            "gzip-bomb-declared-small", "inflates to more than the limit of 16 bytes",
            try edited { s in
                s.chunks[1][qty][2].body = bomb
                s.chunks[1][qty][2].header.compressedPageSize = Int32(bomb.count)
            })
        add(
            "gzip-bomb-declared-huge", "2147483647 uncompressed bytes",
            try edited { s in
                s.chunks[1][qty][2].body = bomb
                s.chunks[1][qty][2].header.compressedPageSize = Int32(bomb.count)
                s.chunks[1][qty][2].header.uncompressedPageSize = Int32.max
            })

        // Page bodies: levels and values.
        add(
            "definition-levels-length-past-page", "definition levels of",
            try edited { s in
                try ParquetFileSurgery.rewriteBody(&s.chunks[0][name][0]) {
                    $0.replaceSubrange(0..<4, with: [0xFF, 0xFF, 0x00, 0x00])
                }
            })
        add(
            "definition-levels-truncated-length", "definition level length",
            try edited { s in
                try ParquetFileSurgery.rewriteBody(&s.chunks[0][name][0]) { $0 = Array($0.prefix(3)) }
            })
        add(
            "definition-level-above-maximum", "definition level 2 is above the maximum 1",
            try edited { s in
                // One RLE run of eight levels of value 2 replaces the page's level block.
                try ParquetFileSurgery.rewriteBody(&s.chunks[0][price][0]) { body in
                    let length = Int(body[0]) | Int(body[1]) << 8
                    body.replaceSubrange(0..<4 + length, with: [2, 0, 0, 0, 0x10, 0x02])
                }
            })
        add(
            "definition-levels-run-short", "truncated bit-packed levels",
            try edited { s in
                try ParquetFileSurgery.rewriteBody(&s.chunks[0][price][0]) { body in
                    let length = Int(body[0]) | Int(body[1]) << 8
                    body.replaceSubrange(0..<4 + length, with: [1, 0, 0, 0, 0x03])
                }
            })
        add(
            "plain-values-truncated", "need 64 bytes, the page has 56",
            try edited { s in
                try ParquetFileSurgery.rewriteBody(&s.chunks[0][id][0]) { $0.removeLast(8) }
            })
        add(
            "byte-array-length-past-page", "runs past the page",
            try edited { s in
                try ParquetFileSurgery.rewriteBody(&s.chunks[1][name][1]) { body in
                    let levels = Int(body[0]) | Int(body[1]) << 8
                    body.replaceSubrange(4 + levels..<8 + levels, with: [0xFF, 0xFF, 0xFF, 0x7F])
                }
            })
        add(
            "byte-array-length-truncated", "BYTE_ARRAY length",
            try edited { s in
                try ParquetFileSurgery.rewriteBody(&s.chunks[1][name][1]) { body in
                    let levels = Int(body[0]) | Int(body[1]) << 8
                    body = Array(body.prefix(4 + levels + 2))
                }
            })
        add(
            "boolean-values-truncated", "BOOLEAN values",
            try edited { s in
                let flag = s.column("flag")
                try ParquetFileSurgery.rewriteBody(&s.chunks[0][flag][0]) { body in
                    let levels = Int(body[0]) | Int(body[1]) << 8
                    body = Array(body.prefix(4 + levels))
                }
            })

        // Dictionaries, built by hand: the writer never makes them.
        func dictionaryChunk(
            entries: [Int32], count: Int32? = nil, indices: [UInt32], bitWidth: UInt8 = 3,
            dictionaryLast: Bool = false
        ) -> [ParquetFileSurgery.Page] {
            let dictBody = entries.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
            var dict = ParquetFileSurgery.Page(
                header: PageHeader(
                    type: PageType.dictionaryPage.rawValue, uncompressedPageSize: Int32(dictBody.count),
                    compressedPageSize: 0, crc: nil, dataPage: nil,
                    dictionaryPage: DictionaryPageHeader(
                        numValues: count ?? Int32(entries.count), encoding: Encoding.plain.rawValue),
                    dataPageV2: nil),
                body: ParquetFileSurgery.gzip(dictBody))
            dict.header.compressedPageSize = Int32(dict.body.count)
            let plain = [bitWidth] + Self.bitPacked(indices, bitWidth: Int(bitWidth))
            var data = ParquetFileSurgery.Page(
                header: PageHeader(
                    type: PageType.dataPage.rawValue, uncompressedPageSize: Int32(plain.count), compressedPageSize: 0,
                    crc: nil,
                    dataPage: DataPageHeader(
                        numValues: Int32(indices.count), encoding: Encoding.rleDictionary.rawValue,
                        definitionLevelEncoding: 3, repetitionLevelEncoding: 3),
                    dictionaryPage: nil, dataPageV2: nil),
                body: ParquetFileSurgery.gzip(plain))
            data.header.compressedPageSize = Int32(data.body.count)
            return dictionaryLast ? [data, dict] : [dict, data]
        }
        let cycle = (0..<20).map { UInt32($0 % 3) }
        add(
            "dictionary-index-past-dictionary", "dictionary index 5 is past the dictionary's 3 entries",
            edited { s in
                var indices = cycle
                indices[13] = 5
                s.chunks[0][qty] = dictionaryChunk(entries: [7, 8, 9], indices: indices)
            })
        add(
            "dictionary-page-after-data-page", "a dictionary page after the chunk's first page",
            edited { s in
                var pages = dictionaryChunk(entries: [7, 8, 9], indices: Array(cycle.prefix(10)))
                pages += dictionaryChunk(entries: [7, 8, 9], indices: Array(cycle.prefix(10)))
                s.chunks[0][qty] = pages
            })
        add(
            "dictionary-encoded-page-without-dictionary", "without a dictionary page",
            edited { s in
                s.chunks[0][qty] = [dictionaryChunk(entries: [7, 8, 9], indices: cycle)[1]]
            })
        add(
            "dictionary-index-bit-width-33", "bit width 33 is above 32",
            edited { s in
                s.chunks[0][qty] = dictionaryChunk(entries: [7, 8, 9], indices: cycle, bitWidth: 33)
            })
        add(
            "dictionary-count-past-page", "dictionary declares 1000000 entries in 12 bytes",
            edited { s in
                s.chunks[0][qty] = dictionaryChunk(entries: [7, 8, 9], count: 1_000_000, indices: cycle)
            })
        add(
            "dictionary-entries-truncated", "dictionary: 5 entries need 20 bytes",
            edited { s in
                s.chunks[0][qty] = dictionaryChunk(entries: [7, 8, 9], count: 5, indices: cycle)
            })

        // The same file stored UNCOMPRESSED, then damaged.
        var plainFile = base
        for g in plainFile.chunks.indices {
            for c in plainFile.chunks[g].indices {
                for p in plainFile.chunks[g][c].indices {
                    var page = plainFile.chunks[g][c][p]
                    page.body = try ParquetFileSurgery.inflate(page)
                    page.header.compressedPageSize = Int32(page.body.count)
                    plainFile.chunks[g][c][p] = page
                }
            }
        }
        func uncompressed(_ edit: (inout ParquetFileSurgery) -> Void = { _ in }) -> [UInt8] {
            var s = plainFile
            edit(&s)
            return s.assemble { m in
                for g in m.rowGroups.indices {
                    for c in m.rowGroups[g].columns.indices { m.rowGroups[g].columns[c].metaData!.codec = 0 }
                }
            }
        }
        add("uncompressed-valid", "OK", uncompressed())
        add(
            "uncompressed-page-sizes-differ", "UNCOMPRESSED page declares 65 bytes but stores 64",
            uncompressed { $0.chunks[0][id][0].header.uncompressedPageSize += 1 })
        add(
            "uncompressed-page-huge-declared", "UNCOMPRESSED page declares 2147483647 bytes",
            uncompressed { $0.chunks[1][name][0].header.uncompressedPageSize = Int32.max })
        return out
    }

    // MARK: Byte helpers

    static func settingFooterLength(_ bytes: [UInt8], _ length: UInt32) -> [UInt8] {
        var b = bytes
        let at = b.count - 8
        for k in 0..<4 { b[at + k] = UInt8(truncatingIfNeeded: length >> (8 * UInt32(k))) }
        return b
    }

    /// `bytes` with its only occurrence of `pattern` replaced.
    static func replacing(_ pattern: [UInt8], with replacement: [UInt8], in bytes: [UInt8]) -> [UInt8] {
        let starts = (0...bytes.count - pattern.count).filter { Array(bytes[$0..<$0 + pattern.count]) == pattern }
        precondition(starts.count == 1, "pattern \(pattern) occurs \(starts.count) times")
        return Array(bytes[..<starts[0]]) + replacement + bytes[(starts[0] + pattern.count)...]
    }

    static func varint(_ v: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        var v = v
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        return out + [UInt8(v)]
    }

    /// A zlib (RFC 1950) stream of `plain`: the deflate data of a gzip member between a zlib header and Adler-32.
    static func zlib(_ plain: [UInt8]) -> [UInt8] {
        let member = ParquetFileSurgery.gzip(plain)
        var a: UInt32 = 1, b: UInt32 = 0
        for x in plain {
            a = (a + UInt32(x)) % 65521
            b = (b + a) % 65521
        }
        let adler = b << 16 | a
        return [0x78, 0x9C] + member[10..<member.count - 8] + [
            UInt8(adler >> 24), UInt8(adler >> 16 & 0xFF), UInt8(adler >> 8 & 0xFF), UInt8(adler & 0xFF),
        ]
    }

    /// One bit-packed hybrid run holding `values` (padded to a multiple of 8).
    static func bitPacked(_ values: [UInt32], bitWidth: Int) -> [UInt8] {
        let groups = (values.count + 7) / 8
        var out = varint(UInt64(groups << 1 | 1))
        var bits = [Bool](repeating: false, count: groups * 8 * bitWidth)
        for (i, v) in values.enumerated() {
            for k in 0..<bitWidth where k < 32 && (v >> UInt32(k)) & 1 == 1 { bits[i * bitWidth + k] = true }
        }
        for byte in 0..<bits.count / 8 {
            var b: UInt8 = 0
            for k in 0..<8 where bits[byte * 8 + k] { b |= 1 << UInt8(k) }
            out.append(b)
        }
        return out
    }
}
