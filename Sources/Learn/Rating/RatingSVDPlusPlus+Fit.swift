extension RatingSVDPlusPlus.Configuration {
    /// Fits from normal initial factors drawn from `seed` (user factors, then item factors, then
    /// implicit factors, each row by row).
    public func fit(_ ratings: RatingSet, seed: UInt64) throws(RatingModelError) -> RatingSVDPlusPlus.Model {
        try validate()
        var random = SeededRandom(seed: seed)
        let draw = { (rows: Int, random: inout SeededRandom) in
            RatingSVD.normalFactors(
                rows: rows, factors: factors, mean: initialMean, deviation: initialStandardDeviation, random: &random)
        }
        let p = draw(ratings.users, &random)
        let q = draw(ratings.items, &random)
        let y = draw(ratings.items, &random)
        return try fit(ratings, initialUserFactors: p, initialItemFactors: q, initialImplicitFactors: y)
    }

    /// Fits from given initial factors (users × factors, items × factors, items × factors,
    /// row-major): a warm start, or the same start as another implementation to compare with it.
    public func fit(
        _ ratings: RatingSet, initialUserFactors: [Double], initialItemFactors: [Double],
        initialImplicitFactors: [Double]
    ) throws(RatingModelError) -> RatingSVDPlusPlus.Model {
        try validate()
        guard ratings.count > 0 else { throw .noRatings }
        try RatingSVD.checkShape("initialUserFactors", initialUserFactors, rows: ratings.users, factors: factors)
        try RatingSVD.checkShape("initialItemFactors", initialItemFactors, rows: ratings.items, factors: factors)
        try RatingSVD.checkShape(
            "initialImplicitFactors", initialImplicitFactors, rows: ratings.items, factors: factors)
        let mu = ratings.globalMean
        var bu = [Double](repeating: 0, count: ratings.users)
        var bi = [Double](repeating: 0, count: ratings.items)
        var pu = initialUserFactors
        var qi = initialItemFactors
        var yj = initialImplicitFactors
        var implicitSum = [Double](repeating: 0, count: factors)
        let k = factors
        let lr = learningRate
        let reg = regularization
        let matrix = ratings.byUser
        matrix.columnIndices.withUnsafeBufferPointer { cols in
            matrix.values.withUnsafeBufferPointer { vals in
                pu.withUnsafeMutableBufferPointer { p in
                    qi.withUnsafeMutableBufferPointer { q in
                        yj.withUnsafeMutableBufferPointer { y in
                            implicitSum.withUnsafeMutableBufferPointer { feedback in
                                for _ in 0..<epochs {
                                    for u in 0..<matrix.rows {
                                        let rated = matrix.range(ofRow: u)
                                        let sqrtCount = Double(rated.count).squareRoot()
                                        let pRow = p.baseAddress! + u * k
                                        for e in rated {
                                            let i = Int(cols[e])
                                            let qRow = q.baseAddress! + i * k
                                            for f in 0..<k { feedback[f] = 0 }
                                            for j in rated {
                                                let yRow = y.baseAddress! + Int(cols[j]) * k
                                                for f in 0..<k { feedback[f] += yRow[f] / sqrtCount }
                                            }
                                            var dot = 0.0
                                            for f in 0..<k { dot += qRow[f] * (pRow[f] + feedback[f]) }
                                            let err = vals[e] - (mu + bu[u] + bi[i] + dot)
                                            bu[u] += lr * (err - reg * bu[u])
                                            bi[i] += lr * (err - reg * bi[i])
                                            for f in 0..<k {
                                                let puf = pRow[f]
                                                let qif = qRow[f]
                                                pRow[f] += lr * (err * qif - reg * puf)
                                                qRow[f] += lr * (err * (puf + feedback[f]) - reg * qif)
                                                let step = err * qif / sqrtCount
                                                for j in rated {
                                                    let yRow = y.baseAddress! + Int(cols[j]) * k
                                                    yRow[f] += lr * (step - reg * yRow[f])
                                                }
                                            }
                                        }
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
        // Summed first and divided once, as surprise's estimate does.
        var feedback = [Double](repeating: 0, count: ratings.users * k)
        for u in 0..<ratings.users {
            let rated = matrix.range(ofRow: u)
            guard !rated.isEmpty else { continue }
            let sqrtCount = Double(rated.count).squareRoot()
            for f in 0..<k {
                var sum = 0.0
                for j in rated { sum += yj[Int(matrix.columnIndices[j]) * k + f] }
                feedback[u * k + f] = sum / sqrtCount
            }
        }
        return try RatingSVDPlusPlus.Model(
            globalMean: mu, userBiases: bu, itemBiases: bi, userFactors: pu, itemFactors: qi, implicitFactors: yj,
            userImplicitFeedback: feedback, factors: k, ratingScale: ratingScale ?? ratings.observedScale)
    }
}
