import Foundation

/// Text and JSON renderings of the domain diff of score tables.
extension RunDiff {
    /// One section per stage with score tables in both runs; empty when there is none.
    func scoresText() -> String {
        var out = ""
        for s in stages {
            guard let d = s.scores else { continue }
            out += "scores of stage \(d.stage) (customers matched by customer_id)\n"
            if let r = d.recommendations {
                out += "  recommendations: \(Self.presence(r.customersInBoth, r.onlyInA, r.onlyInB))\n"
                out += "    mean top-K Jaccard overlap \(Self.number(r.meanJaccard)); lists changed (items or order): "
                out += "\(r.changed) of \(r.customersInBoth)" + (r.changedShare.map { " (\(Self.percent($0)))" } ?? "")
                out += "\n"
            }
            for (title, m) in [("segments", d.segments), ("churn bands", d.churnBands)] {
                guard let m else { continue }
                out += "  \(title): \(Self.presence(m.customersInBoth, m.onlyInA, m.onlyInB)); \(m.moved) moved\n"
                out += Self.matrixText(m, indent: "    ")
            }
        }
        return out
    }

    static func presence(_ both: Int, _ onlyA: Int, _ onlyB: Int) -> String {
        "\(both) customers in both, \(onlyA) only in A, \(onlyB) only in B"
    }

    static func percent(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }

    /// The migration as a table: a row per label in A, a column per label in B.
    static func matrixText(_ m: Migration, indent: String) -> String {
        let corner = "A \\ B"
        let rows =
            [[corner] + m.labels]
            + m.labels.map { from in [from] + m.labels.map { String(m.count(from: from, to: $0)) } }
        let widths = (0...m.labels.count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        var out = ""
        for row in rows {
            var line = indent
            for (c, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                line += c == 0 ? cell + pad : "  " + pad + cell
            }
            out += line + "\n"
        }
        return out
    }

    static func scoresJSON(_ d: ScoreDiff) -> JSONValue {
        func int(_ i: Int) -> JSONValue { .number(JSONNumber(i)) }
        func double(_ x: Double?) -> JSONValue { x.map { .number(JSONNumber(literal: $0.description)) } ?? .null }
        func migration(_ m: Migration?) -> JSONValue {
            guard let m else { return .null }
            return [
                "customers_in_both": int(m.customersInBoth), "only_in_a": int(m.onlyInA), "only_in_b": int(m.onlyInB),
                "moved": int(m.moved), "labels": .array(m.labels.map { .string($0) }),
                "matrix": .array(m.labels.map { from in .array(m.labels.map { int(m.count(from: from, to: $0)) }) }),
            ]
        }
        return [
            "stage": .string(d.stage),
            "recommendations": d.recommendations.map { r -> JSONValue in
                [
                    "customers_in_both": int(r.customersInBoth), "only_in_a": int(r.onlyInA),
                    "only_in_b": int(r.onlyInB), "mean_jaccard": double(r.meanJaccard), "changed": int(r.changed),
                    "changed_share": double(r.changedShare),
                ]
            } ?? .null,
            "segments": migration(d.segments), "churn_bands": migration(d.churnBands),
        ]
    }
}
