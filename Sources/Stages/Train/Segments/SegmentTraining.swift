import Foundation
import Frame
import Learn
import Pipeline

/// The `segments` section of the train stage: prepares a customer table's columns, clusters the
/// customers (K-Means with k chosen by silhouette, or DBSCAN), names each segment in the business's
/// terms, and returns the tables `segments`, `segment_assignments` and `segment_model`.
public enum SegmentTraining {
    /// The parameters of a `segments` section.
    public static let specs: [ParameterSpec] = SegmentSettings.specs
    static let stage = "train"

    /// Trains segments on `table` (called `tableName` in messages) with the section `params` found
    /// at JSON path `path`; `seed` is the stage's seed.
    public static func run(
        params: JSONValue, path: String, table: Frame, tableName: String, seed: Int64
    ) throws(StageError) -> TrainingOutput {
        let settings = try SegmentSettings(params, stage: stage, path: path)
        guard let keyColumn = table[settings.key] else {
            throw .unknownColumn(
                stage: stage, table: tableName, column: settings.key, available: table.schema.names,
                path: path + ".key")
        }
        let features = try FeatureColumns(
            frame: table, explicit: settings.columns, excluded: Set(settings.exclude + [settings.key]), strings: false,
            categorical: settings.preparation.categorical, stage: stage, table: tableName, path: path)
        let preparation = try learning(stage: stage, path: path + ".preparation") {
            () throws(EstimatorParameterError) in
            try FeaturePreparation.fit(features.configuration(settings.preparation), columns: features.inputs)
        }
        let data = try preparation.matrix(table, stage: stage, table: tableName)
        let root = SeededRandom(seed: UInt64(bitPattern: seed))
        var fitRandom = root.derived(1)
        var sampleRandom = root.derived(2)
        let fitSeed = fitRandom.next()
        let sampleSeed = sampleRandom.next()

        let clustering: Clustering
        switch settings.method {
        case .kmeans:
            clustering = try kmeans(data, settings: settings, path: path, seed: fitSeed, sampleSeed: sampleSeed)
        case .dbscan:
            clustering = try dbscan(data, settings: settings, path: path, seed: sampleSeed)
        }
        let named = try names(
            clustering, settings: settings, features: features, preparation: preparation, data: data, table: table,
            tableName: tableName, path: path)

        let segments = try segmentsTable(
            clustering, named: named, preparation: preparation, features: features, data: data)
        let assignments: Frame
        do {
            assignments = try Frame(
                schema: Schema([
                    Field(settings.key, keyColumn.type, nullable: keyColumn.validity != nil),
                    Field("segment", .int32, nullable: false), Field("segment_name", .string, nullable: false),
                ]),
                columns: [
                    keyColumn, Column(.int32(clustering.labels)),
                    Column(.string(StringArray(clustering.labels.map { $0 < 0 ? noiseName : named[Int($0)].name }))),
                ])
        } catch { throw .frame(stage: stage, table: "segment_assignments", error) }
        let model = SegmentModel(
            preparation: preparation, method: settings.method.rawValue, segmentNames: named.map(\.name),
            centres: clustering.method == .kmeans ? clustering.centres : [], coreRows: clustering.coreRows,
            coreSegments: clustering.coreSegments, eps: settings.eps)

        var sizes = [Int](repeating: 0, count: clustering.k)
        for l in clustering.labels where l >= 0 { sizes[Int(l)] += 1 }
        let counters: JSONValue = .object([
            ("table", .string(tableName)), ("rows", .int(data.rows)),
            ("columns", .array(features.names.map { .string($0) })),
            ("skipped_columns", .object(features.skipped.map { ($0.column, .string($0.reason)) })),
            ("features", .int(data.columns)), ("segments", .int(clustering.k)),
            ("segment_sizes", .object(named.enumerated().map { ($1.name, .int(sizes[$0])) })),
        ])
        return TrainingOutput(
            tables: [
                ("segments", segments), ("segment_assignments", assignments),
                ("segment_model", model.table),
            ],
            counters: counters, metrics: clustering.metrics)
    }

    static let noiseName = "Noise"

    /// The outcome of either clustering method, segments numbered 0 ..< k (noise −1).
    struct Clustering {
        var method: SegmentSettings.Method
        var k: Int
        var labels: [Int32]
        /// k × features, row-major, in prepared units: K-Means centres, DBSCAN member means.
        var centres: [Double]
        var coreRows: [Double] = []
        var coreSegments: [Int32] = []
        var metrics: JSONValue
    }

    static func kmeans(
        _ data: FeatureMatrix, settings: SegmentSettings, path: String, seed: UInt64, sampleSeed: UInt64
    ) throws(StageError) -> Clustering {
        let configuration = KMeans.Configuration(
            clusters: settings.k.lowerBound, nInit: settings.nInit, maxIter: settings.maxIter,
            tolerance: settings.tolerance)
        var perK: [JSONValue] = []
        var chosenSilhouette: Double?
        let fitted: KMeans.Model
        if settings.k.count == 1 {
            guard settings.k.lowerBound <= data.rows else {
                throw .invalidParameter(
                    stage: stage, path: path + ".k",
                    message: "k = \(settings.k.lowerBound) exceeds the \(data.rows) rows of the table")
            }
            fitted = try learning(stage: stage, path: path) { () throws(EstimatorParameterError) in
                try KMeans(configuration).fit(data, seed: seed)
            }
        } else {
            let upper = min(settings.k.upperBound, data.rows - 1)
            guard settings.k.lowerBound <= upper else {
                throw .invalidParameter(
                    stage: stage, path: path + ".k",
                    message: "the range \(settings.k) needs more than \(settings.k.lowerBound) rows, got \(data.rows)")
            }
            let selection = try learning(stage: stage, path: path + ".k") { () throws(EstimatorParameterError) in
                try KMeans.selectK(
                    range: settings.k.lowerBound...upper, data: data, configuration: configuration,
                    silhouetteSampleSize: settings.silhouetteSampleSize, seed: seed)
            }
            fitted = selection.candidates[selection.best].model
            chosenSilhouette = selection.candidates[selection.best].silhouette
            perK = selection.candidates.map {
                .object([
                    ("k", .int($0.clusters)), ("inertia", .double($0.inertia)), ("silhouette", .double($0.silhouette)),
                ])
            }
        }
        // Number segments by size, largest first (the fit's own numbering is arbitrary), and
        // assign with the renumbered centres, exactly as a loaded model will.
        let k = fitted.clusters
        let d = fitted.features
        var counts = [Int](repeating: 0, count: k)
        for l in fitted.assign(data) { counts[Int(l)] += 1 }
        let order = (0..<k).sorted { counts[$0] > counts[$1] || (counts[$0] == counts[$1] && $0 < $1) }
        var centres: [Double] = []
        for c in order { centres.append(contentsOf: fitted.centres[c * d..<(c + 1) * d]) }
        let model = KMeans.Model(centres: centres, clusters: k, features: d, inertia: 0, iterations: 0)
        let labels = model.assign(data)
        let inertia = model.inertia(data, labels: labels)
        // With a range, the chosen candidate's silhouette is this partition's (renumbering does
        // not change it) on the sample the choice was made with.
        let silhouette =
            chosenSilhouette
            ?? (try? ClusterMetrics.silhouette(
                data, labels: labels, sampleSize: settings.silhouetteSampleSize, seed: sampleSeed))
        let daviesBouldin = try? ClusterMetrics.daviesBouldin(data, labels: labels)
        let metrics: JSONValue = .object([
            ("method", "kmeans"), ("k", .int(k)), ("inertia", .double(inertia)),
            ("silhouette", silhouette.map { .double($0) } ?? .null),
            ("silhouette_sampled", .bool(data.rows > settings.silhouetteSampleSize)),
            ("davies_bouldin", daviesBouldin.map { .double($0) } ?? .null),
            ("iterations", .int(fitted.iterations)), ("per_k", .array(perK)),
        ])
        return Clustering(method: .kmeans, k: k, labels: labels, centres: centres, metrics: metrics)
    }

    static func dbscan(
        _ data: FeatureMatrix, settings: SegmentSettings, path: String, seed: UInt64
    ) throws(StageError) -> Clustering {
        let configuration = DBSCAN.Configuration(
            eps: settings.eps, minSamples: settings.minSamples, silhouetteSampleSize: settings.silhouetteSampleSize)
        let model = try learning(stage: stage, path: path) { () throws(EstimatorParameterError) in
            try DBSCAN(configuration).fit(data, seed: seed)
        }
        let k = model.clusterCount
        let d = data.columns
        let centres = memberMeans(data, labels: model.labels, k: k)
        var coreRows: [Double] = []
        var coreSegments: [Int32] = []
        for i in 0..<data.rows where model.isCore[i] {
            coreRows.append(contentsOf: data.values[i * d..<(i + 1) * d])
            coreSegments.append(model.labels[i])
        }
        let clustered = (0..<data.rows).filter { model.labels[$0] >= 0 }
        let daviesBouldin =
            k >= 2
            ? try? ClusterMetrics.daviesBouldin(
                data.gatheringRows(clustered), labels: clustered.map { model.labels[$0] })
            : nil
        let metrics: JSONValue = .object([
            ("method", "dbscan"), ("clusters", .int(k)), ("noise_share", .double(model.noiseShare)),
            ("noise_rows", .int(data.rows - clustered.count)), ("core_points", .int(coreSegments.count)),
            ("silhouette", model.silhouette.map { .double($0) } ?? .null),
            ("silhouette_sampled", .bool(clustered.count > settings.silhouetteSampleSize)),
            ("davies_bouldin", daviesBouldin.map { .double($0) } ?? .null),
        ])
        return Clustering(
            method: .dbscan, k: k, labels: model.labels, centres: centres, coreRows: coreRows,
            coreSegments: coreSegments, metrics: metrics)
    }

    /// The mean prepared row of each segment 0 ..< k (k × features), and of label −1 when asked.
    static func memberMeans(_ data: FeatureMatrix, labels: [Int32], k: Int, noise: Bool = false) -> [Double] {
        let d = data.columns
        let slots = noise ? 1 : k
        var sums = [Double](repeating: 0, count: slots * d)
        var counts = [Int](repeating: 0, count: slots)
        for i in 0..<data.rows {
            let l = Int(labels[i])
            guard noise ? l < 0 : l >= 0 else { continue }
            let s = noise ? 0 : l
            counts[s] += 1
            for f in 0..<d { sums[s * d + f] += data.values[i * d + f] }
        }
        for s in 0..<slots where counts[s] > 0 {
            for f in 0..<d { sums[s * d + f] /= Double(counts[s]) }
        }
        return sums
    }

    /// RFM names when the roles resolve, else names from the most distinctive columns; unique.
    static func names(
        _ clustering: Clustering, settings: SegmentSettings, features: FeatureColumns,
        preparation: FeaturePreparation.Model, data: FeatureMatrix, table: Frame, tableName: String, path: String
    ) throws(StageError) -> [SegmentNaming.Named] {
        func role(_ explicit: String?, _ fallback: String, _ key: String) throws(StageError) -> SegmentNaming
            .NumericColumn?
        {
            let name = explicit ?? fallback
            guard let column = table[name] else {
                if explicit == nil { return nil }
                throw .unknownColumn(
                    stage: stage, table: tableName, column: name, available: table.schema.names,
                    path: path + ".roles." + key)
            }
            guard [.int32, .int64, .double].contains(column.type) else {
                if explicit == nil { return nil }
                throw .unsupportedColumnType(
                    stage: stage, table: tableName, column: name, type: column.type, expected: "a numeric column",
                    path: path + ".roles." + key)
            }
            return SegmentNaming.NumericColumn(name: name, values: filled(FeatureColumns.numeric(column)))
        }
        let recency = try role(settings.recency, "recency_days", "recency")
        let frequency = try role(settings.frequency, "orders", "frequency")
        let monetary = try role(settings.monetary, "monetary", "monetary")
        let named: [SegmentNaming.Named]
        if let recency, let frequency {
            named = SegmentNaming.rfm(
                recency: recency, frequency: frequency, monetary: monetary, labels: clustering.labels,
                k: clustering.k, cut: settings.levelZ)
        } else {
            let layout = PreparedLayout(preparation)
            var numeric: [SegmentNaming.NumericColumn] = []
            var levels: [SegmentNaming.LevelColumn] = []
            for (i, name) in preparation.inputNames.enumerated() {
                if preparation.isCategorical[i] {
                    let levelNames =
                        preparation.levels[i] + (preparation.hasOther[i] ? [FeaturePreparation.otherLevel] : [])
                    for (j, level) in levelNames.enumerated() {
                        let f = layout.offsets[i] + j
                        levels.append(
                            SegmentNaming.LevelColumn(
                                column: name, level: level, indicator: (0..<data.rows).map { data[$0, f] }))
                    }
                } else {
                    numeric.append(SegmentNaming.NumericColumn(name: name, values: filled(features.inputs[name]!)))
                }
            }
            named = SegmentNaming.distinctive(
                numeric: numeric, levels: levels, labels: clustering.labels, k: clustering.k,
                minimumZ: settings.distinctiveZ)
        }
        let unique = SegmentNaming.unique(named.map(\.name) + [noiseName]).dropLast()
        return zip(named, unique).map { SegmentNaming.Named(name: $1, description: $0.description) }
    }

    /// A numeric input with missing values replaced by the median of the present ones.
    static func filled(_ input: FeaturePreparation.Input) -> [Double] {
        guard case .numeric(let values, let valid) = input else { return [] }
        let present = zip(values, valid).compactMap { $1 && !$0.isNaN ? $0 : nil }.sorted()
        let m = present.count / 2
        let median = present.isEmpty ? 0 : (present.count % 2 == 1 ? present[m] : (present[m - 1] + present[m]) / 2)
        return zip(values, valid).map { $1 && !$0.isNaN ? $0 : median }
    }

    /// One row per segment (and one for DBSCAN's noise): id, name, description, size, share and
    /// per input column the members' mean in its own units, missing values as the median the
    /// model fills them with (the figures the descriptions quote, and what a groupby mean of the
    /// table gives); a string column: its dominant level.
    static func segmentsTable(
        _ clustering: Clustering, named: [SegmentNaming.Named], preparation: FeaturePreparation.Model,
        features: FeatureColumns, data: FeatureMatrix
    ) throws(StageError) -> Frame {
        let d = data.columns
        var ids = Array(0..<Int32(clustering.k))
        var centres = clustering.centres
        var names = named.map(\.name)
        var descriptions = named.map(\.description)
        var sizes = [Int64](repeating: 0, count: clustering.k)
        var noiseCount: Int64 = 0
        for l in clustering.labels {
            if l >= 0 { sizes[Int(l)] += 1 } else { noiseCount += 1 }
        }
        if noiseCount > 0 {
            ids.append(-1)
            centres += memberMeans(data, labels: clustering.labels, k: 0, noise: true)
            names.append(noiseName)
            descriptions.append("in no dense region: fewer than min_samples neighbours within eps")
            sizes.append(noiseCount)
        }
        var fields = [
            Field("segment", .int32, nullable: false), Field("segment_name", .string, nullable: false),
            Field("description", .string, nullable: false), Field("size", .int64, nullable: false),
            Field("share", .double, nullable: false),
        ]
        var columns = [
            Column(.int32(ids)), Column(.string(StringArray(names))), Column(.string(StringArray(descriptions))),
            Column(.int64(sizes)), Column(.double(sizes.map { Double($0) / Double(max(1, data.rows)) })),
        ]
        let fixed = Set(fields.map(\.name))
        let layout = PreparedLayout(preparation)
        for (i, name) in preparation.inputNames.enumerated() {
            let o = layout.offsets[i]
            let columnName = fixed.contains(name) ? "profile_" + name : name
            if preparation.isCategorical[i] {
                let levels = ids.indices.map { s in
                    PreparedLayout.dominantLevel(
                        centres[(s * d + o)..<(s * d + o + layout.widths[i])], input: i, model: preparation) ?? ""
                }
                fields.append(Field(columnName, .string, nullable: false))
                columns.append(Column(.string(StringArray(levels))))
            } else {
                var sums = [Double](repeating: 0, count: ids.count)
                for (value, label) in zip(filled(features.inputs[name]!), clustering.labels) {
                    sums[label >= 0 ? Int(label) : ids.count - 1] += value
                }
                let values = zip(sums, sizes).map { $0 / Double(max(1, $1)) }
                fields.append(Field(columnName, .double, nullable: false))
                columns.append(Column(.double(values)))
            }
        }
        do { return try Frame(schema: Schema(fields), columns: columns) } catch {
            throw .frame(stage: stage, table: "segments", error)
        }
    }
}
