import Foundation

/// Path helpers: absolute paths against the working directory or the pipeline's folder.
enum FilePaths {
    static func absolute(_ path: String) -> String {
        resolve(path, against: FileManager.default.currentDirectoryPath)
    }

    static func resolve(_ path: String, against directory: String) -> String {
        if path.hasPrefix("/") { return (path as NSString).standardizingPath }
        return ((directory as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }

    /// `path` relative to `base` when it lies under it, otherwise `path` unchanged.
    static func relative(_ path: String, to base: String) -> String {
        let b = base.hasSuffix("/") ? base : base + "/"
        return path.hasPrefix(b) ? String(path.dropFirst(b.count)) : path
    }
}
