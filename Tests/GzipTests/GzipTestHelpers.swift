import Foundation
import Gzip

/// Deterministic test data (SplitMix64), so a failure reproduces byte for byte.
enum TestData {
    static func random(count: Int, seed: UInt64 = 42) -> [UInt8] {
        var state = seed
        var bytes = [UInt8](repeating: 0, count: count)
        var index = 0
        while index < count {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            for shift in stride(from: 0, to: 64, by: 8) where index < count {
                bytes[index] = UInt8(truncatingIfNeeded: z >> UInt64(shift))
                index += 1
            }
        }
        return bytes
    }

    /// Text-like bytes that compress well: numbered CSV-ish lines.
    static func repetitive(count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 64)
        var line = 0
        while bytes.count < count {
            bytes.append(contentsOf: Array("user_\(line % 977),item_\(line % 131),view,2026-11-29\n".utf8))
            line += 1
        }
        return Array(bytes.prefix(count))
    }

    static func little32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }
}

/// A fresh temporary folder per test, removed when the value is dropped.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("bespoke-gzip-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func read(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }
}

/// Runs a command-line tool and returns its standard output; throws when it exits non-zero.
struct ToolFailure: Error, CustomStringConvertible {
    var description: String
}

@discardableResult
func runTool(_ arguments: [String], stdinPath: String? = nil) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    if let stdinPath { process.standardInput = FileHandle(forReadingAtPath: stdinPath) }
    try process.run()
    let bytes = output.fileHandleForReading.readDataToEndOfFile()
    let message = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw ToolFailure(
            description: "\(arguments.joined(separator: " ")) exited \(process.terminationStatus): "
                + String(decoding: message, as: UTF8.self))
    }
    return [UInt8](bytes)
}

extension GzipDecompressor {
    /// Exact-size decompression into a new array, for tests.
    func decompress(_ input: [UInt8], count: Int) throws(CodecError) -> [UInt8] {
        var output = [UInt8](repeating: 0xAA, count: count)
        var failure: CodecError?
        input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                do throws(CodecError) { try decompress(source, into: target) } catch { failure = error }
            }
        }
        if let failure { throw failure }
        return output
    }

    func decompress(_ input: [UInt8], limit: Int) throws(CodecError) -> [UInt8] {
        var result: Result<[UInt8], CodecError> = .success([])
        input.withUnsafeBytes { source in
            do throws(CodecError) { result = .success(try decompress(source, limit: limit)) } catch {
                result = .failure(error)
            }
        }
        return try result.get()
    }
}

extension GzipCompressor {
    func compress(_ input: [UInt8]) -> [UInt8] {
        input.withUnsafeBytes { compress($0) }
    }
}

/// Catches the typed error of `body`, or nil when it succeeds.
func codecError<T>(_ body: () throws(CodecError) -> T) -> CodecError? {
    do throws(CodecError) {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

extension GunzipFileReader {
    /// Reads everything, `bufferSize` bytes at a time.
    func readAll(bufferSize: Int = 1 << 16) throws(CodecError) -> [UInt8] {
        var result: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let got = try read(into: buffer)
            if got == 0 { return result }
            result.append(contentsOf: buffer[..<got])
        }
    }
}

extension GzipFileWriter {
    func write(_ bytes: [UInt8]) throws(CodecError) {
        var failure: CodecError?
        bytes.withUnsafeBytes { source in
            do throws(CodecError) { try write(source) } catch { failure = error }
        }
        if let failure { throw failure }
    }
}
