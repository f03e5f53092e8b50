/// A sparse matrix in compressed sparse row (CSR) form: the interaction matrix (customers ×
/// items), its transpose, item–term TF-IDF weights, neighbour lists.
///
/// Row `r`'s entries are `columnIndices[rowOffsets[r] ..< rowOffsets[r + 1]]` with their `values`,
/// columns ascending and distinct within a row.
public struct SparseMatrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// `rows + 1` ascending offsets into `columnIndices` and `values`.
    public let rowOffsets: [Int]
    public let columnIndices: [Int32]
    public let values: [Double]

    /// Wraps prepared CSR arrays; checks their shapes and that every row's columns ascend.
    public init(rows: Int, columns: Int, rowOffsets: [Int], columnIndices: [Int32], values: [Double]) {
        precondition(rowOffsets.count == rows + 1 && rowOffsets.first == 0, "CSR row offsets do not match rows")
        precondition(
            rowOffsets.last == columnIndices.count && values.count == columnIndices.count, "CSR lengths differ")
        for r in 0..<rows {
            var previous: Int32 = -1
            for p in rowOffsets[r]..<rowOffsets[r + 1] {
                let c = columnIndices[p]
                precondition(
                    c > previous && Int(c) < columns, "CSR row \(r): columns must ascend within 0..<\(columns)")
                previous = c
            }
        }
        self.rows = rows
        self.columns = columns
        self.rowOffsets = rowOffsets
        self.columnIndices = columnIndices
        self.values = values
    }

    /// Builds from coordinate triples in any order; values at the same (row, column) are summed.
    public init(rows: Int, columns: Int, rowIndices: [Int32], columnIndices: [Int32], values: [Double]) {
        precondition(rowIndices.count == columnIndices.count && values.count == rowIndices.count)
        var counts = [Int](repeating: 0, count: rows + 1)
        for r in rowIndices {
            precondition(r >= 0 && Int(r) < rows, "row index \(r) outside 0..<\(rows)")
            counts[Int(r) + 1] += 1
        }
        for r in 0..<rows { counts[r + 1] += counts[r] }
        // Counting sort by row, then sort each row's slice by column and merge duplicates.
        var next = counts
        var cols = [Int32](repeating: 0, count: values.count)
        var vals = [Double](repeating: 0, count: values.count)
        for e in 0..<values.count {
            let r = Int(rowIndices[e])
            precondition(
                columnIndices[e] >= 0 && Int(columnIndices[e]) < columns, "column index outside 0..<\(columns)")
            cols[next[r]] = columnIndices[e]
            vals[next[r]] = values[e]
            next[r] += 1
        }
        var offsets = [Int](repeating: 0, count: rows + 1)
        var outCols: [Int32] = []
        var outVals: [Double] = []
        outCols.reserveCapacity(values.count)
        outVals.reserveCapacity(values.count)
        var order: [Int] = []
        for r in 0..<rows {
            let range = counts[r]..<counts[r + 1]
            order.removeAll(keepingCapacity: true)
            order.append(contentsOf: range)
            // Stable, so duplicates are summed in input order: the sum is deterministic.
            order.sort { cols[$0] != cols[$1] ? cols[$0] < cols[$1] : $0 < $1 }
            for p in order {
                if let last = outCols.last, outCols.count > offsets[r], last == cols[p] {
                    outVals[outVals.count - 1] += vals[p]
                } else {
                    outCols.append(cols[p])
                    outVals.append(vals[p])
                }
            }
            offsets[r + 1] = outCols.count
        }
        self.init(rows: rows, columns: columns, rowOffsets: offsets, columnIndices: outCols, values: outVals)
    }

    public var nonZeroCount: Int { values.count }

    /// The positions of row `r`'s entries in `columnIndices` and `values`.
    @inlinable public func range(ofRow r: Int) -> Range<Int> { rowOffsets[r]..<rowOffsets[r + 1] }

    /// The value at (`row`, `column`), zero when absent (binary search within the row).
    public func value(row: Int, column: Int) -> Double {
        var lo = rowOffsets[row]
        var hi = rowOffsets[row + 1]
        let c = Int32(column)
        while lo < hi {
            let mid = (lo + hi) / 2
            if columnIndices[mid] < c { lo = mid + 1 } else { hi = mid }
        }
        return lo < rowOffsets[row + 1] && columnIndices[lo] == c ? values[lo] : 0
    }

    /// The transpose, also in CSR form (so the CSC form of this matrix).
    public func transposed() -> SparseMatrix {
        var counts = [Int](repeating: 0, count: columns + 1)
        for c in columnIndices { counts[Int(c) + 1] += 1 }
        for c in 0..<columns { counts[c + 1] += counts[c] }
        var next = counts
        var rowsOut = [Int32](repeating: 0, count: values.count)
        var valsOut = [Double](repeating: 0, count: values.count)
        for r in 0..<rows {
            for p in range(ofRow: r) {
                let c = Int(columnIndices[p])
                rowsOut[next[c]] = Int32(r)
                valsOut[next[c]] = values[p]
                next[c] += 1
            }
        }
        return SparseMatrix(
            rows: columns, columns: rows, rowOffsets: counts, columnIndices: rowsOut, values: valsOut)
    }

    /// The same pattern with every value replaced by `transform(value)`.
    public func mapValues(_ transform: (Double) -> Double) -> SparseMatrix {
        SparseMatrix(
            rows: rows, columns: columns, rowOffsets: rowOffsets, columnIndices: columnIndices,
            values: values.map(transform))
    }
}
