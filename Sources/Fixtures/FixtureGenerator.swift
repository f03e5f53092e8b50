import Foundation

/// `bespoke fixtures`: a synthetic retail business with planted defects and a truth file.
///
/// Writes `customers`, `items` and `events` (CSV, JSON Lines or Parquet) and `truth.json` into a
/// folder, each file atomically. The output depends only on the options: the same seed gives the same
/// bytes on every run. Events stream to disk one simulated day at a time, so memory is bounded by the
/// customers, the catalogue and one day of events, not by the event count.
public enum FixtureGenerator {
    /// What was written.
    public struct Summary: Sendable {
        /// Paths of the written files, truth last.
        public let files: [String]
        /// Physical lines (text) or rows (Parquet) of each table.
        public let lines: [String: Int]
        public let truth: TruthValue
    }

    /// Generates the fixture set into `folder` (created if missing).
    public static func generate(_ options: FixtureOptions, into folder: String) throws(FixtureError) -> Summary {
        try options.validate()
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: folder, detail: "cannot create the folder: \(error.localizedDescription)")
        }
        let catalogue = Catalogue(count: options.items, seed: options.seed)
        let population = CustomerPopulation(count: options.customers, days: options.days, seed: options.seed)
        let formatter = TextFormatter(firstDay: population.startDay)
        let path = { (table: String) in folder + "/" + options.fileName(table) }

        let customers = try writeCustomers(population, options: options, path: path("customers"), formatter: formatter)
        let items = try writeItems(catalogue, options: options, path: path("items"), formatter: formatter)
        let events = try writeEvents(
            population: population, catalogue: catalogue, options: options, path: path("events"), formatter: formatter)

        let truth = TruthValue.object([
            "generator": .string("bespoke fixtures"),
            "truth_version": .int(1),
            "options": .object([
                "seed": .int(Int64(bitPattern: options.seed)),
                "customers": .int(options.customers),
                "items": .int(options.items),
                "days": .int(options.days),
                "events": .int(options.events),
                "format": .string(options.format.rawValue),
                "gzip": .bool(options.gzip && options.format != .parquet),
                "gzip_level": .int(options.gzipLevel),
            ]),
            "window": .object([
                "start": .string(TextFormatter.timestampText(Int64(population.startDay) * 86_400)),
                "end": .string(TextFormatter.timestampText(Int64(population.endDay) * 86_400)),
                "churn_cutoff": .string(TextFormatter.timestampText(Int64(population.endDay - 30) * 86_400)),
                "note": .string(
                    "events have start <= timestamp < end; every churner's last event is before churn_cutoff (30 days before end)"
                ),
            ]),
            "line_numbers": .string(
                "1-based physical lines; CSV line 1 is the header; no natural field holds a newline, so each record is one line. For Parquet, 'line' is the 1-based row number."
            ),
            "reject_reasons": .object(MalformedKind.reasonDescriptions.mapValues { .string($0) }),
            "tables": .object(["customers": customers.table, "items": items.table, "events": events.table]),
            "segments": .array(Segment.all.enumerated().map { segmentTruth($0.offset, $0.element) }),
            "latent_factor_count": .int(Catalogue.factorCount),
            "customers": .array(customers.perCustomer),
            "items": .array(items.perItem),
        ])
        let truthPath = folder + "/truth.json"
        let output = try FileOutput(path: truthPath, gzipLevel: nil)
        try output.write(Array(truth.json().utf8))
        try output.finish()
        return Summary(
            files: [path("customers"), path("items"), path("events"), truthPath],
            lines: ["customers": customers.lines, "items": items.lines, "events": events.lines],
            truth: truth)
    }

    private static func segmentTruth(_ id: Int, _ s: Segment) -> TruthValue {
        var categories: [String: TruthValue] = [:]
        for (c, weight) in s.categoryWeights.enumerated() {
            categories[Vocabulary.categories[c].name] = .double(weight)
        }
        return .object([
            "id": .int(id),
            "name": .string(s.name),
            "summary": .string(s.summary),
            "share": .double(s.share),
            "frequency_weight": .double(s.frequencyWeight),
            "search_probability": .double(s.searchProbability),
            "mean_extra_views": .double(s.meanExtraViews),
            "cart_probability": .double(s.cartProbability),
            "purchase_given_cart": .double(s.purchaseGivenCart),
            "rating_probability": .double(s.ratingProbability),
            "price_preference": .string(s.pricePreference.rawValue),
            "max_quantity": .int(s.maxQuantity),
            "churn_rate": .double(s.churnRate),
            "signup_within_last_days": s.signupWithinLastDays.map { .int($0) } ?? .null,
            "income_multiplier": .double(s.incomeMultiplier),
            "category_weights": .object(categories),
        ])
    }

    /// A `{count, rows}` object.
    static func listing(_ rows: [TruthValue], extra: [String: TruthValue] = [:]) -> TruthValue {
        var members = extra
        members["count"] = .int(rows.count)
        members["rows"] = .array(rows)
        return .object(members)
    }

    /// The median of integer values as a double (the mean of the middle two for an even count).
    static func median(_ values: [Int64], scale: Double = 1) -> TruthValue {
        guard !values.isEmpty else { return .null }
        let sorted = values.sorted()
        let n = sorted.count
        let mid = n % 2 == 1 ? Double(sorted[n / 2]) : (Double(sorted[n / 2 - 1]) + Double(sorted[n / 2])) / 2
        return .double(mid / scale)
    }

    static func mean(_ values: [Int64], scale: Double = 1) -> TruthValue {
        guard !values.isEmpty else { return .null }
        return .double(Double(values.reduce(0, +)) / Double(values.count) / scale)
    }
}
