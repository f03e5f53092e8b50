import Foundation
import Frame
import Ingest
import TestSupport

/// Shared helpers: write a source file, read it whole, and show columns as text.
enum IngestFixture {
    /// Writes `bytes` to a fresh temporary folder under `name`; returns the path and the folder.
    static func file(_ name: String, bytes: [UInt8]) -> (path: String, dir: TemporaryDirectory) {
        let dir = TemporaryDirectory("ingest-test")
        let path = dir.file(name)
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return (path, dir)
    }

    static func file(_ name: String, _ text: String) -> (path: String, dir: TemporaryDirectory) {
        file(name, bytes: Array(text.utf8))
    }

    /// Opens and reads the whole source.
    static func read(_ path: String, _ options: SourceOptions, source: String = "src") throws -> IngestBatch {
        var reader = try SourceReader.open(path: path, options: options, sourceName: source)
        return try reader.readAll()
    }

    /// Writes `text` and reads it back.
    static func read(_ name: String, _ text: String, _ options: SourceOptions) throws -> IngestBatch {
        let (path, dir) = file(name, text)
        defer { dir.remove() }
        return try read(path, options)
    }

    /// Each column of `frame` as text values (nil for null), by column name.
    static func columns(_ frame: Frame) -> [String: [String?]] {
        var out: [String: [String?]] = [:]
        for (field, column) in zip(frame.schema.fields, frame.columns) {
            out[field.name] = (0..<column.count).map { ValueFormatter.text(column, $0) }
        }
        return out
    }

    /// The rejects as "line: reason" lines.
    static func rejectLines(_ batch: IngestBatch) -> [String] {
        batch.rejects.map { "\($0.line): \($0.reason)" }
    }

    /// gzip-compresses `parts` with python3, one gzip member per part, into `path`.
    static func gzip(_ parts: [[UInt8]], to path: String) throws {
        let dir = TemporaryDirectory("ingest-gz")
        defer { dir.remove() }
        var args: [String] = [path]
        for (k, part) in parts.enumerated() {
            let p = dir.file("part\(k)")
            FileManager.default.createFile(atPath: p, contents: Data(part))
            args.append(p)
        }
        try Python.run(
            script: """
                import gzip, sys
                with open(sys.argv[1], 'wb') as out:
                    for p in sys.argv[2:]:
                        out.write(gzip.compress(open(p, 'rb').read()))
                """, arguments: args)
    }
}

extension ColumnMapping {
    static func int(_ name: String, source: String? = nil, required: Bool = false) -> ColumnMapping {
        ColumnMapping(name, .int, source: source, required: required)
    }
    static func string(_ name: String, source: String? = nil) -> ColumnMapping {
        ColumnMapping(name, .string, source: source)
    }
    static func double(_ name: String, source: String? = nil) -> ColumnMapping {
        ColumnMapping(name, .double, source: source)
    }
}
