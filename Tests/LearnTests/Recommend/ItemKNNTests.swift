import Testing

@testable import Learn

@Suite struct ItemKNNTests {
    let toy = RecommendTestData.toy

    /// u0 bought i0 and i1 (strength 1 each): score(i2) = sim(0,2) + sim(1,2) = 1/√12 + 1/2;
    /// score(i3) = sim(1,3) = 1/√2 (i0 does not list i3); score(i0) = sim(1,0) = 1/√12.
    @Test func scoresAreHistoryWeightedSimilaritySums() throws {
        let model = try ItemKNN.fit(toy)
        let s = RecommendTestData.scores(model, user: 0, history: History(toy, user: 0))
        #expect(relativelyClose(s[0], 0.28867513459481287))
        #expect(relativelyClose(s[1], 0.28867513459481287))
        #expect(relativelyClose(s[2], 0.7886751345948129))
        #expect(relativelyClose(s[3], 0.7071067811865476))
        // u2 (i1 1, i2 1, i3 2): score(i0) = 1·sim(1,0) + 1·sim(2,0) = 2/√12; i3 lists no i0.
        let s2 = RecommendTestData.scores(model, user: 2, history: History(toy, user: 2))
        #expect(relativelyClose(s2[0], 0.5773502691896258))
        let top = try TopKSelection.recommendAll(model, histories: toy, k: 5)
        #expect(Array(top.items(at: 0)) == [2, 3])
        #expect(Array(top.items(at: 2)) == [0])
    }

    @Test func itemsNoHistoryItemListsStayUnscored() throws {
        // With one neighbour each (i0 → i1, i1 → i3, i2 → i3, i3 → i1), u3 (i0 only) reaches i1 alone.
        let model = try ItemKNN.fit(toy, configuration: .init(neighbours: 1))
        let s = RecommendTestData.scores(model, user: 3, history: History(toy, user: 3))
        // 2·sim(0,1) = 2/√12.
        #expect(relativelyClose(s[1], 0.5773502691896258))
        #expect(s[0] == -.infinity && s[2] == -.infinity && s[3] == -.infinity)
    }

    @Test func strongestContributorMaximisesStrengthTimesSimilarity() throws {
        let model = try ItemKNN.fit(toy)
        // For u0 and i2: i0 gives 1/√12 ≈ 0.289, i1 gives 0.5 → i1.
        #expect(model.strongestContributor(user: 0, history: History(toy, user: 0), item: 2) == 1)
        // History i0 (strength 4), i1 (strength 1) for i2: 4/√12 ≈ 1.155 beats 0.5 → i0.
        let h = RecommendTestData.history([0, 1], [4, 1])
        #expect(model.strongestContributor(user: nil, history: h, item: 2) == 0)
        // u3 (i0 only) and i3: i0 does not list i3 → nil.
        #expect(model.strongestContributor(user: 3, history: History(toy, user: 3), item: 3) == nil)
    }

    @Test func reloadsFromItsArrays() throws {
        let model = try ItemKNN.fit(toy)
        let n = model.neighbours
        let reloaded = ItemKNN.Model(
            neighbours: SparseMatrix(
                rows: n.rows, columns: n.columns, rowOffsets: n.rowOffsets, columnIndices: n.columnIndices,
                values: n.values))
        #expect(reloaded == model)
    }
}

@Suite struct UserKNNTests {
    let toy = RecommendTestData.toy

    /// Customer vectors over items: u0 (1,1,0,0) ‖·‖² 2, u1 (1,0,1,0) 2, u2 (0,1,1,2) 6,
    /// u3 (2,0,0,0) 4. cos(u0,u1) = 1/2, cos(u0,u2) = 1/√12, cos(u0,u3) = 2/√8 = 1/√2.
    /// With 2 neighbours u0 keeps u3 and u1: score(i0) = 2/√2 + 1/2 = 1.9142…, score(i2) = 1/2.
    @Test func scoresAreNeighbourWeightedStrengths() throws {
        let model = try UserKNN.fit(toy, configuration: .init(neighbours: 2))
        #expect(model.neighbours.columnIndices[model.neighbours.range(ofRow: 0)] == [1, 3])
        let s = RecommendTestData.scores(model, user: 0, history: History(toy, user: 0))
        #expect(relativelyClose(s[0], 1.9142135623730951))
        #expect(relativelyClose(s[2], 0.5))
        #expect(s[1] == -.infinity && s[3] == -.infinity)
        // i2: only neighbour u1 has it, and u1 shares i0 with u0 → i0.
        #expect(model.strongestContributor(user: 0, history: History(toy, user: 0), item: 2) == 0)
        // i3: no neighbour has it.
        #expect(model.strongestContributor(user: 0, history: History(toy, user: 0), item: 3) == nil)
    }

    /// Fitted without u0, then asked about u0's history as an unseen customer: the same
    /// neighbours (u3 at 1/√2, u1 at 1/2, now rows 2 and 0) and so the same scores.
    @Test func unseenCustomerSearchesNeighboursOnTheFly() throws {
        let rest = SparseMatrix(
            rows: 3, columns: 4, rowIndices: [0, 0, 1, 1, 1, 2], columnIndices: [0, 2, 1, 2, 3, 0],
            values: [1, 1, 1, 1, 2, 2])
        let model = try UserKNN.fit(rest, configuration: .init(neighbours: 2))
        let history = RecommendTestData.history([0, 1], [1, 1])
        let (customers, similarities) = model.neighbourList(user: nil, history: history)
        #expect(customers == [0, 2])
        #expect(relativelyClose(similarities[0], 0.5) && relativelyClose(similarities[1], 0.7071067811865476))
        let s = RecommendTestData.scores(model, user: nil, history: history)
        #expect(relativelyClose(s[0], 1.9142135623730951))
        #expect(relativelyClose(s[2], 0.5))
    }

    /// Items added since fitting (index ≥ the training catalogue) weigh nothing and break nothing.
    @Test(arguments: [NeighbourhoodConfiguration.Weighting.none, .bm25, .tfidf])
    func unseenCustomerWithNewItems(_ weighting: NeighbourhoodConfiguration.Weighting) throws {
        let model = try UserKNN.fit(toy, configuration: .init(neighbours: 2, weighting: weighting))
        let known = RecommendTestData.scores(model, user: nil, history: RecommendTestData.history([0, 1], [1, 1]))
        let withNew = RecommendTestData.scores(
            model, user: nil, history: RecommendTestData.history([0, 1, 7], [1, 1, 5]))
        #expect(withNew.allSatisfy { !$0.isNaN })
        switch weighting {
        case .none:
            // The new item only adds to the customer's own norm: every similarity shrinks alike.
            #expect(known.indices.allSatisfy { (known[$0] == -.infinity) == (withNew[$0] == -.infinity) })
        case .tfidf:
            // Its idf is 0, so it weighs nothing at all.
            #expect(withNew == known)
        case .bm25:
            // Its strength lengthens the customer (BM25's length norm), but its own weight is 0.
            break
        }
    }

    /// An unseen customer weighted by BM25 is weighted with the training idfs and mean length, so
    /// re-scoring a training customer as if unseen finds the same neighbours (apart from itself).
    @Test func unseenCustomerWeightedLikeTraining() throws {
        let data = RecommendTestData.random(rows: 40, columns: 15, minimum: 2, maximum: 6, seed: 3)
        let configuration = UserKNN.Configuration(neighbours: 5, weighting: .bm25)
        let model = try UserKNN.fit(data, configuration: configuration)
        let withSelf = try UserKNN.fit(
            data, configuration: .init(neighbours: 6, weighting: .bm25, includeSelf: true))
        for u in 0..<data.rows {
            let (fromScratch, sims) = model.neighbourList(user: nil, history: History(data, user: u))
            // Searched as unseen, u finds itself too: its 5 best are the fitted 6 with self, less the worst.
            let fitted = withSelf.neighbours.range(ofRow: u)
            let best = fitted.sorted {
                let (a, b) = (withSelf.neighbours.values[$0], withSelf.neighbours.values[$1])
                return a != b ? a > b : withSelf.neighbours.columnIndices[$0] < withSelf.neighbours.columnIndices[$1]
            }.prefix(5).map { withSelf.neighbours.columnIndices[$0] }
            #expect(fromScratch == best.sorted(), "customer \(u)")
            for (v, s) in zip(fromScratch, sims) {
                #expect(relativelyClose(s, withSelf.neighbours.value(row: u, column: Int(v)), 1e-12))
            }
        }
    }
}
