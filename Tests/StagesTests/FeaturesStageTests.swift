import Foundation
import Frame
import Pipeline
import Stages
import Testing

/// The features stage on tiny tables whose every figure is worked out by hand in the comments.
@Suite struct FeaturesStageTests {
    /// as_of: 2024-01-31T00:00:00Z.
    static let asOf: Int64 = 1_706_659_200_000_000
    static let asOfText = "2024-01-31T00:00:00Z"
    static let asOfDays: Int32 = 19753

    /// `as_of` shifted by `days` (negative: before).
    static func at(_ days: Double) -> Int64 { asOf + Int64(days * 86_400_000_000) }

    static func timestamps(_ v: [Int64]) -> Column { Column(.timestamp(v)) }

    /// A click stream. Rows (days relative to as_of):
    ///  0 c1 i10 view     −40
    ///  1 c1 i10 purchase −30  qty 2 price 5  order A   (exactly on the 30-day boundary: outside 30d)
    ///  2 c1 i11 purchase −30  qty 1 price 10 order A
    ///  3 c1 i11 view     −7                            (exactly on the 7-day boundary)
    ///  4 c1 i12 purchase −2   qty 1 price 8  order B
    ///  5 c1 i12 purchase −1   qty −1 price 8 order C   (a cancellation)
    ///  6 c2 i10 view      0                            (c2's single event, at as_of itself)
    ///  7 c3 i11 cart     −5   qty 1 price 10
    ///  8 c3 —   search   −3                            (no item)
    ///  9 —  i10 purchase −1   qty 3 price 5  order D   (no customer)
    /// 10 c1 i13 purchase +1   qty 1 price 100          (after as_of: ignored)
    /// 11 c1 i10 view     −1
    /// 12 c3 i12 purchase −0.5 qty 1 price 8  order E
    static func clickStream() -> [String: Frame] {
        let events = Toy.frame([
            ("event_id", Toy.ints((0..<13).map { Int64($0) })),
            ("customer_id", Toy.ints([1, 1, 1, 1, 1, 1, 2, 3, 3, nil, 1, 1, 3])),
            ("item_id", Toy.ints([10, 10, 11, 11, 12, 12, 10, 11, nil, 10, 13, 10, 12])),
            (
                "event_type",
                Toy.strings([
                    "view", "purchase", "purchase", "view", "purchase", "purchase", "view", "cart", "search",
                    "purchase", "purchase", "view", "purchase",
                ])
            ),
            ("timestamp", timestamps([-40, -30, -30, -7, -2, -1, 0, -5, -3, -1, 1, -1, -0.5].map(at))),
            ("quantity", Toy.ints([nil, 2, 1, nil, 1, -1, nil, 1, nil, 3, 1, nil, 1])),
            ("price", Toy.doubles([nil, 5, 10, nil, 8, 8, nil, 10, nil, 5, 100, nil, 8])),
            ("order_id", Toy.strings([nil, "A", "A", nil, "B", "C", nil, nil, nil, "D", "F", nil, "E"])),
        ])
        let customers = Toy.frame([
            ("customer_id", Toy.ints([1, 2, 4])),
            ("signup_date", Column(.date([asOfDays - 100, 0, asOfDays - 10]), validity: [true, false, true])),
            ("age", Toy.ints([30, nil, 50])),
            ("city", Toy.strings(["Paris", "Lyon", "Paris"])),
        ])
        let items = Toy.frame([
            ("item_id", Toy.ints([10, 11, 12, 13])),
            ("category", Toy.strings(["Books", "Books", "Toys", "Toys"])),
            ("title", Toy.strings(["Red book", "Blue book", "Red car", "Toy train"])),
        ])
        return ["events": events, "customers": customers, "items": items]
    }

    static let clickParams: JSONValue = [
        "as_of": .string(asOfText), "columns": ["order": "order_id"], "churn": ["horizon_days": 1],
    ]

    func run(_ params: JSONValue, _ tables: [String: Frame]) throws -> StageHarness.Outcome {
        try StageHarness().run("features", params: params, tables: tables)
    }

    static func doubles(_ frame: Frame?, _ column: String) -> [Double?] {
        guard let c = frame?[column] else { return [] }
        return (0..<c.count).map { i -> Double? in
            if c.isNull(i) { return nil }
            switch c.values {
            case .double(let v): return v[i]
            case .int64(let v), .timestamp(let v): return Double(v[i])
            case .int32(let v): return Double(v[i])
            default: return nil
            }
        }
    }

    static func close(_ a: [Double?], _ b: [Double?]) -> Bool {
        a.count == b.count
            && zip(a, b).allSatisfy { x, y in
                switch (x, y) {
                case (nil, nil): true
                case (let x?, let y?): abs(x - y) <= 1e-9 * max(1, abs(y))
                default: false
                }
            }
    }

    @Test func customerFeaturesByHand() throws {
        let out = try run(Self.clickParams, Self.clickStream())
        let f = try #require(out.tables["customer_features"])
        // Customers 1, 2, 3 (events) and 4 (customer table only), ascending.
        #expect(Self.doubles(f, "customer_id") == [1, 2, 3, 4])
        let expected: [(String, [Double?])] = [
            // c1: last purchase line −2 (row 5 is a return); c3: −0.5.
            ("recency_days", [2, nil, 0.5, nil]),
            ("days_since_last_event", [1, 0, 0.5, nil]),
            // c1: orders A and B (C holds only a return).
            ("orders", [2, 0, 1, 0]),
            ("purchase_lines", [3, 0, 1, 0]),
            ("return_lines", [1, 0, 0, 0]),
            // c1: 2×5 + 10 + 8 − 8.
            ("monetary", [20, 0, 8, 0]),
            ("avg_order_value", [10, nil, 8, nil]),
            // c1: order starts −30 and −2.
            ("days_between_orders", [28, nil, nil, nil]),
            // c1: signup −100 before the first event; c2: first event at as_of; c3: first event −5; c4: signup −10.
            ("tenure_days", [100, 0, 5, 10]),
            // purchase lines / views: c1 3/3, c2 0/1, c3 no views.
            ("conversion", [1, 0, nil, nil]),
            ("distinct_items", [3, 1, 2, 0]),
            ("distinct_categories", [2, 1, 2, 0]),
            // Views of c1 at −40, −7 (on the 7-day boundary: outside), −1; c2 at 0.
            ("view_7d", [1, 1, 0, 0]), ("view_30d", [2, 1, 0, 0]), ("view_90d", [3, 1, 0, 0]),
            ("view_total", [3, 1, 0, 0]),
            // Purchase-type events of c1 at −30 (twice, on the 30-day boundary), −2, −1 (the return).
            ("purchase_7d", [2, 0, 1, 0]), ("purchase_30d", [2, 0, 1, 0]), ("purchase_90d", [4, 0, 1, 0]),
            ("purchase_total", [4, 0, 1, 0]),
            ("cart_7d", [0, 0, 1, 0]), ("search_7d", [0, 0, 1, 0]), ("search_total", [0, 0, 1, 0]),
            // Top categories by spend up to the churn cutoff (−1): Books 10 + 10 + 15 (row 9), Toys 8.
            // c1's gross spend 28: Books 20, Toys 8; c3's is 8, all Toys.
            ("share_books", [20.0 / 28, nil, 0, nil]), ("share_toys", [8.0 / 28, nil, 1, nil]),
            // Demographics: c3 is not in the customer table; c2's age is null.
            ("age", [30, nil, nil, 50]),
            ("city_paris", [1, 0, 0, 1]), ("city_lyon", [0, 1, 0, 0]),
            // Known of signup_date, age, city: c1 3, c2 1, c3 none (no row), c4 3.
            ("completeness", [1, 1.0 / 3, 0, 1]),
        ]
        for (column, values) in expected {
            #expect(Self.close(Self.doubles(f, column), values), "\(column): \(Self.doubles(f, column))")
        }
        #expect(f.schema.index(of: "signup_date") == nil)
        #expect(f.schema.index(of: "city_other") == nil)
        let c = out.counters
        #expect(c["events_in"] == 13)
        #expect(c["null_customer"] == 1)
        #expect(c["null_item"] == 1)
        #expect(c["after_as_of"] == 1)
        #expect(c["return_lines"] == 1)
        #expect(c["event_types"] == ["cart", "purchase", "search", "view"])
    }

    @Test func itemFeaturesByHand() throws {
        let out = try run(Self.clickParams, Self.clickStream())
        let f = try #require(out.tables["item_features"])
        #expect(Self.doubles(f, "item_id") == [10, 11, 12, 13])
        #expect(Toy.values(f["category"]) == ["Books", "Books", "Toys", "Toys"])
        #expect(Self.doubles(f, "view_count") == [3, 1, 0, 0])
        #expect(Self.doubles(f, "purchase_count") == [2, 1, 3, 0])
        #expect(Self.doubles(f, "cart_count") == [0, 1, 0, 0])
        // Buyers: row 9's customer is unknown; the return is no purchase line.
        #expect(Self.doubles(f, "buyers") == [1, 1, 2, 0])
        #expect(Self.doubles(f, "mean_price") == [5, 10, 8, nil])
        #expect(Self.close(Self.doubles(f, "days_since_last_sale"), [1, 30, 0.5, nil]))
    }

    @Test func interactionsAndHoldoutByHand() throws {
        let out = try run(Self.clickParams, Self.clickStream())
        let all = try #require(out.tables["interactions"])
        // view 1, cart 3, purchase 5; the return and the ownerless row count for nothing.
        #expect(Self.doubles(all, "customer_id") == [1, 1, 1, 2, 3, 3])
        #expect(Self.doubles(all, "item_id") == [10, 11, 12, 10, 11, 12])
        #expect(Self.doubles(all, "strength") == [7, 6, 5, 1, 3, 5])
        #expect(Self.doubles(all, "events") == [3, 2, 1, 1, 1, 1])
        #expect(Self.doubles(all, "first_time") == [-40, -30, -2, 0, -5, -0.5].map { Double(Self.at($0)) })
        #expect(Self.doubles(all, "last_time") == [-1, -7, -2, 0, -5, -0.5].map { Double(Self.at($0)) })
        #expect(Self.doubles(all, "rating") == [nil, nil, nil, nil, nil, nil])
        // Holdout 0.2: c1 (3 pairs) holds out 1 — i12, first at −2; c3 (2 pairs) holds out i12;
        // c2 has one pair and keeps it. c1's training is rebuilt up to −2: the view at −1 drops out.
        let train = try #require(out.tables["train_interactions"])
        let test = try #require(out.tables["test_interactions"])
        #expect(Self.doubles(train, "customer_id") == [1, 1, 2, 3])
        #expect(Self.doubles(train, "item_id") == [10, 11, 10, 11])
        #expect(Self.doubles(train, "strength") == [6, 6, 1, 3])
        #expect(Self.doubles(train, "last_time") == [-30, -7, 0, -5].map { Double(Self.at($0)) })
        #expect(Self.doubles(test, "customer_id") == [1, 3])
        #expect(Self.doubles(test, "item_id") == [12, 12])
        #expect(Self.doubles(test, "customer_index") == [0, 2])
        #expect(Self.doubles(test, "item_index") == [2, 2])
        #expect(out.counters.at("split.train") == 4)
        #expect(out.counters.at("split.test") == 2)
        let index = try #require(out.tables["item_index"])
        #expect(Self.doubles(index, "item_id") == [10, 11, 12, 13])
    }

    @Test func weightsAndHalfLife() throws {
        var params = Self.clickParams
        params = [
            "as_of": .string(Self.asOfText), "columns": ["order": "order_id"], "churn": ["horizon_days": 1],
            "interactions": ["weights": ["view": 2, "purchase": 10], "default_weight": 0.5, "half_life_days": 1],
            "split": ["method": "none"],
        ]
        let out = try run(params, Self.clickStream())
        let all = try #require(out.tables["interactions"])
        // c1 i10: view −40 (2 × 2^−40), purchase −30 (10 × 2^−30), view −1 (2 × 2^−1).
        // c3 i11: cart (default 0.5) at −5 → 0.5 × 2^−5.
        let s = Self.doubles(all, "strength")
        let first: Double = 2 * pow(0.5, 40) + 10 * pow(0.5, 30) + 1
        let fifth: Double = 0.5 * pow(0.5, 5)
        #expect(Self.close([s[0]], [first]))
        #expect(Self.close([s[4]], [fifth]))
        #expect(out.tables["test_interactions"]?.rowCount == 0)
        #expect(out.tables["train_interactions"]?.rowCount == 6)
    }

    @Test func churnLabelsUseOnlyTheCutoffSide() throws {
        let out = try run(Self.clickParams, Self.clickStream())
        let churn = try #require(out.tables["churn_features"])
        // Cutoff −1 day. Active up to it: c1 and c3 (c2's only event is at 0; c4 has none).
        // In (−1, 0]: c3 buys at −0.5, c1 buys nothing.
        #expect(Self.doubles(churn, "customer_id") == [1, 3])
        #expect(churn["churned"].map { Toy.values($0) } == ["true", "false"])
        // Features as of −1: c1's last purchase line was at −2, and the return at −1 counts.
        #expect(Self.doubles(churn, "recency_days") == [1, nil])
        #expect(Self.doubles(churn, "return_lines") == [1, 0])
        #expect(Self.doubles(churn, "purchase_lines") == [3, 0])
        #expect(out.counters.at("churn.churned") == 1)
        // The same columns as customer_features, plus the label.
        let features = try #require(out.tables["customer_features"])
        #expect(churn.schema.names == features.schema.names + ["churned"])
    }

    /// Leakage: changing anything after the churn cutoff (prices, quantities, times, items, new
    /// events) leaves every churn feature as it was.
    @Test func nothingAfterTheCutoffReachesChurnFeatures() throws {
        var tables = Self.clickStream()
        let before = try run(Self.clickParams, tables)
        let e = tables["events"]!
        // Rows after the cutoff (−1): 6 (0), 10 (+1), 12 (−0.5). Move, reprice and re-item them,
        // and add a large purchase at −0.2 by c1 of a Books item.
        let changed = Toy.frame([
            ("event_id", Toy.ints((0..<14).map { Int64($0) })),
            ("customer_id", Toy.ints([1, 1, 1, 1, 1, 1, 2, 3, 3, nil, 1, 1, 3, 1])),
            ("item_id", Toy.ints([10, 10, 11, 11, 12, 12, 11, 11, nil, 10, 10, 10, 13, 11])),
            (
                "event_type",
                Toy.strings([
                    "view", "purchase", "purchase", "view", "purchase", "purchase", "cart", "cart", "search",
                    "purchase", "purchase", "view", "purchase", "purchase",
                ])
            ),
            (
                "timestamp",
                Self.timestamps([-40, -30, -30, -7, -2, -1, -0.1, -5, -3, -1, 0, -1, -0.9, -0.2].map(Self.at))
            ),
            ("quantity", Toy.ints([nil, 2, 1, nil, 1, -1, 4, 1, nil, 3, 7, nil, 9, 50])),
            ("price", Toy.doubles([nil, 5, 10, nil, 8, 8, 3, 10, nil, 5, 1, nil, 99, 1000])),
            ("order_id", Toy.strings([nil, "A", "A", nil, "B", "C", "G", nil, nil, "D", "F", nil, "E", "H"])),
        ])
        #expect(changed.rowCount == e.rowCount + 1)
        tables["events"] = changed
        let after = try run(Self.clickParams, tables)
        let a = try #require(before.tables["churn_features"]), b = try #require(after.tables["churn_features"])
        #expect(a.schema == b.schema)
        let features = a.schema.names.filter { $0 != "churned" }
        #expect(try a.selecting(features) == b.selecting(features))
        // The change did reach as-of features and the labels.
        #expect(before.tables["customer_features"] != after.tables["customer_features"])
        #expect(b["churned"].map { Toy.values($0) } == ["false", "false"])
    }

    @Test func cutoffAndKFoldSplits() throws {
        let cutoff: JSONValue = [
            "as_of": .string(Self.asOfText), "columns": ["order": "order_id"],
            "split": ["method": "cutoff", "cutoff": "2024-01-29T00:00:00Z"],
        ]
        let out = try run(cutoff, Self.clickStream())
        // Training: events up to −2 (inclusive); test: pairs first met after −2 that were not in training.
        let train = try #require(out.tables["train_interactions"])
        let test = try #require(out.tables["test_interactions"])
        #expect(Self.doubles(train, "customer_id") == [1, 1, 1, 3])
        #expect(Self.doubles(train, "item_id") == [10, 11, 12, 11])
        #expect(Self.doubles(train, "strength") == [6, 6, 5, 3])
        // c1's view of i10 at −1 is a pair c1 already had; c2's view at 0 and c3's purchase at −0.5 are new.
        #expect(Self.doubles(test, "customer_id") == [2, 3])
        #expect(Self.doubles(test, "item_id") == [10, 12])

        let kfold: JSONValue = [
            "as_of": .string(Self.asOfText), "columns": ["order": "order_id"],
            "split": ["method": "kfold", "folds": 3],
        ]
        let k = try run(kfold, Self.clickStream())
        let folds = try #require(k.tables["train_interactions"]?["fold"])
        guard case .int32(let f) = folds.values else { Issue.record("fold is not int32"); return }
        // Six pairs in three folds: two each.
        #expect(f.count == 6)
        #expect((0..<3).map { fold in f.filter { $0 == fold }.count } == [2, 2, 2])
        #expect(k.tables["test_interactions"]?.rowCount == 0)
        // Seeded: the same assignment on a second run.
        let again = try run(kfold, Self.clickStream())
        #expect(again.tables["train_interactions"]?["fold"] == folds)
    }

    @Test func outputIsByteIdentical() throws {
        let a = try run(Self.clickParams, Self.clickStream())
        let b = try run(Self.clickParams, Self.clickStream())
        #expect(a.files == b.files)
        for file in a.files { #expect(try a.bytes(file) == b.bytes(file), "\(file)") }
    }

    // MARK: Other shapes of input

    /// Invoice lines: no event type (every line a purchase), an invoice id, a cancellation with a
    /// negative quantity, an anonymous line, no customer table or catalogue.
    /// Invoice lines, customer ids as int64 or (pandas' float64 for an int column with nulls) as
    /// whole doubles, which read the same.
    @Test(arguments: [false, true])
    func invoiceLines(doubleIDs: Bool) throws {
        let t0 = Self.at(-3)
        let day: Int64 = 86_400_000_000
        let lines = Toy.frame([
            ("InvoiceNo", Toy.strings(["536365", "536365", "536366", "C536379", "536370", "536371"])),
            ("StockCode", Toy.strings(["A", "B", "A", "A", "B", "B"])),
            ("Quantity", Toy.ints([6, 6, 2, -1, 10, 1])),
            ("InvoiceDate", Self.timestamps([t0, t0, t0 + day, t0 + 2 * day, t0 + 2 * day, t0 + 3 * day])),
            ("UnitPrice", Toy.doubles([2.55, 3.39, 2.55, 2.55, 3.39, 3.39])),
            (
                "CustomerID",
                doubleIDs
                    ? Toy.doubles([17850.0, 17850.0, 17850.0, 17850.0, nil, 13047.0])
                    : Toy.ints([17850, 17850, 17850, 17850, nil, 13047])
            ),
        ])
        let params: JSONValue = [
            "events": "lines", "customers": .null, "items": .null,
            "columns": [
                "customer": "CustomerID", "item": "StockCode", "time": "InvoiceDate", "quantity": "Quantity",
                "price": "UnitPrice", "order": "InvoiceNo",
            ],
        ]
        let out = try run(params, ["lines": lines])
        let f = try #require(out.tables["customer_features"])
        #expect(Self.doubles(f, "customer_id") == [13047, 17850])
        #expect(out.tables["customer_index"]?["customer_id"]?.type == .int64)
        #expect(Self.doubles(f, "orders") == [1, 2])
        #expect(Self.doubles(f, "purchase_lines") == [1, 3])
        #expect(Self.doubles(f, "return_lines") == [0, 1])
        let spend: Double = 6 * 2.55 + 6 * 3.39 + 2 * 2.55 - 2.55
        #expect(Self.close(Self.doubles(f, "monetary"), [3.39, spend]))
        #expect(Self.close(Self.doubles(f, "avg_order_value"), [3.39, spend / 2]))
        // as_of is the latest line (t0 + 3 days).
        #expect(Self.doubles(f, "recency_days") == [0, 2])
        #expect(Self.doubles(f, "days_between_orders") == [nil, 1])
        #expect(Self.doubles(f, "tenure_days") == [0, 3])
        #expect(f.schema.index(of: "completeness") == nil)
        #expect(out.counters["event_types"] == ["purchase"])
        #expect(out.counters["null_customer"] == 1)
        #expect(out.counters["return_lines"] == 1)
        let items = try #require(out.tables["item_features"])
        #expect(Toy.values(items["item_id"]) == ["A", "B"])
        #expect(Self.doubles(items, "purchase_count") == [3, 3])
        #expect(Self.doubles(items, "buyers") == [1, 2])
        #expect(Self.doubles(items, "mean_price") == [2.55, 3.39])
        let all = try #require(out.tables["interactions"])
        // Pairs: (13047, B), (17850, A) from two positive lines, (17850, B).
        #expect(Toy.values(all["item_id"]) == ["B", "A", "B"])
        #expect(Self.doubles(all, "strength") == [5, 10, 5])
        #expect(out.tables["item_terms"]?.rowCount == 0)
    }

    /// A ratings file: user, movie, stars, time; strength is the last rating; seeded folds.
    @Test func ratingsFile() throws {
        let day: Int64 = 86_400_000_000
        let t0 = Self.at(-10)
        let ratings = Toy.frame([
            ("userId", Toy.ints([1, 1, 1, 2])),
            ("movieId", Toy.ints([1, 2, 1, 2])),
            ("rating", Toy.doubles([4, 3, 5, 2])),
            ("timestamp", Self.timestamps([t0, t0 + day, t0 + 2 * day, t0 + day])),
        ])
        let movies = Toy.frame([
            ("movieId", Toy.ints([1, 2, 3])),
            ("title", Toy.strings(["Toy Story (1995)", "Jumanji (1995)", "Heat (1995)"])),
            ("genres", Toy.strings(["Animation|Children", "Adventure|Children", "Action"])),
        ])
        let params: JSONValue = [
            "events": "ratings", "customers": .null, "items": "movies",
            "columns": ["customer": "userId", "item": "movieId"],
            "item_columns": ["key": "movieId", "category": .null, "text": ["title", "genres"]],
            "default_event_type": "rating", "interactions": ["strength": "rating"],
            "split": ["method": "kfold", "folds": 2],
        ]
        let out = try run(params, ["ratings": ratings, "movies": movies])
        let all = try #require(out.tables["train_interactions"])
        #expect(Self.doubles(all, "customer_id") == [1, 1, 2])
        #expect(Self.doubles(all, "item_id") == [1, 2, 2])
        // u1 rated movie 1 twice: the last rating (5) is the strength.
        #expect(Self.doubles(all, "strength") == [5, 3, 2])
        #expect(Self.doubles(all, "rating") == [5, 3, 2])
        #expect(Self.doubles(all, "events") == [2, 1, 1])
        #expect(Set(Self.doubles(all, "fold").compactMap { $0 }) == [0, 1])
        let f = try #require(out.tables["customer_features"])
        #expect(Self.doubles(f, "rating_total") == [3, 1])
        #expect(Self.doubles(f, "orders") == [0, 0])
        #expect(f.schema.index(of: "monetary") == nil)
        // Three movies: "1995" and "children" in 3 and 2 documents.
        let v = try #require(out.tables["vocabulary"])
        let terms = Toy.values(v["term"])
        #expect(terms == ["1995", "action", "adventure", "animation", "children", "heat", "jumanji", "story", "toy"])
        #expect(Self.doubles(v, "document_frequency") == [3, 1, 1, 1, 2, 1, 1, 1, 1])
        #expect(Self.close([Self.doubles(v, "idf")[0]], [1]))
        #expect(Self.close([Self.doubles(v, "idf")[4]], [log(4.0 / 3) + 1]))
        #expect(out.tables["item_index"]?.rowCount == 3)
    }

    // MARK: Errors

    @Test func fractionalDoubleIDsAreAnError() throws {
        var tables = Self.clickStream()
        let events = try #require(tables["events"])
        let ids = Toy.doubles((0..<events.rowCount).map { Double($0) + 0.5 })
        tables["events"] = Toy.frame(
            events.schema.names.map { ($0, $0 == "customer_id" ? ids : events[$0]!) })
        #expect {
            _ = try run(Self.clickParams, tables)
        } throws: { error in
            let text = "\(error)"
            return text.contains("whole numbers") && text.contains("params.columns.customer")
        }
    }

    /// Without a customer table, the default `customers` names nothing: the error says which
    /// parameter to set, or to null.
    @Test func aMissingDefaultTableNamesTheParameterToSet() throws {
        var tables = Self.clickStream()
        tables["customers"] = nil
        let e = #expect(throws: (any Error).self) { try run(Self.clickParams, tables) }
        let text = e.map { String(describing: $0) } ?? ""
        #expect(
            text.contains(
                "kind 'features' reads table 'customers', which is neither a source nor written by any stage"),
            "\(text)")
        #expect(
            text.contains("(set $.stages[0].params.customers to the table to read, or to null if there is none)"),
            "\(text)")
    }

    @Test func aNamedColumnThatIsMissingIsAnError() throws {
        let params: JSONValue = ["columns": ["order": "invoice"], "as_of": .string(Self.asOfText)]
        #expect {
            _ = try run(params, Self.clickStream())
        } throws: { error in
            let text = "\(error)"
            return text.contains("column 'invoice' not found") && text.contains("params.columns.order")
        }
    }

    @Test func ratingStrengthWithoutRatingsIsAnError() throws {
        var tables = Self.clickStream()
        tables["events"] = tables["events"]!
        let params: JSONValue = ["interactions": ["strength": "rating"], "columns": ["rating": .null]]
        #expect {
            _ = try run(params, tables)
        } throws: { error in
            "\(error)".contains("params.interactions.strength") && "\(error)".contains("needs a rating column")
        }
    }

    @Test func badAsOfNamesItsPath() throws {
        #expect {
            _ = try run(["as_of": "yesterday"], Self.clickStream())
        } throws: { error in
            "\(error)".contains("params.as_of") && "\(error)".contains("ISO 8601")
        }
    }
}
