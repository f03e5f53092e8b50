/// A built-in stage kind: what `"uses": NAME` in pipeline.json refers to.
///
/// The engine knows a kind only by this declaration — its executable, algorithm version,
/// parameters and the tables it reads and writes — never by what it computes.
public struct StageKind: Sendable, Equatable {
    /// The name pipeline.json uses (`"uses": "impute"`).
    public var name: String
    /// Bumped whenever the kind's output for the same inputs and parameters changes; part of
    /// every fingerprint, so a new algorithm reruns the stage.
    public var algorithmVersion: String
    public var parameters: [ParameterSpec]
    /// Tables the kind reads when the stage does not list `inputs`.
    public var reads: [TableSelector]
    /// Tables the kind writes.
    public var writes: [TableSelector]
    public var summary: String

    public init(
        name: String, algorithmVersion: String, parameters: [ParameterSpec] = [],
        reads: [TableSelector], writes: [TableSelector], summary: String = ""
    ) {
        self.name = name
        self.algorithmVersion = algorithmVersion
        self.parameters = parameters
        self.reads = reads
        self.writes = writes
        self.summary = summary
    }

    /// `bespoke-<kind>`, looked for beside the `bespoke` executable, then on PATH.
    public var executableName: String { "bespoke-\(name)" }
}

/// A table named by a kind's declaration: a fixed name, or every source of the pipeline
/// (so `collect` reads and writes one table per declared source).
public indirect enum TableSelector: Sendable, Equatable {
    case table(String)
    case allSources
    /// The keys of the object parameter `name` (`"tables": {"events": …}` → events), so a stage
    /// reads and writes only the tables its parameters name and the others are not copied.
    case parameterKeys(String)
    /// The table a string parameter names (`"customers": "crm_customers"`), by a dotted path
    /// (`"churn.table"`); none when it is null or absent.
    case parameter(String)
    /// The keys of the object parameter `name`, each with `prefix` in front (`"models":
    /// {"als": …}` with prefix `model_` → model_als): one table per configured entry whose name
    /// cannot clash with the stage's fixed tables.
    case prefixedParameterKeys(String, prefix: String)
    /// The tables, when parameter `name` is set: not null, false, or an empty object or array (the
    /// train stage writes segment tables only when `segments` is configured).
    case whenSet(String, [String])
    /// The tables of `selector`, when parameter `name` is set (as `whenSet`): the score stage reads
    /// the catalogue that `items` names only when `model` asks for recommendations.
    case when(String, TableSelector)

    /// The parameter whose value names the table, seen through `when`.
    var parameterName: String? {
        switch self {
        case .parameter(let name): name
        case .when(_, let selector): selector.parameterName
        default: nil
        }
    }

    static func isSet(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null?, .bool(false)?: false
        case .object(let m)? where m.isEmpty: false
        case .array(let a)? where a.isEmpty: false
        default: true
        }
    }

    func resolve(sources: [String], params: JSONValue) -> [String] {
        switch self {
        case .table(let t): [t]
        case .allSources: sources
        case .parameterKeys(let name):
            if case .object(let members)? = params[name] { members.map(\.key) } else { [] }
        case .whenSet(let name, let tables):
            Self.isSet(params[name]) ? tables : []
        case .when(let name, let selector):
            Self.isSet(params[name]) ? selector.resolve(sources: sources, params: params) : []
        case .prefixedParameterKeys(let name, let prefix):
            TableSelector.parameterKeys(name).resolve(sources: sources, params: params).map { prefix + $0 }
        case .parameter(let name):
            if case .string(let table)? = name.split(separator: ".").reduce(params as JSONValue?, { $0?[String($1)] }) {
                [table]
            } else {
                []
            }
        }
    }
}
