/// A JSON Schema (draft 2020-12) for pipeline.json, generated from the same declarations the
/// validator checks (stage kinds and their parameter constraints), for editors.
public enum PipelineJSONSchema {
    public static func document(registry: StageKindRegistry = .builtIn) -> JSONValue {
        let name: JSONValue = ["type": "string", "pattern": .string(PipelineValidator.namePattern)]
        let stringList: JSONValue = ["type": "array", "items": ["type": "string"]]
        let tableList: JSONValue = ["type": "array", "items": name, "uniqueItems": true]
        let source: JSONValue = [
            "type": "object", "additionalProperties": false, "required": ["path"],
            "properties": [
                "path": ["type": "string", "description": "File path, relative to pipeline.json."],
                "format": ["enum": .array(SourceConfig.formats.map { .string($0) })],
                "key": ["type": "array", "items": ["type": "string"], "minItems": 1],
                "table": ["type": "string", "description": "For SQLite sources: the table to read."],
                "options": ["type": "object"],
                "description": ["type": "string"],
            ],
        ]
        let custom: JSONValue = [
            "type": "object", "additionalProperties": false, "required": ["name", "command", "outputs"],
            "properties": [
                "name": name, "description": ["type": "string"],
                "command": [
                    "oneOf": [
                        ["type": "string", "minLength": 1],
                        ["type": "array", "items": ["type": "string"], "minItems": 1],
                    ]
                ],
                "inputs": tableList,
                "outputs": ["type": "array", "items": name, "uniqueItems": true, "minItems": 1],
                "params": ["type": "object"],
                "version": ["type": ["string", "integer"]],
            ],
        ]
        var stageVariants: [JSONValue] = [custom]
        for kind in registry.kinds {
            stageVariants.append([
                "type": "object", "additionalProperties": false, "required": ["name", "uses"],
                "description": .string(kind.summary),
                "properties": [
                    "name": name, "description": ["type": "string"], "uses": ["const": .string(kind.name)],
                    "inputs": tableList, "params": parameters(kind.parameters),
                ],
            ])
        }
        return [
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Bespoke pipeline",
            "type": "object", "additionalProperties": false, "required": ["version", "stages"],
            "properties": [
                "$schema": ["type": "string"],
                "version": ["const": .number(JSONNumber(PipelineConfig.supportedVersion))],
                "description": ["type": "string"],
                "seed": ["type": "integer", "default": .number(JSONNumber(PipelineDefaults.seed))],
                "runs": ["type": "string", "default": .string(PipelineDefaults.runsDirectory)],
                "sources": ["type": "object", "additionalProperties": source, "propertyNames": name],
                "tables": [
                    "type": "object", "propertyNames": name,
                    "additionalProperties": [
                        "type": "object", "additionalProperties": false,
                        "properties": ["key": stringList, "description": ["type": "string"]],
                    ],
                ],
                "stages": ["type": "array", "minItems": 1, "items": ["oneOf": .array(stageVariants)]],
            ],
        ]
    }

    static func parameters(_ specs: [ParameterSpec]) -> JSONValue {
        var props: [(key: String, value: JSONValue)] = []
        var required: [JSONValue] = []
        for spec in specs {
            var schema = constraint(spec.constraint).objectMembers ?? []
            if let d = spec.defaultValue { schema.append(("default", d)) }
            if !spec.summary.isEmpty { schema.append(("description", .string(spec.summary))) }
            props.append((spec.name, .object(schema)))
            if spec.defaultValue == nil { required.append(.string(spec.name)) }
        }
        return [
            "type": "object", "additionalProperties": false, "properties": .object(props), "required": .array(required),
        ]
    }

    static func constraint(_ c: ParameterConstraint) -> JSONValue {
        switch c {
        case .int(let r):
            var m: [(key: String, value: JSONValue)] = [("type", "integer")]
            if r.lowerBound != Int64.min { m.append(("minimum", .number(JSONNumber(r.lowerBound)))) }
            if r.upperBound != Int64.max { m.append(("maximum", .number(JSONNumber(r.upperBound)))) }
            return .object(m)
        case .double(let r):
            var m: [(key: String, value: JSONValue)] = [("type", "number")]
            if r.lowerBound.isFinite { m.append(("minimum", .number(JSONNumber(r.lowerBound)))) }
            if r.upperBound.isFinite { m.append(("maximum", .number(JSONNumber(r.upperBound)))) }
            return .object(m)
        case .bool: return ["type": "boolean"]
        case .string: return ["type": "string"]
        case .oneOf(let v): return ["enum": .array(v.map { .string($0) })]
        case .array(let e, let minCount):
            return ["type": "array", "items": constraint(e), "minItems": .number(JSONNumber(minCount))]
        case .object(let specs): return parameters(specs)
        case .map(let v): return ["type": "object", "additionalProperties": constraint(v)]
        case .nullable(let c): return ["anyOf": [constraint(c), ["type": "null"]]]
        case .either(let cs): return ["anyOf": .array(cs.map { constraint($0) })]
        }
    }
}
