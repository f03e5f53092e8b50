import Foundation
import Frame
import Pipeline
import TestSupport
import Testing

/// A business with no event log, only a customer table (a telecom's contracts with a `Churn`
/// column): collect → dedupe → impute → train (segments and churn on that table) → score with no
/// recommendation model, then `bespoke export --crm`. Every customer ends with a segment and a
/// churn band under their own id. No stage names the key: train and score take the source's
/// declared key (customerID).
@Suite struct CustomerTableEndToEndTests {
    /// 400 customers, ids `C0000`…; churn planted on contract, tenure and charges; a blank
    /// TotalCharges for new customers (as the public telecom table has) and a few missing tenures.
    static func csv() -> String {
        var rng = SplitMix64(seed: 5)
        func unit() -> Double { Double(rng.next() % 1_000_000) / 1_000_000 }
        let contracts = ["Month-to-month", "One year", "Two year"]
        var lines = ["customerID,gender,Contract,tenure,MonthlyCharges,TotalCharges,Churn"]
        for i in 0..<400 {
            let c = Int(rng.next() % 3)
            let t = Int(rng.next() % 72)
            let m = 20 + 80 * unit()
            let logit = 1.5 - 1.8 * Double(c) - 0.05 * Double(t) + 0.02 * (m - 60)
            let churn = unit() < 1 / (1 + exp(-logit)) ? "Yes" : "No"
            let tenure = i % 37 == 3 ? "" : String(t)
            let total = t == 0 ? " " : String(format: "%.2f", m * Double(t))
            lines.append(
                String(format: "C%04d,", i) + (rng.next() % 2 == 0 ? "Male" : "Female")
                    + ",\(contracts[c]),\(tenure),\(String(format: "%.2f", m)),\"\(total)\",\(churn)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let pipeline = """
        {"version": 1,
         "sources": {"customers": {"path": "customers.csv", "format": "csv", "key": ["customerID"]}},
         "stages": [
          {"name": "collect", "uses": "collect"},
          {"name": "dedupe", "uses": "dedupe", "params": {"tables": {"customers": {"key": ["customerID"]}}}},
          {"name": "impute", "uses": "impute", "params": {"tables": {"customers": {
            "columns": {"tenure": {"strategy": "median"}}, "indicator": true}}}},
          {"name": "train", "uses": "train", "params": {
            "segments": {"table": "customers", "k": [2, 5]},
            "churn": {"table": "customers", "label": "Churn", "positive": "Yes",
                      "class_weight": "balanced"}}},
          {"name": "score", "uses": "score", "params": {
            "model": null, "customers": "customers"}}
         ]}
        """

    @Test func everyCustomerGetsASegmentAndAChurnBandUnderTheirOwnID() throws {
        let folder = TemporaryDirectory("bespoke-e2e-customer-table")
        defer { folder.remove() }
        try Self.csv().write(toFile: folder.file("customers.csv"), atomically: true, encoding: .utf8)
        try Self.pipeline.write(toFile: folder.file("pipeline.json"), atomically: true, encoding: .utf8)
        let validate = try BuiltExecutable.run("bespoke", ["validate", folder.file("pipeline.json")])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        let run = try BuiltExecutable.run(
            "bespoke", ["run", "--pipeline", folder.file("pipeline.json"), "--run", "R1"])
        try #require(run.status == 0, "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("runs/R1/score/recommendations.parquet")))

        let out = folder.file("crm.jsonl")
        let export = try BuiltExecutable.run(
            "bespoke",
            [
                "export", "--crm", "--pipeline", folder.file("pipeline.json"), "--run", "R1", "--format", "jsonl", "-o",
                out,
            ])
        try #require(export.status == 0, "\(export.stderr)")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        let customers = try lines.map { try JSONParser.parse(Array($0.utf8)) }
        #expect(customers.map { $0["customer_id"]?.stringValue } == (0..<400).map { String(format: "C%04d", $0) })
        var bands: [String: Int] = [:]
        for customer in customers {
            #expect(customer["segment"]?.intValue != nil && customer["segment_name"]?.stringValue != nil, "\(customer)")
            #expect(customer["recommendations"] == [])
            bands[customer["churn_band"]?.stringValue ?? "none", default: 0] += 1
        }
        #expect(Set(bands.keys) == ["low", "medium", "high"], "\(bands)")
        // The cleaning stage's indicator is not a feature: both sections list it as skipped.
        let manifest = try JSONParser.parse(
            Array(try Data(contentsOf: URL(fileURLWithPath: folder.file("runs/R1/train/_manifest.json")))))
        for section in ["segments", "churn"] {
            let skipped = manifest["counters"]?[section]?["skipped_columns"]
            #expect(skipped?["tenure_imputed"] != nil, "\(section): \(String(describing: skipped))")
        }
    }
}
