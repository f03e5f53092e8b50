import Frame
import Learn

/// A fitted model as one long table (`segment_model`, `churn_model`): one row per learned number or
/// level, `(part, name, index, label, value)`.
///
/// `part` says what the row holds ("median", "level", "centre", "coefficient"…), `name` the
/// column or feature it belongs to, `index` its position in a list (a level's slot, a bin edge, a
/// segment), `label` a text value (a level) and `value` a number. One schema for every model so
/// they can be inspected, diffed and joined with the same queries; the preparation rows come
/// first, so a reader rebuilds the exact transform without refitting.
struct ModelParameterRows: Sendable {
    private(set) var parts = StringArray()
    private(set) var names = StringArray()
    private(set) var indices: [Int32] = []
    private(set) var labels = StringArray()
    private(set) var labelValid: [Bool] = []
    private(set) var values: [Double] = []
    private(set) var valueValid: [Bool] = []

    static let schema = Schema([
        Field("part", .string, nullable: false), Field("name", .string, nullable: false),
        Field("index", .int32, nullable: false), Field("label", .string), Field("value", .double),
    ])

    init() {}

    mutating func append(_ part: String, _ name: String, index: Int = 0, label: String? = nil, value: Double? = nil) {
        parts.append(part)
        names.append(name)
        indices.append(Int32(index))
        labels.append(label ?? "")
        labelValid.append(label != nil)
        values.append(value ?? 0)
        valueValid.append(value != nil)
    }

    var frame: Frame {
        try! Frame(
            schema: Self.schema,
            columns: [
                Column(.string(parts)), Column(.string(names)), Column(.int32(indices)),
                Column(.string(labels), validity: labelValid), Column(.double(values), validity: valueValid),
            ])
    }

    /// Rows for every fitted number of a feature preparation.
    mutating func append(_ model: FeaturePreparation.Model) {
        for (i, name) in model.inputNames.enumerated() {
            append("input", name, index: i, label: model.isCategorical[i] ? "categorical" : "numeric")
            if model.isCategorical[i] {
                append("fill_level", name, label: model.fillLevels[i])
                for (j, level) in model.levels[i].enumerated() { append("level", name, index: j, label: level) }
                for (j, level) in model.otherLevels[i].enumerated() {
                    append("other_level", name, index: j, label: level)
                }
            } else {
                append("median", name, value: model.medians[i])
                append("missing_indicator", name, value: model.missingIndicators[i] ? 1 : 0)
                append("log1p", name, value: model.logApplied[i] ? 1 : 0)
                append("mean", name, value: model.means[i])
                append("scale", name, value: model.scales[i])
                for (j, edge) in model.binEdges[i].enumerated() { append("bin_edge", name, index: j, value: edge) }
            }
        }
        for (j, name) in model.outputNames.enumerated() { append("feature", name, index: j) }
    }
}

/// The rows of a model table read back, by part.
struct ModelParameterReader: Sendable {
    struct Row: Sendable {
        var name: String
        var index: Int
        var label: String?
        var value: Double?
    }

    private var byPart: [String: [Row]] = [:]
    let table: String
    let stage: String

    init(_ frame: Frame, table: String, stage: String) throws(StageError) {
        self.table = table
        self.stage = stage
        for field in ModelParameterRows.schema.fields {
            guard let column = frame[field.name] else {
                throw .unknownColumn(
                    stage: stage, table: table, column: field.name, available: frame.schema.names,
                    path: "the model table's schema")
            }
            guard column.type == field.type else {
                throw .unsupportedColumnType(
                    stage: stage, table: table, column: field.name, type: column.type,
                    expected: "\(field.type)", path: "the model table's schema")
            }
        }
        guard case .string(let parts) = frame["part"]!.values, case .string(let names) = frame["name"]!.values,
            case .int32(let indices) = frame["index"]!.values, case .string(let labels) = frame["label"]!.values,
            case .double(let values) = frame["value"]!.values
        else { preconditionFailure("types checked above") }
        let labelColumn = frame["label"]!
        let valueColumn = frame["value"]!
        for r in 0..<frame.rowCount {
            byPart[parts[r], default: []].append(
                Row(
                    name: names[r], index: Int(indices[r]), label: labelColumn.isNull(r) ? nil : labels[r],
                    value: valueColumn.isNull(r) ? nil : values[r]))
        }
    }

    /// The model table called `name` among `tables`.
    static func table(_ name: String, in tables: [String: Frame], stage: String) throws(StageError) -> Frame {
        guard let frame = tables[name] else {
            throw .unknownTable(stage: stage, table: name, inputs: tables.keys.sorted(), path: "the model's tables")
        }
        return frame
    }

    func rows(_ part: String) -> [Row] { byPart[part] ?? [] }

    func corrupt(_ message: String) -> StageError {
        .invalidParameter(
            stage: stage, path: "table '\(table)'", message: "not a model table this version reads: \(message)")
    }

    /// The single number of `part` for `name`.
    func value(_ part: String, _ name: String) throws(StageError) -> Double {
        guard let v = rows(part).first(where: { $0.name == name })?.value else {
            throw corrupt("no '\(part)' value for '\(name)'")
        }
        return v
    }

    /// The single number of `part` (a model-wide setting such as the intercept).
    func scalar(_ part: String) throws(StageError) -> Double {
        guard let v = rows(part).first?.value else { throw corrupt("no '\(part)' row") }
        return v
    }

    /// The feature preparation the rows describe.
    func preparation() throws(StageError) -> FeaturePreparation.Model {
        let inputs = rows("input").sorted { $0.index < $1.index }
        guard !inputs.isEmpty else { throw corrupt("no 'input' rows") }
        var isCategorical: [Bool] = []
        var medians: [Double] = []
        var indicators: [Bool] = []
        var logApplied: [Bool] = []
        var means: [Double] = []
        var scales: [Double] = []
        var binEdges: [[Double]] = []
        var fillLevels: [String] = []
        var levels: [[String]] = []
        var otherLevels: [[String]] = []
        func listed(_ part: String, _ name: String) -> [Row] {
            rows(part).filter { $0.name == name }.sorted { $0.index < $1.index }
        }
        for input in inputs {
            let name = input.name
            let categorical = input.label == "categorical"
            isCategorical.append(categorical)
            if categorical {
                guard let fill = rows("fill_level").first(where: { $0.name == name })?.label else {
                    throw corrupt("no 'fill_level' for '\(name)'")
                }
                fillLevels.append(fill)
                levels.append(listed("level", name).compactMap(\.label))
                otherLevels.append(listed("other_level", name).compactMap(\.label))
                medians.append(.nan)
                indicators.append(false)
                logApplied.append(false)
                means.append(0)
                scales.append(1)
                binEdges.append([])
            } else {
                medians.append(try value("median", name))
                indicators.append(try value("missing_indicator", name) != 0)
                logApplied.append(try value("log1p", name) != 0)
                means.append(try value("mean", name))
                scales.append(try value("scale", name))
                binEdges.append(listed("bin_edge", name).compactMap(\.value))
                fillLevels.append("")
                levels.append([])
                otherLevels.append([])
            }
        }
        let model = FeaturePreparation.Model(
            inputNames: inputs.map(\.name), isCategorical: isCategorical, medians: medians,
            missingIndicators: indicators, logApplied: logApplied, means: means, scales: scales, binEdges: binEdges,
            fillLevels: fillLevels, levels: levels, hasOther: otherLevels.map { !$0.isEmpty },
            otherLevels: otherLevels, outputNames: rows("feature").sorted { $0.index < $1.index }.map(\.name))
        return model
    }
}
