import Foundation
import Pipeline
import Stages
import TestSupport
import Testing

/// What `bespoke init` proposes for a file: imputation only for categories and numbers, no
/// outlier rule on identifier columns whatever their case style.
@Suite struct PipelineStarterTests {
    @Test func freeTextIsNotImputedAndCamelCaseIdentifiersGetNoRules() throws {
        let folder = TemporaryDirectory("bespoke-starter")
        defer { folder.remove() }
        var lines = ["InvoiceNo,StockCode,Description,Country,Quantity"]
        for i in 0..<200 {
            let description = i % 10 == 3 ? "" : "PRODUCT NUMBER \(i)"
            let country = i % 25 == 7 ? "" : ["United Kingdom", "France", "EIRE"][i % 3]
            let quantity = i % 40 == 11 ? "" : String(i % 12 + 1)
            lines.append("\(536_000 + i / 3),\(85_000 + i % 90),\(description),\(country),\(quantity)")
        }
        try (lines.joined(separator: "\n") + "\n").write(
            toFile: folder.file("retail.csv"), atomically: true, encoding: .utf8)
        var starter = PipelineStarter()
        try starter.add(file: folder.file("retail.csv"), pipelineDirectory: folder.path)
        let stages = try #require(starter.document["stages"]?.arrayValue)
        let impute = stages.first { $0["name"]?.stringValue == "impute" }?["params"]?["tables"]?["retail"]
        // Description has 180 distinct values in 200 rows: text, left missing.
        #expect(impute?["columns"]?.objectMembers?.map(\.key) == ["Country", "Quantity"])
        #expect(impute?["columns"]?["Country"]?["strategy"]?.stringValue == "mode")
        let rules = stages.first { $0["name"]?.stringValue == "outliers" }?["params"]?["tables"]?["retail"]
        #expect(rules?.arrayValue?.compactMap { $0["column"]?.stringValue } == ["Quantity"])
    }

    /// Writes `lines` as `name`.csv and starts a pipeline for it alone.
    static func started(_ name: String, _ lines: [String], in folder: TemporaryDirectory) throws -> JSONValue {
        try (lines.joined(separator: "\n") + "\n").write(
            toFile: folder.file("\(name).csv"), atomically: true, encoding: .utf8)
        var starter = PipelineStarter()
        try starter.add(file: folder.file("\(name).csv"), pipelineDirectory: folder.path)
        let document = starter.document
        _ = try PipelineValidator(registry: StageKindRegistry(BuiltInStages.kinds))
            .validate(document, file: folder.file("pipeline.json"))
        return document
    }

    static func stage(_ document: JSONValue, _ name: String) -> JSONValue? {
        document["stages"]?.arrayValue?.first { $0["name"]?.stringValue == name }?["params"]
    }

    /// A lone customer table (a key, no timestamps) gets train and score: segments always, churn
    /// when a two-valued column is named like a churn label — text with its "Yes" as positive,
    /// 0/1 as it is — and the label is never a segment feature.
    @Test func aLoneCustomerTableGetsSegmentsAndChurn() throws {
        let folder = TemporaryDirectory("bespoke-starter-customers")
        defer { folder.remove() }
        var telco = ["customerID,SeniorCitizen,tenure,MonthlyCharges,Churn"]
        var bank = ["CustomerId,Age,Balance,Exited"]
        var mall = ["CustomerID,Gender,Age,Annual Income (k$)"]
        for i in 0..<120 {
            telco.append(
                "\(1000 + i)-ABCD,\(i % 5 == 0 ? 1 : 0),\(i % 70),\(20 + i % 80).5,\(i % 4 == 0 ? "Yes" : "No")")
            bank.append("\(15_000_000 + i),\(20 + i % 50),\(i * 1000).25,\(i % 5 == 1 ? 1 : 0)")
            mall.append("\(i + 1),\(i % 2 == 0 ? "Male" : "Female"),\(18 + i % 50),\(15 + i)")
        }
        let t = try Self.started("telco", telco, in: folder)
        #expect(
            t["stages"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == [
                "collect", "dedupe", "impute", "outliers", "train", "score",
            ])
        #expect(
            Self.stage(t, "train") == [
                "segments": ["table": "telco", "key": "customerID", "exclude": ["customer_index", "Churn"]],
                "churn": [
                    "table": "telco", "key": "customerID", "label": "Churn", "positive": "Yes",
                    "class_weight": "balanced",
                ],
            ])
        #expect(
            Self.stage(t, "score") == [
                "model": .null, "customers": "telco", "customer_key": "customerID", "churn": true,
            ])
        let b = try Self.started("bank", bank, in: folder)
        #expect(Self.stage(b, "train")?["churn"]?["label"] == "Exited")
        #expect(Self.stage(b, "train")?["churn"]?["positive"] == nil)
        let m = try Self.started("mall", mall, in: folder)
        #expect(
            Self.stage(m, "train") == [
                "segments": ["table": "mall", "key": "CustomerID", "exclude": ["customer_index"]]
            ])
        #expect(Self.stage(m, "score")?["churn"] == false)
        // An event log (a timestamp) or several files: cleaning stages only.
        let events = ["event_id,customer_id,ts"] + (0..<50).map { "\($0),\($0 % 7),2024-03-0\($0 % 9 + 1)T10:00:00" }
        let e = try Self.started("events", events, in: folder)
        #expect(Self.stage(e, "train") == nil)
    }
}

/// `validate` checks the score stage's model against the train stage's configured models, so a
/// misspelt or rating model fails before hours of training rather than after.
@Suite struct ScoreModelCheckTests {
    func issues(model: String) throws -> [PipelineIssue] {
        let shipped = try String(contentsOfFile: Python.repositoryRoot + "/pipeline.json", encoding: .utf8)
        let text = shipped.replacingOccurrences(of: #""model": "hybrid""#, with: #""model": "\#(model)""#)
        #expect(model == "hybrid" || text != shipped)
        let folder = TemporaryDirectory("bespoke-model-check")
        defer { folder.remove() }
        try text.write(toFile: folder.file("pipeline.json"), atomically: true, encoding: .utf8)
        let config = try PipelineValidator(registry: StageKindRegistry(BuiltInStages.kinds))
            .load(path: folder.file("pipeline.json"))
        return ScoreStage.modelIssues(config)
    }

    @Test func scoreModelMustBeAConfiguredRankingModel() throws {
        #expect(try issues(model: "hybrid").isEmpty)
        let misspelt = try issues(model: "hybird")
        #expect(misspelt.count == 1)
        #expect(misspelt.first?.path == "$.stages[6].params.model")
        #expect(
            misspelt.first?.message.hasPrefix("no model 'hybird' is configured in $.stages[5].params.models") == true)
        #expect(misspelt.first?.message.contains("(did you mean 'hybrid'?)") == true)
        let rating = try issues(model: "svd")
        #expect(
            rating.map(\.message) == [
                "'svd' is a rating model (svd); name a ranking model (popularity, item_knn, als, …)"
            ])
    }
}
