/// A fitted K-Means model: the centres, and how well they fit the training data.
extension KMeans {
    public struct Model: Sendable, Equatable {
        /// clusters × features, row-major: centre `c` is `centres[c * features ..< (c + 1) * features]`.
        public var centres: [Double]
        /// The number of clusters (rows of `centres`).
        public var clusters: Int
        /// The number of features (columns of `centres`).
        public var features: Int
        /// The sum of squared Euclidean distances from each training row to its closest centre.
        public var inertia: Double
        /// The number of Lloyd iterations run.
        public var iterations: Int

        public init(centres: [Double], clusters: Int, features: Int, inertia: Double, iterations: Int) {
            precondition(centres.count == clusters * features, "centres must hold clusters × features values")
            self.centres = centres
            self.clusters = clusters
            self.features = features
            self.inertia = inertia
            self.iterations = iterations
        }

        /// The index of the closest centre for each row of `data` (ties to the lower index).
        public func assign(_ data: FeatureMatrix) -> [Int32] {
            precondition(data.columns == features, "data has \(data.columns) features, the model \(features)")
            var labels = [Int32](repeating: 0, count: data.rows)
            labels.withUnsafeMutableBufferPointer { out in
                let slots = DisjointSlots(out.baseAddress!)
                data.values.withUnsafeBufferPointer { x in
                    let rows = SharedRows(x.baseAddress!)
                    let kernel = KMeansKernel(centres: centres, clusters: clusters, features: features)
                    _ = RowBlocks.map(count: data.rows) { range in
                        kernel.assign(rows.base, range: range, labels: slots.base, sums: nil, counts: nil)
                    }
                }
            }
            return labels
        }

        /// The sum of squared distances from each row of `data` to centre `labels[row]`.
        public func inertia(_ data: FeatureMatrix, labels: [Int32]) -> Double {
            KMeansKernel(centres: centres, clusters: clusters, features: features).inertia(data, labels: labels)
        }
    }
}
