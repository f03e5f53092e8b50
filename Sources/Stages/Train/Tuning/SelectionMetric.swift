import Learn

/// A measure a metric row or a tuning choice is made of: a ranking measure at a cut-off K
/// ("ndcg@10"), or a rating error.
public enum SelectionMetric: Sendable, Equatable, CustomStringConvertible {
    /// The ranking measures, by their names in metrics.parquet.
    public enum RankingMeasure: String, Sendable, CaseIterable {
        case precision
        /// hits / |test|.
        case recall
        /// hits / min(K, |test|).
        case cappedRecall = "capped_recall"
        case ndcg
        case hitRate = "hit_rate"
        case map
        case coverage

        /// This measure of `r`.
        public func value(_ r: RankingMetrics.Result) -> Double {
            switch self {
            case .precision: r.precision
            case .recall: r.recall
            case .cappedRecall: r.cappedRecall
            case .ndcg: r.ndcg
            case .hitRate: r.hitRate
            case .map: r.meanAveragePrecision
            case .coverage: r.catalogueCoverage
            }
        }
    }

    case ranking(RankingMeasure, k: Int)
    case rmse
    case mae

    /// Parses "ndcg@10", "rmse", "mae".
    public init?(_ text: String) {
        switch text {
        case "rmse": self = .rmse
        case "mae": self = .mae
        default:
            let parts = text.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, let measure = RankingMeasure(rawValue: String(parts[0])), let k = Int(parts[1]),
                k >= 1
            else { return nil }
            self = .ranking(measure, k: k)
        }
    }

    public var description: String {
        switch self {
        case .ranking(let m, let k): "\(m.rawValue)@\(k)"
        case .rmse: "rmse"
        case .mae: "mae"
        }
    }

    public var isRanking: Bool { if case .ranking = self { true } else { false } }

    /// Errors are minimised, ranking measures maximised.
    public var lowerIsBetter: Bool { !isRanking }

    /// Whether `a` beats `b` strictly (ties keep the earlier grid point).
    public func better(_ a: Double, than b: Double) -> Bool { lowerIsBetter ? a < b : a > b }
}
