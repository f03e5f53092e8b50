#if canImport(Glibc)
    import Glibc
#endif

/// The customers: their attributes, latent segment and tastes, and the days they are active.
///
/// Days are counted from 1970-01-01. A customer is active on days `firstActiveDay ..< endActiveDay`;
/// a churner's `endActiveDay` is its churn day, at least 31 days before the end of the window, so
/// its last event is at least 30 days before the end.
struct CustomerPopulation {
    struct Customer {
        let id: Int64
        let segment: Int
        let signupDay: Int
        let age: Int
        /// 0 F, 1 M, 2 X.
        let gender: Int
        let incomeCents: Int64
        let city: Int
        /// Two favourite categories and two favourite latent factors.
        let favouriteCategories: (Int, Int)
        let favouriteFactors: (Int, Int)
        /// The churn day (first day without activity), or nil.
        let churnDay: Int?
        /// Relative activity: the segment's frequency times a per-customer spread.
        let activity: Double
    }

    static let genders = ["F", "M", "X"]

    let customers: [Customer]
    let startDay: Int
    let endDay: Int

    init(count: Int, days: Int, seed: UInt64) {
        var random = FixtureRandom(seed: seed, stream: "customers")
        endDay = FixtureOptions.endDay
        startDay = endDay - days
        let segments = Segment.all
        var segmentCumulative: [Double] = []
        var total = 0.0
        for s in segments {
            total += s.share
            segmentCumulative.append(total)
        }
        var cityCumulative: [Double] = []
        total = 0
        for c in Vocabulary.cities {
            total += c.weight
            cityCumulative.append(total)
        }
        var customers: [Customer] = []
        customers.reserveCapacity(count)
        for index in 0..<count {
            let s = random.index(cumulative: segmentCumulative)
            let segment = segments[s]
            let signupDay: Int
            if let recent = segment.signupWithinLastDays {
                signupDay = endDay - 1 - random.below(recent)
            } else {
                signupDay = endDay - 50 - random.below(3 * 365)
            }
            let age = min(80, max(18, Int((38 + 12 * random.normal()).rounded())))
            let g = random.unit()
            let gender = g < 0.48 ? 0 : (g < 0.96 ? 1 : 2)
            let city = random.index(cumulative: cityCumulative)
            let median = Vocabulary.cities[city].medianIncomeCents * segment.incomeMultiplier
            let income = min(40_000_000, max(1_200_000, Int64((median * exp(0.35 * random.normal())).rounded())))
            let c1 = random.below(Vocabulary.categories.count)
            let c2 = (c1 + 1 + random.below(Vocabulary.categories.count - 1)) % Vocabulary.categories.count
            let f1 = random.below(Catalogue.factorCount)
            let f2 = (f1 + 1 + random.below(Catalogue.factorCount - 1)) % Catalogue.factorCount
            var churnDay: Int? = nil
            if random.chance(segment.churnRate) {
                let earliest = max(startDay + 14, signupDay + 7)
                let latest = endDay - 31
                if earliest <= latest { churnDay = earliest + random.below(latest - earliest + 1) }
            }
            let activity = segment.frequencyWeight * exp(0.4 * random.normal())
            customers.append(
                Customer(
                    id: Int64(100_001 + index), segment: s, signupDay: signupDay, age: age, gender: gender,
                    incomeCents: income, city: city, favouriteCategories: (c1, c2), favouriteFactors: (f1, f2),
                    churnDay: churnDay, activity: activity))
        }
        self.customers = customers
    }

    /// The first day the customer can have events.
    func firstActiveDay(_ c: Customer) -> Int { max(startDay, c.signupDay) }

    /// The first day the customer has no more events.
    func endActiveDay(_ c: Customer) -> Int { c.churnDay ?? endDay }
}
