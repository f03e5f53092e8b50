import Foundation

/// Runs a python3 script (written to a file, so tracebacks show line numbers).
public enum PythonScript {
    public static func run(_ script: String, arguments: [String] = []) throws -> String {
        let dir = TemporaryDirectory("bespoke-python")
        defer { dir.remove() }
        let scriptPath = dir.file("script.py")
        try script.write(toFile: scriptPath, atomically: false, encoding: .utf8)
        let result = try CapturedProcess.run("/usr/bin/env", ["python3", scriptPath] + arguments)
        guard result.status == 0 else { throw Python.Failure(status: result.status, stderr: result.stderr) }
        return result.stdout
    }
}
