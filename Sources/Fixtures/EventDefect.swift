/// A defect planted on one natural event. Each event carries at most one.
enum EventDefect: Equatable {
    /// The identical line again, 1–200 rows later.
    case duplicate
    /// The same event again, 50–2,049 rows later, with `ingested_at` 10 minutes to 2 days later.
    case resent
    /// A purchase with an empty `price`.
    case missingPrice
    /// A purchase with `quantity` 9999.
    case quantityOutlier
    /// A purchase with its price negated.
    case negativePrice
    case malformed(MalformedKind)

    /// Share of natural events planted with each defect (at least one of each).
    static let rates: [(EventDefect, Double)] = [
        (.duplicate, 0.005),
        (.resent, 0.003),
        (.missingPrice, 0.001),
        (.quantityOutlier, 0.0003),
        (.negativePrice, 0.0003),
        (.malformed(.fieldCount), 0.0001),
        (.malformed(.unparsableNumber), 0.0001),
        (.malformed(.unparsableDate), 0.0001),
        (.malformed(.invalidUTF8), 0.0001),
    ]

    /// Whether an event of `type` can carry this defect.
    func fits(_ type: EventSimulator.EventType) -> Bool {
        switch self {
        case .duplicate, .resent, .malformed(.fieldCount), .malformed(.unparsableDate): true
        case .missingPrice, .quantityOutlier, .negativePrice: type == .purchase
        case .malformed(.unparsableNumber): type == .purchase || type == .cart
        case .malformed(.invalidUTF8): type == .search
        case .malformed(.unterminatedQuote): false
        }
    }
}

/// Where the event defects go: planned positions in the stream of natural events, each defect moved
/// on to the next event that can carry it (a quantity outlier needs a purchase).
struct EventDefectPlan {
    /// Planned (position, defect) pairs in ascending position, and the next one to reach.
    private var planned: [(position: Int, defect: EventDefect)] = []
    private var cursor = 0
    private var waiting: [EventDefect] = []

    /// Plans defects for `events` natural events; malformed kinds only when `malformed` is set.
    init(events: Int, malformed: Bool, random: inout FixtureRandom) {
        var kinds: [EventDefect] = []
        for (defect, rate) in EventDefect.rates {
            if case .malformed = defect, !malformed { continue }
            let count = max(1, Int((Double(events) * rate).rounded()))
            kinds.append(contentsOf: repeatElement(defect, count: count))
        }
        random.shuffle(&kinds)
        // The last event is kept for the unterminated quote; the last 2% are left free so that deferred
        // defects still find an event.
        let span = max(kinds.count, Int(Double(events - 1) * 0.98))
        let positions = random.sample(kinds.count, below: span)
        planned = Array(zip(positions, kinds))
    }

    /// The defect for natural event `index` (called for 0, 1, 2, … in order) of type `type`, if any.
    mutating func defect(at index: Int, type: EventSimulator.EventType) -> EventDefect? {
        if cursor < planned.count && planned[cursor].position == index {
            waiting.append(planned[cursor].defect)
            cursor += 1
        }
        guard !waiting.isEmpty, let i = waiting.firstIndex(where: { $0.fits(type) }) else { return nil }
        return waiting.remove(at: i)
    }

    /// Defects that never found an event (normally none).
    var unplaced: Int { waiting.count + planned.count - cursor }
}
