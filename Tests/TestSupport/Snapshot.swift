import Foundation

/// Golden files under a test target's `Snapshots/` folder. Set `RECORD_SNAPSHOTS=1` to
/// (re)write them from the current output instead of comparing.
public enum Snapshot {
    /// Returns nil when `actual` matches the stored snapshot (or was just recorded), else a
    /// message showing both.
    public static func mismatch(_ actual: String, named name: String, file: String = #filePath) -> String? {
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Snapshots")
        let url = folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try? Data(actual.utf8).write(to: url)
            return nil
        }
        guard let data = try? Data(contentsOf: url) else {
            return "no snapshot \(url.path); run with RECORD_SNAPSHOTS=1 to record it"
        }
        let expected = String(decoding: data, as: UTF8.self)
        return expected == actual ? nil : "snapshot \(name) differs.\n--- expected\n\(expected)\n--- actual\n\(actual)"
    }
}

/// Runs a built executable of this package (found beside the test bundle) and captures its output.
public enum BuiltExecutable {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The folder holding the package's built products for this test run.
    public static var productsFolder: URL {
        var url = Bundle.main.bundleURL
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("bespoke").path) { return url }
            url.deleteLastPathComponent()
        }
        return Bundle.main.bundleURL.deletingLastPathComponent()
    }

    public static func run(_ name: String, _ arguments: [String]) throws -> Result {
        let r = try CapturedProcess.run(productsFolder.appendingPathComponent(name).path, arguments)
        return Result(status: r.status, stdout: r.stdout, stderr: r.stderr)
    }
}
