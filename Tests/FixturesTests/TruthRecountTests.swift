import Fixtures
import Foundation
import Testing

/// Every count and line in `truth.json` matches an independent recount of the generated CSV files.
@Suite struct TruthRecountTests {
    /// The reject reason a strict reader gives, or nil for a valid record.
    static func rejectReason(
        _ r: CSVRecord, fields expected: Int, integers: [Int], decimals: [Int], dates: [Int], timestamps: [Int]
    ) -> String? {
        if r.unterminated { return "unterminated_quote" }
        if !r.fields.allSatisfy(ValueCheck.isUTF8) { return "invalid_utf8" }
        if r.fields.count != expected { return "field_count" }
        for i in integers where !r.fields[i].isEmpty && !ValueCheck.isInteger(r.fields[i]) {
            return "unparsable_number"
        }
        for i in decimals where !r.fields[i].isEmpty && !ValueCheck.isDecimal(r.fields[i]) {
            return "unparsable_number"
        }
        for i in dates where !ValueCheck.isDate(r.fields[i]) { return "unparsable_date" }
        for i in timestamps where !ValueCheck.isTimestamp(r.fields[i]) { return "unparsable_date" }
        return nil
    }

    static func lines(_ rows: [[String: Any]], _ key: String = "line") -> [Int] { rows.map { $0.int(key) }.sorted() }

    struct Copy: Hashable, Comparable {
        let line: Int
        let original: Int
        static func < (a: Copy, b: Copy) -> Bool { a.line < b.line }
    }

    @Test func eventsRecount() throws {
        let f = defaultFixtures
        let table = f.table("events")
        let header = f.events[0]
        #expect(header.fields.map { String(decoding: $0, as: UTF8.self) } == table["columns"] as! [String])
        let physicalLines = f.eventBytes.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        #expect(physicalLines == table.int("physical_lines"))
        #expect(f.events.count - 1 == table.int("data_rows"))

        var malformed: [String] = []
        var firstByText: [[UInt8]: Int] = [:]
        var firstByID: [Int: CSVRecord] = [:]
        var duplicates: [Copy] = []
        var resent: [Copy] = []
        var missingPrice: [Int] = []
        var quantityOutliers: [Int] = []
        var negativePrices: [Int] = []
        var unexpected: [String] = []
        for r in f.events.dropFirst() {
            if let reason = Self.rejectReason(
                r, fields: 11, integers: [0, 1, 2, 5, 9], decimals: [6], dates: [], timestamps: [4, 10])
            {
                malformed.append("\(r.line) \(reason)")
                continue
            }
            if let first = firstByText[r.text] {
                duplicates.append(Copy(line: r.line, original: first))
                continue
            }
            let id = Int(r.string(0))!
            if let first = firstByID[id] {
                // A re-send: identical but for a later ingested_at.
                #expect(
                    Array(first.fields[0..<10]) == Array(r.fields[0..<10]), "event \(id) re-sent with other content")
                #expect(r.string(10) > first.string(10), "event \(id) re-sent with an ingested_at not later")
                resent.append(Copy(line: r.line, original: first.line))
                continue
            }
            firstByText[r.text] = r.line
            firstByID[id] = r
            let type = r.string(3)
            let hasQuantity = type == "cart" || type == "purchase"
            if type == "purchase" && r.fields[6].isEmpty { missingPrice.append(r.line) }
            if r.string(5) == "9999" { quantityOutliers.append(r.line) }
            if r.fields[6].first == 45 { negativePrices.append(r.line) }
            // Natural values stay clear of every planted defect.
            let quantity = Int(r.string(5))
            if hasQuantity && !(quantity.map { (1...5).contains($0) || $0 == 9999 } ?? false) {
                unexpected.append("\(r.line) quantity")
            }
            if !hasQuantity && !r.fields[5].isEmpty { unexpected.append("\(r.line) quantity on \(type)") }
            if type == "cart" && r.fields[6].isEmpty { unexpected.append("\(r.line) cart without price") }
            if !hasQuantity && !r.fields[6].isEmpty { unexpected.append("\(r.line) price on \(type)") }
            if (type == "search") != r.fields[2].isEmpty { unexpected.append("\(r.line) item_id") }
            if (type == "search") != !r.fields[8].isEmpty { unexpected.append("\(r.line) query") }
            if type == "rating" ? !(Int(r.string(9)).map { (1...5).contains($0) } ?? false) : !r.fields[9].isEmpty {
                unexpected.append("\(r.line) rating")
            }
            if !["view", "cart", "purchase", "search", "rating"].contains(type) { unexpected.append("\(r.line) type") }
        }
        #expect(unexpected.isEmpty, "\(unexpected.prefix(10))")

        let truthMalformed = f.rows("events", "malformed").map { "\($0.int("line")) \($0.string("reason"))" }
        #expect(malformed.sorted() == truthMalformed.sorted())
        let kinds = Set(truthMalformed.map { $0.split(separator: " ")[1] })
        #expect(kinds == ["field_count", "unparsable_number", "unparsable_date", "invalid_utf8", "unterminated_quote"])
        // The unterminated quote is the last line, swallowing nothing else.
        #expect(f.events.last!.unterminated && f.events.last!.line == physicalLines)
        #expect(f.events.filter(\.unterminated).count == 1)

        let truthDuplicates = f.rows("events", "duplicates").map {
            Copy(line: $0.int("line"), original: $0.int("original_line"))
        }
        #expect(duplicates.sorted() == truthDuplicates.sorted())
        let truthResent = f.rows("events", "resent").map {
            Copy(line: $0.int("line"), original: $0.int("original_line"))
        }
        #expect(resent.sorted() == truthResent.sorted())
        #expect(missingPrice == Self.lines(f.rows("events", "missing", "price")))
        #expect(quantityOutliers == Self.lines(f.rows("events", "outliers", "quantity")))
        #expect(negativePrices == Self.lines(f.rows("events", "outliers", "negative_price")))

        let valid = f.events.count - 1 - malformed.count
        #expect(valid == table.int("valid_rows"))
        #expect(valid - duplicates.count - resent.count == table.int("distinct_valid_rows"))
        #expect(firstByID.count == table.int("distinct_valid_rows"))

        // The expected imputation of a missing price is the item's catalogue price.
        var itemPrice: [String: String] = [:]
        for r in f.items.dropFirst() { itemPrice[r.string(0)] = r.string(5) }
        for row in f.rows("events", "missing", "price") {
            let item = String(row.int("item_id"))
            #expect(Double(itemPrice[item]!)! == row.double("expected_value"))
        }
        // Clean purchases and carts are charged the catalogue price.
        let mispriced = firstByID.values.filter { r in
            !r.fields[6].isEmpty && r.fields[6].first != 45 && r.string(6) != itemPrice[r.string(2)]
        }
        #expect(mispriced.isEmpty)
    }

    @Test func customersRecount() throws {
        let f = defaultFixtures
        let table = f.table("customers")
        #expect(f.customers[0].fields.map { String(decoding: $0, as: UTF8.self) } == table["columns"] as! [String])
        let physicalLines = f.customerBytes.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        #expect(physicalLines == table.int("physical_lines"))

        var malformed: [String] = []
        var firstByText: [[UInt8]: Int] = [:]
        var duplicates: [Copy] = []
        var missing: [String: [Int]] = ["age": [], "income": [], "gender": []]
        var outliers: [Int] = []
        var unexpected: [Int] = []
        var ages: [Int] = []
        var agesWithOutliers: [Int] = []
        var incomesByCity: [String: [Int64]] = [:]
        var genders: [String: Int] = [:]
        var ids = Set<Int>()
        for r in f.customers.dropFirst() {
            if let reason = Self.rejectReason(
                r, fields: 6, integers: [0, 2], decimals: [4], dates: [1], timestamps: [])
            {
                malformed.append("\(r.line) \(reason)")
                continue
            }
            if let first = firstByText[r.text] {
                duplicates.append(Copy(line: r.line, original: first))
                continue
            }
            firstByText[r.text] = r.line
            #expect(ids.insert(Int(r.string(0))!).inserted)
            if r.fields[2].isEmpty { missing["age"]!.append(r.line) }
            if r.fields[3].isEmpty { missing["gender"]!.append(r.line) }
            if r.fields[4].isEmpty { missing["income"]!.append(r.line) }
            if let age = Int(r.string(2)) {
                agesWithOutliers.append(age)
                if age == 250 { outliers.append(r.line) } else { ages.append(age) }
                if age != 250 && !(18...80).contains(age) { unexpected.append(r.line) }
            }
            if !r.fields[3].isEmpty {
                genders[r.string(3), default: 0] += 1
                if !["F", "M", "X"].contains(r.string(3)) { unexpected.append(r.line) }
            }
            if !r.fields[4].isEmpty { incomesByCity[r.string(5), default: []].append(ValueCheck.cents(r.fields[4])) }
        }
        #expect(unexpected.isEmpty)
        let truthMalformed = f.rows("customers", "malformed").map { "\($0.int("line")) \($0.string("reason"))" }
        #expect(malformed.sorted() == truthMalformed.sorted())
        #expect(
            Set(truthMalformed.map { $0.split(separator: " ")[1] })
                == ["field_count", "unparsable_number", "unparsable_date", "invalid_utf8", "unterminated_quote"])
        let truthDuplicates = f.rows("customers", "duplicates").map {
            Copy(line: $0.int("line"), original: $0.int("original_line"))
        }
        #expect(duplicates.sorted() == truthDuplicates.sorted())
        for column in ["age", "income", "gender"] {
            #expect(missing[column]! == Self.lines(f.rows("customers", "missing", column)), "missing \(column)")
        }
        #expect(outliers == Self.lines(f.rows("customers", "outliers", "age")))
        #expect(f.customers.count - 1 - malformed.count == table.int("valid_rows"))
        #expect(firstByText.count == table.int("distinct_valid_rows"))

        // The imputation statistics are those of the clean values.
        let imputation = table["imputation"] as! [String: Any]
        func median(_ v: [Int64]) -> Double {
            let s = v.sorted()
            return s.count % 2 == 1 ? Double(s[s.count / 2]) : (Double(s[s.count / 2 - 1]) + Double(s[s.count / 2])) / 2
        }
        let age = imputation["age"] as! [String: Any]
        #expect(age.int("count") == ages.count)
        #expect(age.double("median") == median(ages.map(Int64.init)))
        #expect(abs(age.double("mean") - Double(ages.reduce(0, +)) / Double(ages.count)) < 1e-9)
        let withOutliers = imputation["age_including_outliers"] as! [String: Any]
        #expect(withOutliers.int("count") == agesWithOutliers.count)
        #expect(
            abs(withOutliers.double("mean") - Double(agesWithOutliers.reduce(0, +)) / Double(agesWithOutliers.count))
                < 1e-9)
        let income = imputation["income"] as! [String: Any]
        let allIncomes = incomesByCity.values.flatMap { $0 }
        #expect(income.int("count") == allIncomes.count)
        #expect(abs(income.double("median") - median(allIncomes) / 100) < 1e-9)
        let byCity = income["median_by_city"] as! [String: Any]
        #expect(Set(byCity.keys) == Set(incomesByCity.keys))
        for (city, values) in incomesByCity {
            #expect(abs((byCity[city] as! NSNumber).doubleValue - median(values) / 100) < 1e-9, "\(city)")
        }
        let gender = imputation["gender"] as! [String: Any]
        #expect(
            gender.string("mode") == genders.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }!.key)
        // Cities with a comma and non-ASCII letters are there.
        #expect(incomesByCity.keys.contains("Washington, D.C.") && incomesByCity.keys.contains("Zürich"))
    }

    @Test func itemsAreClean() {
        let f = defaultFixtures
        let table = f.table("items")
        #expect(f.items.count - 1 == table.int("data_rows"))
        #expect(
            f.items.dropFirst().allSatisfy {
                Self.rejectReason($0, fields: 6, integers: [0], decimals: [5], dates: [], timestamps: []) == nil
            })
        #expect(f.items.contains { $0.string(2).contains("\"") && $0.string(2).contains(",") })
        #expect(Set(f.items.dropFirst().map { $0.string(3) }).count == (table["categories"] as! [String]).count)
    }
}
