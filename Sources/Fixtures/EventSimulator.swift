#if canImport(Glibc)
    import Glibc
#endif

/// Simulates the natural events of the window one day at a time, in timestamp order.
///
/// The total is exactly `FixtureOptions.events`: it is split over the days in proportion to the summed
/// activity of the customers active that day (with busier weekends), and each day's share is filled
/// with sessions of customers drawn by activity. A session is an optional search, item views, maybe a
/// cart and a purchase, maybe a rating; the items follow the customer's category tastes and latent
/// factors, and its segment's price preference. Event ids count up in timestamp order from 1.
struct EventSimulator {
    enum EventType: UInt8 {
        case view, cart, purchase, search, rating

        var name: String {
            switch self {
            case .view: "view"
            case .cart: "cart"
            case .purchase: "purchase"
            case .search: "search"
            case .rating: "rating"
            }
        }
    }

    struct Event {
        var eventID: Int64 = 0
        var customer: Int32
        /// Item index, or −1 for searches.
        var item: Int32
        var type: EventType
        /// Seconds since the Unix epoch.
        var timestamp: Int64
        /// 0 when the type has no quantity.
        var quantity: Int32
        /// Price in cents; `nil` when the type has no price.
        var priceCents: Int64?
        var session: Int64
        /// Query index into `Catalogue.queries`, or −1.
        var query: Int32
        /// 1...5, or 0 when not a rating.
        var rating: Int8
        var ingestedAt: Int64
        /// Order of generation within the day, to break timestamp ties.
        var order: Int32
    }

    let population: CustomerPopulation
    let catalogue: Catalogue
    private var random: FixtureRandom
    private var budgets: [Int]
    private(set) var day: Int
    private var nextEventID: Int64 = 1
    private var nextSession: Int64 = 1
    private var cumulative: [Double] = []
    private var active: [Int32] = []
    private let segmentCategoryCumulative: [[Double]]
    private let hourCumulative: [Double]

    init(population: CustomerPopulation, catalogue: Catalogue, events: Int, seed: UInt64) {
        self.population = population
        self.catalogue = catalogue
        random = FixtureRandom(seed: seed, stream: "events")
        day = population.startDay
        let days = population.endDay - population.startDay
        // Summed activity per day, from a difference array over each customer's active span.
        var difference = [Double](repeating: 0, count: days + 1)
        for c in population.customers {
            let first = population.firstActiveDay(c) - population.startDay
            let end = population.endActiveDay(c) - population.startDay
            guard first < end else { continue }
            difference[first] += c.activity
            difference[end] -= c.activity
        }
        var weights: [Double] = []
        var running = 0.0
        for d in 0..<days {
            running += difference[d]
            // 1970-01-01 was a Thursday: (day + 3) % 7 is 5 or 6 on Saturday and Sunday.
            let weekday = (population.startDay + d + 3) % 7
            weights.append(max(0, running) * (weekday >= 5 ? 1.25 : 1.0))
        }
        budgets = Self.apportion(events, weights: weights)
        segmentCategoryCumulative = Segment.all.map { s in
            var total = 0.0
            return s.categoryWeights.map {
                total += $0; return total
            }
        }
        let hours: [Double] = [
            1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 3.5, 3.5, 4, 4.5, 4, 3.5, 3.5, 4, 4.5, 5.5, 6.5, 7, 6, 4, 2,
        ]
        var total = 0.0
        hourCumulative = hours.map {
            total += $0; return total
        }
    }

    /// Largest-remainder split of `total` in proportion to `weights` (ties to the earlier day).
    static func apportion(_ total: Int, weights: [Double]) -> [Int] {
        let sum = weights.reduce(0, +)
        guard sum > 0 else {
            var out = [Int](repeating: total / weights.count, count: weights.count)
            for i in 0..<total % weights.count { out[i] += 1 }
            return out
        }
        let exact = weights.map { Double(total) * $0 / sum }
        var out = exact.map { Int($0.rounded(.down)) }
        let remainders = exact.enumerated().map { ($0.offset, $0.element - $0.element.rounded(.down)) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        for i in 0..<(total - out.reduce(0, +)) { out[remainders[i].0] += 1 }
        return out
    }

    /// The next day's events in timestamp order, or nil after the last day.
    mutating func nextDay() -> [Event]? {
        guard day < population.endDay else { return nil }
        defer { day += 1 }
        let budget = budgets[day - population.startDay]
        var events: [Event] = []
        events.reserveCapacity(budget)
        active.removeAll(keepingCapacity: true)
        cumulative.removeAll(keepingCapacity: true)
        var total = 0.0
        for (i, c) in population.customers.enumerated()
        where population.firstActiveDay(c) <= day && day < population.endActiveDay(c) {
            total += c.activity
            active.append(Int32(i))
            cumulative.append(total)
        }
        guard !active.isEmpty else { return events }
        while events.count < budget {
            let customer = Int(active[random.index(cumulative: cumulative)])
            simulateSession(customer: customer, budget: budget, into: &events)
        }
        events.sort { $0.timestamp != $1.timestamp ? $0.timestamp < $1.timestamp : $0.order < $1.order }
        for i in events.indices {
            events[i].eventID = nextEventID
            nextEventID += 1
        }
        return events
    }

    private mutating func simulateSession(customer index: Int, budget: Int, into events: inout [Event]) {
        let customer = population.customers[index]
        let segment = Segment.all[customer.segment]
        let session = nextSession
        nextSession += 1
        let u = random.unit()
        let category =
            u < 0.4
            ? random.index(cumulative: segmentCategoryCumulative[customer.segment])
            : (u < 0.8 ? customer.favouriteCategories.0 : customer.favouriteCategories.1)
        let v = random.unit()
        let factor =
            v < 0.6
            ? customer.favouriteFactors.0
            : (v < 0.85 ? customer.favouriteFactors.1 : random.below(Catalogue.factorCount))
        let hour = random.index(cumulative: hourCumulative)
        var clock = Int64(day) * 86_400 + Int64(hour * 3600 + random.below(3600))
        let lastSecond = Int64(day) * 86_400 + 86_399

        func add(_ type: EventType, item: Int, quantity: Int32 = 0, query: Int32 = -1, rating: Int8 = 0) {
            guard events.count < budget else { return }
            let price: Int64? = type == .cart || type == .purchase ? catalogue.items[item].priceCents : nil
            // Most events arrive within a minute; 2% arrive hours late.
            let delay = random.chance(0.02) ? Int64(3600 + random.below(5 * 3600)) : Int64(1 + random.below(60))
            events.append(
                Event(
                    customer: Int32(index), item: Int32(item), type: type, timestamp: clock, quantity: quantity,
                    priceCents: price, session: session, query: query, rating: rating, ingestedAt: clock + delay,
                    order: Int32(events.count)))
            clock = min(lastSecond, clock + Int64(5 + random.below(175)))
        }

        if random.chance(segment.searchProbability) {
            let queries = catalogue.queriesByCategory[category]
            add(.search, item: -1, query: Int32(random.pick(queries)))
        }
        var viewed: [Int] = []
        for _ in 0..<1 + min(12, random.geometric(mean: segment.meanExtraViews)) {
            let item = chooseItem(category: category, factor: factor, preference: segment.pricePreference)
            viewed.append(item)
            add(.view, item: item)
        }
        if random.chance(segment.cartProbability) {
            let item = viewed[random.below(viewed.count)]
            let quantity = Int32(min(segment.maxQuantity, 1 + random.geometric(mean: 0.35)))
            add(.cart, item: item, quantity: quantity)
            if random.chance(segment.purchaseGivenCart) { add(.purchase, item: item, quantity: quantity) }
        }
        if random.chance(segment.ratingProbability) {
            let item = viewed[random.below(viewed.count)]
            add(.rating, item: item, rating: rate(customer, item: item))
        }
    }

    /// Two candidates from the customer's bucket; the segment's price preference picks one.
    private mutating func chooseItem(category: Int, factor: Int, preference: Segment.PricePreference) -> Int {
        let first = catalogue.draw(category: category, factor: factor, random: &random)
        guard preference != .neutral else { return first }
        let second = catalogue.draw(category: category, factor: factor, random: &random)
        let (a, b) = (catalogue.items[first].priceCents, catalogue.items[second].priceCents)
        switch preference {
        case .high: return b > a ? second : first
        default: return b < a ? second : first
        }
    }

    /// A rating that follows the customer's affinity to the item's latent factor and category.
    private mutating func rate(_ customer: CustomerPopulation.Customer, item index: Int) -> Int8 {
        let item = catalogue.items[index]
        var base =
            item.factor == customer.favouriteFactors.0 ? 4.3 : (item.factor == customer.favouriteFactors.1 ? 3.5 : 2.3)
        if item.category == customer.favouriteCategories.0 || item.category == customer.favouriteCategories.1 {
            base += 0.3
        }
        return Int8(min(5, max(1, (base + 0.8 * random.normal()).rounded())))
    }
}
