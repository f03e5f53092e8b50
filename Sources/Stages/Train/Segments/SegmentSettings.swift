import Learn
import Pipeline

/// The `segments` section of the train stage's params, decoded with JSON paths.
struct SegmentSettings: Sendable {
    enum Method: String, Sendable, CaseIterable {
        case kmeans
        case dbscan
    }

    var table: String
    var key: String
    var columns: [String]?
    var exclude: [String]
    var preparation: PreparationSettings
    var method: Method
    /// The candidate numbers of clusters (one value, or every k of a range).
    var k: ClosedRange<Int>
    var nInit: Int
    var maxIter: Int
    var tolerance: Double
    var eps: Double
    var minSamples: Int
    var silhouetteSampleSize: Int
    /// Explicit RFM roles (column names); nil entries fall back to the defaults when present.
    var recency: String?
    var frequency: String?
    var monetary: String?
    /// How many population standard deviations from the mean make an RFM role "low" or "high".
    var levelZ: Double
    /// Columns whose centroid lies at least this many population standard deviations from the
    /// mean may name a segment (outside RFM).
    var distinctiveZ: Double

    static let roleSpecs: [ParameterSpec] = [
        ParameterSpec(
            "recency", .nullable(.string), default: .null,
            "Days since last purchase (lower = more recent); default recency_days when present."),
        ParameterSpec(
            "frequency", .nullable(.string), default: .null, "Number of orders; default orders when present."),
        ParameterSpec(
            "monetary", .nullable(.string), default: .null, "Spend; default monetary when present."),
    ]

    static let specs: [ParameterSpec] = [
        ParameterSpec("table", .string, default: "customer_features", "The table of customers to segment."),
        ParameterSpec(
            "key", .nullable(.string), default: .null,
            "The column identifying a customer; null: the table's declared key when it is one column, else customer_id."
        ),
        ParameterSpec(
            "columns", .nullable(.array(of: .string, minCount: 1)), default: .null,
            "Feature columns (numeric or string); default every numeric and bool column but key and exclude."),
        ParameterSpec(
            "exclude", .array(of: .string), default: ["customer_index"],
            "Columns never chosen by default (identifiers)."),
        ParameterSpec(
            "preparation", .object(PreparationSettings.specs), default: [:], "How columns become features."),
        ParameterSpec("method", .oneOf(Method.allCases.map(\.rawValue)), default: "kmeans", "kmeans or dbscan."),
        ParameterSpec(
            "k", .nullable(.either([.int(1...10_000), .array(of: .int(2...10_000), minCount: 2)])), default: .null,
            "K-Means: the number of segments, or [min, max] chosen by the highest silhouette (null: [2, 8])."),
        ParameterSpec(
            "n_init", .nullable(.int(1...1000)), default: .null,
            "K-Means: k-means++ restarts; the lowest inertia wins (null: 10)."),
        ParameterSpec(
            "max_iter", .nullable(.int(1...100_000)), default: .null,
            "K-Means: Lloyd iterations per restart (null: 300)."),
        ParameterSpec(
            "tol", .nullable(.double(0 ... .infinity)), default: .null,
            "K-Means: stop when the squared centre shift is ≤ tol × mean feature variance (null: 1e-4)."),
        ParameterSpec(
            "eps", .nullable(.double(0 ... .infinity)), default: .null,
            "DBSCAN: neighbourhood radius in prepared feature units (null: 0.5)."),
        ParameterSpec(
            "min_samples", .nullable(.int(1...1_000_000)), default: .null,
            "DBSCAN: neighbours (self included) of a core point (null: 5)."),
        ParameterSpec(
            "silhouette_sample", .int(2...10_000_000), default: 10_000,
            "Above this many rows the silhouette is computed on a seeded sample of this size."),
        ParameterSpec("roles", .object(roleSpecs), default: [:], "RFM roles used to name segments."),
        ParameterSpec(
            "level_z", .double(0 ... .infinity), default: 0.5,
            "RFM: a segment's mean this many standard deviations below / above the population's reads as low / high."),
        ParameterSpec(
            "distinctive_z", .double(0 ... .infinity), default: 0.5,
            "Outside RFM: a column names a segment when its centroid is this many standard deviations from the mean."),
    ]

    init(_ json: JSONValue, stage: String, path: String) throws(StageError) {
        let r = try ParameterReader(json, specs: Self.specs, stage: stage, path: path)
        table = try r.string("table") ?? "customer_features"
        key = try r.string("key") ?? "customer_id"
        columns = try r.strings("columns")
        exclude = try r.strings("exclude") ?? []
        preparation = try PreparationSettings(
            try r.value("preparation"), stage: stage, path: r.childPath("preparation"))
        method = Method(rawValue: try r.oneOf("method", Method.allCases.map(\.rawValue)))!
        // A parameter of the other method would be silently ignored: an error instead.
        let own: [Method: [String]] = [.kmeans: ["k", "n_init", "max_iter", "tol"], .dbscan: ["eps", "min_samples"]]
        for name in own.values.joined() where try r.value(name) != .null && !own[method]!.contains(name) {
            throw .invalidParameter(
                stage: stage, path: r.childPath(name),
                message: "'\(name)' does not apply to method \"\(method.rawValue)\"; it takes: "
                    + own[method]!.joined(separator: ", "))
        }
        var kValue = try r.value("k")
        if kValue == .null { kValue = [2, 8] }
        if let single = kValue.intValue, single >= 1 {
            k = Int(single)...Int(single)
        } else if let items = kValue.arrayValue, items.count == 2, let lo = items[0].intValue,
            let hi = items[1].intValue, lo >= 2, lo <= hi
        {
            k = Int(lo)...Int(hi)
        } else {
            throw r.fail("k", "an integer ≥ 1 or [min, max] with 2 ≤ min ≤ max", kValue)
        }
        nInit = Int(try r.int("n_init", in: 1...1000) ?? 10)
        maxIter = Int(try r.int("max_iter", in: 1...100_000) ?? 300)
        tolerance = try r.double("tol", in: 0 ... .infinity) ?? 1e-4
        eps = try r.double("eps", in: 0 ... .infinity) ?? 0.5
        if !(eps > 0) { throw r.fail("eps", "a number > 0", .number(JSONNumber(eps))) }
        minSamples = Int(try r.int("min_samples", in: 1...1_000_000) ?? 5)
        silhouetteSampleSize = Int(try r.int("silhouette_sample", in: 2...10_000_000) ?? 10_000)
        let roles = try ParameterReader(
            try r.value("roles"), specs: Self.roleSpecs, stage: stage, path: r.childPath("roles"))
        recency = try roles.string("recency")
        frequency = try roles.string("frequency")
        monetary = try roles.string("monetary")
        levelZ = try r.double("level_z", in: 0 ... .infinity) ?? 0.5
        distinctiveZ = try r.double("distinctive_z", in: 0 ... .infinity) ?? 0.5
    }
}
