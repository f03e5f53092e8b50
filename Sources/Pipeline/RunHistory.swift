import Foundation

/// The runs under a runs folder, from each run's run.json (`bespoke runs`).
public struct RunHistory: Sendable {
    public struct Entry: Sendable {
        public var id: String
        /// nil when the folder has no readable run.json.
        public var record: RunRecord?
        public var problem: String?
        public var isLatest: Bool
    }

    public var entries: [Entry]

    public init(runsDirectory: String) {
        let latest = RunFolder.latestID(in: runsDirectory)
        entries = RunFolder.runIDs(in: runsDirectory).map { id in
            guard let folder = try? RunFolder(runsDirectory: runsDirectory, id: id) else {
                return Entry(id: id, record: nil, problem: "not a run folder", isLatest: false)
            }
            do {
                return Entry(id: id, record: try RunRecord.load(folder), problem: nil, isLatest: id == latest)
            } catch {
                return Entry(id: id, record: nil, problem: String(describing: error), isLatest: id == latest)
            }
        }
    }

    public func text() -> String {
        if entries.isEmpty { return "no runs\n" }
        var rows = [["RUN", "STATUS", "STARTED", "SECONDS", "STAGES", ""]]
        for e in entries {
            guard let r = e.record else {
                rows.append([e.id, "unknown", "", "", e.problem ?? "no run.json", e.isLatest ? "latest" : ""])
                continue
            }
            let counts = Dictionary(grouping: r.stages.values, by: \.observedStatus).mapValues(\.count)
            let stages = [RunRecord.StageEntry.Status.succeeded, .upToDate, .failed, .blocked, .running, .interrupted]
                .compactMap { s in counts[s].map { "\($0) \(s.rawValue.replacingOccurrences(of: "_", with: " "))" } }
                .joined(separator: ", ")
            rows.append([
                e.id, r.observedStatus.rawValue, r.started, r.seconds.map { String(format: "%.1f", $0) } ?? "",
                stages, e.isLatest ? "latest" : "",
            ])
        }
        let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }

    public var json: JSONValue {
        .array(
            entries.map { e in
                var m: [(key: String, value: JSONValue)] = [("run", .string(e.id)), ("latest", .bool(e.isLatest))]
                if let r = e.record {
                    m.append(("status", .string(r.observedStatus.rawValue)))
                    m.append(("started", .string(r.started)))
                    if let f = r.finished { m.append(("finished", .string(f))) }
                    if let s = r.seconds { m.append(("seconds", .number(JSONNumber(s)))) }
                    m.append(("pipeline_hash", .string(r.pipelineHash)))
                    var observed = r
                    for (name, entry) in r.stages { observed.stages[name]?.status = entry.observedStatus }
                    m.append(("stages", observed.json["stages"] ?? .object([])))
                }
                if let p = e.problem { m.append(("problem", .string(p))) }
                return .object(m)
            })
    }
}
