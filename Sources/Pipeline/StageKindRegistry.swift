/// The built-in stage kinds a pipeline may use, by name.
///
/// Each data stage registers its kind here as it lands (its parameters type lives in `Stages`);
/// tests build their own registry to exercise validation against declared bounds.
public struct StageKindRegistry: Sendable {
    public private(set) var kinds: [StageKind]

    public init(_ kinds: [StageKind]) {
        var seen = Set<String>()
        for k in kinds { precondition(seen.insert(k.name).inserted, "stage kind '\(k.name)' registered twice") }
        self.kinds = kinds
    }

    public subscript(name: String) -> StageKind? { kinds.first { $0.name == name } }

    public var names: [String] { kinds.map(\.name) }

    /// The kinds shipped with Bespoke. Empty until the data stages register themselves.
    public static let builtIn = StageKindRegistry([])
}
