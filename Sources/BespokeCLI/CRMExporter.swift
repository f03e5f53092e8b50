import Foundation
import Frame
import Parquet
import Pipeline

/// Joins a run's score tables into one row per customer for a CRM import (`bespoke export --crm`).
///
/// The tables are sorted by `customer_index`, so the join is a merge of the three streams: memory
/// holds one row group of each table and a buffer of text, never all customers. Customers come
/// out in `customer_index` order; a customer missing from a table gets nulls (and an empty list)
/// for that table's fields.
struct CRMExporter {
    enum Format { case csv, jsonl }

    /// How CSV carries the recommendations: `wide` gives rec_<r>_item_id, rec_<r>_score,
    /// rec_<r>_reason, rec_<r>_model for r = 1…K (what spreadsheet-style CRM imports map to
    /// fields); `json` gives one `recommendations` column holding the JSON array JSON Lines has.
    enum CSVLayout: String, CaseIterable { case wide, json }

    static let customerColumns = [
        "customer_id", "segment", "segment_name", "churn_probability", "churn_band", "churn_drivers",
    ]
    static let recommendationFields = ["item_id", "score", "reason", "model"]

    let format: Format
    let layout: CSVLayout
    /// Files of the tables the run has; a table left out makes its fields null for everyone.
    let tables: [ScoreTable: String]
    /// Bytes of text gathered before they go to the sink.
    var flushBytes = 1 << 20

    init(format: Format, layout: CSVLayout = .wide, tables: [ScoreTable: String]) {
        self.format = format
        self.layout = layout
        self.tables = tables
    }

    /// Writes the header (CSV) and one line per customer; returns the number of customers.
    @discardableResult
    func write(to sink: OutputSink) throws -> Int {
        var readers: [ScoreTableReader] = []
        for table in ScoreTable.allCases {
            if let path = tables[table] { readers.append(try ScoreTableReader(table: table, path: path)) }
        }
        let width = format == .csv && layout == .wide ? try maxRecommendations() : 0
        var out = ""
        if format == .csv { out += header(recommendations: width) }
        var customers = 0
        while true {
            var key: Int64?
            for i in readers.indices {
                if let k = try readers[i].nextKey() { key = min(key ?? k, k) }
            }
            guard let key else { break }
            var rows: [ScoreTable: [ScoreTableReader.Piece]] = [:]
            for i in readers.indices {
                guard try readers[i].nextKey() == key else { continue }
                rows[readers[i].table] = try readers[i].next()?.pieces
            }
            try appendCustomer(key, rows, width: width, to: &out)
            customers += 1
            if out.utf8.count >= flushBytes {
                try sink.write(Array(out.utf8))
                out = ""
            }
        }
        try sink.write(Array(out.utf8))
        return customers
    }

    func header(recommendations width: Int) -> String {
        var names = Self.customerColumns
        if layout == .json {
            names.append("recommendations")
        } else {
            for r in 0..<width { names += Self.recommendationFields.map { "rec_\(r + 1)_\($0)" } }
        }
        return names.joined(separator: ",") + "\n"
    }

    /// The most recommendations any customer has: the number of `rec_` column groups.
    func maxRecommendations() throws -> Int {
        guard let path = tables[.recommendations] else { return 0 }
        var reader = try ScoreTableReader(table: .recommendations, path: path)
        var most = 0
        while let next = try reader.next() { most = max(most, next.pieces.reduce(0) { $0 + $1.rows.count }) }
        return most
    }

    // MARK: One customer

    private func appendCustomer(
        _ key: Int64, _ rows: [ScoreTable: [ScoreTableReader.Piece]], width: Int, to out: inout String
    ) throws {
        // Column positions follow `ScoreTable.columns`: 0 customer_index, 1 customer_id; then
        // recommendations 2 rank, 3 item_id, 4 score, 5 model, 6 reason; segments 2 segment,
        // 3 segment_name; churn 2 probability, 3 band, 4…6 driver_1…driver_3.
        var id: (table: ScoreTable, column: Column, row: Int)?
        for table in ScoreTable.allCases {
            guard let piece = rows[table]?.first else { continue }
            let cell = (table, piece.frame.columns[1], piece.rows.lowerBound)
            if let id, ScoreValue.id(id.column, id.row) != ScoreValue.id(cell.1, cell.2) {
                throw ScoreTableError.conflictingID(
                    customerIndex: key, table: id.table.name, id: ValueFormatter.json(id.column, id.row),
                    otherTable: table.name, otherID: ValueFormatter.json(cell.1, cell.2))
            }
            if id == nil { id = cell }
        }
        let segment = rows[.customerSegments]?.first.map { ($0.frame.columns, $0.rows.lowerBound) }
        let churn = rows[.churnScores]?.first.map { ($0.frame.columns, $0.rows.lowerBound) }
        let recs = ScoreTableReader.ranked(rows[.recommendations] ?? [])
        let drivers: [String] = churn.map { c, r in (4...6).compactMap { ScoreValue.string(c[$0], r) } } ?? []
        switch format {
        case .jsonl:
            out += "{\"customer_id\":" + (id.map { ValueFormatter.json($0.column, $0.row) } ?? "null")
            out += ",\"segment\":" + (segment.map { ValueFormatter.json($0.0[2], $0.1) } ?? "null")
            out += ",\"segment_name\":" + (segment.map { ValueFormatter.json($0.0[3], $0.1) } ?? "null")
            out += ",\"churn_probability\":" + (churn.map { ValueFormatter.json($0.0[2], $0.1) } ?? "null")
            out += ",\"churn_band\":" + (churn.map { ValueFormatter.json($0.0[3], $0.1) } ?? "null")
            out += ",\"churn_drivers\":[" + drivers.map(ValueFormatter.jsonString).joined(separator: ",") + "]"
            out += ",\"recommendations\":" + Self.jsonArray(recs) + "}\n"
        case .csv:
            out += Self.csv(id.map { ($0.column, $0.row) })
            out += "," + Self.csv(segment.map { ($0.0[2], $0.1) })
            out += "," + Self.csv(segment.map { ($0.0[3], $0.1) })
            out += "," + Self.csv(churn.map { ($0.0[2], $0.1) })
            out += "," + Self.csv(churn.map { ($0.0[3], $0.1) })
            out += "," + (drivers.isEmpty ? "" : ValueFormatter.csvField(drivers.joined(separator: "; ")))
            switch layout {
            case .json:
                out += "," + ValueFormatter.csvField(Self.jsonArray(recs))
            case .wide:
                for r in 0..<width {
                    guard r < recs.count else {
                        out += ",,,,"
                        continue
                    }
                    let (c, row) = recs[r]
                    for i in [3, 4, 6, 5] { out += "," + Self.csv((c[i], row)) }
                }
            }
            out += "\n"
        }
    }

    /// `[{"rank":1,"item_id":…,"score":…,"reason":…,"model":…},…]`.
    private static func jsonArray(_ recs: [(columns: [Column], row: Int)]) -> String {
        var s = "["
        for (n, (c, r)) in recs.enumerated() {
            if n > 0 { s += "," }
            s += "{\"rank\":" + ValueFormatter.json(c[2], r) + ",\"item_id\":" + ValueFormatter.json(c[3], r)
            s += ",\"score\":" + ValueFormatter.json(c[4], r) + ",\"reason\":" + ValueFormatter.json(c[6], r)
            s += ",\"model\":" + ValueFormatter.json(c[5], r) + "}"
        }
        return s + "]"
    }

    /// A CSV field: empty for null, `""` for the empty string (so the two differ), else quoted as needed.
    private static func csv(_ cell: (Column, Int)?) -> String {
        guard let (c, r) = cell, let text = ValueFormatter.text(c, r) else { return "" }
        return text.isEmpty ? "\"\"" : ValueFormatter.csvField(text)
    }
}
