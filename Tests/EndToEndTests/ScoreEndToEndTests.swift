import Frame
import Pipeline
import Testing

/// The whole of pipeline.json on the committed Fixtures ends in what customers see: every
/// customer gets K recommendations, none already in their history, within the category cap, each
/// with a reason naming a real item or a segment; every customer has a segment and a churn band.
@Suite struct ScoreEndToEndTests {
    @Test func everyCustomerGetsKRecommendationsThatHonourTheFilters() throws {
        let run = try FixtureRun.completed()
        let recs = try run.artifacts.frame("score", "recommendations")
        let customers = try run.artifacts.frame("features", "customer_index")
        let history = try run.artifacts.frame("features", "interactions")
        let items = try run.artifacts.frame("collect", "items")
        let k = 10, cap = 4
        var seen = Set<String>()
        for (c, i) in zip(history.ints("customer_index"), history.ints("item_index")) { seen.insert("\(c!):\(i!)") }
        var category: [Int64: String] = [:]
        var titles = Set<String>()
        for (id, (cat, title)) in zip(items.ints("item_id"), zip(items.strings("category"), items.strings("title"))) {
            category[id!] = cat ?? ""
            if let title { titles.insert(title) }
        }
        let segments = Set(try run.artifacts.frame("train", "segments").strings("segment_name").compactMap { $0 })
        var perCustomer: [Int64: [(rank: Int64, item: Int64)]] = [:]
        let ci = recs.ints("customer_index"), ii = recs.ints("item_index"), ids = recs.ints("item_id")
        let ranks = recs.ints("rank"), reasons = recs.strings("reason")
        for r in 0..<recs.rowCount {
            perCustomer[ci[r]!, default: []].append((ranks[r]!, ids[r]!))
            #expect(!seen.contains("\(ci[r]!):\(ii[r]!)"), "customer \(ci[r]!) was recommended item \(ids[r]!) again")
            let reason = try #require(reasons[r])
            let named: Bool
            if reason.hasPrefix("because you viewed or bought ") {
                named = titles.contains(String(reason.dropFirst("because you viewed or bought ".count)))
            } else if reason.hasPrefix("popular with ") {
                named = segments.contains { reason.dropFirst("popular with ".count).hasPrefix($0) }
            } else {
                named = reason.hasPrefix("popular overall") || reason.hasPrefix("matches your interest in ")
            }
            #expect(named, "row \(r): reason '\(reason)'")
        }
        #expect(perCustomer.count == customers.rowCount)
        for (c, list) in perCustomer {
            #expect(list.map(\.rank) == (1...Int64(k)).map { $0 }, "customer \(c)")
            #expect(Set(list.map(\.item)).count == k)
            var perCategory: [String: Int] = [:]
            for e in list { perCategory[category[e.item] ?? "", default: 0] += 1 }
            #expect(perCategory.values.allSatisfy { $0 <= cap }, "customer \(c): \(perCategory)")
        }
    }

    @Test func everyCustomerHasASegmentAndAChurnBand() throws {
        let run = try FixtureRun.completed()
        let customers = try run.artifacts.frame("features", "customer_index").rowCount
        let segments = try run.artifacts.frame("score", "customer_segments")
        let churn = try run.artifacts.frame("score", "churn_scores")
        #expect(segments.rowCount == customers)
        #expect(churn.rowCount == customers)
        #expect(Set(churn.strings("band").compactMap { $0 }).isSubset(of: ["low", "medium", "high"]))
        #expect(churn.doubles("probability").allSatisfy { $0! >= 0 && $0! <= 1 })
    }

    /// Churn risk as scored tomorrow separates the planted churners (whose activity stopped) from
    /// the others: ROC-AUC over every customer, by rank sums.
    @Test func churnRiskRanksPlantedChurnersHigher() throws {
        let run = try FixtureRun.completed()
        let churn = try run.artifacts.frame("score", "churn_scores")
        var planted: [Int64: Bool] = [:]
        for c in FixtureTruth.document["customers"]!.arrayValue! {
            planted[c["customer_id"]!.intValue!] = c["churned"]!.boolValue!
        }
        let scored = zip(churn.ints("customer_id"), churn.doubles("probability")).compactMap { id, p in
            planted[id!].map { (p!, $0) }
        }
        let positives = scored.filter(\.1).map(\.0), negatives = scored.filter { !$0.1 }.map(\.0)
        var wins = 0.0
        for p in positives {
            for q in negatives { wins += p > q ? 1 : (p == q ? 0.5 : 0) }
        }
        let auc = wins / Double(positives.count * negatives.count)
        #expect(auc > 0.75, "AUC \(auc)")
    }
}
