import Foundation
import Frame
import Pipeline
import Stages
import TestSupport
import Testing

@Suite struct SegmentTrainingTests {
    static func train(_ params: JSONValue, _ table: Frame, seed: Int64 = 7) throws -> TrainingOutput {
        try SegmentTraining.run(
            params: params, path: "params.segments", table: table, tableName: "customers", seed: seed)
    }

    static func doubles(_ frame: Frame?, _ column: String) -> [Double] {
        guard case .double(let v)? = frame?[column]?.values else { return [] }
        return v
    }

    static func ints(_ frame: Frame?, _ column: String) -> [Int32] {
        guard case .int32(let v)? = frame?[column]?.values else { return [] }
        return v
    }

    /// Two pairs 10 apart on x: centres (0, 0.5) and (10, 0.5) in the data's units whatever the
    /// scaling. Unscaled, each point is 0.5 from its centre: inertia 4 × 0.25 = 1. Standardised
    /// (x by its sd 5, y by its sd 0.5), each point is 1 from its centre on y: inertia 4.
    @Test(arguments: [(false, 1.0), (true, 4.0)])
    func fourPointKMeans(standardise: Bool, inertia: Double) throws {
        let table = Toy.frame([
            ("customer_id", Toy.ints([1, 2, 3, 4])), ("x", Toy.doubles([0, 0, 10, 10])),
            ("y", Toy.doubles([0, 1, 0, 1])),
        ])
        let out = try Self.train(
            ["k": 2, "n_init": 3, "preparation": ["standardise": .bool(standardise)]], table)
        #expect(out.metrics["inertia"]?.doubleValue == inertia)
        #expect(out.metrics["k"] == 2)
        let segments = out.table("segments")
        let xs = Self.doubles(segments, "x")
        let ys = Self.doubles(segments, "y")
        #expect(xs.sorted() == [0, 10])
        #expect(ys == [0.5, 0.5])
        #expect(segments?["size"].map { Toy.values($0) } == ["2", "2"])
        #expect(Self.doubles(segments, "share") == [0.5, 0.5])
        let labels = Self.ints(out.table("segment_assignments"), "segment")
        #expect(labels[0] == labels[1] && labels[2] == labels[3] && labels[0] != labels[2])
        // The segment with the larger x is "High x", the other "Low x".
        let names = Toy.values(segments?["segment_name"])
        #expect(Set(names) == ["High x", "Low x"])
        #expect(names[xs.firstIndex(of: 10)!] == "High x")
        // Silhouette by hand (unscaled): a = 1, b = mean(10, √101) for every point.
        if !standardise {
            let b = (10 + 101.0.squareRoot()) / 2
            #expect(abs(out.metrics["silhouette"]!.doubleValue! - (b - 1) / b) < 1e-12)
        }
    }

    /// eps 1, min_samples 3 on a line: 0, 0.5, 1, 1.5 are core (3–4 neighbours each, themselves
    /// included), 2.4 sees only 1.5 and itself (border of cluster 0), 10 sees nobody (noise), and
    /// 20, 20.5, 21 are a second cluster of cores.
    static let line = Toy.frame([
        ("customer_id", Toy.ints([1, 2, 3, 4, 5, 6, 7, 8, 9])),
        ("x", Toy.doubles([0, 0.5, 1, 1.5, 2.4, 10, 20, 20.5, 21])),
    ])
    static let dbscanParams: JSONValue = [
        "method": "dbscan", "eps": 1.0, "min_samples": 3, "preparation": ["standardise": false],
    ]

    @Test func dbscanCoreBorderNoise() throws {
        let out = try Self.train(Self.dbscanParams, Self.line)
        #expect(Self.ints(out.table("segment_assignments"), "segment") == [0, 0, 0, 0, 0, -1, 1, 1, 1])
        #expect(out.metrics["clusters"] == 2)
        #expect(out.metrics["core_points"] == 7)
        #expect(out.metrics["noise_rows"] == 1)
        #expect(out.metrics["noise_share"]?.doubleValue == 1.0 / 9)
        let segments = out.table("segments")
        #expect(Self.ints(segments, "segment") == [0, 1, -1])
        #expect(Toy.values(segments?["size"]) == ["5", "3", "1"])
        // Member means in the data's units.
        #expect(Self.doubles(segments, "x") == [5.4 / 5, 20.5, 10])
        #expect(Toy.values(segments?["segment_name"]).last == "Noise")
    }

    @Test func dbscanModelAssignsNewPointsLikeTheTrainingRows() throws {
        let out = try Self.train(Self.dbscanParams, Self.line)
        let model = try SegmentModel.load(["segment_model": out.table("segment_model")!])
        #expect(model.method == "dbscan")
        #expect(try model.assign(Self.line) == Self.ints(out.table("segment_assignments"), "segment"))
        // 1.7 is within 1 of core 1.5; 2.6 is 1.1 from 1.5 (no core within eps); 19.5 reaches 20.
        let fresh = Toy.frame([("x", Toy.doubles([1.7, 2.6, 19.5, -5]))])
        #expect(try model.assign(fresh) == [0, -1, 1, -1])
        #expect(model.name(of: -1) == "Noise")
    }

    /// Four planted groups of 60 customers: recent + frequent + high spend, lapsed former regulars,
    /// recent first-timers, and long-gone one-off buyers; plus a noisy unrelated column.
    static func rfmCustomers() -> (Frame, [Int]) {
        var rng = SplitMix64(seed: 11)
        func jitter(_ v: Double, _ spread: Double) -> Double {
            v * (1 + spread * (Double(rng.next() % 2001) / 1000 - 1))
        }
        let groups: [(recency: Double, orders: Double, monetary: Double)] = [
            (6, 22, 2400), (210, 16, 1700), (8, 1.2, 60), (320, 1.1, 45),
        ]
        var id: [Int64?] = []
        var recency: [Double?] = []
        var orders: [Double?] = []
        var monetary: [Double?] = []
        var age: [Double?] = []
        var truth: [Int] = []
        for i in 0..<240 {
            let g = i % 4
            id.append(Int64(1000 + i))
            recency.append(jitter(groups[g].recency, 0.3))
            orders.append(jitter(groups[g].orders, 0.3))
            monetary.append(i % 37 == 5 ? nil : jitter(groups[g].monetary, 0.3))
            age.append(Double(20 + rng.next() % 50))
            truth.append(g)
        }
        let frame = Toy.frame([
            ("customer_id", Toy.ints(id)), ("customer_index", Toy.ints((0..<240).map { Int64($0) })),
            ("recency_days", Toy.doubles(recency)), ("orders", Toy.doubles(orders)),
            ("monetary", Toy.doubles(monetary)), ("age", Toy.doubles(age)),
        ])
        return (frame, truth)
    }

    @Test func rfmSegmentsAreNamedFromTheirCentroids() throws {
        let (table, truth) = Self.rfmCustomers()
        let out = try Self.train(
            ["k": [2, 6], "columns": ["recency_days", "orders", "monetary"], "preparation": ["log1p": "auto"]], table)
        #expect(out.metrics["k"] == 4)
        let perK = out.metrics["per_k"]?.arrayValue ?? []
        #expect(perK.count == 5)
        let silhouettes = perK.compactMap { $0["silhouette"]?.doubleValue }
        #expect(silhouettes.max() == out.metrics["silhouette"]?.doubleValue)
        let names = Toy.values(out.table("segment_assignments")?["segment_name"])
        let expected = ["Champions", "At risk", "New", "Hibernating"]
        for (row, group) in truth.enumerated() { #expect(names[row] == expected[group], "row \(row)") }
        let segments = out.table("segments")
        let champions = Toy.values(segments?["segment_name"]).firstIndex(of: "Champions")!
        let description = Toy.values(segments?["description"])[champions]!
        #expect(description.hasPrefix("recent, frequent, high spend ("))
        #expect(
            Toy.values(segments?["description"]).contains { $0?.hasPrefix("used to buy often, not lately") ?? false })
        // The monetary column had missing values: the model carries an indicator feature.
        #expect(out.counters["features"] == 4)
        #expect(out.counters["columns"] == ["recency_days", "orders", "monetary"])
    }

    @Test func defaultColumnsAreTheNumericOnesButKeyAndIndex() throws {
        let (table, _) = Self.rfmCustomers()
        let out = try Self.train(["k": 4, "n_init": 2], table)
        #expect(out.counters["columns"] == ["recency_days", "orders", "monetary", "age"])
    }

    /// A feature column nobody has (conversion in an invoice log without views) is left out of
    /// the automatic choice with its reason, instead of failing the fit; named explicitly it is
    /// still an error at its JSON path.
    @Test func allMissingColumnsAreSkippedWhenChosenAutomatically() throws {
        let (table, _) = Self.rfmCustomers()
        let none = [Double?](repeating: nil, count: table.rowCount)
        let withEmpty = Toy.frame(
            table.schema.names.map { ($0, table[$0]!) } + [("conversion", Toy.doubles(none))])
        let out = try Self.train(["k": 4, "n_init": 2], withEmpty)
        #expect(out.counters["columns"] == ["recency_days", "orders", "monetary", "age"])
        #expect(out.counters["skipped_columns"] == ["conversion": "no known value"])
        #expect(throws: StageError.self) {
            try Self.train(["k": 4, "columns": ["orders", "conversion"]], withEmpty)
        }
    }

    /// A segment's profile is its members' arithmetic mean in the column's units, whatever the
    /// preparation: with log1p the centre in prepared units would read back as a geometric-style
    /// mean (√3 − 1 ≈ 0.73 for {0, 2}, √(99·103) − 1 ≈ 99.98 for {98, 102}), not what a groupby
    /// mean of the table says (1 and 100). A missing value counts as the column's median (50).
    @Test func profilesAreMemberMeansInTheColumnsUnits() throws {
        let table = Toy.frame([
            ("customer_id", Toy.ints([1, 2, 3, 4, 5])), ("x", Toy.doubles([0, 2, 98, 102, nil])),
        ])
        let out = try Self.train(
            ["k": 2, "n_init": 3, "preparation": ["log1p": ["x"], "missing_indicator": false]], table)
        let segments = out.table("segments")
        let sizes = Toy.values(segments?["size"])
        let xs = Self.doubles(segments, "x")
        // The missing row (median 50 of the present values) joins the high pair: {98, 102, 50}.
        #expect(sizes == ["3", "2"])
        #expect(xs == [250.0 / 3, 1])
    }

    /// The impute and outliers stages' bool indicators beside their column (`age_imputed`,
    /// `monetary_outlier`) record the cleaning, not the customer: skipped unless named. A bool
    /// column with such a suffix but no column beside it (`is_outlier`) is an ordinary feature.
    @Test func cleaningIndicatorsAreSkippedWhenChosenAutomatically() throws {
        let (table, _) = Self.rfmCustomers()
        let flags = Column(.bool((0..<table.rowCount).map { $0 % 7 == 0 }))
        let cleaned = Toy.frame(
            table.schema.names.map { ($0, table[$0]!) } + [
                ("age_imputed", flags), ("monetary_outlier", flags), ("vip_outlier", flags),
            ])
        let out = try Self.train(["k": 4, "n_init": 2], cleaned)
        #expect(out.counters["columns"] == ["recency_days", "orders", "monetary", "age", "vip_outlier"])
        #expect(
            out.counters["skipped_columns"] == [
                "age_imputed": "the impute or outliers stage's indicator of age",
                "monetary_outlier": "the impute or outliers stage's indicator of monetary",
            ])
        let named = try Self.train(["k": 4, "n_init": 2, "columns": ["orders", "age_imputed"]], cleaned)
        #expect(named.counters["columns"] == ["orders", "age_imputed"])
    }

    @Test func loadedModelAssignsTheTrainingCustomersAlike() throws {
        let (table, _) = Self.rfmCustomers()
        let out = try Self.train(["k": 4, "preparation": ["log1p": ["monetary"], "bins": ["orders": 3]]], table)
        let model = try SegmentModel.load(["segment_model": out.table("segment_model")!])
        #expect(try model.assign(table) == Self.ints(out.table("segment_assignments"), "segment"))
        #expect(model.featureNames.contains("orders_bin0"))
        #expect(model.featureNames.contains("monetary_missing"))
        // A customer with every value missing gets the medians and lands in some segment.
        let blank = Toy.frame([
            ("recency_days", Toy.doubles([nil])), ("orders", Toy.doubles([nil])), ("monetary", Toy.doubles([nil])),
            ("age", Toy.doubles([nil])),
        ])
        #expect(try model.assign(blank).count == 1)
    }

    @Test func stringColumnsOneHotAndUnseenLevelsAreAllZero() throws {
        var rng = SplitMix64(seed: 3)
        let plans = (0..<90).map { $0 % 3 == 0 ? "Premium" : ($0 % 3 == 1 ? "Basic" : "Free") }
        let usage = plans.map { ($0 == "Premium" ? 50.0 : ($0 == "Basic" ? 20 : 2)) + Double(rng.next() % 100) / 100 }
        let table = Toy.frame([
            ("customer_id", Toy.strings((0..<90).map { "c\($0)" })), ("plan", Toy.strings(plans)),
            ("usage", Toy.doubles(usage)),
        ])
        let out = try Self.train(["k": 3, "columns": ["plan", "usage"]], table)
        let segments = out.table("segments")
        #expect(Set(Toy.values(segments?["plan"])) == ["Premium", "Basic", "Free"])
        let model = try SegmentModel.load(["segment_model": out.table("segment_model")!])
        #expect(try model.assign(table) == Self.ints(out.table("segment_assignments"), "segment"))
        let fresh = Toy.frame([("plan", Toy.strings(["Enterprise"])), ("usage", Toy.doubles([50.5]))])
        let premium = Toy.values(segments?["plan"]).firstIndex(of: "Premium")!
        #expect(try model.assign(fresh) == [Self.ints(segments, "segment")[premium]])
    }

    @Test func sameSeedSameTables() throws {
        let (table, _) = Self.rfmCustomers()
        let a = try Self.train(["k": [2, 4]], table, seed: 5)
        let b = try Self.train(["k": [2, 4]], table, seed: 5)
        #expect(a == b)
    }

    @Test func uniqueNamesGetSuffixes() throws {
        // Three identical-looking groups on a column that never differs enough to name them.
        let table = Toy.frame([
            ("customer_id", Toy.ints((0..<9).map { Int64($0) })),
            ("x", Toy.doubles([0, 0.01, 0.02, 1, 1.01, 1.02, 2, 2.01, 2.02])),
        ])
        let out = try Self.train(["k": 3, "distinctive_z": 100], table)
        #expect(Set(Toy.values(out.table("segments")?["segment_name"])) == ["Typical", "Typical 2", "Typical 3"])
    }

    @Test func errorsNameTheJSONPath() throws {
        let (table, _) = Self.rfmCustomers()
        #expect(throws: StageError.self) { try Self.train(["columns": ["recency_day", "orders"]], table) }
        do {
            _ = try Self.train(["columns": ["recency_day", "orders"]], table)
        } catch {
            #expect("\(error)".contains("params.segments.columns[0]"))
            #expect("\(error)".contains("did you mean 'recency_days'?"))
        }
        do {
            _ = try Self.train(["roles": ["recency": "last_seen"]], table)
            Issue.record("expected an error")
        } catch { #expect("\(error)".contains("params.segments.roles.recency")) }
        do {
            _ = try Self.train(["k": [1, 3]], table)
            Issue.record("expected an error")
        } catch { #expect("\(error)".contains("params.segments.k")) }
        do {
            _ = try Self.train(["kk": 3], table)
            Issue.record("expected an error")
        } catch { #expect("\(error)".contains("params.segments.kk")) }
        // The other method's parameters are errors, not silently ignored.
        do {
            _ = try Self.train(["k": 3, "eps": 0.3], table)
            Issue.record("expected an error")
        } catch {
            #expect(
                "\(error)".contains("params.segments.eps")
                    && "\(error)".contains(
                        "'eps' does not apply to method \"kmeans\"; it takes: k, n_init, max_iter, tol")
            )
        }
        do {
            _ = try Self.train(["method": "dbscan", "k": 4], table)
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("params.segments.k") && "\(error)".contains("takes: eps, min_samples"))
        }
    }
}
