import Foundation
import Learn

/// Readable names and descriptions of segments, from where each segment's centroid lies in the
/// population — never from fixed numbers, so the same rules read any business's data.
///
/// With RFM roles (recency, frequency and optionally monetary columns), each role's segment mean is
/// placed in the population as a z-score (of `log1p` values for a skewed non-negative column) and
/// read as low (≤ −cut), mid or high (≥ cut); recency reads inverted (fewer days = more recent). The (recency, frequency) levels pick the classic RFM name:
/// Champions (recent, frequent, spend not low), Loyal, New (recent, few orders), At risk (used to
/// buy often, not lately), Hibernating (neither), Needs attention, About to sleep. Without roles,
/// the two columns whose segment mean lies farthest from the population mean in standard deviations
/// (of `log1p` values for a skewed non-negative column; at least `minimumZ`) name it: "high income, low age", "plan=Premium"; else "Typical".
enum SegmentNaming {
    struct Named: Sendable, Equatable {
        var name: String
        var description: String
    }

    enum Level: Int, Sendable {
        case low, mid, high
    }

    /// One numeric column's values for every row (missing already filled).
    struct NumericColumn: Sendable {
        var name: String
        var values: [Double]
    }

    /// One level of a categorical column: 1 where a row has it, else 0.
    struct LevelColumn: Sendable {
        var column: String
        var level: String
        var indicator: [Double]
    }

    /// The mean of `values` over the rows of each segment `0 ..< k` (NaN for an empty one).
    static func segmentMeans(_ values: [Double], labels: [Int32], k: Int) -> [Double] {
        var sums = [Double](repeating: 0, count: k)
        var counts = [Int](repeating: 0, count: k)
        for (v, l) in zip(values, labels) where l >= 0 {
            sums[Int(l)] += v
            counts[Int(l)] += 1
        }
        return (0..<k).map { counts[$0] == 0 ? .nan : sums[$0] / Double(counts[$0]) }
    }

    /// The values a role is compared on: `log1p` of a non-negative column whose skewness exceeds 1
    /// (spend, order counts), so a few very large customers do not make everyone else "average".
    static func comparable(_ values: [Double]) -> [Double] {
        let skewed = !values.isEmpty && FeaturePreparation.skewness(values) > 1
        return skewed && values.allSatisfy({ $0 >= 0 }) ? values.map { log1p($0) } : values
    }

    /// How many population standard deviations each segment's mean lies from the population mean
    /// (0 for a constant column, NaN for an empty segment).
    static func zScores(_ values: [Double], labels: [Int32], k: Int) -> [Double] {
        let n = Double(max(1, values.count))
        let mean = values.reduce(0, +) / n
        let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
        return segmentMeans(values, labels: labels, k: k).map { sd > 0 ? ($0 - mean) / sd : ($0.isNaN ? .nan : 0) }
    }

    static func level(_ z: Double, cut: Double) -> Level {
        z <= -cut ? .low : (z >= cut ? .high : .mid)
    }

    static func format(_ v: Double) -> String {
        if v.isNaN { return "n/a" }
        if abs(v) >= 100 || v == v.rounded() { return String(format: "%.0f", v) }
        return String(format: "%.3g", v)
    }

    /// RFM names for `k` segments.
    static func rfm(
        recency: NumericColumn, frequency: NumericColumn, monetary: NumericColumn?, labels: [Int32], k: Int,
        cut: Double
    ) -> [Named] {
        let roles = [recency, frequency] + (monetary.map { [$0] } ?? [])
        let overall = roles.map { $0.values.reduce(0, +) / Double(max(1, $0.values.count)) }
        let means = roles.map { segmentMeans($0.values, labels: labels, k: k) }
        let z = roles.map { zScores(comparable($0.values), labels: labels, k: k) }
        return (0..<k).map { s in
            let r = level(-z[0][s], cut: cut)
            let f = level(z[1][s], cut: cut)
            let m = monetary == nil ? nil : level(z[2][s], cut: cut)
            let name: String
            switch (r, f) {
            case (.high, .high): name = m == .low ? "Loyal" : "Champions"
            case (.high, .mid), (.mid, .high): name = "Loyal"
            case (.high, .low): name = "New"
            case (.mid, .mid): name = "Needs attention"
            case (.mid, .low): name = "About to sleep"
            case (.low, .high), (.low, .mid): name = "At risk"
            case (.low, .low): name = "Hibernating"
            }
            var traits: [String]
            if name == "At risk" {
                traits = ["used to buy often, not lately"]
            } else {
                traits = [
                    ["not recent", "moderately recent", "recent"][r.rawValue],
                    ["few orders", "occasional", "frequent"][f.rawValue],
                ]
            }
            if let m { traits.append(["low spend", "average spend", "high spend"][m.rawValue]) }
            let figures = (0..<roles.count).map {
                "\(roles[$0].name) \(format(means[$0][s])) vs \(format(overall[$0])) overall"
            }
            return Named(
                name: name, description: traits.joined(separator: ", ") + " (" + figures.joined(separator: "; ") + ")")
        }
    }

    /// Names from the most distinctive columns of each of `k` segments.
    static func distinctive(
        numeric: [NumericColumn], levels: [LevelColumn], labels: [Int32], k: Int, minimumZ: Double
    ) -> [Named] {
        struct Trait {
            var z: Double
            var order: Int
            var label: String
            var figure: String
        }
        var traits = [[Trait]](repeating: [], count: k)
        var order = 0
        for column in numeric {
            let mean = column.values.reduce(0, +) / Double(max(1, column.values.count))
            let means = segmentMeans(column.values, labels: labels, k: k)
            let zs = zScores(comparable(column.values), labels: labels, k: k)
            for s in 0..<k where zs[s] != 0 && !zs[s].isNaN {
                let z = zs[s]
                traits[s].append(
                    Trait(
                        z: z, order: order, label: (z > 0 ? "high " : "low ") + column.name,
                        figure: "\(column.name) \(format(means[s])) vs \(format(mean)) overall"))
            }
            order += 1
        }
        for level in levels {
            let n = Double(max(1, level.indicator.count))
            let share = level.indicator.reduce(0, +) / n
            let sd = (share * (1 - share)).squareRoot()
            let shares = segmentMeans(level.indicator, labels: labels, k: k)
            for s in 0..<k where sd > 0 && !shares[s].isNaN && shares[s] > share {
                let z = (shares[s] - share) / sd
                traits[s].append(
                    Trait(
                        z: z, order: order, label: "\(level.column)=\(level.level)",
                        figure:
                            "\(level.column)=\(level.level) \(format(100 * shares[s]))% vs \(format(100 * share))% overall"
                    ))
            }
            order += 1
        }
        return (0..<k).map { s in
            let chosen = traits[s].filter { abs($0.z) >= minimumZ }
                .sorted { abs($0.z) > abs($1.z) || (abs($0.z) == abs($1.z) && $0.order < $1.order) }
                .prefix(2)
            if chosen.isEmpty { return Named(name: "Typical", description: "close to the population on every column") }
            let label = chosen.map(\.label).joined(separator: ", ")
            return Named(
                name: label.prefix(1).uppercased() + label.dropFirst(),
                description: chosen.map(\.figure).joined(separator: "; "))
        }
    }

    /// `names` made unique: a repeated name gets " 2", " 3"… in segment order.
    static func unique(_ names: [String]) -> [String] {
        var seen: [String: Int] = [:]
        var taken = Set(names)
        return names.map { name in
            let count = seen[name, default: 0] + 1
            seen[name] = count
            guard count > 1 else { return name }
            var suffix = count
            while taken.contains("\(name) \(suffix)") { suffix += 1 }
            taken.insert("\(name) \(suffix)")
            return "\(name) \(suffix)"
        }
    }
}
