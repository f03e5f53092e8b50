import Frame
import Learn

/// A trained segmentation rebuilt from its `segment_model` table, to assign customers the training
/// never saw: the same preparation (medians, levels, scales), then the nearest K-Means centre, or
/// for DBSCAN the lowest-numbered segment among the core points within `eps` (noise −1 when none),
/// which is the segment DBSCAN itself gives a border point, so training rows get their own labels back.
public struct SegmentModel: Sendable {
    /// The table the model is stored in.
    public static let tableName = "segment_model"

    let preparation: FeaturePreparation.Model
    /// "kmeans" or "dbscan".
    public let method: String
    /// The name of each segment, by segment number (noise, −1, is "Noise").
    public let segmentNames: [String]
    /// K-Means: segments × features, row-major, in prepared units.
    let centres: [Double]
    /// DBSCAN: core points × features, row-major, and each one's segment.
    let coreRows: [Double]
    let coreSegments: [Int32]
    let eps: Double

    init(
        preparation: FeaturePreparation.Model, method: String, segmentNames: [String], centres: [Double],
        coreRows: [Double], coreSegments: [Int32], eps: Double
    ) {
        self.preparation = preparation
        self.method = method
        self.segmentNames = segmentNames
        self.centres = centres
        self.coreRows = coreRows
        self.coreSegments = coreSegments
        self.eps = eps
    }

    /// The feature names the model works on, in matrix order.
    public var featureNames: [String] { preparation.outputNames }

    /// The long table of everything `assign` needs.
    var table: Frame {
        var rows = ModelParameterRows()
        rows.append(preparation)
        rows.append("method", method, label: method)
        for (s, name) in segmentNames.enumerated() { rows.append("segment_name", "segment", index: s, label: name) }
        let d = preparation.outputNames.count
        if method == "kmeans" {
            for s in 0..<segmentNames.count {
                for (f, feature) in preparation.outputNames.enumerated() {
                    rows.append("centre", feature, index: s, value: centres[s * d + f])
                }
            }
        } else {
            rows.append("eps", "eps", value: eps)
            for (p, segment) in coreSegments.enumerated() {
                rows.append("core_segment", "segment", index: p, value: Double(segment))
                for (f, feature) in preparation.outputNames.enumerated() {
                    rows.append("core", feature, index: p, value: coreRows[p * d + f])
                }
            }
        }
        return rows.frame
    }

    /// Rebuilds the model from the `segment_model` table among `tables`.
    public static func load(_ tables: [String: Frame]) throws(StageError) -> SegmentModel {
        try load(ModelParameterReader.table(tableName, in: tables, stage: SegmentTraining.stage))
    }

    /// Rebuilds the model from its table.
    public static func load(_ frame: Frame) throws(StageError) -> SegmentModel {
        let reader = try ModelParameterReader(frame, table: tableName, stage: SegmentTraining.stage)
        let preparation = try reader.preparation()
        guard let method = reader.rows("method").first?.label, method == "kmeans" || method == "dbscan" else {
            throw reader.corrupt("no 'method' row of kmeans or dbscan")
        }
        let names = reader.rows("segment_name").sorted { $0.index < $1.index }.map { $0.label ?? "" }
        let features = Dictionary(
            preparation.outputNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let d = preparation.outputNames.count
        func matrix(_ part: String, rows count: Int) throws(StageError) -> [Double] {
            var out = [Double](repeating: .nan, count: count * d)
            for row in reader.rows(part) {
                guard let f = features[row.name], row.index >= 0, row.index < count, let v = row.value else {
                    throw reader.corrupt("a '\(part)' row for feature '\(row.name)' at \(row.index) out of place")
                }
                out[row.index * d + f] = v
            }
            guard out.allSatisfy({ !$0.isNaN }) else { throw reader.corrupt("'\(part)' rows missing") }
            return out
        }
        if method == "kmeans" {
            return SegmentModel(
                preparation: preparation, method: method, segmentNames: names,
                centres: try matrix("centre", rows: names.count), coreRows: [], coreSegments: [], eps: 0)
        }
        let cores = reader.rows("core_segment").sorted { $0.index < $1.index }
        return SegmentModel(
            preparation: preparation, method: method, segmentNames: names, centres: [],
            coreRows: try matrix("core", rows: cores.count), coreSegments: cores.map { Int32($0.value ?? -1) },
            eps: try reader.scalar("eps"))
    }

    /// The segment of each row of `frame` (which must hold the model's input columns); −1 for
    /// DBSCAN noise.
    public func assign(_ frame: Frame, table: String = "customers") throws(StageError) -> [Int32] {
        let data = try preparation.matrix(frame, stage: SegmentTraining.stage, table: table)
        if method == "kmeans" {
            let model = KMeans.Model(
                centres: centres, clusters: segmentNames.count, features: data.columns, inertia: 0, iterations: 0)
            return model.assign(data)
        }
        let d = data.columns
        let cores = try learning(stage: SegmentTraining.stage, path: "table '\(Self.tableName)'") {
            () throws(EstimatorParameterError) in
            try FeatureMatrix(values: coreRows, rows: coreSegments.count, columns: d)
        }
        return DBSCAN.assign(data, cores: cores, coreLabels: coreSegments, eps: eps)
    }

    /// The name of `segment` ("Noise" for −1).
    public func name(of segment: Int32) -> String {
        segment >= 0 && Int(segment) < segmentNames.count ? segmentNames[Int(segment)] : SegmentTraining.noiseName
    }
}
