import Foundation

extension KMeans {
    /// Greedy k-means++ seeding as scikit-learn's `_kmeans_plusplus`: the first centre is a
    /// uniformly drawn row; each next centre is the best of `2 + ⌊ln k⌋` rows drawn with
    /// probability proportional to their squared distance to the closest centre so far, "best"
    /// being the one that leaves the lowest potential (sum of those squared distances).
    static func plusPlus(_ data: FeatureMatrix, clusters k: Int, random: inout SeededRandom) -> [Double] {
        let n = data.rows
        let d = data.columns
        var centres = [Double](repeating: 0, count: k * d)
        let trials = 2 + Int(log(Double(k)))
        let first = min(n - 1, Int(random.nextUnit() * Double(n)))
        for f in 0..<d { centres[f] = data.values[first * d + f] }
        var closest = distances(data, toRow: first, mergingWith: nil)
        var potential = blockSum(closest)
        var cumulative = [Double](repeating: 0, count: n)
        for c in 1..<k {
            var running = 0.0
            for i in 0..<n {
                running += closest[i]
                cumulative[i] = running
            }
            var candidates = [Int]()
            for _ in 0..<trials {
                let target = random.nextUnit() * potential
                candidates.append(min(n - 1, lowerBound(cumulative, target)))
            }
            var bestPotential = Double.infinity
            var bestCandidate = candidates[0]
            var bestDistances = closest
            for candidate in candidates {
                let merged = distances(data, toRow: candidate, mergingWith: closest)
                let p = blockSum(merged)
                if p < bestPotential {
                    bestPotential = p
                    bestCandidate = candidate
                    bestDistances = merged
                }
            }
            potential = bestPotential
            closest = bestDistances
            for f in 0..<d { centres[c * d + f] = data.values[bestCandidate * d + f] }
        }
        return centres
    }

    /// The first index whose cumulative value is ≥ `target` (numpy's `searchsorted`, side left).
    private static func lowerBound(_ values: [Double], _ target: Double) -> Int {
        var lo = 0
        var hi = values.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if values[mid] < target { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Squared distances from every row to row `centre`, each min'ed with `current` when given.
    private static func distances(_ data: FeatureMatrix, toRow centre: Int, mergingWith current: [Double]?) -> [Double]
    {
        let n = data.rows
        let d = data.columns
        var out = [Double](repeating: 0, count: n)
        out.withUnsafeMutableBufferPointer { o in
            let slots = DisjointSlots(o.baseAddress!)
            data.values.withUnsafeBufferPointer { x in
                let rows = SharedRows(x.baseAddress!)
                _ = RowBlocks.map(count: n) { range in
                    let c = rows.base + centre * d
                    for i in range {
                        let xr = rows.base + i * d
                        var s = 0.0
                        for f in 0..<d {
                            let t = xr[f] - c[f]
                            s += t * t
                        }
                        if let current { s = min(s, current[i]) }
                        slots[i] = s
                    }
                }
            }
        }
        return out
    }

    /// The sum of `values`, by fixed blocks added in order (the same on any thread count).
    static func blockSum(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { v in
            let base = SharedRows(v.baseAddress!)
            return RowBlocks.map(count: v.count) { range in
                var s = 0.0
                for i in range { s += base.base[i] }
                return s
            }.reduce(0, +)
        }
    }
}
