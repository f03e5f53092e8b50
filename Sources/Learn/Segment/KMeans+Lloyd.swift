import Foundation

extension KMeans {
    /// One run of Lloyd's algorithm from `centres`, following scikit-learn's `_kmeans_single_lloyd`.
    static func lloyd(
        _ data: FeatureMatrix, centres initial: [Double], clusters k: Int, maxIter: Int, tolerance: Double
    ) -> Model {
        let n = data.rows
        let d = data.columns
        var centres = initial
        var labels = [Int32](repeating: -1, count: n)
        var previous = [Int32](repeating: -1, count: n)
        var strict = false
        var iterations = 0
        for iteration in 0..<maxIter {
            iterations = iteration + 1
            let kernel = KMeansKernel(centres: centres, clusters: k, features: d)
            var (sums, counts) = step(data, kernel: kernel, labels: &labels)
            if counts.contains(0) {
                relocateEmpty(data, kernel: kernel, labels: labels, sums: &sums, counts: &counts)
            }
            var shift = 0.0
            for c in 0..<k {
                for f in 0..<d {
                    let updated = counts[c] > 0 ? sums[c * d + f] / Double(counts[c]) : centres[c * d + f]
                    let t = updated - centres[c * d + f]
                    shift += t * t
                    centres[c * d + f] = updated
                }
            }
            if labels == previous {
                strict = true
                break
            }
            if shift <= tolerance { break }
            swap(&labels, &previous)
        }
        let kernel = KMeansKernel(centres: centres, clusters: k, features: d)
        if !strict {
            // The last update moved the centres: label the rows by the centres returned.
            labels = assignOnly(data, kernel: kernel)
        }
        let inertia = kernel.inertia(data, labels: labels)
        return Model(centres: centres, clusters: k, features: d, inertia: inertia, iterations: iterations)
    }

    /// Assigns every row and returns the per-centre sums and counts, reduced in block order.
    static func step(_ data: FeatureMatrix, kernel: KMeansKernel, labels: inout [Int32]) -> ([Double], [Int]) {
        let k = kernel.clusters
        let d = kernel.features
        let partials = labels.withUnsafeMutableBufferPointer { out in
            let slots = DisjointSlots(out.baseAddress!)
            return data.values.withUnsafeBufferPointer { x in
                let rows = SharedRows(x.baseAddress!)
                return RowBlocks.map(count: data.rows) { range in
                    var sums = [Double](repeating: 0, count: k * d)
                    var counts = [Int](repeating: 0, count: k)
                    sums.withUnsafeMutableBufferPointer { s in
                        counts.withUnsafeMutableBufferPointer { c in
                            kernel.assign(
                                rows.base, range: range, labels: slots.base, sums: s.baseAddress!,
                                counts: c.baseAddress!)
                        }
                    }
                    return (sums, counts)
                }
            }
        }
        var sums = [Double](repeating: 0, count: k * d)
        var counts = [Int](repeating: 0, count: k)
        for (s, c) in partials {
            for i in 0..<(k * d) { sums[i] += s[i] }
            for i in 0..<k { counts[i] += c[i] }
        }
        return (sums, counts)
    }

    /// The closest centre of every row.
    static func assignOnly(_ data: FeatureMatrix, kernel: KMeansKernel) -> [Int32] {
        var labels = [Int32](repeating: 0, count: data.rows)
        labels.withUnsafeMutableBufferPointer { out in
            let slots = DisjointSlots(out.baseAddress!)
            data.values.withUnsafeBufferPointer { x in
                let rows = SharedRows(x.baseAddress!)
                _ = RowBlocks.map(count: data.rows) { range in
                    kernel.assign(rows.base, range: range, labels: slots.base, sums: nil, counts: nil)
                }
            }
        }
        return labels
    }

    /// scikit-learn's `_relocate_empty_clusters_dense`: each empty cluster takes one of the rows
    /// farthest from their (old) centres, in decreasing distance (ties: lower row first); the row
    /// leaves its old cluster's sum but keeps its label until the next assignment.
    static func relocateEmpty(
        _ data: FeatureMatrix, kernel: KMeansKernel, labels: [Int32], sums: inout [Double], counts: inout [Int]
    ) {
        let d = kernel.features
        let empty = (0..<kernel.clusters).filter { counts[$0] == 0 }
        let distances = data.values.withUnsafeBufferPointer { x in
            (0..<data.rows).map { kernel.squaredDistance(x.baseAddress!, row: $0, centre: Int(labels[$0])) }
        }
        let farthest = (0..<data.rows).sorted {
            distances[$0] > distances[$1] || (distances[$0] == distances[$1] && $0 < $1)
        }
        for (slot, cluster) in empty.enumerated() where slot < farthest.count {
            let row = farthest[slot]
            let old = Int(labels[row])
            for f in 0..<d {
                let v = data.values[row * d + f]
                sums[old * d + f] -= v
                sums[cluster * d + f] = v
            }
            counts[old] -= 1
            counts[cluster] = 1
        }
    }
}
