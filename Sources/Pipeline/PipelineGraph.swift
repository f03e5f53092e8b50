/// The DAG of a pipeline, derived from what each stage reads and writes.
///
/// A stage's input table comes from the nearest earlier stage that writes it; failing that, from
/// the source of that name; failing that, from the nearest later stage that writes it (a
/// forward reference, which may close a cycle). Execution order is a topological order that
/// keeps file order wherever the dependencies allow.
public struct PipelineGraph: Sendable {
    /// Where one input table of a stage comes from.
    public enum Producer: Sendable, Equatable {
        /// The stage at this index of `stages`.
        case stage(Int)
        case source(String)
    }

    public struct Input: Sendable, Equatable {
        public var table: String
        public var producer: Producer

        public init(table: String, producer: Producer) {
            self.table = table
            self.producer = producer
        }
    }

    /// An input that nothing provides. `inputIndex` is its position in the stage's `inputs`.
    public struct Unresolved: Sendable, Equatable {
        public var stage: Int
        public var table: String
        public var inputIndex: Int?
    }

    /// `stage` reads `table` from `from`.
    public struct Edge: Sendable, Equatable {
        public var stage: Int
        public var table: String
        public var from: Int
    }

    public let stageNames: [String]
    /// Resolved inputs, per stage, in the order the stage lists them.
    public let inputs: [[Input]]
    public let unresolved: [Unresolved]
    /// One cycle, as edges each reading from the next, if the stages have any.
    public let cycle: [Edge]?
    /// Stage indices in execution order (all stages, even when there is a cycle: then file order).
    public let order: [Int]

    public init(stages: [StageConfig], sources: [String]) {
        stageNames = stages.map(\.name)
        var inputs: [[Input]] = []
        var unresolved: [Unresolved] = []
        for (i, stage) in stages.enumerated() {
            var list: [Input] = []
            for (n, table) in stage.inputs.enumerated() {
                if let j = (0..<i).reversed().first(where: { stages[$0].outputs.contains(table) }) {
                    list.append(Input(table: table, producer: .stage(j)))
                } else if sources.contains(table) {
                    list.append(Input(table: table, producer: .source(table)))
                } else if let j = (i + 1..<stages.count).first(where: { stages[$0].outputs.contains(table) }) {
                    list.append(Input(table: table, producer: .stage(j)))
                } else {
                    unresolved.append(Unresolved(stage: i, table: table, inputIndex: stage.inputsDeclared ? n : nil))
                }
            }
            inputs.append(list)
        }
        self.inputs = inputs
        self.unresolved = unresolved

        // Kahn's algorithm, always taking the lowest ready index so file order is kept.
        let count = stages.count
        var indegree = [Int](repeating: 0, count: count)
        var dependents = [[Int]](repeating: [], count: count)
        for (i, list) in inputs.enumerated() {
            for j in Set(list.compactMap { if case .stage(let j) = $0.producer { j } else { nil } }) {
                indegree[i] += 1
                dependents[j].append(i)
            }
        }
        var order: [Int] = []
        var ready = Set((0..<count).filter { indegree[$0] == 0 })
        while let next = ready.min() {
            ready.remove(next)
            order.append(next)
            for d in dependents[next] {
                indegree[d] -= 1
                if indegree[d] == 0 { ready.insert(d) }
            }
        }
        if order.count == count {
            self.order = order
            self.cycle = nil
        } else {
            self.order = Array(0..<count)
            self.cycle = Self.findCycle(inputs: inputs, among: Set(0..<count).subtracting(order))
        }
    }

    private static func findCycle(inputs: [[Input]], among remaining: Set<Int>) -> [Edge]? {
        // Every remaining stage has a remaining upstream stage; walk upstream until a stage repeats.
        guard var current = remaining.min() else { return nil }
        var path: [Edge] = []
        var seenAt: [Int: Int] = [:]
        while seenAt[current] == nil {
            seenAt[current] = path.count
            guard
                let input = inputs[current].first(where: {
                    if case .stage(let j) = $0.producer { remaining.contains(j) } else { false }
                }), case .stage(let from) = input.producer
            else { return nil }
            path.append(Edge(stage: current, table: input.table, from: from))
            current = from
        }
        return Array(path[seenAt[current]!...])
    }

    /// The stages `stage` reads from directly.
    public func upstream(of stage: Int) -> [Int] {
        var out: [Int] = []
        for input in inputs[stage] {
            if case .stage(let j) = input.producer, !out.contains(j) { out.append(j) }
        }
        return out
    }

    /// Every stage that depends on `stage`, directly or not, in execution order.
    public func downstream(of stage: Int) -> [Int] {
        var reached: Set<Int> = [stage]
        var out: [Int] = []
        for i in order where i != stage {
            if upstream(of: i).contains(where: reached.contains) {
                reached.insert(i)
                out.append(i)
            }
        }
        return out
    }

    /// Every stage `stage` depends on, directly or not.
    public func ancestors(of stage: Int) -> Set<Int> {
        var out = Set<Int>()
        var todo = upstream(of: stage)
        while let j = todo.popLast() {
            if out.insert(j).inserted { todo.append(contentsOf: upstream(of: j)) }
        }
        return out
    }
}
