import Foundation
import Frame
import Learn

/// The input columns of a model section read from a Frame as `FeaturePreparation` inputs: which
/// columns, read as numbers or as categories, and the preparation configuration fitted on them.
struct FeatureColumns: Sendable {
    /// How a column is read.
    enum Reading: Sendable, Equatable {
        case numeric
        case categorical
    }

    /// The chosen columns in order, with their reading.
    var names: [String]
    var readings: [Reading]
    /// The inputs of every row, by column name.
    var inputs: [String: FeaturePreparation.Input]
    /// Columns left out of the default choice, with the reason.
    var skipped: [(column: String, reason: String)]

    /// Chooses the columns of `frame`: `explicit` when given (each must exist), otherwise every
    /// column not in `excluded` that is numeric or bool, plus string columns when `strings` is set
    /// and their levels are not nearly one per row (identifiers, free text).
    ///
    /// A string column whose non-blank values all read as numbers is numeric (blanks missing), so a
    /// spreadsheet export with " " for unknown charges needs no hand preparation.
    init(
        frame: Frame, explicit: [String]?, excluded: Set<String>, strings: Bool, categorical: [String],
        stage: String, table: String, path: String
    ) throws(StageError) {
        var names: [String] = []
        var readings: [Reading] = []
        var inputs: [String: FeaturePreparation.Input] = [:]
        var skipped: [(column: String, reason: String)] = []
        for name in categorical where frame[name] == nil {
            throw .unknownColumn(
                stage: stage, table: table, column: name, available: frame.schema.names,
                path: path + ".preparation.categorical")
        }
        let candidates = explicit ?? frame.schema.names.filter { !excluded.contains($0) }
        for (position, name) in candidates.enumerated() {
            guard let column = frame[name] else {
                throw .unknownColumn(
                    stage: stage, table: table, column: name, available: frame.schema.names,
                    path: path + ".columns[\(position)]")
            }
            if categorical.contains(name) {
                names.append(name)
                readings.append(.categorical)
                inputs[name] = Self.categorical(column)
                continue
            }
            if explicit == nil, column.type == .bool, let base = Self.cleaningIndicatorBase(name, in: frame) {
                skipped.append((name, "the impute or outliers stage's indicator of \(base)"))
                continue
            }
            switch column.type {
            case .int32, .int64, .double, .bool:
                let input = Self.numeric(column)
                // A feature nobody has (conversion in a log without views) says nothing about
                // anyone: left out when the columns are chosen automatically.
                if explicit == nil && !Self.hasValue(input) {
                    skipped.append((name, "no known value"))
                    continue
                }
                names.append(name)
                readings.append(.numeric)
                inputs[name] = input
            case .string:
                if let parsed = Self.parsedNumbers(column) {
                    if explicit == nil && !Self.hasValue(parsed) {
                        skipped.append((name, "no known value"))
                        continue
                    }
                    names.append(name)
                    readings.append(.numeric)
                    inputs[name] = parsed
                    continue
                }
                let input = Self.categorical(column)
                if explicit == nil {
                    if !Self.hasValue(input) {
                        skipped.append((name, "no known value"))
                        continue
                    }
                    if !strings {
                        skipped.append((name, "a string column (name it in columns to one-hot it)"))
                        continue
                    }
                    let levels = Self.levelCount(input)
                    if levels > 1 && levels * 2 > frame.rowCount {
                        skipped.append((name, "\(levels) distinct values in \(frame.rowCount) rows (an identifier?)"))
                        continue
                    }
                }
                names.append(name)
                readings.append(.categorical)
                inputs[name] = input
            case .timestamp, .date:
                if explicit != nil {
                    throw .unsupportedColumnType(
                        stage: stage, table: table, column: name, type: column.type,
                        expected: "a numeric, bool or string column (derive days from dates first)",
                        path: path + ".columns[\(position)]")
                }
                skipped.append((name, "a \(column.type) column"))
            }
        }
        guard !names.isEmpty else {
            throw .invalidParameter(
                stage: stage, path: path + ".columns",
                message: "table '\(table)' has no usable feature column"
                    + (skipped.isEmpty ? "" : " (skipped: " + skipped.map(\.column).joined(separator: ", ") + ")"))
        }
        self.names = names
        self.readings = readings
        self.inputs = inputs
        self.skipped = skipped
    }

    /// The column `name` marks when it is a cleaning stage's bool indicator beside it
    /// (`TotalCharges_imputed`, `Income_outlier`): a record of how the data was cleaned, not a
    /// trait of the customer, so it is not a feature unless `columns` names it.
    static func cleaningIndicatorBase(_ name: String, in frame: Frame) -> String? {
        for suffix in [Imputer.indicatorSuffix, OutlierRule.flagSuffix] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if frame[base] != nil { return base }
        }
        return nil
    }

    /// The preparation configuration for these columns under `settings`.
    func configuration(_ settings: PreparationSettings) -> FeaturePreparation.Configuration {
        FeaturePreparation.Configuration(
            columns: zip(names, readings).map { name, reading in
                switch reading {
                case .numeric:
                    let hasMissing: Bool
                    if case .numeric(let values, let valid) = inputs[name]! {
                        hasMissing = zip(values, valid).contains { !$1 || $0.isNaN }
                    } else {
                        hasMissing = false
                    }
                    return FeaturePreparation.ColumnSpec(
                        name, .numeric(settings.numericOptions(name, hasMissing: hasMissing)))
                case .categorical:
                    return FeaturePreparation.ColumnSpec(name, .categorical(settings.categoricalOptions))
                }
            })
    }

    /// The inputs of `rows` only, in that order.
    func inputs(rows: [Int]) -> [String: FeaturePreparation.Input] {
        inputs.mapValues { Self.gather($0, rows) }
    }

    /// Reads the columns a fitted model needs from `frame`, each as the model read it at fit.
    static func inputs(
        for model: FeaturePreparation.Model, frame: Frame, stage: String, table: String
    ) throws(StageError) -> [String: FeaturePreparation.Input] {
        var out: [String: FeaturePreparation.Input] = [:]
        for (name, isCategorical) in zip(model.inputNames, model.isCategorical) {
            guard let column = frame[name] else {
                throw .unknownColumn(
                    stage: stage, table: table, column: name, available: frame.schema.names,
                    path: "the model's input columns")
            }
            if isCategorical {
                out[name] = categorical(column)
            } else if column.type == .string {
                out[name] = parsedNumbers(column, requireAll: false)
            } else if column.type == .timestamp || column.type == .date {
                throw .unsupportedColumnType(
                    stage: stage, table: table, column: name, type: column.type,
                    expected: "a numeric column, as at training", path: "the model's input columns")
            } else {
                out[name] = numeric(column)
            }
        }
        return out
    }

    /// Numbers of a numeric or bool column (true = 1); nulls are missing.
    /// Whether any row has a known (non-null, non-NaN) value.
    static func hasValue(_ input: FeaturePreparation.Input) -> Bool {
        switch input {
        case .numeric(let values, let valid): zip(values, valid).contains { $1 && !$0.isNaN }
        case .categorical(_, let valid): valid.contains(true)
        }
    }

    static func numeric(_ column: Column) -> FeaturePreparation.Input {
        let values: [Double]
        switch column.values {
        case .int32(let v), .date(let v): values = v.map(Double.init)
        case .int64(let v), .timestamp(let v): values = v.map(Double.init)
        case .double(let v): values = v
        case .bool(let v): values = v.map { $0 ? 1 : 0 }
        case .string: return parsedNumbers(column, requireAll: false)!
        }
        return .numeric(values: values, valid: column.validity ?? [Bool](repeating: true, count: values.count))
    }

    /// A string column read as numbers, blank (or, unless `requireAll`, unreadable) values missing;
    /// nil when `requireAll` and some non-blank value is not a number, or no value is.
    static func parsedNumbers(_ column: Column, requireAll: Bool = true) -> FeaturePreparation.Input? {
        guard case .string(let strings) = column.values else { return nil }
        var values = [Double](repeating: .nan, count: strings.count)
        var valid = [Bool](repeating: false, count: strings.count)
        var seen = 0
        for r in 0..<strings.count where !column.isNull(r) {
            let text = strings[r].trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            guard let v = Double(text), v.isFinite else {
                if requireAll { return nil }
                continue
            }
            values[r] = v
            valid[r] = true
            seen += 1
        }
        if requireAll && seen == 0 { return nil }
        return .numeric(values: values, valid: valid)
    }

    /// Any column as categories: strings as they are (blank = missing), other types as text.
    static func categorical(_ column: Column) -> FeaturePreparation.Input {
        if case .string(let strings) = column.values {
            var valid = column.validity ?? [Bool](repeating: true, count: strings.count)
            strings.bytes.withUnsafeBufferPointer { bytes in
                for r in 0..<strings.count where valid[r] {
                    valid[r] = strings.range(r).contains { bytes[$0] != 0x20 && bytes[$0] != 0x09 }
                }
            }
            return .categorical(strings: strings, valid: valid)
        }
        let texts = (0..<column.count).map { ValueFormatter.text(column, $0) }
        return FeaturePreparation.Input.categorical(texts)
    }

    /// The number of distinct present levels.
    static func levelCount(_ input: FeaturePreparation.Input) -> Int {
        guard case .categorical(let strings, let valid) = input else { return 0 }
        var seen = Set<String>()
        for r in 0..<strings.count where valid[r] { seen.insert(strings[r]) }
        return seen.count
    }

    static func gather(_ input: FeaturePreparation.Input, _ rows: [Int]) -> FeaturePreparation.Input {
        switch input {
        case .numeric(let values, let valid): .numeric(values: rows.map { values[$0] }, valid: rows.map { valid[$0] })
        case .categorical(let strings, let valid):
            .categorical(strings: strings.gather(rows), valid: rows.map { valid[$0] })
        }
    }
}
