/// Text, Graphviz and Mermaid renderings of a pipeline's DAG (`bespoke dag`).
extension PipelineGraph {
    /// One block per stage in execution order: its kind, where each input comes from, what it writes.
    public func text(config: PipelineConfig) -> String {
        var out = ""
        for i in order {
            let stage = config.stages[i]
            out += "\(stage.name) (\(stage.kindName))\n"
            for input in inputs[i] {
                out += "  reads  \(input.table) ← " + origin(input.producer, config) + "\n"
            }
            out += "  writes " + (stage.outputs.isEmpty ? "nothing" : stage.outputs.joined(separator: ", ")) + "\n"
        }
        return out
    }

    private func origin(_ p: Producer, _ config: PipelineConfig) -> String {
        switch p {
        case .stage(let j): "stage \(config.stages[j].name)"
        case .source(let s): "source \(config.source(named: s)?.path ?? s)"
        }
    }

    /// A Graphviz digraph: sources as notes, stages as boxes, edges labelled with tables.
    public func dot(config: PipelineConfig) -> String {
        func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        var out = "digraph pipeline {\n  rankdir=LR;\n  node [shape=box];\n"
        for s in config.sources where inputs.joined().contains(where: { $0.producer == .source(s.name) }) {
            out += "  \(q("source:" + s.name)) [label=\(q(s.name + "\n" + s.path)), shape=note];\n"
        }
        for i in order {
            out +=
                "  \(q(config.stages[i].name)) [label=\(q(config.stages[i].name + "\n(" + config.stages[i].kindName + ")"))];\n"
        }
        for i in order {
            for input in inputs[i] {
                let from =
                    switch input.producer {
                    case .stage(let j): config.stages[j].name
                    case .source(let s): "source:" + s
                    }
                out += "  \(q(from)) -> \(q(config.stages[i].name)) [label=\(q(input.table))];\n"
            }
        }
        return out + "}\n"
    }

    /// A Mermaid flowchart (renders in GitHub and most wikis).
    public func mermaid(config: PipelineConfig) -> String {
        func id(_ s: String) -> String { s.replacingOccurrences(of: "-", with: "_") }
        var out = "flowchart LR\n"
        for s in config.sources where inputs.joined().contains(where: { $0.producer == .source(s.name) }) {
            out += "  src_\(id(s.name))[(\"\(s.name)\")]\n"
        }
        for i in order {
            out += "  st_\(id(config.stages[i].name))[\"\(config.stages[i].name) (\(config.stages[i].kindName))\"]\n"
        }
        for i in order {
            for input in inputs[i] {
                let from =
                    switch input.producer {
                    case .stage(let j): "st_" + id(config.stages[j].name)
                    case .source(let s): "src_" + id(s)
                    }
                out += "  \(from) -->|\(input.table)| st_\(id(config.stages[i].name))\n"
            }
        }
        return out
    }
}
