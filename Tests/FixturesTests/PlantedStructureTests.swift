import Fixtures
import Foundation
import Testing

/// The latent structure `truth.json` claims is really in the events: segments, churn, co-purchases.
@Suite struct PlantedStructureTests {
    /// Valid events, one per event_id.
    struct CleanEvent: Sendable {
        let customer: Int
        let item: Int?
        let type: String
        let day: Int
        let priceCents: Int64?
        let quantity: Int?
        let session: String
    }

    static let cleanEvents: [CleanEvent] = {
        var seen = Set<Int>()
        var out: [CleanEvent] = []
        for r in defaultFixtures.events.dropFirst() {
            guard
                TruthRecountTests.rejectReason(
                    r, fields: 11, integers: [0, 1, 2, 5, 9], decimals: [6], dates: [], timestamps: [4, 10]) == nil,
                seen.insert(Int(r.string(0))!).inserted
            else { continue }
            out.append(
                CleanEvent(
                    customer: Int(r.string(1))!, item: Int(r.string(2)), type: r.string(3), day: Self.day(r.fields[4]),
                    priceCents: r.fields[6].isEmpty ? nil : ValueCheck.cents(r.fields[6]), quantity: Int(r.string(5)),
                    session: r.string(7)))
        }
        return out
    }()

    /// Days since 1970-01-01 of a `YYYY-MM-DD…` text.
    static func day(_ b: [UInt8]) -> Int {
        let y = ValueCheck.number(b, from: 0, count: 4)!, m = ValueCheck.number(b, from: 5, count: 2)!
        let d = ValueCheck.number(b, from: 8, count: 2)!
        // Howard Hinnant's days_from_civil.
        let yy = m <= 2 ? y - 1 : y
        let era = yy / 400
        let yoe = yy - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        return era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
    }

    static var customers: [[String: Any]] { defaultFixtures.truth["customers"] as! [[String: Any]] }

    static var window: (start: Int, end: Int) {
        let w = defaultFixtures.truth["window"] as! [String: Any]
        return (day(Array(w.string("start").utf8)), day(Array(w.string("end").utf8)))
    }

    @Test func segmentsDifferAsDefined() throws {
        let (start, end) = Self.window
        var segmentOf: [Int: String] = [:]
        var activeDays: [Int: Int] = [:]
        var signup: [Int: Int] = [:]
        for r in defaultFixtures.customers.dropFirst() where r.fields.count == 6 && ValueCheck.isDate(r.fields[1]) {
            signup[Int(r.string(0)) ?? 0] = Self.day(r.fields[1])
        }
        for c in Self.customers {
            let id = c.int("customer_id")
            segmentOf[id] = c.string("segment")
            let first = max(start, signup[id] ?? start)
            let last = (c["churn_date"] as? String).map { Self.day(Array($0.utf8)) } ?? end
            activeDays[id] = max(1, last - first)
        }
        var sessions: [Int: Set<String>] = [:]
        var spend: [Int: Int64] = [:]
        var unitPrices: [String: [Int64]] = [:]
        for e in Self.cleanEvents {
            sessions[e.customer, default: []].insert(e.session)
            if e.type == "purchase", let p = e.priceCents, p > 0, let q = e.quantity, q < 9999 {
                spend[e.customer, default: 0] += p * Int64(q)
                unitPrices[segmentOf[e.customer]!, default: []].append(p)
            }
        }
        var rate: [String: [Double]] = [:]
        var monetary: [String: [Double]] = [:]
        for (id, segment) in segmentOf {
            rate[segment, default: []].append(Double(sessions[id]?.count ?? 0) / Double(activeDays[id]!))
            monetary[segment, default: []].append(Double(spend[id] ?? 0) / 100)
        }
        func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
        let r = rate.mapValues(mean), m = monetary.mapValues(mean),
            price = unitPrices.mapValues { mean($0.map(Double.init)) }
        // Sessions per active day follow the defined frequency weights (3.0 > 2.0 > 1.5 > 0.4), with a margin.
        #expect(r["loyal_high_spenders"]! > 1.3 * r["new_and_curious"]!)
        #expect(r["new_and_curious"]! > 1.15 * r["bargain_hunters"]!)
        #expect(r["bargain_hunters"]! > 3 * r["occasional_browsers"]!)
        // Spend: high spenders spend the most and pay the most per item; bargain hunters the least per item.
        #expect(m["loyal_high_spenders"]! > 2 * m["bargain_hunters"]!)
        #expect(m["loyal_high_spenders"]! > 5 * m["occasional_browsers"]!)
        #expect(price["loyal_high_spenders"]! > 1.5 * price["bargain_hunters"]!)
        #expect(price["loyal_high_spenders"]! > 1.5 * price["occasional_browsers"]!)
        // Segment shares are near their definitions.
        let shares = Dictionary(grouping: segmentOf.values, by: { $0 }).mapValues {
            Double($0.count) / Double(segmentOf.count)
        }
        for s in defaultFixtures.truth["segments"] as! [[String: Any]] {
            #expect(abs(shares[s.string("name")]! - s.double("share")) < 0.03)
        }
    }

    @Test func churnersStopBeforeTheLastThirtyDays() throws {
        let (_, end) = Self.window
        var churnDay: [Int: Int] = [:]
        for c in Self.customers where c["churned"] as! Bool {
            churnDay[c.int("customer_id")] = Self.day(Array(c.string("churn_date").utf8))
        }
        let share = Double(churnDay.count) / Double(Self.customers.count)
        #expect(share > 0.15 && share < 0.25)
        #expect(churnDay.values.allSatisfy { $0 <= end - 31 })
        var lastDay: [Int: Int] = [:]
        for e in Self.cleanEvents { lastDay[e.customer] = max(lastDay[e.customer] ?? 0, e.day) }
        let late = churnDay.filter { id, churn in (lastDay[id] ?? 0) >= churn || (lastDay[id] ?? 0) >= end - 30 }
        #expect(late.isEmpty)
        // Most churners were active before they left, and most others are active in the last 30 days.
        #expect(churnDay.keys.filter { lastDay[$0] != nil }.count > churnDay.count * 3 / 4)
        let stayers = Self.customers.filter { !($0["churned"] as! Bool) }.map { $0.int("customer_id") }
        let recent = stayers.filter { (lastDay[$0] ?? 0) >= end - 30 }.count
        #expect(Double(recent) / Double(stayers.count) > 0.6)
    }

    @Test func itemsSharingAFactorAreCoPurchased() throws {
        var factor: [Int: Int] = [:]
        for i in defaultFixtures.truth["items"] as! [[String: Any]] { factor[i.int("item_id")] = i.int("factor") }
        var basket: [Int: Set<Int>] = [:]
        for e in Self.cleanEvents where e.type == "purchase" { basket[e.customer, default: []].insert(e.item!) }
        // Share of same-factor pairs among items bought by one customer, against all purchased items.
        var same = 0, pairs = 0
        var factorCounts = [Int](repeating: 0, count: 8)
        for items in basket.values {
            let list = items.sorted()
            for f in list { factorCounts[factor[f]!] += 1 }
            for a in 0..<list.count {
                for b in a + 1..<list.count {
                    pairs += 1
                    if factor[list[a]] == factor[list[b]] { same += 1 }
                }
            }
        }
        let total = Double(factorCounts.reduce(0, +))
        let chance = factorCounts.reduce(0.0) { $0 + pow(Double($1) / total, 2) }
        let observed = Double(same) / Double(pairs)
        #expect(pairs > 1_000)
        #expect(observed > 2.5 * chance, "same-factor share \(observed) against chance \(chance)")
    }
}
