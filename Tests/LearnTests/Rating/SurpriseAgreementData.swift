import Foundation

@testable import Learn

/// A small seeded rating data set with planted structure, split into training ratings and
/// held-out (user, item) pairs, for the agreement tests against scikit-surprise.
struct SurpriseAgreementData {
    let users = 100
    let items = 60
    var trainUsers: [Int32] = []
    var trainItems: [Int32] = []
    var trainRatings: [Double] = []
    var testUsers: [Int32] = []
    var testItems: [Int32] = []
    var testRatings: [Double] = []

    /// Each user rates 15 distinct items: r = round(3.2 + user effect + item effect + a rank-2
    /// interaction + noise) clipped to 1…5. About 10% go to the test split, never a user's or an
    /// item's last training rating, so every id is known to the trainset.
    init(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let userEffect = (0..<users).map { _ in 0.6 * random.nextGaussian() }
        let itemEffect = (0..<items).map { _ in 0.8 * random.nextGaussian() }
        let userTaste = (0..<users * 2).map { _ in 0.7 * random.nextGaussian() }
        let itemTaste = (0..<items * 2).map { _ in 0.7 * random.nextGaussian() }
        var all: [(Int32, Int32, Double)] = []
        for u in 0..<users {
            var pool = Array(0..<items)
            for slot in 0..<15 {
                let pick = slot + Int(random.next() % UInt64(items - slot))
                pool.swapAt(slot, pick)
                let i = pool[slot]
                let interaction = userTaste[2 * u] * itemTaste[2 * i] + userTaste[2 * u + 1] * itemTaste[2 * i + 1]
                let raw = 3.2 + userEffect[u] + itemEffect[i] + interaction + 0.5 * random.nextGaussian()
                all.append((Int32(u), Int32(i), min(5, max(1, raw.rounded()))))
            }
        }
        var userCount = [Int](repeating: 0, count: users)
        var itemCount = [Int](repeating: 0, count: items)
        for (u, i, _) in all {
            userCount[Int(u)] += 1
            itemCount[Int(i)] += 1
        }
        for (u, i, r) in all {
            if random.nextUnit() < 0.1 && userCount[Int(u)] > 1 && itemCount[Int(i)] > 1 {
                userCount[Int(u)] -= 1
                itemCount[Int(i)] -= 1
                testUsers.append(u)
                testItems.append(i)
                testRatings.append(r)
            } else {
                trainUsers.append(u)
                trainItems.append(i)
                trainRatings.append(r)
            }
        }
    }

    func ratingSet() throws -> RatingSet {
        try RatingSet(
            users: users, items: items, userIndices: trainUsers, itemIndices: trainItems, ratings: trainRatings)
    }
}
