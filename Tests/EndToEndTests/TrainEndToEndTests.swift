import Frame
import Pipeline
import Testing

/// The train stage of pipeline.json on the committed Fixtures, against the planted structure.
@Suite struct TrainEndToEndTests {
    /// The Fixtures plant co-purchase factors, so every collaborative model finds far more of each
    /// customer's held-out items than popularity: NDCG@10 at least twice popularity's (popularity
    /// scores about 0.03; item-kNN about 0.20 and ALS about 0.27 when this was written).
    @Test func collaborativeModelsBeatPopularityClearly() throws {
        let run = try FixtureRun.completed()
        let metrics = try run.artifacts.frame("train", "metrics")
        let models = metrics.strings("model"), names = metrics.strings("metric"), ks = metrics.ints("k")
        let values = metrics.doubles("value"), popularity = metrics.doubles("popularity")
        var ndcg: [String: (Double, Double)] = [:]
        for r in 0..<metrics.rowCount where names[r] == "ndcg" && ks[r] == 10 {
            ndcg[models[r]!] = (values[r]!, popularity[r]!)
        }
        for model in ["item_knn", "als", "hybrid"] {
            let (value, baseline) = try #require(ndcg[model], "no ndcg@10 for \(model)")
            #expect(
                value > 2 * baseline && value - baseline > 0.05, "\(model): ndcg@10 \(value) vs popularity \(baseline)")
        }
    }

    /// Segments from behaviour recover the planted ones above chance. The planted segments overlap
    /// in behaviour (bargain hunters and occasional browsers differ mostly in how much they search
    /// and what they pay) and silhouette picks two clusters, which bounds the agreement with three
    /// planted groups; an ARI above 0.2 (0 is chance; about 0.29 when this was written) shows the
    /// split follows the planted structure.
    @Test func segmentsRecoverThePlantedOnes() throws {
        let run = try FixtureRun.completed()
        let assigned = try run.artifacts.frame("train", "segment_assignments")
        var planted: [Int64: String] = [:]
        for c in FixtureTruth.document["customers"]!.arrayValue! {
            planted[c["customer_id"]!.intValue!] = c["segment"]!.stringValue!
        }
        var truth: [String] = [], found: [Int64] = []
        for (id, s) in zip(assigned.ints("customer_id"), assigned.ints("segment")) {
            guard let p = planted[id!] else { continue }
            truth.append(p)
            found.append(s!)
        }
        let ari = Self.adjustedRandIndex(truth, found.map(String.init))
        #expect(ari > 0.2, "ARI \(ari)")
    }

    /// Hubert and Arabie's adjusted Rand index, from the contingency table.
    static func adjustedRandIndex(_ a: [String], _ b: [String]) -> Double {
        func pairs(_ n: Int) -> Double { Double(n * (n - 1)) / 2 }
        var cells: [String: Int] = [:], rows: [String: Int] = [:], columns: [String: Int] = [:]
        for (x, y) in zip(a, b) {
            cells[x + "\u{1}" + y, default: 0] += 1
            rows[x, default: 0] += 1
            columns[y, default: 0] += 1
        }
        let index = cells.values.reduce(0) { $0 + pairs($1) }
        let r = rows.values.reduce(0) { $0 + pairs($1) }, c = columns.values.reduce(0) { $0 + pairs($1) }
        let expected = r * c / pairs(a.count)
        return (index - expected) / ((r + c) / 2 - expected)
    }
}
