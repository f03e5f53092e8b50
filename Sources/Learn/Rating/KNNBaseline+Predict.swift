import Frame

extension KNNBaseline.Model {
    /// r̂_ui clipped to the scale. A nil or out-of-range user or item contributes no bias and no
    /// neighbours, as surprise's unknown ids.
    public func predict(user: Int?, item: Int?) -> Double {
        var scratch: [Neighbour] = []
        return predict(user: user, item: item, scratch: &scratch)
    }

    /// Predictions for many (user, item) pairs, computed on both cores; an index outside the
    /// fitted range is an unknown id.
    public func predict(users: [Int32], items: [Int32]) -> [Double] {
        precondition(users.count == items.count, "users and items differ in length")
        var out = [Double](repeating: 0, count: users.count)
        out.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress
            let slots = RatingPredictionSlots(base)
            ParallelWork.forEachRange(count: users.count, minimumPerThread: 256) { range in
                var scratch: [Neighbour] = []
                for p in range {
                    slots.pointer![p] = predict(user: Int(users[p]), item: Int(items[p]), scratch: &scratch)
                }
            }
        }
        return out
    }

    /// One neighbour of a prediction: its similarity, index and rating.
    struct Neighbour {
        var similarity: Double
        var index: Int32
        var rating: Double
    }

    func predict(user: Int?, item: Int?, scratch: inout [Neighbour]) -> Double {
        let u = user.flatMap { $0 >= 0 && $0 < userBiases.count ? $0 : nil }
        let i = item.flatMap { $0 >= 0 && $0 < itemBiases.count ? $0 : nil }
        var est = globalMean
        if let u { est += userBiases[u] }
        if let i { est += itemBiases[i] }
        guard let u, let i else { return ratingScale.clip(est) }
        let (x, y) = userBased ? (u, i) : (i, u)
        let xBiases = userBased ? userBiases : itemBiases
        let yBias = userBased ? itemBiases[i] : userBiases[u]
        // Merge y's ratings (the x's rated with y) with x's positive similarities; both ascend.
        scratch.removeAll(keepingCapacity: true)
        var p = neighbourRatings.rowOffsets[y]
        let pEnd = neighbourRatings.rowOffsets[y + 1]
        var q = similarities.rowOffsets[x]
        let qEnd = similarities.rowOffsets[x + 1]
        while p < pEnd && q < qEnd {
            let a = neighbourRatings.columnIndices[p]
            let b = similarities.columnIndices[q]
            if a < b {
                p += 1
            } else if b < a {
                q += 1
            } else {
                scratch.append(
                    Neighbour(similarity: similarities.values[q], index: a, rating: neighbourRatings.values[p]))
                p += 1
                q += 1
            }
        }
        // Most similar first, ties by index: surprise's stable `heapq.nlargest` over ascending x's.
        scratch.sort { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : $0.index < $1.index }
        let used = min(neighbours, scratch.count)
        var sumSimilarity = 0.0
        var sumDeviation = 0.0
        for n in scratch[0..<used] {
            sumSimilarity += n.similarity
            let neighbourBaseline = globalMean + xBiases[Int(n.index)] + yBias
            sumDeviation += n.similarity * (n.rating - neighbourBaseline)
        }
        if used < minimumNeighbours { sumDeviation = 0 }
        if sumSimilarity != 0 { est += sumDeviation / sumSimilarity }
        return ratingScale.clip(est)
    }
}
