import Foundation
import Frame
import Learn

/// Where the features of each input column sit in a prepared matrix, and how to read a prepared
/// value back in the column's own units.
struct PreparedLayout: Sendable {
    /// The first feature of each input column.
    var offsets: [Int]
    /// The number of features of each input column.
    var widths: [Int]

    init(_ model: FeaturePreparation.Model) {
        var offsets: [Int] = []
        var widths: [Int] = []
        var next = 0
        for i in model.inputNames.indices {
            let width =
                model.isCategorical[i]
                ? model.levels[i].count + (model.hasOther[i] ? 1 : 0)
                : 1 + (model.missingIndicators[i] ? 1 : 0) + max(0, model.binEdges[i].count - 1)
            offsets.append(next)
            widths.append(width)
            next += width
        }
        self.offsets = offsets
        self.widths = widths
    }

    /// The level of categorical input `i` with the largest share among `shares` (its features), the
    /// first on a tie; "other" for the shared column.
    static func dominantLevel(_ shares: ArraySlice<Double>, input i: Int, model: FeaturePreparation.Model) -> String? {
        guard let best = shares.indices.max(by: { shares[$0] < shares[$1] || (shares[$0] == shares[$1] && $0 > $1) })
        else { return nil }
        let j = best - shares.startIndex
        return j < model.levels[i].count ? model.levels[i][j] : FeaturePreparation.otherLevel
    }
}

/// Runs a Learn kernel and turns its parameter error into the stage's, at `path`.
func learning<T>(
    stage: String, path: String, _ body: () throws(EstimatorParameterError) -> T
) throws(StageError) -> T {
    do { return try body() } catch { throw .invalidParameter(stage: stage, path: path, message: error.description) }
}

extension FeaturePreparation.Model {
    /// The prepared feature matrix of `frame`'s rows, each input column read as at fit.
    func matrix(_ frame: Frame, stage: String, table: String) throws(StageError) -> FeatureMatrix {
        let inputs = try FeatureColumns.inputs(for: self, frame: frame, stage: stage, table: table)
        return try learning(stage: stage, path: "table '\(table)'") { () throws(EstimatorParameterError) in
            let t = try transform(inputs)
            return try FeatureMatrix(values: t.matrix, rows: t.rows, columns: t.names.count)
        }
    }
}
