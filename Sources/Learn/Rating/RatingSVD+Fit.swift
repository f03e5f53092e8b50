extension RatingSVD.Configuration {
    /// Fits from normal initial factors drawn from `seed` (user factors row by row, then item
    /// factors).
    public func fit(_ ratings: RatingSet, seed: UInt64) throws(RatingModelError) -> RatingSVD.Model {
        try validate()
        var random = SeededRandom(seed: seed)
        let p = RatingSVD.normalFactors(
            rows: ratings.users, factors: factors, mean: initialMean, deviation: initialStandardDeviation,
            random: &random)
        let q = RatingSVD.normalFactors(
            rows: ratings.items, factors: factors, mean: initialMean, deviation: initialStandardDeviation,
            random: &random)
        return try fit(ratings, initialUserFactors: p, initialItemFactors: q)
    }

    /// Fits from given initial factors (users × factors and items × factors, row-major): a warm
    /// start, or the same start as another implementation to compare against it.
    public func fit(_ ratings: RatingSet, initialUserFactors: [Double], initialItemFactors: [Double])
        throws(RatingModelError) -> RatingSVD.Model
    {
        try validate()
        guard ratings.count > 0 else { throw .noRatings }
        try RatingSVD.checkShape("initialUserFactors", initialUserFactors, rows: ratings.users, factors: factors)
        try RatingSVD.checkShape("initialItemFactors", initialItemFactors, rows: ratings.items, factors: factors)
        let mu = ratings.globalMean
        var bu = [Double](repeating: 0, count: ratings.users)
        var bi = [Double](repeating: 0, count: ratings.items)
        var pu = initialUserFactors
        var qi = initialItemFactors
        let k = factors
        let lr = learningRate
        let reg = regularization
        let matrix = ratings.byUser
        matrix.columnIndices.withUnsafeBufferPointer { cols in
            matrix.values.withUnsafeBufferPointer { vals in
                pu.withUnsafeMutableBufferPointer { p in
                    qi.withUnsafeMutableBufferPointer { q in
                        for _ in 0..<epochs {
                            for u in 0..<matrix.rows {
                                let pRow = p.baseAddress! + u * k
                                for e in matrix.range(ofRow: u) {
                                    let i = Int(cols[e])
                                    let qRow = q.baseAddress! + i * k
                                    var dot = 0.0
                                    for f in 0..<k { dot += qRow[f] * pRow[f] }
                                    let err = vals[e] - (mu + bu[u] + bi[i] + dot)
                                    bu[u] += lr * (err - reg * bu[u])
                                    bi[i] += lr * (err - reg * bi[i])
                                    for f in 0..<k {
                                        let puf = pRow[f]
                                        let qif = qRow[f]
                                        pRow[f] += lr * (err * qif - reg * puf)
                                        qRow[f] += lr * (err * puf - reg * qif)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        RatingSVD.zeroUnrated(&pu, matrix: ratings.byUser, factors: k)
        RatingSVD.zeroUnrated(&qi, matrix: ratings.byItem, factors: k)
        return try RatingSVD.Model(
            globalMean: mu, userBiases: bu, itemBiases: bi, userFactors: pu, itemFactors: qi, factors: k,
            ratingScale: ratingScale ?? ratings.observedScale)
    }
}
