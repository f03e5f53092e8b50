import Foundation
import Frame
import Learn
import Parquet
import Pipeline

/// Rebuilds the models a train stage saved (its `models.parquet` and one `model_<name>.parquet`
/// per model) without refitting: what a scoring stage recommends and explains with.
public enum TrainedModels {
    /// Why saved models could not be rebuilt.
    public struct LoadError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// `models.parquet`'s schema: one row per model, its kind, the complete configuration it was
    /// fitted with (canonical JSON) and the catalogue and customer counts it was fitted over.
    public static let modelsSchema = Schema([
        Field("model", .string, nullable: false), Field("kind", .string, nullable: false),
        Field("configuration", .string, nullable: false), Field("customers", .int64, nullable: false),
        Field("items", .int64, nullable: false), Field("trials", .int64, nullable: false),
        Field("pruned", .bool, nullable: false), Field("table_sha256", .string, nullable: false),
    ])

    /// The file of model `name`'s table.
    public static func tableName(_ name: String) -> String { "model_" + name }

    /// The models saved in `directory`, by name: every one, or only `wanted` and the components
    /// they blend (a scoring run that names one model does not read the others' tables).
    public static func load(directory: String, only wanted: Set<String>? = nil) throws(LoadError)
        -> [String: TrainedModel]
    {
        let models = try read(directory + "/models.parquet")
        guard case .string(let names)? = models["model"]?.values, case .string(let kinds)? = models["kind"]?.values,
            case .string(let configurations)? = models["configuration"]?.values,
            case .int64(let customers)? = models["customers"]?.values, case .int64(let items)? = models["items"]?.values
        else { throw LoadError(message: "models.parquet does not have the columns \(modelsSchema.names)") }
        var out: [String: TrainedModel] = [:]
        var pending: [(name: String, kind: ModelKind, configuration: ModelConfiguration, table: ModelTable)] = []
        var described: [(name: String, kind: ModelKind, configuration: ModelConfiguration)] = []
        for r in 0..<models.rowCount {
            guard let kind = ModelKind(rawValue: kinds[r]) else {
                throw LoadError(message: "models.parquet row \(r): unknown kind '\(kinds[r])'")
            }
            let json: JSONValue
            do { json = try JSONParser.parse(configurations[r]) } catch {
                throw LoadError(message: "models.parquet row \(r): configuration is not JSON: \(error)")
            }
            let point = HyperparameterPoint(values: (json.objectMembers ?? []).map { ($0.key, $0.value) })
            described.append((names[r], kind, ModelConfiguration(kind, point)))
        }
        // The wanted models and, transitively, their components.
        var needed = wanted ?? Set(described.map(\.name))
        var grew = true
        while grew {
            grew = false
            for d in described where needed.contains(d.name) {
                for c in d.configuration.componentNames where !needed.contains(c) {
                    needed.insert(c)
                    grew = true
                }
            }
        }
        for d in described where needed.contains(d.name) {
            let path = directory + "/" + tableName(d.name) + ".parquet"
            guard let table = ModelTable(try read(path)) else {
                throw LoadError(message: "\(path) does not have the model table's schema \(ModelTable.schema.names)")
            }
            pending.append((d.name, d.kind, d.configuration, table))
        }
        // Blends after their components.
        for (name, kind, configuration, table) in pending.sorted(by: { !$0.kind.isComposite && $1.kind.isComposite }) {
            let r = (0..<models.rowCount).first { names[$0] == name }!
            out[name] = try rebuild(
                kind: kind, configuration: configuration, table: table, customers: Int(customers[r]),
                items: Int(items[r]), loaded: out, model: name)
        }
        return out
    }

    /// The names of the models saved in `directory`, sorted.
    public static func names(directory: String) throws(LoadError) -> [String] {
        guard case .string(let names)? = try read(directory + "/models.parquet")["model"]?.values else {
            throw LoadError(message: "models.parquet does not have the columns \(modelsSchema.names)")
        }
        return (0..<names.count).map { names[$0] }.sorted()
    }

    private static func read(_ path: String) throws(LoadError) -> Frame {
        do { return try ParquetReader(path: path).read() } catch { throw LoadError(message: "\(path): \(error)") }
    }

    /// The model of `kind` from its table.
    static func rebuild(
        kind: ModelKind, configuration: ModelConfiguration, table t: ModelTable, customers: Int, items: Int,
        loaded: [String: TrainedModel], model: String
    ) throws(LoadError) -> TrainedModel {
        func fail(_ message: String) -> LoadError {
            LoadError(message: "model '\(model)' (\(kind.rawValue)): \(message)")
        }
        func vector(_ part: String, _ count: Int) throws(LoadError) -> [Double] {
            let range = t.entries(part)
            guard range.count == count else {
                throw fail("part '\(part)' has \(range.count) entries, expected \(count)")
            }
            return Array(t.values[range])
        }
        func dense(_ part: String, _ rows: Int) throws(LoadError) -> (values: [Double], width: Int) {
            let range = t.entries(part)
            guard rows > 0, range.count % rows == 0 else {
                throw fail("part '\(part)' has \(range.count) entries, not a whole number of \(rows) rows")
            }
            return (Array(t.values[range]), range.count / rows)
        }
        func sparse(_ part: String, _ rows: Int, _ columns: Int) throws(LoadError) -> SparseMatrix {
            let range = t.entries(part)
            for p in range
            where t.rows[p] < 0 || Int(t.rows[p]) >= rows || t.columns[p] < 0 || Int(t.columns[p]) >= columns {
                throw fail("part '\(part)' entry \(p) (\(t.rows[p]), \(t.columns[p])) is outside \(rows) × \(columns)")
            }
            return SparseMatrix(
                rows: rows, columns: columns, rowIndices: Array(t.rows[range]), columnIndices: Array(t.columns[range]),
                values: Array(t.values[range]))
        }
        func scale() throws(LoadError) -> RatingScale {
            let s = try vector("rating_scale", 2)
            return RatingScale(lower: s[0], upper: s[1])
        }
        func components(_ names: [String]) throws(LoadError) -> [TrainedModel] {
            var out: [TrainedModel] = []
            for n in names {
                guard let m = loaded[n] else { throw fail("component '\(n)' is not among the saved models") }
                out.append(m)
            }
            return out
        }
        do {
            switch configuration {
            case .popularity(_, let bySegment):
                guard bySegment else {
                    return .ranking(
                        PopularityRecommender.Model(
                            itemScores: try vector("item_score", items), groupItemScores: [], groupCount: 0,
                            customerGroups: []))
                }
                let groups = try vector("customer_segment", customers).map { Int32($0) }
                let byGroup = t.entries("segment_item_score")
                guard items > 0, byGroup.count % items == 0 else {
                    throw fail("part 'segment_item_score' has \(byGroup.count) entries, not whole rows of \(items)")
                }
                let groupCount = byGroup.count / items
                guard groups.allSatisfy({ $0 >= -1 && Int($0) < groupCount }) else {
                    throw fail("part 'customer_segment' names a segment outside 0..<\(groupCount)")
                }
                return .ranking(
                    PopularityRecommender.Model(
                        itemScores: try vector("item_score", items), groupItemScores: Array(t.values[byGroup]),
                        groupCount: groupCount, customerGroups: groups))
            case .itemKNN:
                return .ranking(ItemKNN.Model(neighbours: try sparse("neighbours", items, items)))
            case .userKNN(let c):
                return .ranking(
                    UserKNN.Model(
                        configuration: c, neighbours: try sparse("neighbours", customers, customers),
                        interactions: try sparse("interactions", customers, items)))
            case .content(let c):
                let range = t.entries("item_terms")
                let terms = Int(t.columns[range].max() ?? -1) + 1
                return .ranking(
                    ContentRecommender.Model(configuration: c, itemTerms: try sparse("item_terms", items, terms)))
            case .als(let c):
                let users = try dense("user_factors", customers)
                let itemFactors = try vector("item_factors", items * users.width)
                guard users.width == c.factors else { throw fail("factors \(users.width), configured \(c.factors)") }
                return .ranking(
                    ALS.Model(
                        factors: c.factors, userFactors: users.values, itemFactors: itemFactors,
                        regularization: c.regularization, alpha: c.alpha))
            case .ease(let c, _):
                var weights = [Double](repeating: 0, count: items * items)
                for p in t.entries("weights") {
                    guard t.rows[p] >= 0, Int(t.rows[p]) < items, t.columns[p] >= 0, Int(t.columns[p]) < items else {
                        throw fail("weight entry \(p) is outside \(items) × \(items)")
                    }
                    weights[Int(t.rows[p]) * items + Int(t.columns[p])] = t.values[p]
                }
                return .ranking(EASE.Model(itemCount: items, weights: weights, binary: c.binary))
            case .hybrid(let names, _):
                let parts = try components(names).compactMap { m -> (any Recommender)? in
                    if case .ranking(let r) = m { r } else { nil }
                }
                let weights = try vector("weights", names.count)
                return .ranking(HybridRecommender.Model(components: parts, weights: weights))
            case .baseline:
                return .rating(
                    .baseline(
                        try RatingBaseline.Model(
                            globalMean: try vector("global_mean", 1)[0], userBiases: try vector("user_bias", customers),
                            itemBiases: try vector("item_bias", items), ratingScale: try scale())))
            case .knnBaseline(let c):
                let side = c.userBased ? customers : items
                return .rating(
                    .knnBaseline(
                        try KNNBaseline.Model(
                            globalMean: try vector("global_mean", 1)[0], userBiases: try vector("user_bias", customers),
                            itemBiases: try vector("item_bias", items),
                            similarities: try sparse("similarities", side, side),
                            ratings: try sparse("ratings", customers, items), userBased: c.userBased,
                            neighbours: c.neighbours, minimumNeighbours: c.minimumNeighbours, ratingScale: try scale()))
                )
            case .svd(let c):
                return .rating(
                    .svd(
                        try RatingSVD.Model(
                            globalMean: try vector("global_mean", 1)[0], userBiases: try vector("user_bias", customers),
                            itemBiases: try vector("item_bias", items),
                            userFactors: try vector("user_factors", customers * c.factors),
                            itemFactors: try vector("item_factors", items * c.factors), factors: c.factors,
                            ratingScale: try scale())))
            case .svdpp(let c):
                return .rating(
                    .svdpp(
                        try RatingSVDPlusPlus.Model(
                            globalMean: try vector("global_mean", 1)[0], userBiases: try vector("user_bias", customers),
                            itemBiases: try vector("item_bias", items),
                            userFactors: try vector("user_factors", customers * c.factors),
                            itemFactors: try vector("item_factors", items * c.factors),
                            implicitFactors: try vector("implicit_factors", items * c.factors),
                            userImplicitFeedback: try vector("user_implicit_feedback", customers * c.factors),
                            factors: c.factors, ratingScale: try scale())))
            case .ratingBlend(let names, _):
                let parts = try components(names).compactMap { m -> RatingPredictor? in
                    if case .rating(let p) = m { p } else { nil }
                }
                let blend = try RatingBlend.Model(
                    weights: try vector("weights", names.count), intercept: try vector("intercept", 1)[0],
                    ratingScale: try scale())
                return .rating(.blend(blend, components: parts))
            }
        } catch let e as LoadError {
            throw e
        } catch {
            throw fail(String(describing: error))
        }
    }
}
