/// Why fixtures could not be generated: a bad option, or a file that could not be written.
public enum FixtureError: Error, Sendable, CustomStringConvertible {
    case invalidOption(name: String, detail: String)
    /// `path` could not be created, written or renamed into place.
    case cannotWrite(path: String, detail: String)

    public var description: String {
        switch self {
        case .invalidOption(let name, let detail): "fixtures: --\(name) \(detail)"
        case .cannotWrite(let path, let detail): "\(path): cannot write fixture file: \(detail)"
        }
    }
}
