import Foundation

/// K-Means clustering (Lloyd's algorithm) as scikit-learn's `KMeans(algorithm="lloyd")`.
///
/// Initialisation is greedy k-means++ (`2 + ⌊ln k⌋` local trials per centre, the candidate that
/// lowers the potential most wins) or centres given by the caller. `nInit` seeded restarts run one
/// after the other, each with `SeededRandom(seed:).derived(restart)`, and the lowest inertia wins
/// (the first on a tie). Convergence follows scikit-learn exactly: stop when the labels no longer
/// change, or when the summed squared centre shift is ≤ `tolerance × mean(column variances)`.
/// Clusters left empty are moved to the points farthest from their centres, as scikit-learn does.
public struct KMeans: Sendable {
    /// Hyperparameters; `validated()` checks them before any work.
    public struct Configuration: Codable, Sendable, Equatable {
        /// The number of clusters, k ≥ 1.
        public var clusters: Int
        /// The number of k-means++ restarts; the one with the lowest inertia wins.
        public var nInit: Int
        /// The maximum number of Lloyd iterations per restart.
        public var maxIter: Int
        /// Relative tolerance on the summed squared centre shift, scaled by the mean column variance.
        public var tolerance: Double

        public init(clusters: Int, nInit: Int = 10, maxIter: Int = 300, tolerance: Double = 1e-4) {
            self.clusters = clusters
            self.nInit = nInit
            self.maxIter = maxIter
            self.tolerance = tolerance
        }

        /// Throws when a parameter is out of its range.
        public func validate() throws(EstimatorParameterError) {
            if clusters < 1 { throw Self.error("clusters", "≥ 1", "\(clusters)") }
            if nInit < 1 { throw Self.error("nInit", "≥ 1", "\(nInit)") }
            if maxIter < 1 { throw Self.error("maxIter", "≥ 1", "\(maxIter)") }
            if !(tolerance >= 0) || !tolerance.isFinite {
                throw Self.error("tolerance", "a finite number ≥ 0", "\(tolerance)")
            }
        }

        static func error(_ parameter: String, _ expected: String, _ got: String) -> EstimatorParameterError {
            EstimatorParameterError(estimator: "KMeans", parameter: parameter, expected: expected, got: got)
        }
    }

    public var configuration: Configuration

    public init(_ configuration: Configuration) { self.configuration = configuration }

    /// Fits `nInit` k-means++ restarts derived from `seed` and keeps the lowest inertia.
    public func fit(_ data: FeatureMatrix, seed: UInt64) throws(EstimatorParameterError) -> Model {
        try check(data)
        let tol = absoluteTolerance(data)
        let root = SeededRandom(seed: seed)
        var best: Model?
        for restart in 0..<configuration.nInit {
            var rng = root.derived(restart)
            let centres = Self.plusPlus(data, clusters: configuration.clusters, random: &rng)
            let model = Self.lloyd(
                data, centres: centres, clusters: configuration.clusters,
                maxIter: configuration.maxIter, tolerance: tol)
            if best == nil || model.inertia < best!.inertia { best = model }
        }
        return best!
    }

    /// Runs Lloyd's algorithm once from `initialCentres` (clusters × features, row-major), as
    /// scikit-learn's `KMeans(init=centres, n_init=1)`.
    public func fit(_ data: FeatureMatrix, initialCentres: [Double]) throws(EstimatorParameterError) -> Model {
        try check(data)
        let expected = configuration.clusters * data.columns
        guard initialCentres.count == expected else {
            throw Configuration.error(
                "initialCentres", "clusters × features = \(expected) values", "\(initialCentres.count)")
        }
        return Self.lloyd(
            data, centres: initialCentres, clusters: configuration.clusters,
            maxIter: configuration.maxIter, tolerance: absoluteTolerance(data))
    }

    private func check(_ data: FeatureMatrix) throws(EstimatorParameterError) {
        try configuration.validate()
        guard data.rows >= configuration.clusters else {
            throw Configuration.error("rows", "≥ clusters (\(configuration.clusters))", "\(data.rows)")
        }
        guard data.values.allSatisfy(\.isFinite) else {
            throw Configuration.error("data", "finite values", "NaN or infinity")
        }
    }

    /// scikit-learn's `_tolerance`: `tol × mean(var(X, axis=0))`.
    private func absoluteTolerance(_ data: FeatureMatrix) -> Double {
        guard data.columns > 0 else { return 0 }
        let variances = data.columnVariances()
        return configuration.tolerance * variances.reduce(0, +) / Double(data.columns)
    }
}
