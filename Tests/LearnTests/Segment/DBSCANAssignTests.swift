import Foundation
import Learn
import TestSupport
import Testing

@Suite struct DBSCANAssignTests {
    /// Blobs with border rows between them and scattered noise: assigning the fitted rows to the
    /// core points gives DBSCAN's own labels back, border rows reachable from two clusters
    /// included, and new rows agree with a brute-force scan of every core point.
    @Test func fittedRowsGetTheirLabelsBackAndNewRowsMatchABruteForceScan() throws {
        var rng = SplitMix64(seed: 9)
        func unit() -> Double { Double(rng.next() % 1_000_000) / 1_000_000 }
        var values: [Double] = []
        for i in 0..<3000 {
            let centre = Double(i % 4) * 3
            values += [centre + 2 * unit(), 2 * unit()]
        }
        for _ in 0..<60 { values += [14 * unit() - 1, 6 * unit() - 2] }
        let data = try FeatureMatrix(values: values, rows: values.count / 2, columns: 2)
        let eps = 0.15
        let model = try DBSCAN(.init(eps: eps, minSamples: 6)).fit(data, seed: 1)
        #expect(model.clusterCount >= 2)
        #expect(model.noiseShare > 0)
        let coreRows = (0..<data.rows).filter { model.isCore[$0] }
        let cores = data.gatheringRows(coreRows)
        let coreLabels = coreRows.map { model.labels[$0] }
        #expect(DBSCAN.assign(data, cores: cores, coreLabels: coreLabels, eps: eps) == model.labels)

        var fresh: [Double] = []
        for _ in 0..<2000 { fresh += [14 * unit() - 1, 6 * unit() - 2] }
        let queries = try FeatureMatrix(values: fresh, rows: 2000, columns: 2)
        let brute = (0..<queries.rows).map { i -> Int32 in
            var best: Int32 = -1
            for (p, row) in coreRows.enumerated() {
                let dx = queries[i, 0] - data[row, 0]
                let dy = queries[i, 1] - data[row, 1]
                if dx * dx + dy * dy <= eps * eps && (best < 0 || coreLabels[p] < best) { best = coreLabels[p] }
            }
            return best
        }
        #expect(DBSCAN.assign(queries, cores: cores, coreLabels: coreLabels, eps: eps) == brute)
        #expect(
            DBSCAN.assign(queries, cores: cores.gatheringRows([]), coreLabels: [], eps: eps).allSatisfy { $0 == -1 })
    }
}
