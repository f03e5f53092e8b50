import Foundation
import Learn
import Testing

@Suite struct ClusterMetricsTests {
    // Four points on a line, two clusters {0, 1} and {4, 5}.
    static let line = try! FeatureMatrix(values: [0, 1, 4, 5], rows: 4, columns: 1)
    static let pairs: [Int32] = [0, 0, 1, 1]

    @Test func silhouetteByHand() throws {
        // a = 1 for every row; b = 4.5, 3.5, 3.5, 4.5; s = 1 − 1/b; mean = (7/9 + 5/7) / 2 = 47/63.
        let samples = try ClusterMetrics.silhouetteSamples(Self.line, labels: Self.pairs)
        let outer: Double = 1 - 1 / 4.5
        let inner: Double = 1 - 1 / 3.5
        #expect(samples == [outer, inner, inner, outer])
        #expect(abs(try ClusterMetrics.silhouette(Self.line, labels: Self.pairs) - 47.0 / 63) < 1e-15)
    }

    @Test func daviesBouldinByHand() throws {
        // Centroids 0.5 and 4.5, mean distance to them 0.5 each: (0.5 + 0.5) / 4 = 0.25.
        #expect(try ClusterMetrics.daviesBouldin(Self.line, labels: Self.pairs) == 0.25)
    }

    @Test func adjustedRandByHand() throws {
        #expect(try ClusterMetrics.adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0]) == 1)
        // Pairs: tp 0, fp 4, fn 4, tn 4 → 2(0·4 − 4·4) / (4·8 + 4·8) = −0.5.
        #expect(try ClusterMetrics.adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1]) == -0.5)
    }

    @Test func singleClusterIsRefused() {
        #expect(throws: EstimatorParameterError.self) {
            try ClusterMetrics.silhouette(Self.line, labels: [0, 0, 0, 0])
        }
    }

    @Test func sampledSilhouetteIsExactBelowTheLimitAndSeeded() throws {
        let (data, labels) = TestData.blobs(centres: TestData.threeBlobCentres, perBlob: 40, seed: 8)
        let exact = try ClusterMetrics.silhouette(data, labels: labels)
        #expect(try ClusterMetrics.silhouette(data, labels: labels, sampleSize: 1000, seed: 1) == exact)
        let a = try ClusterMetrics.silhouette(data, labels: labels, sampleSize: 60, seed: 1)
        #expect(a == (try ClusterMetrics.silhouette(data, labels: labels, sampleSize: 60, seed: 1)))
        #expect(abs(a - exact) < 0.1)
    }

    @Test(.enabled(if: SklearnOracle.available, "scikit-learn is not installed"))
    func agreesWithScikitLearn() throws {
        let (data, truth) = TestData.blobs(centres: TestData.threeBlobCentres, perBlob: 200, spread: 2, seed: 42)
        let predicted = try KMeans(.init(clusters: 4, nInit: 2)).fit(data, seed: 3).assign(data)
        let reference = try SklearnOracle.run(
            """
            from sklearn import metrics
            d = json.load(open(sys.argv[1]))
            X = np.array(d["x"]).reshape(-1, 4)
            print(json.dumps({"silhouette": metrics.silhouette_score(X, d["pred"]),
                "db": metrics.davies_bouldin_score(X, d["pred"]),
                "ari": metrics.adjusted_rand_score(d["truth"], d["pred"])}))
            """,
            input: ["x": .doubles(data.values), "pred": .ints(predicted), "truth": .ints(truth)])
        let silhouette = try ClusterMetrics.silhouette(data, labels: predicted)
        let db = try ClusterMetrics.daviesBouldin(data, labels: predicted)
        let ari = try ClusterMetrics.adjustedRandIndex(truth, predicted)
        print(
            "silhouette ours \(silhouette) sklearn \(reference["silhouette"]!); DB ours \(db) sklearn \(reference["db"]!); ARI ours \(ari) sklearn \(reference["ari"]!)"
        )
        // scikit-learn's distances go through ‖x‖² − 2x·y + ‖y‖² (ours are direct differences):
        // the two agree to about 1e-15 per distance, so 1e-12 on the averaged scores.
        #expect(abs(silhouette - SklearnOracle.double(reference["silhouette"])) < 1e-12)
        #expect(abs(db - SklearnOracle.double(reference["db"])) < 1e-12)
        #expect(abs(ari - SklearnOracle.double(reference["ari"])) < 1e-12)
    }
}
