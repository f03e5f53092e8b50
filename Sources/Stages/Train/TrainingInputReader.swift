import Frame
import Learn
import Parquet
import Pipeline

/// Reads the features stage's tables into `TrainingInputs`, checking every column it uses.
struct TrainingInputReader {
    let context: StageContext
    var stage: String { TrainStage.name }

    func read() throws(StageError) -> TrainingInputs {
        let customerCount = try frame("customer_index", columns: ["customer_index"]).rowCount
        let itemCount = try frame("item_index", columns: ["item_index"]).rowCount
        let train = try interactions("train_interactions", customers: customerCount, items: itemCount, folds: true)
        let test = try interactions("test_interactions", customers: customerCount, items: itemCount, folds: false)
        var itemTerms: SparseMatrix?
        var terms: [String] = []
        if context.inputPath("item_terms") != nil {
            let f = try frame("item_terms", columns: ["item_index", "term", "weight"])
            let items = try int32s(f, "item_index", table: "item_terms", below: itemCount)
            let weights = try doubles(f, "weight", table: "item_terms")
            guard case .string(let words)? = f["term"]?.values else {
                throw typeError("item_terms", "term", f, expected: "string")
            }
            (itemTerms, terms) = Self.itemTermMatrix(items: items, words: words, weights: weights, itemCount: itemCount)
        }
        return TrainingInputs(
            customerCount: customerCount, itemCount: itemCount, train: train, test: test, itemTerms: itemTerms,
            terms: terms)
    }

    /// Items × terms, the terms numbered in byte order of their text: the numbering a content
    /// model's saved `item_terms` part uses.
    static func itemTermMatrix(items: [Int32], words: StringArray, weights: [Double], itemCount: Int)
        -> (SparseMatrix, [String])
    {
        let distinct = Array(Set((0..<words.count).map { words[$0] })).sorted {
            Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
        }
        let number = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, Int32($0)) })
        let columns = (0..<words.count).map { number[words[$0]]! }
        return (
            SparseMatrix(
                rows: itemCount, columns: distinct.count, rowIndices: items, columnIndices: columns, values: weights),
            distinct
        )
    }

    private func frame(_ table: String, columns: [String]) throws(StageError) -> Frame {
        guard let path = context.inputPath(table) else {
            throw .unknownTable(stage: stage, table: table, inputs: context.inputs.map(\.table), path: "reads")
        }
        do {
            let reader = try ParquetReader(path: path)
            let present = reader.schema.names
            for c in columns where !present.contains(c) {
                throw StageError.unknownColumn(stage: stage, table: table, column: c, available: present, path: "reads")
            }
            let wanted = present.filter { columns.contains($0) || $0 == "rating" || $0 == "fold" }
            return try reader.read(columns: wanted)
        } catch let e as StageError {
            throw e
        } catch let e as ParquetError {
            throw .parquet(stage: stage, table: table, e)
        } catch {
            preconditionFailure("\(error)")
        }
    }

    private func interactions(_ table: String, customers: Int, items: Int, folds: Bool) throws(StageError)
        -> InteractionRows
    {
        let f = try frame(table, columns: ["customer_index", "item_index", "strength", "last_time"])
        let strengths = try doubles(f, "strength", table: table)
        var ratings = [Double](repeating: .nan, count: f.rowCount)
        if let rating = f["rating"] {
            guard case .double(let values) = rating.values else {
                throw typeError(table, "rating", f, expected: "double")
            }
            for r in 0..<f.rowCount where !rating.isNull(r) { ratings[r] = values[r] }
        }
        guard case .timestamp(let times)? = f["last_time"]?.values else {
            throw typeError(table, "last_time", f, expected: "timestamp")
        }
        var foldValues: [Int32]?
        if folds, f["fold"] != nil { foldValues = try int32s(f, "fold", table: table, below: Int(Int32.max)) }
        return InteractionRows(
            customers: try int32s(f, "customer_index", table: table, below: customers),
            items: try int32s(f, "item_index", table: table, below: items), strengths: strengths, ratings: ratings,
            lastTimes: times, folds: foldValues)
    }

    private func typeError(_ table: String, _ column: String, _ f: Frame, expected: String) -> StageError {
        .unsupportedColumnType(
            stage: stage, table: table, column: column, type: f[column]!.type, expected: expected, path: "reads")
    }

    /// A not-null int32 column whose values lie in `0 ..< bound`.
    private func int32s(_ f: Frame, _ column: String, table: String, below bound: Int) throws(StageError) -> [Int32] {
        guard let c = f[column], case .int32(let values) = c.values, c.nullCount == 0 else {
            throw typeError(table, column, f, expected: "int32 without nulls")
        }
        if let bad = values.firstIndex(where: { $0 < 0 || Int($0) >= bound }) {
            throw .invalidParameter(
                stage: stage, path: "reads",
                message: "table '\(table)': column '\(column)' row \(bad) is \(values[bad]), outside 0..<\(bound)")
        }
        return values
    }

    /// A not-null double column of finite values ≥ 0.
    private func doubles(_ f: Frame, _ column: String, table: String) throws(StageError) -> [Double] {
        guard let c = f[column], case .double(let values) = c.values, c.nullCount == 0 else {
            throw typeError(table, column, f, expected: "double without nulls")
        }
        if let bad = values.firstIndex(where: { !($0 >= 0) || !$0.isFinite }) {
            throw .invalidParameter(
                stage: stage, path: "reads",
                message: "table '\(table)': column '\(column)' row \(bad) is \(values[bad]), expected finite and ≥ 0")
        }
        return values
    }
}
