import Foundation
import Frame

/// The kernels shared by item-kNN and user-kNN: re-weighting entity vectors, and finding each
/// entity's most similar entities by sparse dot products.
///
/// Entities are the rows of an entities × features CSR matrix (items × customers for item-kNN,
/// customers × items for user-kNN). A query row's dot products with every entity come from the
/// features × entities transpose: for each feature of the query, walk the entities that share it.
/// Work is proportional to the co-occurrences, memory to the non-zeros plus one dense accumulator
/// of `entities` doubles per worker.
enum NeighbourSearch {
    /// What re-weighting needs from the training matrix, so a row seen later (an unseen
    /// customer's history) is weighted exactly like the training rows.
    struct WeightingStatistics: Sendable {
        /// Per feature: `log(entities) − log(1 + entities having the feature)`.
        var featureIDF: [Double]
        /// Mean strength sum of an entity (BM25's average document length).
        var averageRowSum: Double

        init(_ rows: SparseMatrix) {
            var df = [Int](repeating: 0, count: rows.columns)
            for c in rows.columnIndices { df[Int(c)] += 1 }
            let logN = log(Double(rows.rows))
            featureIDF = df.map { logN - log1p(Double($0)) }
            var total = 0.0
            for v in rows.values { total += v }
            averageRowSum = rows.rows > 0 ? total / Double(rows.rows) : 0
        }

        /// The idf of `feature`; 0 for a feature the training rows never had (an item added
        /// since), which then weighs nothing, as it matches no training entity anyway.
        @inline(__always) func idf(_ feature: Int32) -> Double {
            Int(feature) < featureIDF.count ? featureIDF[Int(feature)] : 0
        }
    }

    /// Writes the re-weighted strengths of one row (its features ascending, raw strengths).
    static func weightRow(
        features: ArraySlice<Int32>, strengths: ArraySlice<Double>, statistics: WeightingStatistics,
        configuration: NeighbourhoodConfiguration, into out: inout [Double]
    ) {
        out.removeAll(keepingCapacity: true)
        if configuration.similarity == .jaccard {
            out.append(contentsOf: repeatElement(1, count: features.count))
            return
        }
        switch configuration.weighting {
        case .none:
            out.append(contentsOf: strengths)
        case .tfidf:
            for (f, x) in zip(features, strengths) { out.append(x.squareRoot() * statistics.idf(f)) }
        case .bm25:
            let k1 = configuration.bm25K1
            let b = configuration.bm25B
            var length = 0.0
            for x in strengths { length += x }
            let relativeLength = statistics.averageRowSum > 0 ? length / statistics.averageRowSum : 1
            let lengthNorm = (1 - b) + b * relativeLength
            for (f, x) in zip(features, strengths) {
                out.append(x * (k1 + 1) / (k1 * lengthNorm + x) * statistics.idf(f))
            }
        }
    }

    /// Every row of `rows` re-weighted (binary for the jaccard similarity).
    static func weighted(
        _ rows: SparseMatrix, statistics: WeightingStatistics, configuration: NeighbourhoodConfiguration
    ) -> SparseMatrix {
        if configuration.similarity != .jaccard && configuration.weighting == .none { return rows }
        var values: [Double] = []
        values.reserveCapacity(rows.nonZeroCount)
        var row: [Double] = []
        for r in 0..<rows.rows {
            let range = rows.range(ofRow: r)
            weightRow(
                features: rows.columnIndices[range], strengths: rows.values[range], statistics: statistics,
                configuration: configuration, into: &row)
            values.append(contentsOf: row)
        }
        return SparseMatrix(
            rows: rows.rows, columns: rows.columns, rowOffsets: rows.rowOffsets, columnIndices: rows.columnIndices,
            values: values)
    }

    /// Σ v², the magnitude every similarity's denominator is built from (a count for jaccard's
    /// binary rows).
    @inline(__always) static func magnitude(_ values: ArraySlice<Double>) -> Double {
        var s = 0.0
        for v in values { s += v * v }
        return s
    }

    /// Per-row magnitudes of `rows`.
    static func magnitudes(_ rows: SparseMatrix) -> [Double] {
        (0..<rows.rows).map { magnitude(rows.values[rows.range(ofRow: $0)]) }
    }

    /// The similarity of query `a` to entity `b` from their dot product and magnitudes (Σ v²);
    /// nil when undefined (a zero denominator).
    @inline(__always) static func similarity(
        dot: Double, queryMagnitude a: Double, entityMagnitude b: Double, configuration: NeighbourhoodConfiguration
    ) -> Double? {
        let denominator: Double
        switch configuration.similarity {
        case .cosine: denominator = (a * b).squareRoot() + configuration.shrinkage
        case .jaccard: denominator = a + b - dot + configuration.shrinkage
        case .asymmetricCosine:
            denominator = pow(a, configuration.alpha) * pow(b, 1 - configuration.alpha) + configuration.shrinkage
        case .dotProduct: return dot
        }
        return denominator > 0 ? dot / denominator : nil
    }

    /// A worker's dense accumulator over entities, reset after each query in time proportional to
    /// what the query touched.
    struct Scratch {
        var dots: [Double]
        var touched: [Int32] = []
        var isTouched: [Bool]
        var heap: ScoredItemHeap

        init(entities: Int, neighbours: Int) {
            dots = [Double](repeating: 0, count: entities)
            isTouched = [Bool](repeating: false, count: entities)
            heap = ScoredItemHeap(capacity: neighbours)
        }
    }

    /// Appends the top neighbours of one query row (weighted values), ascending by entity, to
    /// `outEntities`/`outSimilarities`. `byFeature` is the weighted features × entities matrix,
    /// `entityMagnitudes` its columns' magnitudes; `selfEntity` is the query's own row, if any.
    static func searchRow(
        features: ArraySlice<Int32>, values: ArraySlice<Double>, selfEntity: Int?, byFeature: SparseMatrix,
        entityMagnitudes: [Double], configuration: NeighbourhoodConfiguration, scratch: inout Scratch,
        outEntities: inout [Int32], outSimilarities: inout [Double]
    ) {
        let queryMagnitude = magnitude(values)
        // Move the buffers out of `scratch` so the hot loop holds plain locals.
        var dotsArray: [Double] = []
        var isTouched: [Bool] = []
        swap(&dotsArray, &scratch.dots)
        swap(&isTouched, &scratch.isTouched)
        defer {
            swap(&dotsArray, &scratch.dots)
            swap(&isTouched, &scratch.isTouched)
        }
        var touched = scratch.touched
        scratch.touched = []
        byFeature.columnIndices.withUnsafeBufferPointer { entities in
            byFeature.values.withUnsafeBufferPointer { weights in
                dotsArray.withUnsafeMutableBufferPointer { dots in
                    isTouched.withUnsafeMutableBufferPointer { marks in
                        for (f, w) in zip(features, values) {
                            let fi = Int(f)
                            guard fi < byFeature.rows else { continue }
                            for p in byFeature.rowOffsets[fi]..<byFeature.rowOffsets[fi + 1] {
                                let e = Int(entities[p])
                                if !marks[e] {
                                    marks[e] = true
                                    touched.append(Int32(e))
                                }
                                dots[e] += w * weights[p]
                            }
                        }
                    }
                }
            }
        }
        let keepSelf = configuration.includeSelf
        let minimum = configuration.minSimilarity
        dotsArray.withUnsafeMutableBufferPointer { dots in
            isTouched.withUnsafeMutableBufferPointer { marks in
                entityMagnitudes.withUnsafeBufferPointer { entityMagnitude in
                    for e32 in touched {
                        let e = Int(e32)
                        let dot = dots[e]
                        dots[e] = 0
                        marks[e] = false
                        if e == selfEntity && !keepSelf { continue }
                        guard
                            let s = similarity(
                                dot: dot, queryMagnitude: queryMagnitude, entityMagnitude: entityMagnitude[e],
                                configuration: configuration),
                            s > minimum
                        else { continue }
                        scratch.heap.offer(item: e32, score: s)
                    }
                }
            }
        }
        touched.removeAll(keepingCapacity: true)
        scratch.touched = touched
        // The heap holds the best; a CSR row wants them by entity.
        let start = outEntities.count
        scratch.heap.drainBestFirst(into: &outEntities, &outSimilarities)
        var pairs = (start..<outEntities.count).map { (outEntities[$0], outSimilarities[$0]) }
        pairs.sort { $0.0 < $1.0 }
        for (offset, pair) in pairs.enumerated() {
            outEntities[start + offset] = pair.0
            outSimilarities[start + offset] = pair.1
        }
    }

    /// Each row's top `configuration.neighbours` most similar rows of `weighted`: an entities ×
    /// entities CSR matrix whose values are similarities. Parallel over fixed blocks of rows, so
    /// the result is identical for any thread count.
    static func allNeighbours(_ weighted: SparseMatrix, configuration: NeighbourhoodConfiguration) -> SparseMatrix {
        let byFeature = weighted.transposed()
        let magnitudes = magnitudes(weighted)
        let n = weighted.rows
        let block = 128
        let blocks = ParallelWork.map(count: (n + block - 1) / block) { b in
            var scratch = Scratch(entities: n, neighbours: configuration.neighbours)
            var counts: [Int] = []
            var entities: [Int32] = []
            var similarities: [Double] = []
            for r in b * block..<min(n, (b + 1) * block) {
                let before = entities.count
                let range = weighted.range(ofRow: r)
                searchRow(
                    features: weighted.columnIndices[range], values: weighted.values[range], selfEntity: r,
                    byFeature: byFeature, entityMagnitudes: magnitudes, configuration: configuration,
                    scratch: &scratch, outEntities: &entities, outSimilarities: &similarities)
                counts.append(entities.count - before)
            }
            return (counts, entities, similarities)
        }
        var offsets = [0]
        offsets.reserveCapacity(n + 1)
        var entities: [Int32] = []
        var similarities: [Double] = []
        for (counts, e, s) in blocks {
            for c in counts { offsets.append(offsets[offsets.count - 1] + c) }
            entities.append(contentsOf: e)
            similarities.append(contentsOf: s)
        }
        return SparseMatrix(rows: n, columns: n, rowOffsets: offsets, columnIndices: entities, values: similarities)
    }
}
