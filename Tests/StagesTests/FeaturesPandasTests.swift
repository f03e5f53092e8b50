import Foundation
import Frame
import Learn
import Parquet
import Pipeline
import Stages
import TestSupport
import Testing

/// The `features` stage on the committed Fixtures, cleaned by the root pipeline.json's own stages
/// (the `bespoke` executable runs every stage before `features`), run directly with the root
/// pipeline's `features` params, against an independent pandas computation of the same tables
/// from docs/stages.md (`Benchmarks/features_pandas.py`, which `make bench` also times).
/// Doubles agree to 1e-9 relative, counts, ids, times and strings exactly; null for null.
/// Skipped when python3 has no pandas (the TF-IDF test, when it has no scikit-learn).
@Suite struct FeaturesPandasTests {
    static let pandasAvailable: Bool = (try? PythonScript.run("import pandas, pyarrow")) != nil
    static let sklearnAvailable: Bool = pandasAvailable && (try? PythonScript.run("import sklearn")) != nil

    /// The stage's tables and pandas' tables of the same name.
    final class Tables: @unchecked Sendable {
        let ours: [String: Frame]
        let reference: [String: Frame]
        init(ours: [String: Frame], reference: [String: Frame]) {
            self.ours = ours
            self.reference = reference
        }
    }

    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    static let shared: Result<Tables, Failed> = {
        do { return .success(try computeBoth()) } catch { return .failure(Failed(description: "\(error)")) }
    }()

    static func computeBoth() throws -> Tables {
        let root = Python.repositoryRoot
        let folder = TemporaryDirectory("bespoke-features-pandas")
        defer { folder.remove() }
        // The root pipeline, reading the committed Fixtures, writing its runs in the temp folder.
        let text = try String(contentsOfFile: root + "/pipeline.json", encoding: .utf8)
        let document = try JSONParser.parse(text)
        guard let stages = document["stages"]?.arrayValue,
            let at = stages.firstIndex(where: { $0["uses"]?.stringValue == "features" })
        else { throw Failed(description: "pipeline.json has no features stage") }
        let cleaning = stages[..<at].compactMap { $0["name"]?.stringValue }
        let params = stages[at]["params"] ?? .object([])
        try text.replacingOccurrences(of: "\"Fixtures/", with: "\"\(root)/Fixtures/")
            .write(toFile: folder.file("pipeline.json"), atomically: true, encoding: .utf8)
        let run = try BuiltExecutable.run(
            "bespoke",
            [
                "run", "--pipeline", folder.file("pipeline.json"), "--run", "pandas", "--only",
                cleaning.joined(separator: ","),
            ])
        guard run.status == 0 else { throw Failed(description: "bespoke run exited \(run.status): \(run.stderr)") }

        // Each input table as the features stage would read it: its latest version.
        var inputs: [String: Frame] = [:]
        for (role, fallback) in [("events", "events"), ("customers", "customers"), ("items", "items")] {
            let table = params[role]?.stringValue ?? fallback
            guard
                let path = cleaning.reversed().map({ folder.file("runs/pandas/\($0)/\(table).parquet") })
                    .first(where: { FileManager.default.fileExists(atPath: $0) })
            else { throw Failed(description: "no stage before features wrote '\(table)'") }
            inputs[role] = try ParquetReader(path: path).read()
        }
        let harness = StageHarness()
        let outcome = try harness.run("features", params: params, tables: inputs)

        // pandas on the very files the stage read. The stage's English stop words are the
        // project's own list, so scikit-learn is given that list (docs/stages.md: "the same settings").
        try TFIDF.englishStopWords.sorted().joined(separator: "\n")
            .write(toFile: folder.file("stop_words.txt"), atomically: true, encoding: .utf8)
        let out = folder.file("pandas")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let input = { (name: String) in harness.directory.file("in/\(name).parquet") }
        let pandas = try CapturedProcess.run(
            "/usr/bin/env",
            [
                "python3", root + "/Benchmarks/features_pandas.py", input("events"), input("customers"), input("items"),
                out, "--params", Pipeline.CanonicalJSON.string(params), "--stop-words", folder.file("stop_words.txt"),
            ])
        guard pandas.status == 0 else { throw Failed(description: "features_pandas.py: \(pandas.stderr)") }
        var reference: [String: Frame] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: out) where file.hasSuffix(".parquet") {
            reference[String(file.dropLast(8))] = try ParquetReader(path: out + "/" + file).read()
        }
        return Tables(ours: outcome.tables, reference: reference)
    }

    // MARK: Comparison

    /// One cell, typed loosely enough to compare our columns with pandas' (timestamps and int32
    /// indices are integers; null is nil).
    enum Cell: Hashable {
        case integer(Int64), number(Double), text(String), flag(Bool)
    }

    static func cells(_ c: Column) -> [Cell?] {
        (0..<c.count).map { i -> Cell? in
            if c.isNull(i) { return nil }
            switch c.values {
            case .int32(let v), .date(let v): return .integer(Int64(v[i]))
            case .int64(let v), .timestamp(let v): return .integer(v[i])
            case .double(let v): return v[i].isNaN ? nil : .number(v[i])
            case .string(let s): return .text(s[i])
            case .bool(let v): return .flag(v[i])
            }
        }
    }

    /// Doubles within 1e-9 relative of each other (1e-12 absolute near zero); anything else equal.
    static func agree(_ a: Cell?, _ b: Cell?) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return abs(x - y) <= 1e-9 * max(abs(x), abs(y), 1e-3)
        case (.number(let x), .integer(let y)), (.integer(let y), .number(let x)):
            return abs(x - Double(y)) <= 1e-9 * max(abs(x), 1e-3)
        default: return a == b
        }
    }

    /// Compares `table` column by column: the same columns, the same rows in the same order, every
    /// cell agreeing; counts and ids must be integers on our side. Records one issue per column
    /// with its first mismatches.
    func expectAgreement(_ table: String, integers: Set<String> = [], sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let tables = try Self.shared.get()
        let ours = try #require(tables.ours[table], "the stage wrote no \(table)")
        let theirs = try #require(tables.reference[table], "pandas wrote no \(table)")
        #expect(ours.rowCount > 0, "\(table) is empty", sourceLocation: sourceLocation)
        #expect(
            Set(ours.schema.names) == Set(theirs.schema.names),
            "\(table) columns: ours only \(Set(ours.schema.names).subtracting(theirs.schema.names)), pandas only \(Set(theirs.schema.names).subtracting(ours.schema.names))",
            sourceLocation: sourceLocation)
        try #require(
            ours.rowCount == theirs.rowCount, "\(table) rows: ours \(ours.rowCount), pandas \(theirs.rowCount)")
        for name in ours.schema.names {
            guard let theirColumn = theirs[name], let column = ours[name] else { continue }
            if integers.contains(name) {
                #expect(
                    [.int64, .int32, .timestamp].contains(column.type), "\(table).\(name) is \(column.type)",
                    sourceLocation: sourceLocation)
            }
            let a = Self.cells(column), b = Self.cells(theirColumn)
            let bad = a.indices.filter { !Self.agree(a[$0], b[$0]) }
            let examples = bad.prefix(3).map {
                "row \($0): ours \(a[$0].map { "\($0)" } ?? "null"), pandas \(b[$0].map { "\($0)" } ?? "null")"
            }
            #expect(
                bad.count == 0, "\(table).\(name): \(bad.count) of \(a.count) rows differ, e.g. \(examples)",
                sourceLocation: sourceLocation)
        }
    }

    static let interactionIntegers: Set<String> = [
        "customer_index", "item_index", "customer_id", "item_id", "events", "first_time", "last_time",
    ]

    // MARK: Tests

    /// recency, days since the last event, orders (an order is a session), purchase and return
    /// lines, monetary, average order value, days between orders, tenure, conversion, distinct
    /// items and categories, every `<type>_<w>d` and `<type>_total`, `share_<category>` for the
    /// top categories by spend up to the churn cutoff, demographics and completeness.
    @Test(.enabled(if: pandasAvailable)) func customerFeaturesMatchPandas() throws {
        let tables = try Self.shared.get()
        let counts = Set(
            tables.ours["customer_features"]?.schema.names.filter {
                $0.hasSuffix("_total") || $0.range(of: #"_\d+d$"#, options: .regularExpression) != nil
            } ?? [])
        try expectAgreement(
            "customer_features",
            integers: counts.union([
                "customer_index", "customer_id", "orders", "purchase_lines", "return_lines", "distinct_items",
                "distinct_categories",
            ]))
    }

    /// Per item: the category, `<type>_count`, distinct buyers, mean purchase price, days since the
    /// last sale.
    @Test(.enabled(if: pandasAvailable)) func itemFeaturesMatchPandas() throws {
        let counts = Set(
            try Self.shared.get().ours["item_features"]?.schema.names.filter { $0.hasSuffix("_count") } ?? [])
        try expectAgreement("item_features", integers: counts.union(["item_index", "item_id", "buyers"]))
    }

    /// Per (customer, item): weighted strength, events, the last rating, first and last time.
    @Test(.enabled(if: pandasAvailable)) func interactionsMatchPandas() throws {
        try expectAgreement("interactions", integers: Self.interactionIntegers)
    }

    /// The holdout split: test is each customer's last ceil(0.2 n) pairs by first time then item;
    /// training is rebuilt from the events up to the first test pair's first time.
    @Test(.enabled(if: pandasAvailable)) func holdoutSplitMatchesPandas() throws {
        try expectAgreement("train_interactions", integers: Self.interactionIntegers)
        try expectAgreement("test_interactions", integers: Self.interactionIntegers)
    }

    /// No test interaction is earlier than its customer's training interactions; train and test
    /// are disjoint sets of pairs of `interactions`; every customer with two pairs or more has
    /// some held out.
    @Test(.enabled(if: pandasAvailable)) func splitNeverTestsThePast() throws {
        let tables = try Self.shared.get()
        let all = try #require(tables.ours["interactions"])
        let train = try #require(tables.ours["train_interactions"])
        let test = try #require(tables.ours["test_interactions"])
        struct Pair: Hashable {
            var customer: Cell?
            var item: Cell?
        }
        func pairs(_ f: Frame) -> [Pair] {
            zip(Self.cells(f["customer_index"]!), Self.cells(f["item_index"]!)).map { Pair(customer: $0, item: $1) }
        }
        func times(_ f: Frame, _ name: String) -> [Int64] {
            Self.cells(f[name]!).map { if case .integer(let t) = $0 { return t } else { return .min } }
        }
        let allPairs = Set(pairs(all))
        let trainPairs = pairs(train), testPairs = pairs(test)
        #expect(test.rowCount > 0)
        #expect(Set(trainPairs).isSubset(of: allPairs), "a training pair is not an interaction")
        #expect(Set(testPairs).isSubset(of: allPairs), "a test pair is not an interaction")
        #expect(Set(trainPairs).isDisjoint(with: testPairs), "a pair is both training and test")
        var latestTrain: [Cell: Int64] = [:], earliestTest: [Cell: Int64] = [:]
        for (p, t) in zip(trainPairs, times(train, "last_time")) {
            latestTrain[p.customer!] = max(latestTrain[p.customer!] ?? .min, t)
        }
        for (p, t) in zip(testPairs, times(test, "first_time")) {
            earliestTest[p.customer!] = min(earliestTest[p.customer!] ?? .max, t)
        }
        let early = earliestTest.filter { $0.value < (latestTrain[$0.key] ?? .min) }
        #expect(early.isEmpty, "\(early.count) customers have a test interaction before a training one")
        var pairsPerCustomer: [Cell: Int] = [:]
        for p in allPairs { pairsPerCustomer[p.customer!, default: 0] += 1 }
        let unheld = pairsPerCustomer.filter { $0.value >= 2 && earliestTest[$0.key] == nil }
        #expect(unheld.isEmpty, "\(unheld.count) customers with two or more pairs have none held out")
    }

    /// The customer features as of the churn cutoff for customers active before it, and the label.
    @Test(.enabled(if: pandasAvailable)) func churnFeaturesMatchPandas() throws {
        let tables = try Self.shared.get()
        let counts = Set(
            tables.ours["churn_features"]?.schema.names.filter {
                $0.hasSuffix("_total") || $0.range(of: #"_\d+d$"#, options: .regularExpression) != nil
            } ?? [])
        try expectAgreement(
            "churn_features", integers: counts.union(["customer_index", "customer_id", "orders", "purchase_lines"]))
    }

    /// item_terms and vocabulary equal scikit-learn's TfidfVectorizer (smooth idf, L2 norm, the
    /// params' lowercase/min_df/max_df/sublinear_tf, the stage's English stop-word list) on the
    /// catalogue's title and description.
    @Test(.enabled(if: sklearnAvailable)) func itemTermsMatchScikitLearn() throws {
        try expectAgreement("vocabulary", integers: ["document_frequency"])
        try expectAgreement("item_terms", integers: ["item_index", "item_id"])
    }
}
