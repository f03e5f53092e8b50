import Frame
import Pipeline

/// The customers the score stage gives a segment and a churn score: the rows of `params.customers`
/// with their `customer_index` and `customer_id`, in `customer_index` order (how every score table
/// is sorted, so `bespoke export --crm` can merge them).
///
/// The features stage's `customer_features` carries `customer_index`, numbered by the
/// `customer_index` table that recommendations use. Any other customer table (a CRM export, a
/// telecom contract table) is matched to that index by its key; customers the index does not
/// know (no events) are numbered after it, in table order. Without recommendations there is no
/// index, and customers are numbered in table order.
struct ScoredCustomers {
    /// The table as read: segment and churn models score it row by row.
    let frame: Frame
    /// Its name, for messages.
    let table: String
    /// The scored rows of `frame`, in `customer_index` order.
    let rows: [Int]
    /// The `customer_index` of each of `rows`.
    let index: [Int32]
    /// The `customer_id` of each of `rows`.
    let ids: Column
    /// The `customer_id` field of the output tables.
    let idField: Field
    /// Rows left out because their key is null.
    let withoutKey: Int

    /// A customer id, whatever the column's type, so a table's key can be matched to the index's ids.
    enum Identity: Hashable {
        case number(Int64)
        case text(String)
    }

    init(_ frame: Frame, table: String, key: String, customerIndex: Frame?, stage: String) throws(StageError) {
        self.frame = frame
        self.table = table
        if let customerIndex, case .int32(let positions)? = frame["customer_index"]?.values {
            // The features stage's own table: its index is the recommendations' index.
            guard positions.allSatisfy({ $0 >= 0 && Int($0) < customerIndex.rowCount }) else {
                throw .invalidParameter(
                    stage: stage, path: "params.customers",
                    message: "table '\(table)': customer_index is outside the customer_index table's "
                        + "\(customerIndex.rowCount) customers")
            }
            rows = (0..<frame.rowCount).sorted { positions[$0] < positions[$1] }
            index = rows.map { positions[$0] }
            ids = customerIndex.columns[1].gather(index.map(Int.init))
            idField = customerIndex.schema.fields[1]
            withoutKey = 0
            return
        }
        guard let column = frame[key] else {
            throw .invalidParameter(
                stage: stage, path: "params.customer_key",
                message: "table '\(table)' has no column '\(key)'"
                    + DidYouMean.hint(for: key, among: frame.schema.fields.map(\.name)) + "; its columns: "
                    + frame.schema.fields.map(\.name).joined(separator: ", "))
        }
        let identities = try Self.identities(column, table: table, key: key, stage: stage)
        var known: [Identity: Int32] = [:]
        if let customerIndex {
            let indexIds = try Self.identities(
                customerIndex.columns[1], table: "customer_index", key: customerIndex.schema.fields[1].name,
                stage: stage)
            for (i, id) in indexIds.enumerated() { if let id { known[id] = Int32(i) } }
        }
        var next = Int32(customerIndex?.rowCount ?? 0)
        var firstRow: [Identity: Int] = [:]
        var assigned: [(row: Int, index: Int32)] = []
        var withoutKey = 0
        for (row, id) in identities.enumerated() {
            guard let id else {
                withoutKey += 1
                continue
            }
            if let first = firstRow.updateValue(row, forKey: id) {
                throw .invalidParameter(
                    stage: stage, path: "params.customer_key",
                    message: "table '\(table)': \(key) \(Self.describe(id)) is on rows \(first + 1) and \(row + 1); "
                        + "one row per customer is scored (dedupe the table by \(key) first)")
            }
            if let i = known[id] {
                assigned.append((row, i))
            } else {
                assigned.append((row, next))
                next += 1
            }
        }
        assigned.sort { $0.index < $1.index }
        rows = assigned.map(\.row)
        index = assigned.map(\.index)
        // Every kept id is valid, and a double one whole (checked by `identities`).
        let kept: Column = column.gather(rows)
        ids = Column((FeatureInputs.wholeNumbers(kept) ?? kept).values)
        idField = Field("customer_id", ids.values.type, nullable: false)
        self.withoutKey = withoutKey
    }

    /// Each row's id: integers as they are, whole doubles (17850.0, how a spreadsheet's ids often
    /// arrive) as integers, strings as text; nil where the value is missing.
    static func identities(_ column: Column, table: String, key: String, stage: String) throws(StageError)
        -> [Identity?]
    {
        let valid = { (row: Int) in column.validity?[row] ?? true }
        switch column.values {
        case .int64(let v): return v.indices.map { valid($0) ? .number(v[$0]) : nil }
        case .int32(let v): return v.indices.map { valid($0) ? .number(Int64(v[$0])) : nil }
        case .string(let v):
            return (0..<v.count).map { valid($0) && !v[$0].isEmpty ? .text(v[$0]) : nil }
        case .double(let v):
            return try v.indices.map { row throws(StageError) in
                guard valid(row), !v[row].isNaN else { return nil }
                guard v[row] == v[row].rounded(), abs(v[row]) < 9e15 else {
                    throw .invalidParameter(
                        stage: stage, path: "params.customer_key",
                        message: "table '\(table)': \(key) holds \(v[row]) on row \(row + 1); "
                            + "an id must be an integer or text")
                }
                return .number(Int64(v[row]))
            }
        default:
            throw .invalidParameter(
                stage: stage, path: "params.customer_key",
                message: "table '\(table)': \(key) is \(column.values.type); an id must be an integer or text")
        }
    }

    static func describe(_ id: Identity) -> String {
        switch id {
        case .number(let n): "\(n)"
        case .text(let s): "'\(s)'"
        }
    }
}
