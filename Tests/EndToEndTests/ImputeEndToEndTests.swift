import Frame
import Pipeline
import Testing

/// Issue 4, check 3: `impute` fills every planted missing value with the value truth expects,
/// marks exactly those cells in `<col>_imputed`, changes nothing else, and records truth's
/// statistics in its counters.
@Suite struct ImputeEndToEndTests {
    static let imputation = FixtureTruth.table("customers")["imputation"]!
    /// impute runs before outliers, so the age median includes the ten planted 250s.
    static let ageMedian = imputation[at: "age_including_outliers", "median"]!.doubleValue!
    static let incomeMedian = imputation[at: "income", "median"]!.doubleValue!
    static let genderMode = imputation[at: "gender", "mode"]!.stringValue!

    /// Truth computes money medians in integer cents then divides by 100 (the correctly rounded
    /// decimal); the stage averages the two middle doubles as `np.median` does, which can land one
    /// ulp away (New York: 67689.82500000001 against 67689.825). Equal, or adjacent doubles.
    static func sameMedian(_ got: Double?, _ truth: Double) -> Bool {
        guard let got else { return false }
        return got == truth || got == truth.nextUp || got == truth.nextDown
    }

    static func plantedKeys(_ table: String, _ column: String, key: String) -> [Int64] {
        FixtureTruth.rows(table, "missing", column).map { $0[key]!.intValue! }
    }

    /// A column's values as text (nil for null), to compare columns of any type cell by cell.
    static func texts(_ frame: Frame, _ column: String) -> [String?] {
        switch frame[column]!.type {
        case .double: frame.doubles(column).map { $0.map { "\($0)" } }
        case .string: frame.strings(column)
        default: frame.ints(column).map { $0.map { "\($0)" } }
        }
    }

    @Test func agesGetTheGlobalMedian() throws {
        let customers = try FixtureRun.completed().artifacts.frame("impute", "customers")
        let row = customers.rowIndex(byKey: "customer_id"), age = customers.ints("age")
        let planted = Self.plantedKeys("customers", "age", key: "customer_id")
        #expect(planted.count == 60)
        #expect(Self.ageMedian == 38)
        for id in planted { #expect(row[id].flatMap { age[$0] } == 38, "customer \(id)") }
    }

    @Test func incomesGetTheirCityMedian() throws {
        let customers = try FixtureRun.completed().artifacts.frame("impute", "customers")
        let row = customers.rowIndex(byKey: "customer_id"), income = customers.doubles("income")
        let cityMedian = Self.imputation[at: "income", "median_by_city"]!
        let planted = FixtureTruth.rows("customers", "missing", "income")
        #expect(planted.count == 60)
        for r in planted {
            let id = r["customer_id"]!.intValue!, city = r["city"]!.stringValue!
            let expected = try #require(cityMedian[city]?.doubleValue, "truth has no median for \(city)")
            let got = row[id].flatMap { income[$0] }
            #expect(
                Self.sameMedian(got, expected),
                "customer \(id) in \(city): \(got.map { "\($0)" } ?? "null") ≠ \(expected)")
        }
    }

    @Test func gendersGetTheMode() throws {
        let customers = try FixtureRun.completed().artifacts.frame("impute", "customers")
        let row = customers.rowIndex(byKey: "customer_id"), gender = customers.strings("gender")
        let planted = Self.plantedKeys("customers", "gender", key: "customer_id")
        #expect(planted.count == 30)
        #expect(Self.genderMode == "F")
        for id in planted { #expect(row[id].flatMap { gender[$0] } == Self.genderMode, "customer \(id)") }
    }

    @Test func purchasePricesGetTheItemsPrice() throws {
        let events = try FixtureRun.completed().artifacts.frame("impute", "events")
        let row = events.rowIndex(byKey: "event_id"), price = events.doubles("price"), item = events.ints("item_id")
        let planted = FixtureTruth.rows("events", "missing", "price")
        #expect(planted.count == 100)
        for r in planted {
            let id = r["event_id"]!.intValue!
            #expect(row[id].flatMap { item[$0] } == r["item_id"]!.intValue, "event \(id): item")
            #expect(row[id].flatMap { price[$0] } == r["expected_value"]!.doubleValue!, "event \(id)")
        }
    }

    /// `<col>_imputed` is true exactly at the planted rows; every other cell equals dedupe's.
    @Test(arguments: [
        ("customers", "customer_id", ["age", "income", "gender"]),
        ("events", "event_id", ["price"]),
    ])
    func onlyPlantedCellsChange(table: String, key: String, columns: [String]) throws {
        let run = try FixtureRun.completed()
        let before = try run.artifacts.frame("dedupe", table), after = try run.artifacts.frame("impute", table)
        #expect(after.schema.names == before.schema.names + columns.map { $0 + "_imputed" })
        #expect(after.ints(key) == before.ints(key), "row order changed")
        let keys = after.ints(key)
        for name in before.schema.names where !columns.contains(name) {
            #expect(after[name]! == before[name]!, "column '\(name)' changed")
        }
        for column in columns {
            let planted = Set(Self.plantedKeys(table, column, key: key))
            let flagged = Set(zip(keys, after.bools(column + "_imputed")).filter(\.1).map { $0.0! })
            #expect(flagged == planted, "\(column)_imputed")
            let wasValues = Self.texts(before, column), nowValues = Self.texts(after, column)
            for i in 0..<before.rowCount {
                let was = wasValues[i], now = nowValues[i]
                if planted.contains(keys[i]!) {
                    #expect(
                        was == nil && now != nil,
                        "\(table) \(keys[i]!): \(column) was \(was ?? "null"), now \(now ?? "null")")
                } else if was != now {
                    Issue.record("\(table) \(keys[i]!): \(column) changed from \(was ?? "null") to \(now ?? "null")")
                }
            }
        }
    }

    @Test func manifestRecordsTruthStatistics() throws {
        let counters = try FixtureRun.completed().artifacts.manifest("impute").counters
        let customers = try #require(counters[at: "tables", "customers", "columns"])
        #expect(customers[at: "age", "imputed"]?.int == 60)
        #expect(customers[at: "age", "statistic"]?.doubleValue == Self.ageMedian)
        #expect(customers[at: "age", "value"]?.doubleValue == Self.ageMedian)
        #expect(customers[at: "gender", "imputed"]?.int == 30)
        #expect(customers[at: "gender", "value"]?.stringValue == Self.genderMode)

        let income = try #require(customers["income"])
        #expect(income["imputed"]?.int == 60)
        #expect(income["min_group_size"]?.int == 5)
        #expect(income["imputed_with_global"]?.int == 0)
        #expect(Self.sameMedian(income["statistic"]?.doubleValue, Self.incomeMedian))
        var plantedPerCity: [String: Int] = [:]
        for r in FixtureTruth.rows("customers", "missing", "income") {
            plantedPerCity[r["city"]!.stringValue!, default: 0] += 1
        }
        let groups = income["groups"]?.objectMembers ?? []
        #expect(groups.map(\.key).sorted() == plantedPerCity.keys.sorted())
        let cityMedian = Self.imputation[at: "income", "median_by_city"]!
        for (city, group) in groups {
            #expect(group["imputed"]?.int == plantedPerCity[city], "\(city)")
            let truth = try #require(cityMedian[city]?.doubleValue, "truth has no median for \(city)")
            #expect(
                Self.sameMedian(group["statistic"]?.doubleValue, truth), "\(city): \(group["statistic"]!) vs \(truth)")
            #expect(group["value"] == group["statistic"], "\(city)")
        }

        let price = try #require(counters[at: "tables", "events", "columns", "price"])
        #expect(price["imputed"]?.int == 100)
        #expect(price["imputed_with_global"]?.int == 0)
        var plantedPerItem: [String: (count: Int, price: Double)] = [:]
        for r in FixtureTruth.rows("events", "missing", "price") {
            let item = "\(r["item_id"]!.intValue!)"
            plantedPerItem[item] = ((plantedPerItem[item]?.count ?? 0) + 1, r["expected_value"]!.doubleValue!)
        }
        let items = price["groups"]?.objectMembers ?? []
        #expect(items.map(\.key).sorted() == plantedPerItem.keys.sorted())
        for (item, group) in items {
            #expect(group["imputed"]?.int == plantedPerItem[item]?.count, "item \(item)")
            #expect(group["statistic"]?.doubleValue == plantedPerItem[item]?.price, "item \(item)")
        }
        #expect(counters["imputed"]?.int == 250)
    }
}
