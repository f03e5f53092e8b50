import Foundation
import Frame

/// Text and JSON renderings of a `RunDiff`.
extension RunDiff {
    static func number(_ d: Double?) -> String {
        guard let d else { return "none" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(format: "%.6g", d)
    }

    static func delta(_ a: Double?, _ b: Double?) -> String {
        guard let a, let b else { return "" }
        let x = b - a
        return " (" + (x >= 0 ? "+" : "") + number(x) + ")"
    }

    public func text() -> String {
        var out = "diff \(runA) → \(runB)\n"
        guard hasDifferences else { return out + "no differences\n" + scoresText() }
        for s in stages where s.hasDifferences {
            out += "stage \(s.stage)" + (s.presence.map { ": \($0)" } ?? "") + "\n"
            for c in s.counters {
                out += "  counter \(c.name): \(Self.number(c.a)) → \(Self.number(c.b))\(Self.delta(c.a, c.b))\n"
            }
            for m in s.metrics {
                out += "  metric \(m.name): \(Self.number(m.a)) → \(Self.number(m.b))\(Self.delta(m.a, m.b))\n"
            }
            for t in s.tables where !t.identical {
                out += "  table \(t.table)" + (t.key.map { " (key \($0.joined(separator: ", ")))" } ?? "")
                out += (t.presence.map { ": \($0)" } ?? "") + "\n"
                if let note = t.note { out += "    \(note)\n" }
                if t.rowsA != t.rowsB || t.presence == nil {
                    let a = t.rowsA.map { Double($0) }
                    let b = t.rowsB.map { Double($0) }
                    out += "    rows: \(Self.number(a)) → \(Self.number(b))\(Self.delta(a, b))\n"
                }
                for f in t.added { out += "    + column \(f)\n" }
                for f in t.removed { out += "    - column \(f)\n" }
                for r in t.retyped {
                    out +=
                        "    ~ column \(r.name): \(r.a.type)\(r.a.nullable ? "" : " not null") → \(r.b.type)\(r.b.nullable ? "" : " not null")\n"
                }
                guard t.presence == nil, t.note == nil else { continue }
                out +=
                    "    \(t.onlyInA) only in A, \(t.onlyInB) only in B, \(t.changed) changed, \(t.unchanged) unchanged"
                out += (t.key == nil ? " (compared by row position)" : "") + "\n"
                if t.duplicateKeys > 0 {
                    out += "    warning: \(t.duplicateKeys) rows repeat a key; the first was compared\n"
                }
                for c in t.columns {
                    var line = "    column \(c.name): \(c.changed) changed"
                    if let m = c.maxAbsoluteDifference { line += ", max |Δ| \(Self.number(m))" }
                    if c.meanA != c.meanB {
                        line +=
                            "; mean \(Self.number(c.meanA)) → \(Self.number(c.meanB))\(Self.delta(c.meanA, c.meanB))"
                    }
                    if c.nullsA != c.nullsB { line += "; nulls \(c.nullsA) → \(c.nullsB)" }
                    if c.rangeA?.lowerBound != c.rangeB?.lowerBound {
                        line += "; min \(Self.number(c.rangeA?.lowerBound)) → \(Self.number(c.rangeB?.lowerBound))"
                    }
                    if c.rangeA?.upperBound != c.rangeB?.upperBound {
                        line += "; max \(Self.number(c.rangeA?.upperBound)) → \(Self.number(c.rangeB?.upperBound))"
                    }
                    out += line + "\n"
                }
                if !t.samples.isEmpty {
                    out += "    samples:\n"
                    for s in t.samples { out += "      \(s.row): " + s.changes.joined(separator: "; ") + "\n" }
                }
            }
        }
        return out + scoresText()
    }

    public var json: JSONValue {
        func num(_ d: Double?) -> JSONValue {
            d.map {
                .number(JSONNumber(literal: $0 == $0.rounded() && abs($0) < 1e15 ? String(Int64($0)) : $0.description))
            } ?? .null
        }
        func deltas(_ ds: [NumberDelta]) -> JSONValue {
            .array(ds.map { ["name": .string($0.name), "a": num($0.a), "b": num($0.b)] })
        }
        func field(_ f: Field) -> JSONValue {
            ["name": .string(f.name), "type": .string(f.type.rawValue), "nullable": .bool(f.nullable)]
        }
        return [
            "run_a": .string(runA), "run_b": .string(runB), "differences": .bool(hasDifferences),
            "stages": .array(
                stages.map { s in
                    [
                        "stage": .string(s.stage), "presence": s.presence.map { .string($0) } ?? .null,
                        "fingerprint_changed": .bool(s.fingerprintChanged),
                        "counters": deltas(s.counters), "metrics": deltas(s.metrics),
                        "tables": .array(
                            s.tables.map { t in
                                [
                                    "table": .string(t.table), "file": .string(t.file),
                                    "presence": t.presence.map { .string($0) } ?? .null,
                                    "identical": .bool(t.identical),
                                    "rows_a": num(t.rowsA.map(Double.init)), "rows_b": num(t.rowsB.map(Double.init)),
                                    "key": t.key.map { .array($0.map { .string($0) }) } ?? .null,
                                    "added_columns": .array(t.added.map(field)),
                                    "removed_columns": .array(t.removed.map(field)),
                                    "retyped_columns": .array(
                                        t.retyped.map {
                                            ["name": .string($0.name), "a": field($0.a), "b": field($0.b)]
                                        }),
                                    "only_in_a": num(Double(t.onlyInA)), "only_in_b": num(Double(t.onlyInB)),
                                    "changed": num(Double(t.changed)), "unchanged": num(Double(t.unchanged)),
                                    "duplicate_keys": num(Double(t.duplicateKeys)),
                                    "columns": .array(
                                        t.columns.map { c in
                                            [
                                                "name": .string(c.name), "changed": num(Double(c.changed)),
                                                "max_abs_difference": num(c.maxAbsoluteDifference),
                                                "mean_a": num(c.meanA),
                                                "mean_b": num(c.meanB), "nulls_a": num(Double(c.nullsA)),
                                                "nulls_b": num(Double(c.nullsB)),
                                                "min_a": num(c.rangeA?.lowerBound), "min_b": num(c.rangeB?.lowerBound),
                                                "max_a": num(c.rangeA?.upperBound), "max_b": num(c.rangeB?.upperBound),
                                            ]
                                        }),
                                    "samples": .array(
                                        t.samples.map {
                                            ["row": .string($0.row), "changes": .array($0.changes.map { .string($0) })]
                                        }),
                                    "note": t.note.map { .string($0) } ?? .null,
                                ]
                            }),
                        "scores": s.scores.map(Self.scoresJSON) ?? .null,
                    ]
                }),
        ]
    }
}
