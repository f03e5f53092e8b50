import Foundation

/// Runs `python3` with a script and arguments; returns stdout, or throws with stderr.
public enum Python {
    public struct Failure: Error, CustomStringConvertible {
        public var status: Int32
        public var stderr: String
        public var description: String { "python3 exited \(status): \(stderr)" }
    }

    /// The repository root, found from this source file's location.
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.path
            }
        }
        return FileManager.default.currentDirectoryPath
    }()

    /// Runs `python3 -c script arguments…`; returns stdout, or throws with stderr.
    @discardableResult
    public static func run(script: String, arguments: [String] = []) throws -> String {
        try PythonScript.run(script, arguments: arguments)
    }
}
