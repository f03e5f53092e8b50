import Foundation
import Frame
import Parquet
import Pipeline

/// Reads a run's Parquet artifacts and manifests once and keeps them for every test that asks.
final class ArtifactCache: @unchecked Sendable {
    let root: String
    private let lock = NSLock()
    private var frames: [String: Frame] = [:]

    init(root: String) { self.root = root }

    /// `runs/ID/STAGE/NAME.parquet` as a Frame.
    func frame(_ stage: String, _ name: String) throws -> Frame {
        let key = stage + "/" + name
        lock.lock()
        if let cached = frames[key] { lock.unlock(); return cached }
        lock.unlock()
        let frame = try ParquetReader(path: "\(root)/\(key).parquet").read()
        lock.lock()
        frames[key] = frame
        lock.unlock()
        return frame
    }

    func manifest(_ stage: String) throws -> StageManifest {
        let path = "\(root)/\(stage)/\(StageManifest.fileName)"
        guard let manifest = try StageManifest.load(path) else { throw MissingArtifact(path: path) }
        return manifest
    }

    struct MissingArtifact: Error, CustomStringConvertible {
        var path: String
        var description: String { "\(path): missing" }
    }
}

/// Typed access to a Frame's columns by name (nil for null slots).
extension Frame {
    func ints(_ name: String) -> [Int64?] {
        guard let column = self[name] else { preconditionFailure("no column '\(name)' in \(schema.names)") }
        switch column.values {
        case .int64(let v), .timestamp(let v): return v.indices.map { column.isNull($0) ? nil : v[$0] }
        case .int32(let v), .date(let v): return v.indices.map { column.isNull($0) ? nil : Int64(v[$0]) }
        default: preconditionFailure("column '\(name)' is \(column.type), not an integer column")
        }
    }

    func doubles(_ name: String) -> [Double?] {
        guard let column = self[name], case .double(let v) = column.values else {
            preconditionFailure("no double column '\(name)' in \(schema)")
        }
        return v.indices.map { column.isNull($0) ? nil : v[$0] }
    }

    func strings(_ name: String) -> [String?] {
        guard let column = self[name], case .string(let s) = column.values else {
            preconditionFailure("no string column '\(name)' in \(schema)")
        }
        return (0..<s.count).map { column.isNull($0) ? nil : s[$0] }
    }

    func bools(_ name: String) -> [Bool] {
        guard let column = self[name], case .bool(let v) = column.values, column.nullCount == 0 else {
            preconditionFailure("no not-null bool column '\(name)' in \(schema)")
        }
        return v
    }

    /// Row index of each value of the integer key column `name`; fails on a repeated key.
    func rowIndex(byKey name: String) -> [Int64: Int] {
        var index: [Int64: Int] = [:]
        for (row, key) in ints(name).enumerated() {
            guard let key else { preconditionFailure("null key in '\(name)' at row \(row)") }
            precondition(index.updateValue(row, forKey: key) == nil, "key \(key) repeats in '\(name)'")
        }
        return index
    }
}

extension JSONValue {
    /// The member at a path of object keys, e.g. `truth[at: "tables", "events", "valid_rows"]`.
    subscript(at path: String...) -> JSONValue? {
        var value: JSONValue? = self
        for key in path { value = value?[key] }
        return value
    }

    var int: Int? { intValue.map(Int.init) }
}

/// Micro-seconds since the epoch of an ISO 8601 UTC timestamp to the second (`2026-07-04T00:37:59Z`).
func microseconds(iso8601 text: String) -> Int64? {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    guard let date = formatter.date(from: text) else { return nil }
    return Int64(date.timeIntervalSince1970.rounded()) * 1_000_000
}
