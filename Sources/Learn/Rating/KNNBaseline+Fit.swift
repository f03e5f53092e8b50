import Frame

extension KNNBaseline.Configuration {
    /// Fits baselines, then the shrunk Pearson-baseline similarity between items (users when
    /// user-based). Deterministic: rows are computed in parallel, each by one worker.
    public func fit(_ ratings: RatingSet) throws(RatingModelError) -> KNNBaseline.Model {
        try validate()
        guard ratings.count > 0 else { throw .noRatings }
        let mu = ratings.globalMean
        let (bu, bi) = baseline.biases(ratings, globalMean: mu)
        let sims =
            userBased
            ? KNNBaseline.pearsonBaselineSimilarities(
                byX: ratings.byUser, byY: ratings.byItem, xBiases: bu, yBiases: bi, globalMean: mu,
                shrinkage: shrinkage, minimumSupport: minimumSupport, maximumStored: maximumStoredNeighbours)
            : KNNBaseline.pearsonBaselineSimilarities(
                byX: ratings.byItem, byY: ratings.byUser, xBiases: bi, yBiases: bu, globalMean: mu,
                shrinkage: shrinkage, minimumSupport: minimumSupport, maximumStored: maximumStoredNeighbours)
        return try KNNBaseline.Model(
            globalMean: mu, userBiases: bu, itemBiases: bi, similarities: sims, ratings: ratings.byUser,
            userBased: userBased, neighbours: neighbours, minimumNeighbours: minimumNeighbours,
            ratingScale: ratingScale ?? ratings.observedScale)
    }
}

extension KNNBaseline {
    /// The positive entries of the shrunk Pearson-baseline similarity between the rows of `byX`
    /// (x × y ratings; `byY` is its transpose), as a sparse x × x matrix with a unit diagonal.
    ///
    /// For x ≠ x′ with support n = |common y| ≥ max(2, `minimumSupport`):
    /// sim = Σ d_xy d_x′y / √(Σ d_xy² · Σ d_x′y²) · (n − 1) / (n − 1 + shrinkage), with
    /// d_xy = r_xy − (μ + b_y + b_x) and sums over common y in ascending order, as surprise's
    /// `pearson_baseline`. Where a denominator is 0 (no deviation at all) the similarity is 0.
    public static func pearsonBaselineSimilarities(
        byX: SparseMatrix, byY: SparseMatrix, xBiases: [Double], yBiases: [Double], globalMean: Double,
        shrinkage: Double, minimumSupport: Int, maximumStored: Int?
    ) -> SparseMatrix {
        let n = byX.rows
        let minSupport = Int32(clamping: max(2, minimumSupport))
        let blockSize = 32
        let blocks = (n + blockSize - 1) / blockSize
        let parts = ParallelWork.map(count: blocks) { b -> (counts: [Int], columns: [Int32], values: [Double]) in
            var freq = [Int32](repeating: 0, count: n)
            var prods = [Double](repeating: 0, count: n)
            var sqI = [Double](repeating: 0, count: n)
            var sqJ = [Double](repeating: 0, count: n)
            var touched: [Int32] = []
            var rowEntries: [(column: Int32, value: Double)] = []
            var counts: [Int] = []
            var columns: [Int32] = []
            var values: [Double] = []
            let rows = b * blockSize..<min(n, (b + 1) * blockSize)
            byX.columnIndices.withUnsafeBufferPointer { xCols in
                byX.values.withUnsafeBufferPointer { xVals in
                    byY.columnIndices.withUnsafeBufferPointer { yCols in
                        byY.values.withUnsafeBufferPointer { yVals in
                            xBiases.withUnsafeBufferPointer { bx in
                                yBiases.withUnsafeBufferPointer { by in
                                    for xi in rows {
                                        touched.removeAll(keepingCapacity: true)
                                        let bxi = bx[xi]
                                        for p in byX.range(ofRow: xi) {
                                            let y = Int(xCols[p])
                                            let partial = globalMean + by[y]
                                            let di = xVals[p] - (partial + bxi)
                                            for q in byY.range(ofRow: y) {
                                                let xj = Int(yCols[q])
                                                let dj = yVals[q] - (partial + bx[xj])
                                                if freq[xj] == 0 { touched.append(Int32(xj)) }
                                                freq[xj] += 1
                                                prods[xj] += di * dj
                                                sqI[xj] += di * di
                                                sqJ[xj] += dj * dj
                                            }
                                        }
                                        if freq[xi] == 0 { touched.append(Int32(xi)) }
                                        touched.sort()
                                        rowEntries.removeAll(keepingCapacity: true)
                                        for c in touched {
                                            let xj = Int(c)
                                            let support = freq[xj]
                                            var sim = 0.0
                                            if xj == xi {
                                                sim = 1
                                            } else if support >= minSupport {
                                                let denominator = (sqI[xj] * sqJ[xj]).squareRoot()
                                                if denominator > 0 {
                                                    sim = prods[xj] / denominator
                                                    sim *= Double(support - 1) / (Double(support - 1) + shrinkage)
                                                }
                                            }
                                            if sim > 0 { rowEntries.append((c, sim)) }
                                            freq[xj] = 0
                                            prods[xj] = 0
                                            sqI[xj] = 0
                                            sqJ[xj] = 0
                                        }
                                        if let cap = maximumStored, rowEntries.count > cap {
                                            rowEntries.sort {
                                                $0.value != $1.value ? $0.value > $1.value : $0.column < $1.column
                                            }
                                            rowEntries.removeLast(rowEntries.count - cap)
                                            rowEntries.sort { $0.column < $1.column }
                                        }
                                        counts.append(rowEntries.count)
                                        for e in rowEntries {
                                            columns.append(e.column)
                                            values.append(e.value)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return (counts, columns, values)
        }
        var offsets = [0]
        offsets.reserveCapacity(n + 1)
        var columns: [Int32] = []
        var values: [Double] = []
        for part in parts {
            for c in part.counts { offsets.append(offsets[offsets.count - 1] + c) }
            columns.append(contentsOf: part.columns)
            values.append(contentsOf: part.values)
        }
        return SparseMatrix(rows: n, columns: n, rowOffsets: offsets, columnIndices: columns, values: values)
    }
}
