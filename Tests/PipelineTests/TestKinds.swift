import Pipeline

/// A registry with declared bounds, for validation tests (the shipped registry may be empty).
let testRegistry = StageKindRegistry([
    StageKind(
        name: "dedupe", algorithmVersion: "3",
        parameters: [
            ParameterSpec("k", .int(1...1000), default: 10, "neighbours"),
            ParameterSpec("threshold", .double(0...1), default: 0.9),
            ParameterSpec("strategy", .oneOf(["mean", "median"]), default: "mean"),
            ParameterSpec("columns", .array(of: .string, minCount: 1), default: ["id"]),
            ParameterSpec("as_of", .nullable(.string), default: .null),
            ParameterSpec("alpha", .either([.double(0...10), .array(of: .double(0...10), minCount: 1)]), default: 1),
            ParameterSpec(
                "weights",
                .object([
                    ParameterSpec("view", .double(0...100), default: 1),
                    ParameterSpec("purchase", .double(0...100), default: 5),
                ]), default: ["view": 1, "purchase": 5]),
        ],
        reads: [.table("events")], writes: [.table("events")]),
    StageKind(name: "collect", algorithmVersion: "1", reads: [.allSources], writes: [.allSources]),
    StageKind(
        name: "needs", algorithmVersion: "1", parameters: [ParameterSpec("size", .int(1...10))],
        reads: [], writes: [.table("needed")]),
])
