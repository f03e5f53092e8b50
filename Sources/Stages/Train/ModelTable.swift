import Frame
import Learn

/// A fitted model's parameters as one long table, `model_<name>.parquet`: rows
/// `(part, row, column, value)`, where `part` says what the numbers are ("item_factors": row an
/// item index, column a factor; "neighbours": row an item, column a neighbour item, value the
/// similarity…). One schema for every kind, so any model can be read, inspected and diffed the
/// same way; `TrainedModels.load` rebuilds the model from it without refitting.
public struct ModelTable: Sendable, Equatable {
    /// Each part's name and its entries, consecutive: a part is written in one run.
    public var parts: [(name: String, range: Range<Int>)] = []
    public var rows: [Int32] = []
    public var columns: [Int32] = []
    public var values: [Double] = []
    /// Whether some weights were left out (EASE pruned per item): the model rebuilt from the
    /// table then differs from the fitted one.
    public var pruned = false

    public static let schema = Schema([
        Field("part", .string, nullable: false), Field("row", .int32, nullable: false),
        Field("column", .int32, nullable: false), Field("value", .double, nullable: false),
    ])

    public init() {}

    public static func == (a: ModelTable, b: ModelTable) -> Bool {
        a.parts.map(\.name) == b.parts.map(\.name) && a.parts.map(\.range) == b.parts.map(\.range)
            && a.rows == b.rows && a.columns == b.columns && a.values == b.values && a.pruned == b.pruned
    }

    public var count: Int { rows.count }

    mutating func append(_ part: String, _ row: Int, _ column: Int, _ value: Double) {
        if let last = parts.last, last.name == part, last.range.upperBound == rows.count {
            parts[parts.count - 1].range = last.range.lowerBound..<rows.count + 1
        } else {
            parts.append((part, rows.count..<rows.count + 1))
        }
        rows.append(Int32(row))
        columns.append(Int32(column))
        values.append(value)
    }

    /// Every entry of a row-major `rowCount × width` array, zeros included (the shape is part of
    /// the model).
    mutating func appendDense(_ part: String, _ array: [Double], width: Int) {
        guard width > 0 else { return }
        for r in 0..<array.count / width {
            for c in 0..<width { append(part, r, c, array[r * width + c]) }
        }
    }

    mutating func appendVector(_ part: String, _ vector: [Double]) {
        for (r, v) in vector.enumerated() { append(part, r, 0, v) }
    }

    mutating func appendSparse(_ part: String, _ m: SparseMatrix) {
        for r in 0..<m.rows {
            for p in m.range(ofRow: r) { append(part, r, Int(m.columnIndices[p]), m.values[p]) }
        }
    }

    public var frame: Frame {
        var names = StringArray()
        names.reserve(strings: count, bytes: parts.reduce(0) { $0 + $1.name.utf8.count * $1.range.count })
        for part in parts {
            for _ in part.range { names.append(part.name) }
        }
        return try! Frame(
            schema: Self.schema,
            columns: [
                Column(.string(names)), Column(.int32(rows)), Column(.int32(columns)),
                Column(.double(values)),
            ])
    }

    /// The entries of `part`, in table order (empty when the table has none).
    func entries(_ part: String) -> Range<Int> { parts.first { $0.name == part }?.range ?? 0..<0 }

    /// Reads a table written by `frame`; nil when `frame` does not have the table's schema or a
    /// part is split into several runs.
    init?(_ frame: Frame) {
        guard frame.schema.names == Self.schema.names, case .string(let names)? = frame["part"]?.values,
            case .int32(let rows)? = frame["row"]?.values, case .int32(let columns)? = frame["column"]?.values,
            case .double(let values)? = frame["value"]?.values
        else { return nil }
        self.init()
        self.rows = rows
        self.columns = columns
        self.values = values
        var start = 0
        for r in 0...frame.rowCount {
            guard r == frame.rowCount || (r > start && names.bytes[names.range(r)] != names.bytes[names.range(start)])
            else { continue }
            if r > start {
                let name = names[start]
                if parts.contains(where: { $0.name == name }) { return nil }
                parts.append((name, start..<r))
            }
            start = r
        }
    }
}

extension ModelTable {
    /// EASE's default when `stored_weights_per_item` is not given: every weight up to this many
    /// items (items² entries), then the largest by magnitude.
    static let easeFullStorageItems = 2000
    static let easeDefaultStoredPerItem = 200

    /// The table of `model`, fitted with `configuration`.
    init(_ model: TrainedModel, configuration: ModelConfiguration) {
        self.init()
        switch (model, configuration) {
        case (.ranking(let r), _):
            append(r, configuration: configuration)
        case (.rating(let p), _):
            append(p)
        }
    }

    private mutating func append(_ r: any Recommender, configuration: ModelConfiguration) {
        switch r {
        case let m as PopularityRecommender.Model:
            appendVector("item_score", m.itemScores)
            if m.groupCount > 0 {
                appendDense("segment_item_score", m.groupItemScores, width: m.itemCount)
                appendVector("customer_segment", m.customerGroups.map(Double.init))
            }
        case let m as ItemKNN.Model:
            appendSparse("neighbours", m.neighbours)
        case let m as UserKNN.Model:
            appendSparse("neighbours", m.neighbours)
            appendSparse("interactions", m.interactions)
        case let m as ContentRecommender.Model:
            appendSparse("item_terms", m.itemTerms)
        case let m as ALS.Model:
            appendDense("user_factors", m.userFactors, width: m.factors)
            appendDense("item_factors", m.itemFactors, width: m.factors)
        case let m as EASE.Model:
            var stored: Int? = nil
            if case .ease(_, let s) = configuration { stored = s }
            appendEASE(
                m,
                keep: stored ?? (m.itemCount <= Self.easeFullStorageItems ? m.itemCount : Self.easeDefaultStoredPerItem)
            )
        case let m as HybridRecommender.Model:
            appendVector("weights", m.weights)
        default:
            preconditionFailure("no table layout for model \(r.name)")
        }
    }

    /// The non-zero weights `B[j, i]` as (row j, column i), keeping for each scored item i the
    /// `keep` largest in magnitude (ties to the smaller j).
    private mutating func appendEASE(_ m: EASE.Model, keep: Int) {
        let n = m.itemCount
        var kept = [Bool](repeating: true, count: n * n)
        if keep < n {
            pruned = true
            var order: [Int] = []
            for i in 0..<n {
                order = (0..<n).filter { m.weights[$0 * n + i] != 0 }
                guard order.count > keep else { continue }
                order.sort {
                    let a = abs(m.weights[$0 * n + i])
                    let b = abs(m.weights[$1 * n + i])
                    return a != b ? a > b : $0 < $1
                }
                for j in order[keep...] { kept[j * n + i] = false }
            }
        }
        for j in 0..<n {
            for i in 0..<n where kept[j * n + i] && m.weights[j * n + i] != 0 {
                append("weights", j, i, m.weights[j * n + i])
            }
        }
    }

    private mutating func appendBiases(globalMean: Double, users: [Double], items: [Double], scale: RatingScale) {
        append("global_mean", 0, 0, globalMean)
        appendVector("user_bias", users)
        appendVector("item_bias", items)
        append("rating_scale", 0, 0, scale.lower)
        append("rating_scale", 1, 0, scale.upper)
    }

    private mutating func append(_ p: RatingPredictor) {
        switch p {
        case .baseline(let m):
            appendBiases(globalMean: m.globalMean, users: m.userBiases, items: m.itemBiases, scale: m.ratingScale)
        case .knnBaseline(let m):
            appendBiases(globalMean: m.globalMean, users: m.userBiases, items: m.itemBiases, scale: m.ratingScale)
            appendSparse("similarities", m.similarities)
            appendSparse("ratings", m.ratings)
        case .svd(let m):
            appendBiases(globalMean: m.globalMean, users: m.userBiases, items: m.itemBiases, scale: m.ratingScale)
            appendDense("user_factors", m.userFactors, width: m.factors)
            appendDense("item_factors", m.itemFactors, width: m.factors)
        case .svdpp(let m):
            appendBiases(globalMean: m.globalMean, users: m.userBiases, items: m.itemBiases, scale: m.ratingScale)
            appendDense("user_factors", m.userFactors, width: m.factors)
            appendDense("item_factors", m.itemFactors, width: m.factors)
            appendDense("implicit_factors", m.implicitFactors, width: m.factors)
            appendDense("user_implicit_feedback", m.userImplicitFeedback, width: m.factors)
        case .blend(let m, _):
            appendVector("weights", m.weights)
            append("intercept", 0, 0, m.intercept)
            append("rating_scale", 0, 0, m.ratingScale.lower)
            append("rating_scale", 1, 0, m.ratingScale.upper)
        }
    }
}
