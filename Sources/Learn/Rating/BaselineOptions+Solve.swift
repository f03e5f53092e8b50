extension BaselineOptions {
    /// The user biases (`users` entries) and item biases (`items` entries) around `globalMean`.
    ///
    /// Follows surprise's `baseline_als` / `baseline_sgd` operation for operation, including the
    /// order of updates (ALS: every item from the current user biases, then every user; SGD: users
    /// in index order, each user's ratings by ascending item), so the biases agree with surprise's
    /// to rounding. A user or item without ratings keeps a zero bias.
    public func biases(_ ratings: RatingSet, globalMean: Double) -> (user: [Double], item: [Double]) {
        var bu = [Double](repeating: 0, count: ratings.users)
        var bi = [Double](repeating: 0, count: ratings.items)
        let byUser = ratings.byUser
        let byItem = ratings.byItem
        let mu = globalMean
        switch solver {
        case .als:
            let regU = userRegularization
            let regI = itemRegularization
            for _ in 0..<epochs {
                for i in 0..<ratings.items {
                    var dev = 0.0
                    let r = byItem.range(ofRow: i)
                    for p in r { dev += byItem.values[p] - mu - bu[Int(byItem.columnIndices[p])] }
                    bi[i] = dev / (regI + Double(r.count))
                }
                for u in 0..<ratings.users {
                    var dev = 0.0
                    let r = byUser.range(ofRow: u)
                    for p in r { dev += byUser.values[p] - mu - bi[Int(byUser.columnIndices[p])] }
                    bu[u] = dev / (regU + Double(r.count))
                }
            }
        case .sgd:
            let lr = learningRate
            let reg = regularization
            for _ in 0..<epochs {
                for u in 0..<ratings.users {
                    for p in byUser.range(ofRow: u) {
                        let i = Int(byUser.columnIndices[p])
                        let err = byUser.values[p] - (mu + bu[u] + bi[i])
                        bu[u] += lr * (err - reg * bu[u])
                        bi[i] += lr * (err - reg * bi[i])
                    }
                }
            }
        }
        return (bu, bi)
    }
}
