import Testing

@testable import Learn

@Suite struct SparseMatrixTests {
    /// [[0, 2, 0], [1, 0, 3]] from shuffled triples with a duplicate (2 = 1.5 + 0.5).
    let m = SparseMatrix(
        rows: 2, columns: 3, rowIndices: [1, 0, 1, 0], columnIndices: [2, 1, 0, 1], values: [3, 1.5, 1, 0.5])

    @Test func buildsSortedRowsAndSumsDuplicates() {
        #expect(m.rowOffsets == [0, 1, 3])
        #expect(m.columnIndices == [1, 0, 2])
        #expect(m.values == [2, 1, 3])
        #expect(m.value(row: 1, column: 2) == 3)
        #expect(m.value(row: 0, column: 0) == 0)
    }

    @Test func transposes() {
        let t = m.transposed()
        #expect(t.rows == 3 && t.columns == 2)
        #expect(t.rowOffsets == [0, 1, 2, 3])
        #expect(t.columnIndices == [1, 0, 1])
        #expect(t.values == [1, 2, 3])
        #expect(t.transposed() == m)
    }

    @Test func emptyRowsAndMatrix() {
        let e = SparseMatrix(rows: 3, columns: 2, rowIndices: [], columnIndices: [], values: [])
        #expect(e.rowOffsets == [0, 0, 0, 0])
        #expect(e.transposed().rows == 2)
    }
}
