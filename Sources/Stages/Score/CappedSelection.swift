import Learn

/// Top-K selection with at most `maxPerCategory` items of any one category: the best candidates
/// are taken in score order, skipping an item whose category is full. A customer for whom the
/// first pass of candidates runs out before K is redone over the whole catalogue, so the cap never
/// costs a customer an item the catalogue could give.
enum CappedSelection {
    static func recommend(
        _ model: any Recommender, histories: SparseMatrix, customers: [Int], k: Int, modelUsers: [Int32]?,
        excludeSeen: Bool, allowedItems: [Bool]?, itemCategory: [Int32], maxPerCategory: Int?
    ) throws(RecommendConfigurationError) -> TopKSelection.Recommendations {
        guard let cap = maxPerCategory else {
            return try TopKSelection.recommend(
                model, histories: histories, customers: customers, k: k, modelUsers: modelUsers,
                excludeSeen: excludeSeen, allowedItems: allowedItems)
        }
        let wide = min(model.itemCount, max(4 * k, k + 50))
        let first = try TopKSelection.recommend(
            model, histories: histories, customers: customers, k: wide, modelUsers: modelUsers,
            excludeSeen: excludeSeen, allowedItems: allowedItems)
        var picked = capped(first, k: k, cap: cap, itemCategory: itemCategory)
        // Customers left short although more candidates exist beyond the first pass.
        let short = (0..<customers.count).filter {
            picked.counts[$0] < k && first.offsets[$0 + 1] - first.offsets[$0] == wide && wide < model.itemCount
        }
        if !short.isEmpty {
            let full = try TopKSelection.recommend(
                model, histories: histories, customers: short.map { customers[$0] }, k: model.itemCount,
                modelUsers: modelUsers.map { users in short.map { users[$0] } }, excludeSeen: excludeSeen,
                allowedItems: allowedItems)
            let redone = capped(full, k: k, cap: cap, itemCategory: itemCategory)
            for (j, position) in short.enumerated() {
                picked.items[position] = redone.items[j]
                picked.scores[position] = redone.scores[j]
                picked.counts[position] = redone.counts[j]
            }
        }
        var offsets = [0]
        var items: [Int32] = []
        var scores: [Double] = []
        for position in 0..<customers.count {
            items += picked.items[position]
            scores += picked.scores[position]
            offsets.append(items.count)
        }
        return TopKSelection.Recommendations(offsets: offsets, items: items, scores: scores)
    }

    private static func capped(
        _ r: TopKSelection.Recommendations, k: Int, cap: Int, itemCategory: [Int32]
    ) -> (items: [[Int32]], scores: [[Double]], counts: [Int]) {
        var items: [[Int32]] = [], scores: [[Double]] = [], counts: [Int] = []
        var used: [Int32: Int] = [:]
        for position in 0..<r.count {
            used.removeAll(keepingCapacity: true)
            var chosen: [Int32] = [], chosenScores: [Double] = []
            for (item, score) in zip(r.items(at: position), r.scores(at: position)) {
                if chosen.count == k { break }
                let category = Int(item) < itemCategory.count ? itemCategory[Int(item)] : -1
                if category >= 0 {
                    if used[category, default: 0] >= cap { continue }
                    used[category, default: 0] += 1
                }
                chosen.append(item)
                chosenScores.append(score)
            }
            items.append(chosen)
            scores.append(chosenScores)
            counts.append(chosen.count)
        }
        return (items, scores, counts)
    }
}
