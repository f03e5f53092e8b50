/// The customers table: natural rows in id order, with duplicates, missing values, age outliers and
/// malformed rows planted on distinct customers (each customer carries at most one defect).
extension FixtureGenerator {
    enum CustomerDefect: Equatable {
        case duplicate, missingAge, missingIncome, missingGender, ageOutlier
        case malformed(MalformedKind)
    }

    static let ageOutlierValue = 250

    struct CustomersResult {
        let table: TruthValue
        let perCustomer: [TruthValue]
        let lines: Int
    }

    static func writeCustomers(
        _ population: CustomerPopulation, options: FixtureOptions, path: String, formatter: TextFormatter
    ) throws(FixtureError) -> CustomersResult {
        var random = FixtureRandom(seed: options.seed, stream: "customer-defects")
        let customers = population.customers
        let count = customers.count
        let text = options.format != .parquet
        var defects = [CustomerDefect?](repeating: nil, count: count)
        if text { defects[count - 1] = .malformed(.unterminatedQuote) }

        // Disjoint customers for each defect, from one shuffle of all but the last row.
        var order = Array(0..<count - 1)
        random.shuffle(&order)
        func assign(_ defect: CustomerDefect, _ n: Int, where eligible: (Int) -> Bool = { _ in true }) {
            var placed = 0
            var i = 0
            while placed < n && i < order.count {
                let c = order[i]
                if defects[c] == nil && eligible(c) {
                    defects[c] = defect
                    placed += 1
                }
                i += 1
            }
        }
        if text {
            let perKind = max(1, count / 1000)
            assign(.malformed(.invalidUTF8), perKind) { c in
                Vocabulary.cities[customers[c].city].name.utf8.contains { $0 >= 0x80 }
            }
            assign(.malformed(.fieldCount), perKind)
            assign(.malformed(.unparsableNumber), perKind)
            assign(.malformed(.unparsableDate), perKind)
        }
        assign(.duplicate, max(1, count / 200))
        assign(.missingAge, max(1, count / 50))
        assign(.missingIncome, max(1, count / 50))
        assign(.missingGender, max(1, count / 100))
        assign(.ageOutlier, max(1, count / 300))

        let sink = try TableSink(path: path, schema: FixtureTables.customers, options: options, formatter: formatter)
        var duplicates: [TruthValue] = []
        var missing: [String: [TruthValue]] = ["age": [], "income": [], "gender": []]
        var outliers: [TruthValue] = []
        var malformed: [TruthValue] = []
        var pending: [Int: [(cells: [Cell], id: Int64, originalLine: Int)]] = [:]
        var fieldCountPlanted = 0

        func flush(upTo row: Int) throws(FixtureError) {
            for key in pending.keys.sorted() where key <= row {
                for copy in pending.removeValue(forKey: key)! {
                    duplicates.append(
                        .object([
                            "customer_id": .int(copy.id), "line": .int(sink.nextLine),
                            "original_line": .int(copy.originalLine),
                        ]))
                    try sink.append(copy.cells)
                }
            }
        }

        do {
            for (index, c) in customers.enumerated() {
                let defect = defects[index]
                if defect == .malformed(.unterminatedQuote) { try flush(upTo: Int.max) }
                var cells: [Cell] = [
                    .int(c.id), .date(c.signupDay), .int(Int64(c.age)),
                    .text(CustomerPopulation.genders[c.gender]), .cents(c.incomeCents),
                    .text(Vocabulary.cities[c.city].name),
                ]
                var shape = LineShape.normal
                let line = sink.nextLine
                let row = { (extra: [String: TruthValue]) -> TruthValue in
                    var members = extra
                    members["customer_id"] = .int(c.id)
                    members["line"] = .int(line)
                    return .object(members)
                }
                switch defect {
                case nil: break
                case .duplicate:
                    pending[index + 1 + random.below(20), default: []].append((cells, c.id, line))
                case .missingAge:
                    cells[2] = .empty
                    missing["age"]!.append(row(["true_value": .int(c.age)]))
                case .missingIncome:
                    cells[4] = .empty
                    missing["income"]!.append(
                        row([
                            "true_value": .money(c.incomeCents), "city": .string(Vocabulary.cities[c.city].name),
                        ]))
                case .missingGender:
                    cells[3] = .empty
                    missing["gender"]!.append(row(["true_value": .string(CustomerPopulation.genders[c.gender])]))
                case .ageOutlier:
                    cells[2] = .int(Int64(ageOutlierValue))
                    outliers.append(row(["value": .int(ageOutlierValue), "true_value": .int(c.age)]))
                case .malformed(let kind):
                    var info: [String: TruthValue] = [
                        "reason": .string(kind.reason(in: options.format)), "kind": .string(kind.rawValue),
                    ]
                    switch kind {
                    case .fieldCount:
                        let tooMany = fieldCountPlanted % 2 == 1
                        fieldCountPlanted += 1
                        if options.format == .jsonl {
                            shape = .truncatedObject
                            info["detail"] = .string("object cut before its closing brace")
                        } else if tooMany {
                            cells.append(cells[5])
                            info["fields"] = .int(7)
                        } else {
                            cells.removeLast()
                            info["fields"] = .int(5)
                        }
                        if options.format == .csv { info["expected_fields"] = .int(6) }
                        info["column"] = .null
                    case .unparsableNumber:
                        cells[2] = .raw(Array("\(c.age)x".utf8))
                        info["column"] = .string("age")
                        info["value"] = .string("\(c.age)x")
                    case .unparsableDate:
                        let bad = "\(TextFormatter.civil(c.signupDay).year)-13-45"
                        cells[1] = .raw(Array(bad.utf8))
                        info["column"] = .string("signup_date")
                        info["value"] = .string(bad)
                    case .invalidUTF8:
                        cells[5] = .raw(latin1(Vocabulary.cities[c.city].name))
                        info["column"] = .string("city")
                        info["value"] = .string("Latin-1 bytes of \(Vocabulary.cities[c.city].name)")
                    case .unterminatedQuote:
                        shape = .unterminatedQuote
                        info["column"] = .string("city")
                        info["detail"] = .string(
                            options.format == .jsonl
                                ? "last line: the city string and the object are not closed"
                                : "last line of the file: the city field opens a quote that never closes")
                    }
                    malformed.append(row(info))
                }
                try sink.append(cells, shape: shape)
                try flush(upTo: index)
            }
            try flush(upTo: Int.max)
            try sink.finish()
        } catch {
            sink.abandon()
            throw error
        }

        // Imputation statistics over the values a clean reader keeps: parsed rows, duplicates once,
        // value present, and (unless stated) not a planted outlier.
        var ages: [Int64] = []
        var agesWithOutliers: [Int64] = []
        var incomes: [Int64] = []
        var agesByCity: [String: [Int64]] = [:]
        var incomesByCity: [String: [Int64]] = [:]
        var genders: [String: Int] = [:]
        for (index, c) in customers.enumerated() {
            let defect = defects[index]
            if case .malformed = defect { continue }
            let city = Vocabulary.cities[c.city].name
            if defect != .missingAge {
                agesWithOutliers.append(Int64(defect == .ageOutlier ? ageOutlierValue : c.age))
                if defect != .ageOutlier {
                    ages.append(Int64(c.age))
                    agesByCity[city, default: []].append(Int64(c.age))
                }
            }
            if defect != .missingIncome {
                incomes.append(c.incomeCents)
                incomesByCity[city, default: []].append(c.incomeCents)
            }
            if defect != .missingGender { genders[CustomerPopulation.genders[c.gender], default: 0] += 1 }
        }
        let mode = genders.keys.sorted().max { genders[$0]! < genders[$1]! }!
        let imputation = TruthValue.object([
            "note": .string(
                "statistics over valid rows (malformed rows excluded), duplicate rows counted once, missing values excluded; 'age' also excludes the planted outliers, 'age_including_outliers' does not"
            ),
            "age": .object([
                "count": .int(ages.count), "mean": mean(ages), "median": median(ages),
                "median_by_city": .object(agesByCity.mapValues { median($0) }),
            ]),
            "age_including_outliers": .object([
                "count": .int(agesWithOutliers.count), "mean": mean(agesWithOutliers),
                "median": median(agesWithOutliers),
            ]),
            "income": .object([
                "count": .int(incomes.count), "mean": mean(incomes, scale: 100), "median": median(incomes, scale: 100),
                "sum": .money(incomes.reduce(0, +)),
                "median_by_city": .object(incomesByCity.mapValues { median($0, scale: 100) }),
            ]),
            "gender": .object([
                "counts": .object(genders.mapValues { .int($0) }), "mode": .string(mode),
            ]),
        ])

        let malformedCount = malformed.count
        var byReason: [String: TruthValue] = [:]
        for m in malformed {
            if case .object(let o) = m, case .string(let r) = o["reason"]! {
                if case .int(let n) = byReason[r] ?? .int(0) { byReason[r] = .int(n + 1) }
            }
        }
        let dataRows = sink.rowsWritten
        let table = TruthValue.object([
            "file": .string(options.fileName("customers")),
            "columns": .array(FixtureTables.customers.names.map { .string($0) }),
            "key": .string("customer_id"),
            "physical_lines": .int(dataRows + (options.format == .csv ? 1 : 0)),
            "data_rows": .int(dataRows),
            "natural_rows": .int(count),
            "valid_rows": .int(dataRows - malformedCount),
            "distinct_valid_rows": .int(count - malformedCount),
            "defects": .object([
                "duplicates": listing(
                    duplicates,
                    extra: [
                        "note": .string(
                            "an identical line repeated 1-20 rows after the original ('original_line'); keep the first")
                    ]),
                "missing": .object(missing.mapValues { listing($0) }),
                "outliers": .object(["age": listing(outliers, extra: ["value": .int(ageOutlierValue)])]),
                "malformed": listing(malformed, extra: ["by_reason": .object(byReason)]),
            ]),
            "natural_ranges": .string("age 18-80, gender F/M/X, income 12000.00-400000.00; no natural empty cell"),
            "imputation": imputation,
        ])
        let perCustomer: [TruthValue] = customers.map { c in
            .object([
                "customer_id": .int(c.id),
                "segment": .string(Segment.all[c.segment].name),
                "churned": .bool(c.churnDay != nil),
                "churn_date": c.churnDay.map { .string(TextFormatter.dateText($0)) } ?? .null,
            ])
        }
        return CustomersResult(
            table: table, perCustomer: perCustomer, lines: dataRows + (options.format == .csv ? 1 : 0))
    }

    /// ISO-8859-1 bytes of `text` (every character of the city names is in Latin-1).
    static func latin1(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
    }
}
