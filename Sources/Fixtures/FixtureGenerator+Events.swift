/// The events table: the simulated days streamed to disk, with exact duplicates, re-sent events,
/// missing purchase prices, outliers and malformed lines planted on distinct natural events.
extension FixtureGenerator {
    static let quantityOutlierValue: Int64 = 9_999

    struct EventsResult {
        let table: TruthValue
        let lines: Int
    }

    /// A copy of a written event, waiting for its later position.
    private struct PendingCopy {
        let cells: [Cell]
        let eventID: Int64
        let originalLine: Int
        let resent: Bool
        let originalIngestedAt: Int64
        let ingestedAt: Int64
    }

    static func writeEvents(
        population: CustomerPopulation, catalogue: Catalogue, options: FixtureOptions, path: String,
        formatter: TextFormatter
    ) throws(FixtureError) -> EventsResult {
        let text = options.format != .parquet
        var random = FixtureRandom(seed: options.seed, stream: "event-defects")
        var plan = EventDefectPlan(events: options.events, malformed: text, random: &random)
        var simulator = EventSimulator(
            population: population, catalogue: catalogue, events: options.events, seed: options.seed)
        let sink = try TableSink(path: path, schema: FixtureTables.events, options: options, formatter: formatter)

        var duplicates: [TruthValue] = []
        var resent: [TruthValue] = []
        var missingPrice: [TruthValue] = []
        var quantityOutliers: [TruthValue] = []
        var negativePrices: [TruthValue] = []
        var malformed: [TruthValue] = []
        var typeCounts = [Int](repeating: 0, count: 5)
        var pending: [Int: [PendingCopy]] = [:]
        var fieldCountPlanted = 0
        var natural = 0
        let last = options.events - 1
        let queryBytes = catalogue.queries.map { Array($0.utf8) }

        func emit(_ copy: PendingCopy) throws(FixtureError) {
            var row: [String: TruthValue] = [
                "event_id": .int(copy.eventID), "line": .int(sink.nextLine), "original_line": .int(copy.originalLine),
            ]
            if copy.resent {
                row["ingested_at"] = .string(TextFormatter.timestampText(copy.ingestedAt))
                row["original_ingested_at"] = .string(TextFormatter.timestampText(copy.originalIngestedAt))
                resent.append(.object(row))
            } else {
                duplicates.append(.object(row))
            }
            try sink.append(copy.cells)
        }
        func flush(upTo index: Int) throws(FixtureError) {
            guard !pending.isEmpty else { return }
            if index == Int.max {
                for key in pending.keys.sorted() { for copy in pending.removeValue(forKey: key)! { try emit(copy) } }
            } else if let copies = pending.removeValue(forKey: index) {
                for copy in copies { try emit(copy) }
            }
        }

        do {
            while let day = simulator.nextDay() {
                for e in day {
                    let index = natural
                    natural += 1
                    typeCounts[Int(e.type.rawValue)] += 1
                    var cells: [Cell] = [
                        .int(e.eventID), .int(population.customers[Int(e.customer)].id),
                        e.item >= 0 ? .int(catalogue.items[Int(e.item)].id) : .empty,
                        .text(e.type.name), .timestamp(e.timestamp),
                        e.quantity > 0 ? .int(Int64(e.quantity)) : .empty,
                        e.priceCents.map { .cents($0) } ?? .empty,
                        .session(e.session),
                        e.query >= 0 ? .raw(queryBytes[Int(e.query)]) : .empty,
                        e.rating > 0 ? .int(Int64(e.rating)) : .empty,
                        .timestamp(e.ingestedAt),
                    ]
                    // Natural queries may need CSV quoting; `raw` is only safe for the ones that do not.
                    if e.query >= 0 && queryNeedsQuoting(queryBytes[Int(e.query)]) {
                        cells[8] = .text(catalogue.queries[Int(e.query)])
                    }
                    let defect: EventDefect? =
                        text && index == last ? .malformed(.unterminatedQuote) : plan.defect(at: index, type: e.type)
                    // The unterminated quote must be the file's last line: every waiting copy goes first.
                    if defect == .malformed(.unterminatedQuote) { try flush(upTo: Int.max) }
                    let line = sink.nextLine
                    var shape = LineShape.normal
                    func row(_ extra: [String: TruthValue]) -> TruthValue {
                        var members = extra
                        members["event_id"] = .int(e.eventID)
                        members["line"] = .int(line)
                        return .object(members)
                    }
                    switch defect {
                    case nil: break
                    case .duplicate:
                        pending[index + 1 + random.below(200), default: []].append(
                            PendingCopy(
                                cells: cells, eventID: e.eventID, originalLine: line, resent: false,
                                originalIngestedAt: e.ingestedAt, ingestedAt: e.ingestedAt))
                    case .resent:
                        var copy = cells
                        let later = e.ingestedAt + Int64(600 + random.below(2 * 86_400 - 600))
                        copy[10] = .timestamp(later)
                        pending[index + 50 + random.below(2_000), default: []].append(
                            PendingCopy(
                                cells: copy, eventID: e.eventID, originalLine: line, resent: true,
                                originalIngestedAt: e.ingestedAt, ingestedAt: later))
                    case .missingPrice:
                        cells[6] = .empty
                        let item = catalogue.items[Int(e.item)]
                        missingPrice.append(
                            row([
                                "item_id": .int(item.id), "expected_value": .money(item.priceCents),
                            ]))
                    case .quantityOutlier:
                        cells[5] = .int(quantityOutlierValue)
                        quantityOutliers.append(
                            row(["value": .int(quantityOutlierValue), "true_value": .int(Int64(e.quantity))]))
                    case .negativePrice:
                        let price = e.priceCents!
                        cells[6] = .cents(-price)
                        negativePrices.append(row(["value": .money(-price), "true_value": .money(price)]))
                    case .malformed(let kind):
                        let info = plantMalformed(
                            kind, on: &cells, shape: &shape, event: e, format: options.format,
                            fieldCountPlanted: &fieldCountPlanted)
                        malformed.append(row(info))
                    }
                    try sink.append(cells, shape: shape)
                    try flush(upTo: index)
                }
            }
            try flush(upTo: Int.max)
            try sink.finish()
        } catch {
            sink.abandon()
            throw error
        }
        precondition(natural == options.events, "simulated \(natural) events, expected \(options.events)")

        var byReason: [String: Int] = [:]
        for m in malformed {
            if case .object(let o) = m, case .string(let r) = o["reason"]! { byReason[r, default: 0] += 1 }
        }
        let rows = sink.rowsWritten
        let lines = rows + (options.format == .csv ? 1 : 0)
        let types = (0..<5).map { EventSimulator.EventType(rawValue: UInt8($0))! }
        let table = TruthValue.object([
            "file": .string(options.fileName("events")),
            "columns": .array(FixtureTables.events.names.map { .string($0) }),
            "key": .string("event_id"),
            "physical_lines": .int(lines),
            "data_rows": .int(rows),
            "natural_rows": .int(options.events),
            "valid_rows": .int(rows - malformed.count),
            "distinct_valid_rows": .int(options.events - malformed.count),
            "natural_event_types": .object(
                Dictionary(uniqueKeysWithValues: types.map { ($0.name, TruthValue.int(typeCounts[Int($0.rawValue)])) })),
            "unplaced_defects": .int(plan.unplaced),
            "defects": .object([
                "duplicates": listing(
                    duplicates,
                    extra: [
                        "note": .string(
                            "an identical line repeated 1-200 rows after the original ('original_line'); keep the first"
                        )
                    ]),
                "resent": listing(
                    resent,
                    extra: [
                        "note": .string(
                            "the same event_id and content 50-2049 rows later, only ingested_at later (by 10 minutes to 2 days); keep one row per event_id"
                        )
                    ]),
                "missing": .object([
                    "price": listing(
                        missingPrice,
                        extra: [
                            "note": .string(
                                "purchases with an empty price; natural cart and purchase prices always equal the item's catalogue price, which is 'expected_value'. Views, searches and ratings have no price by design."
                            )
                        ])
                ]),
                "outliers": .object([
                    "quantity": listing(quantityOutliers, extra: ["value": .int(quantityOutlierValue)]),
                    "negative_price": listing(negativePrices, extra: ["note": .string("a purchase price negated")]),
                ]),
                "malformed": listing(malformed, extra: ["by_reason": .object(byReason.mapValues { .int($0) })]),
            ]),
            "natural_ranges": .string(
                "quantity 1-5 on carts and purchases only; price 1.99-1999.99 on carts and purchases only (the item's price); rating 1-5 on ratings only; query on searches only; item_id empty on searches only"
            ),
        ])
        return EventsResult(table: table, lines: lines)
    }

    /// Damages `cells` (or the line shape) with `kind`; returns the truth row's details.
    private static func plantMalformed(
        _ kind: MalformedKind, on cells: inout [Cell], shape: inout LineShape, event e: EventSimulator.Event,
        format: FixtureOptions.Format, fieldCountPlanted: inout Int
    ) -> [String: TruthValue] {
        var info: [String: TruthValue] = ["reason": .string(kind.reason(in: format)), "kind": .string(kind.rawValue)]
        switch kind {
        case .fieldCount:
            let tooMany = fieldCountPlanted % 2 == 1
            fieldCountPlanted += 1
            info["column"] = .null
            if format == .jsonl {
                shape = .truncatedObject
                info["detail"] = .string("object cut before its closing brace")
            } else {
                if tooMany { cells.append(cells[10]) } else { cells.removeLast() }
                info["fields"] = .int(tooMany ? 12 : 10)
                info["expected_fields"] = .int(11)
            }
        case .unparsableNumber:
            let bad = "\(e.quantity)x"
            cells[5] = .raw(Array(bad.utf8))
            info["column"] = .string("quantity")
            info["value"] = .string(bad)
        case .unparsableDate:
            let bad = "\(TextFormatter.civil(Int(e.timestamp / 86_400)).year)-13-45T25:61:00Z"
            cells[4] = .raw(Array(bad.utf8))
            info["column"] = .string("timestamp")
            info["value"] = .string(bad)
        case .invalidUTF8:
            // A query that needs CSV quoting loses its comma and quotes, so the raw bytes stay one field.
            let query: [UInt8]
            switch cells[8] {
            case .raw(let q): query = q
            case .text(let q): query = Array(q.utf8).filter { $0 != 44 && $0 != 34 }
            default: preconditionFailure("invalid UTF-8 is planted in a search query")
            }
            cells[8] = .raw(query + [0x20, 0xE9, 0x74, 0xE9])
            info["column"] = .string("query")
            info["value"] = .string("the query followed by the Latin-1 bytes 20 E9 74 E9")
        case .unterminatedQuote:
            shape = .unterminatedQuote
            info["column"] = .string("ingested_at")
            info["detail"] = .string(
                format == .jsonl
                    ? "last line: the ingested_at string and the object are not closed"
                    : "last line of the file: the ingested_at field opens a quote that never closes")
        }
        return info
    }

    private static func queryNeedsQuoting(_ bytes: [UInt8]) -> Bool {
        bytes.contains { $0 == 44 || $0 == 34 }
    }
}
