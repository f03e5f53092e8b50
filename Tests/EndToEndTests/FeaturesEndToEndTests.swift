import Frame
import Pipeline
import Testing

/// The features stage of pipeline.json on the committed Fixtures, against the planted truth.
@Suite struct FeaturesEndToEndTests {
    /// Every planted churner had their last event before the truth's churn cutoff; the stage's
    /// churn cutoff (as_of − 30 days) falls one latest-event gap before the truth's window end, so
    /// each churner active up to it is labelled churned. Non-churners mostly buy again, so the
    /// label is informative: the churned share among planted non-churners stays well below that
    /// among churners.
    @Test func plantedChurnersAreLabelledChurned() throws {
        let run = try FixtureRun.completed()
        let churn = try run.artifacts.frame("features", "churn_features")
        let ids = churn.ints("customer_id"), churned = churn.bools("churned")
        var planted: [Int64: Bool] = [:]
        for c in FixtureTruth.document["customers"]!.arrayValue! {
            planted[c["customer_id"]!.intValue!] = c["churned"]!.boolValue!
        }
        var churners = 0, churnersLabelled = 0, others = 0, othersLabelled = 0
        for (id, label) in zip(ids, churned) {
            if planted[id!] == true {
                churners += 1
                if label { churnersLabelled += 1 }
            } else {
                others += 1
                if label { othersLabelled += 1 }
            }
        }
        #expect(churners > 300)
        #expect(churnersLabelled == churners, "\(churnersLabelled) of \(churners) planted churners labelled")
        #expect(Double(othersLabelled) / Double(others) < 0.8 * Double(churnersLabelled) / Double(churners))
    }

    /// The holdout split never puts a test interaction before its customer's training ones, and
    /// train and test together are the customers' pairs.
    @Test func holdoutNeverTrainsOnTheFuture() throws {
        let run = try FixtureRun.completed()
        let train = try run.artifacts.frame("features", "train_interactions")
        let test = try run.artifacts.frame("features", "test_interactions")
        let all = try run.artifacts.frame("features", "interactions")
        var lastTrain: [Int64: Int64] = [:]
        for (c, t) in zip(train.ints("customer_index"), train.ints("last_time")) {
            lastTrain[c!] = max(lastTrain[c!] ?? .min, t!)
        }
        for (c, t) in zip(test.ints("customer_index"), test.ints("first_time")) {
            #expect(t! >= lastTrain[c!] ?? .min)
        }
        #expect(test.rowCount > 0)
        let pairs = Set(zip(all.ints("customer_index"), all.ints("item_index")).map { "\($0!):\($1!)" })
        let split = zip(
            train.ints("customer_index") + test.ints("customer_index"),
            train.ints("item_index") + test.ints("item_index")
        ).map { "\($0!):\($1!)" }
        #expect(Set(split).count == split.count)
        #expect(Set(split) == pairs)
    }
}
