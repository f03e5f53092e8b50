import Foundation
import Learn
import Testing

@Suite struct DBSCANTests {
    @Test func coreBorderAndNoiseByHand() throws {
        // Values 0 1 2 | 10 11 12 13 | 30, shuffled. eps 1.5, minSamples 3 (the row counts itself):
        // 1, 11 and 12 have three rows within reach, so they are core; 0, 2, 10 and 13 are border;
        // 30 is noise. Cluster 0 starts at the first core row (value 1, row 2), so the cluster of
        // row 0 (value 10) is numbered 1.
        let values: [Double] = [10, 0, 1, 30, 2, 11, 12, 13]
        let data = try FeatureMatrix(values: values, rows: 8, columns: 1)
        let model = try DBSCAN(.init(eps: 1.5, minSamples: 3)).fit(data, seed: 0)
        #expect(model.labels == [1, 0, 0, -1, 0, 1, 1, 1])
        #expect(model.isCore == [false, false, true, false, false, true, true, false])
        #expect(model.clusterCount == 2)
        #expect(model.noiseShare == 1.0 / 8)
        let clustered = try FeatureMatrix(values: [10, 0, 1, 2, 11, 12, 13], rows: 7, columns: 1)
        #expect(model.silhouette == (try ClusterMetrics.silhouette(clustered, labels: [1, 0, 0, 0, 1, 1, 1])))
    }

    @Test func borderRowJoinsTheFirstNumberedCluster() throws {
        // Row 2 (value 2) is within eps of the core rows 1 and 3 of two clusters; cluster 0 grows
        // first, so it keeps the row.
        let values: [Double] = [0, 1, 2, 3, 4]
        let data = try FeatureMatrix(values: values, rows: 5, columns: 1)
        let model = try DBSCAN(.init(eps: 1, minSamples: 3)).fit(data, seed: 0)
        // Cores: 1 (0,1,2), 2 (1,2,3), 3 (2,3,4): one chain, one cluster.
        #expect(model.labels == [0, 0, 0, 0, 0])
        let apart = try DBSCAN(.init(eps: 1, minSamples: 3)).fit(
            try FeatureMatrix(values: [0, 1, 2, 3, 4, 5, 7, 8, 9], rows: 9, columns: 1), seed: 0)
        #expect(apart.labels == [0, 0, 0, 0, 0, 0, 1, 1, 1])
    }

    @Test func invalidSettingsAreRefused() {
        let data = try! FeatureMatrix(values: [0, 1], rows: 2, columns: 1)
        #expect {
            try DBSCAN(.init(eps: 0)).fit(data, seed: 0)
        } throws: {
            ($0 as? EstimatorParameterError)?.description == "DBSCAN: eps must be a finite number > 0, got 0.0"
        }
        #expect {
            try DBSCAN(.init(minSamples: 0)).fit(data, seed: 0)
        } throws: { ($0 as? EstimatorParameterError)?.description == "DBSCAN: minSamples must be ≥ 1, got 0" }
    }

    @Test(.enabled(if: SklearnOracle.available, "scikit-learn is not installed"))
    func labelsMatchScikitLearn() throws {
        // 3 000 rows in 3 dimensions: three blobs plus uniform background noise, enough rows for a
        // deep k-d tree and plenty of border rows; two (eps, minSamples) settings in one Python run.
        let settings: [(Double, Int)] = [(0.6, 5), (0.45, 4)]
        let (blobs, _) = TestData.blobs(
            centres: [[0, 0, 0], [4, 4, 0], [-4, 3, 2]], perBlob: 900, spread: 1, seed: 17)
        var random = SeededRandom(seed: 99)
        var values = blobs.values
        for _ in 0..<(300 * 3) { values.append(random.nextUnit() * 16 - 8) }
        let data = try FeatureMatrix(values: values, rows: 3000, columns: 3)
        let reference = try SklearnOracle.run(
            """
            from sklearn.cluster import DBSCAN
            d = json.load(open(sys.argv[1]))
            X = np.array(d["x"]).reshape(-1, 3)
            out = []
            for eps, min_samples in zip(d["eps"], d["min"]):
                m = DBSCAN(eps=eps, min_samples=min_samples).fit(X)
                core = np.zeros(len(X), dtype=bool); core[m.core_sample_indices_] = True
                out.append({"labels": m.labels_.tolist(), "core": core.astype(int).tolist()})
            print(json.dumps({"fits": out}))
            """,
            input: [
                "x": .doubles(data.values), "eps": .doubles(settings.map(\.0)), "min": .ints(settings.map(\.1)),
            ])
        let fits = reference["fits"] as! [[String: Any]]
        for (i, (eps, minSamples)) in settings.enumerated() {
            let model = try DBSCAN(.init(eps: eps, minSamples: minSamples)).fit(data, seed: 0)
            #expect(model.labels == SklearnOracle.ints(fits[i]["labels"]))
            #expect(model.isCore.map { $0 ? Int32(1) : 0 } == SklearnOracle.ints(fits[i]["core"]))
            print(
                "DBSCAN eps \(eps) minSamples \(minSamples): \(model.clusterCount) clusters,",
                "noise \(model.noiseShare), silhouette \(model.silhouette ?? .nan)")
        }
    }
}
