import Foundation
import Frame

extension FeaturePreparation {
    /// Learns medians, modes, levels, bin edges, means and scales from `columns` (by name; one
    /// `Input` per configured column, all of the same length).
    public static func fit(
        _ configuration: Configuration, columns: [String: Input]
    ) throws(EstimatorParameterError) -> Model {
        try configuration.validate()
        var rows: Int?
        for spec in configuration.columns {
            guard let column = columns[spec.name] else {
                throw Configuration.error("columns", "a column named \"\(spec.name)\"", "none")
            }
            if let r = rows, r != column.count {
                throw Configuration.error(spec.name, "\(r) rows like the other columns", "\(column.count)")
            }
            rows = column.count
        }
        guard let n = rows, n > 0 else { throw Configuration.error("columns", "at least one row", "none") }
        let count = configuration.columns.count
        var isCategorical = [Bool](repeating: false, count: count)
        var medians = [Double](repeating: .nan, count: count)
        var indicators = [Bool](repeating: false, count: count)
        var logApplied = [Bool](repeating: false, count: count)
        var means = [Double](repeating: 0, count: count)
        var scales = [Double](repeating: 1, count: count)
        var binEdges = [[Double]](repeating: [], count: count)
        var fillLevels = [String](repeating: "", count: count)
        var levels = [[String]](repeating: [], count: count)
        var hasOther = [Bool](repeating: false, count: count)
        var otherLevels = [[String]](repeating: [], count: count)
        var names = [String]()
        for (i, spec) in configuration.columns.enumerated() {
            switch (spec.kind, columns[spec.name]!) {
            case (.numeric(let options), .numeric(let values, let valid)):
                let observed = (0..<n).compactMap { valid[$0] && !values[$0].isNaN ? values[$0] : nil }
                guard !observed.isEmpty else {
                    throw Configuration.error(spec.name, "at least one non-missing value", "none")
                }
                let median = Self.median(observed)
                medians[i] = median
                let applyLog: Bool
                switch options.log {
                case .none: applyLog = false
                case .always: applyLog = true
                case .auto: applyLog = observed.allSatisfy { $0 >= 0 } && Self.skewness(observed) > 1
                }
                logApplied[i] = applyLog
                var filled = (0..<n).map { valid[$0] && !values[$0].isNaN ? values[$0] : median }
                if applyLog {
                    if let bad = filled.first(where: { !($0 > -1) }) {
                        throw Configuration.error(spec.name, "values > −1 for log1p", "\(bad)")
                    }
                    filled = filled.map { log1p($0) }
                }
                if options.standardise { (means[i], scales[i]) = Self.meanAndScale(filled) }
                indicators[i] = options.missingIndicator
                names.append(spec.name)
                if options.missingIndicator { names.append("\(spec.name)_missing") }
                if let bins = options.bins {
                    binEdges[i] = Self.quantileEdges(filled, bins: bins)
                    for b in 0..<(binEdges[i].count - 1) { names.append("\(spec.name)_bin\(b)") }
                }
            case (.categorical(let options), .categorical(let strings, let valid)):
                isCategorical[i] = true
                var counts = [String: Int]()
                for r in 0..<n where valid[r] { counts[strings[r], default: 0] += 1 }
                let missingCount = valid.reduce(0) { $0 + ($1 ? 0 : 1) }
                switch options.missing {
                case .level:
                    fillLevels[i] = missingLevel
                    if missingCount > 0 { counts[missingLevel, default: 0] += missingCount }
                case .mode:
                    guard
                        let mode = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) })
                    else {
                        throw Configuration.error(spec.name, "at least one non-missing value", "none")
                    }
                    fillLevels[i] = mode.key
                    counts[mode.key]! += missingCount
                }
                let ranked = counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.map(
                    \.key)
                levels[i] = Array(ranked.prefix(options.maxLevels))
                otherLevels[i] = ranked.dropFirst(options.maxLevels).sorted()
                hasOther[i] = !otherLevels[i].isEmpty
                for level in levels[i] { names.append("\(spec.name)=\(level)") }
                if hasOther[i] { names.append("\(spec.name)=\(otherLevel)") }
            case (.numeric, _):
                throw Configuration.error(spec.name, "a numeric input column", "a categorical one")
            case (.categorical, _):
                throw Configuration.error(spec.name, "a categorical input column", "a numeric one")
            }
        }
        return Model(
            inputNames: configuration.columns.map(\.name), isCategorical: isCategorical, medians: medians,
            missingIndicators: indicators, logApplied: logApplied, means: means, scales: scales, binEdges: binEdges,
            fillLevels: fillLevels, levels: levels, hasOther: hasOther, otherLevels: otherLevels, outputNames: names)
    }

    /// numpy's median: the middle value, or the mean of the two middle values.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let m = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2
    }

    /// The biased sample skewness `m₃ / m₂^1.5` (scipy.stats.skew's default); 0 for a constant column.
    public static func skewness(_ values: [Double]) -> Double {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        var m2 = 0.0
        var m3 = 0.0
        for v in values {
            let d = v - mean
            m2 += d * d
            m3 += d * d * d
        }
        m2 /= n
        m3 /= n
        return m2 > 0 ? m3 / pow(m2, 1.5) : 0
    }

    /// The mean and population standard deviation as StandardScaler computes them (two passes with
    /// its correction term), the scale 1 for a column it deems constant.
    static func meanAndScale(_ values: [Double]) -> (Double, Double) {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        var correction = 0.0
        var squares = 0.0
        for v in values {
            let d = v - mean
            correction += d
            squares += d * d
        }
        let variance = (squares - correction * correction / n) / n
        let eps = Double.ulpOfOne
        let bound = n * eps * variance + (n * mean * eps) * (n * mean * eps)
        if variance <= bound { return (mean, 1) }
        return (mean, variance.squareRoot())
    }

    /// Quantile edges at 0, 1/bins, …, 1 (numpy's linear interpolation), duplicates removed.
    static func quantileEdges(_ values: [Double], bins: Int) -> [Double] {
        let sorted = values.sorted()
        var edges = [Double]()
        for b in 0...bins {
            let position = Double(b) / Double(bins) * Double(sorted.count - 1)
            let lower = Int(position.rounded(.down))
            let upper = min(lower + 1, sorted.count - 1)
            let fraction = position - Double(lower)
            let edge = sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
            if edges.last != edge { edges.append(edge) }
        }
        if edges.count == 1 { edges.append(edges[0]) }  // a constant column: one bin
        return edges
    }
}
