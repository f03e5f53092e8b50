import Frame
import Testing

@Suite struct FrameOperationsTests {
    static let frame = try! Frame(
        schema: Schema([Field("k", .string), Field("n", .int64), Field("d", .double)]),
        columns: [
            Column(.string(StringArray(["b", "a", "b", "", "a"])), validity: [true, true, true, false, true]),
            Column(.int64([2, 1, 2, 0, 3])),
            Column(.double([0.0, .nan, -0.0, 1.5, .nan])),
        ])

    @Test func rowHashesMatchEqualRows() {
        let h = Self.frame.rowHashes(columns: [0, 1])
        #expect(h[0] == h[2])
        #expect(h[0] != h[1])
        #expect(h == Self.frame.rowHashes(columns: [0, 1]))
    }

    /// Recorded values: the hash is the same in every process and run (Swift's `Hasher` is not).
    @Test func hashesOfKnownValuesAreFixed() {
        let bytes = Array("bespoke, a nightly batch ETL pipeline".utf8)
        #expect(bytes.withUnsafeBytes { StableHash.bytes($0) } == Self.recordedBytesHash)
        let f = try! Frame(
            schema: Schema([Field("n", .int64), Field("s", .string)]),
            columns: [Column(.int64([42])), Column(.string(StringArray(["x"])))])
        #expect(f.rowHashes(columns: [0, 1]) == [Self.recordedRowHash])
    }

    static let recordedBytesHash: UInt64 = 14_105_575_288_796_776_572
    static let recordedRowHash: UInt64 = 12_374_699_606_096_017_555

    @Test func nullsHashApartFromTheZeroInTheirSlot() {
        let f = try! Frame(
            schema: Schema([Field("s", .string)]),
            columns: [Column(.string(StringArray(["", ""])), validity: [false, true])])
        let h = f.rowHashes(columns: [0])
        #expect(h[0] != h[1])
        #expect(!f.rowsEqual(0, 1, columns: [0]))
    }

    @Test func groupsNumberKeysByFirstAppearance() throws {
        let g = try Self.frame.groups(by: ["k"])
        #expect(g.ids == [0, 1, 0, 2, 1])
        #expect(g.firstRows == [0, 1, 3])
        let excluded = try Self.frame.groups(by: ["k"], nulls: .exclude)
        #expect(excluded.ids == [0, 1, 0, -1, 1])
        // NaN equals NaN and −0.0 equals 0.0.
        let d = try Self.frame.groups(by: ["d"])
        #expect(d.ids == [0, 1, 0, 2, 1])
        let m = excluded.members()
        #expect(m.offsets == [0, 2, 4] && m.rows == [0, 2, 1, 4])
    }

    @Test func stableSortPutsNullsAndNaNLast() throws {
        #expect(try Self.frame.sortedRowIndices(by: [SortKey("k")]) == [1, 4, 0, 2, 3])
        #expect(try Self.frame.sortedRowIndices(by: [SortKey("k", descending: true)]) == [0, 2, 1, 4, 3])
        #expect(try Self.frame.sortedRowIndices(by: [SortKey("d")]) == [0, 2, 3, 1, 4])
        #expect(try Self.frame.sortedRowIndices(by: [SortKey("n", descending: true)]) == [4, 0, 2, 1, 3])
    }

    @Test func gatherAndFilter() {
        let f = Self.frame.gather([3, 1, 1])
        #expect(f.columns[0].validity == [false, true, true])
        #expect(f.columns[1] == Column(.int64([0, 1, 1])))
        let kept = Self.frame.filter([true, false, false, false, true])
        #expect(kept.rowCount == 2)
        #expect(kept.columns[0].validity == nil)
        #expect(kept.columns[0] == Column(.string(StringArray(["b", "a"]))))
    }

    @Test func normalisesStrings() {
        let s = StringArray(["  Ab C\t", "ÉCOLE ", "x"])
        #expect(Array(0..<3).map { s.normalized(trim: true, casefold: true)[$0] } == ["ab c", "école", "x"])
        #expect(Array(0..<3).map { s.normalized(trim: false, casefold: true)[$0] } == ["  ab c\t", "école ", "x"])
    }

    @Test func quantilesMedianAndMADByHand() {
        let sorted: [Double] = [1, 2, 3, 4, 100]
        #expect(Statistics.quantile(sorted: sorted, 0.25) == 2)
        #expect(Statistics.quantile(sorted: sorted, 0.1) == 1.4)
        #expect(Statistics.quantile(sorted: sorted, 1) == 100)
        #expect(Statistics.quantile(sorted: [], 0.5) == nil)
        #expect(Statistics.median(sorted: [1, 2, 3, 4]) == 2.5)
        #expect(Statistics.medianAbsoluteDeviation(sorted: sorted) == 1)
        let sample = Column(
            .double([2, .nan, 4, 4, 4, 5, 5, 7, 9]), validity: [true, true, true, true, true, false, true, true, true]
        )
        .numericSample()
        // Present: 2, 4, 4, 4, 5, 7, 9 → mean 5, variance (ddof 0) 32 / 7.
        #expect(sample.count == 7)
        #expect(sample.mean() == 5)
        #expect(sample.variance(ddof: 0) == 32.0 / 7)
        #expect(sample.variance(ddof: 1) == 32.0 / 6)
    }

    @Test func pairwiseSumAgreesWithNaiveOnExactValues() {
        let values = (0..<1000).map { Double($0 % 37) }
        #expect(Statistics.pairwiseSum(values) == values.reduce(0, +))
    }

    @Test func modeTiesGoToTheSmallestValue() {
        let c = Column(
            .string(StringArray(["m", "f", "m", "f", "x", ""])), validity: [true, true, true, true, true, false])
        #expect(c.modeRows(groups: [0, 0, 0, 0, 0, 0], groupCount: 1) == [1])
        #expect(c.modeRows(groups: [0, 1, 0, 1, 1, 1], groupCount: 2) == [0, 1])
    }
}
