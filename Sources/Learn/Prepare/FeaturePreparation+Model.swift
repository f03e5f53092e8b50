import Foundation
import Frame

extension FeaturePreparation {
    /// Everything needed to apply a fitted preparation to new rows. Every array has one entry per
    /// input column, in configuration order, so the model saves as one table.
    public struct Model: Sendable, Equatable {
        /// The input column names.
        public var inputNames: [String]
        /// Whether each input column is categorical (otherwise numeric).
        public var isCategorical: [Bool]
        /// Numeric: the median that replaces a missing value (raw units); NaN for categorical.
        public var medians: [Double]
        /// Numeric: whether a `NAME_missing` column is emitted.
        public var missingIndicators: [Bool]
        /// Numeric: whether `log1p` is applied after imputation.
        public var logApplied: [Bool]
        /// Numeric: the mean subtracted (0 when not standardised).
        public var means: [Double]
        /// Numeric: the scale divided by (the population standard deviation; 1 for a constant
        /// column or when not standardised).
        public var scales: [Double]
        /// Numeric: the ascending bin edges (first = minimum, last = maximum seen at fit), empty
        /// when not binned; a value falls in bin `#{inner edges ≤ value}`.
        public var binEdges: [[Double]]
        /// Categorical: the value that replaces a missing one (the mode, or `"missing"`); "" for numeric.
        public var fillLevels: [String]
        /// Categorical: the levels with their own column, in output order; empty for numeric.
        public var levels: [[String]]
        /// Categorical: whether an `other` column gathers the less frequent levels seen at fit.
        public var hasOther: [Bool]
        /// Categorical: the less frequent levels seen at fit, sorted (they map to `other`).
        public var otherLevels: [[String]]
        /// The output feature names, one per matrix column.
        public var outputNames: [String]

        public init(
            inputNames: [String], isCategorical: [Bool], medians: [Double], missingIndicators: [Bool],
            logApplied: [Bool], means: [Double], scales: [Double], binEdges: [[Double]], fillLevels: [String],
            levels: [[String]], hasOther: [Bool], otherLevels: [[String]], outputNames: [String]
        ) {
            let n = inputNames.count
            precondition(
                [
                    isCategorical.count, medians.count, missingIndicators.count, logApplied.count, means.count,
                    scales.count, binEdges.count, fillLevels.count, levels.count, hasOther.count, otherLevels.count,
                ]
                .allSatisfy { $0 == n }, "one entry per input column in every array")
            self.inputNames = inputNames
            self.isCategorical = isCategorical
            self.medians = medians
            self.missingIndicators = missingIndicators
            self.logApplied = logApplied
            self.means = means
            self.scales = scales
            self.binEdges = binEdges
            self.fillLevels = fillLevels
            self.levels = levels
            self.hasOther = hasOther
            self.otherLevels = otherLevels
            self.outputNames = outputNames
        }

        /// The number of output columns of input column `i`.
        func width(_ i: Int) -> Int {
            if isCategorical[i] { return levels[i].count + (hasOther[i] ? 1 : 0) }
            return 1 + (missingIndicators[i] ? 1 : 0) + max(0, binEdges[i].count - 1)
        }

        /// Applies the fitted preparation to `columns` (by input name; other columns are ignored).
        /// Returns `rows × names.count` values, row-major.
        public func transform(
            _ columns: [String: Input]
        ) throws(EstimatorParameterError) -> (matrix: [Double], rows: Int, names: [String]) {
            var rows: Int?
            for name in inputNames {
                guard let column = columns[name] else {
                    throw Configuration.error("columns", "a column named \"\(name)\"", "none")
                }
                if let r = rows, r != column.count {
                    throw Configuration.error(name, "\(r) rows like the other columns", "\(column.count)")
                }
                rows = column.count
            }
            let n = rows ?? 0
            let width = outputNames.count
            var matrix = [Double](repeating: 0, count: n * width)
            var offset = 0
            for (i, name) in inputNames.enumerated() {
                switch (columns[name]!, isCategorical[i]) {
                case (.numeric(let values, let valid), false):
                    try writeNumeric(i, values: values, valid: valid, into: &matrix, width: width, offset: offset)
                case (.categorical(let strings, let valid), true):
                    writeCategorical(i, strings: strings, valid: valid, into: &matrix, width: width, offset: offset)
                default:
                    throw Configuration.error(
                        name, isCategorical[i] ? "a categorical column" : "a numeric column", "the other kind")
                }
                offset += self.width(i)
            }
            return (matrix, n, outputNames)
        }

        private func writeNumeric(
            _ i: Int, values: [Double], valid: [Bool], into matrix: inout [Double], width: Int, offset: Int
        ) throws(EstimatorParameterError) {
            let edges = binEdges[i]
            let inner = edges.count > 2 ? Array(edges[1..<(edges.count - 1)]) : []
            let binOffset = offset + 1 + (missingIndicators[i] ? 1 : 0)
            for r in 0..<values.count {
                let missing = !valid[r] || values[r].isNaN
                var v = missing ? medians[i] : values[r]
                if logApplied[i] {
                    guard v > -1 else {
                        throw Configuration.error("\(inputNames[i]) row \(r)", "> −1 for log1p", "\(v)")
                    }
                    v = log1p(v)
                }
                matrix[r * width + offset] = (v - means[i]) / scales[i]
                if missingIndicators[i] { matrix[r * width + offset + 1] = missing ? 1 : 0 }
                if edges.count >= 2 {
                    var lo = 0
                    var hi = inner.count
                    while lo < hi {
                        let mid = (lo + hi) / 2
                        if inner[mid] <= v { lo = mid + 1 } else { hi = mid }
                    }
                    matrix[r * width + binOffset + lo] = 1
                }
            }
        }

        private func writeCategorical(
            _ i: Int, strings: StringArray, valid: [Bool], into matrix: inout [Double], width: Int, offset: Int
        ) {
            var slot = [String: Int](minimumCapacity: levels[i].count + otherLevels[i].count)
            for (j, level) in levels[i].enumerated() { slot[level] = j }
            for level in otherLevels[i] { slot[level] = levels[i].count }
            let fill = slot[fillLevels[i]]
            for r in 0..<valid.count {
                let column = valid[r] ? slot[strings[r]] : fill
                if let column { matrix[r * width + offset + column] = 1 }
            }
        }
    }
}
