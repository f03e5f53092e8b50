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
