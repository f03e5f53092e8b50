import Foundation
import Learn
import Testing

@Suite struct KMeansTests {
    static func matrix(_ rows: [[Double]]) -> FeatureMatrix {
        try! FeatureMatrix(values: rows.flatMap { $0 }, rows: rows.count, columns: rows[0].count)
    }

    @Test func fourPointsFromGivenCentres() throws {
        // Two pairs one unit apart vertically: the centres are the pair midpoints and each row is
        // 0.5 from its centre, so the inertia is 4 × 0.25 = 1.
        let data = Self.matrix([[0, 0], [0, 1], [4, 0], [4, 1]])
        let model = try KMeans(.init(clusters: 2)).fit(data, initialCentres: [0, 0, 4, 0])
        #expect(model.centres == [0, 0.5, 4, 0.5])
        #expect(model.inertia == 1)
        #expect(model.assign(data) == [0, 0, 1, 1])
        #expect(model.iterations == 2)  // the labels stop changing on the second pass
    }

    @Test func kMeansPlusPlusFindsTheSameFourPointOptimum() throws {
        let data = Self.matrix([[0, 0], [0, 1], [4, 0], [4, 1]])
        let model = try KMeans(.init(clusters: 2, nInit: 3)).fit(data, seed: 7)
        #expect(model.inertia == 1)
        let sorted = stride(from: 0, to: 4, by: 2).map { [model.centres[$0], model.centres[$0 + 1]] }
            .sorted { $0[0] < $1[0] }
        #expect(sorted == [[0, 0.5], [4, 0.5]])
    }

    @Test func emptyClusterTakesTheFarthestRow() throws {
        // Both initial centres sit at 1, so cluster 1 starts empty (ties go to the lower index);
        // scikit-learn moves it to the row farthest from its centre (10), giving centres 1 and 10
        // and inertia (1 + 0 + 1) + 0 = 2.
        let data = Self.matrix([[0], [1], [2], [10]])
        let model = try KMeans(.init(clusters: 2)).fit(data, initialCentres: [1, 1])
        #expect(model.centres == [1, 10])
        #expect(model.inertia == 2)
        #expect(model.assign(data) == [0, 0, 0, 1])
    }

    @Test func sameSeedSameModel() throws {
        let (data, _) = TestData.blobs(centres: TestData.threeBlobCentres, perBlob: 50, seed: 3)
        let a = try KMeans(.init(clusters: 4)).fit(data, seed: 11)
        let b = try KMeans(.init(clusters: 4)).fit(data, seed: 11)
        #expect(a == b)
    }

    @Test func plantedBlobsAreRecovered() throws {
        let (data, truth) = TestData.blobs(centres: TestData.threeBlobCentres, perBlob: 100, seed: 5)
        let model = try KMeans(.init(clusters: 3)).fit(data, seed: 1)
        #expect(try ClusterMetrics.adjustedRandIndex(truth, model.assign(data)) == 1)
    }

    @Test func selectKPrefersThePlantedNumberOfBlobs() throws {
        let (data, _) = TestData.blobs(centres: TestData.threeBlobCentres, perBlob: 60, seed: 9)
        let (candidates, best) = try KMeans.selectK(
            range: 2...5, data: data, configuration: .init(clusters: 2, nInit: 3), seed: 4)
        #expect(candidates.map(\.clusters) == [2, 3, 4, 5])
        #expect(candidates[best].clusters == 3)
        // Inertia falls as k grows.
        #expect(zip(candidates, candidates.dropFirst()).allSatisfy { $0.inertia > $1.inertia })
    }

    @Test(arguments: [
        (KMeans.Configuration(clusters: 0), "KMeans: clusters must be ≥ 1, got 0"),
        (KMeans.Configuration(clusters: 2, nInit: 0), "KMeans: nInit must be ≥ 1, got 0"),
        (KMeans.Configuration(clusters: 2, maxIter: 0), "KMeans: maxIter must be ≥ 1, got 0"),
        (KMeans.Configuration(clusters: 2, tolerance: -1), "KMeans: tolerance must be a finite number ≥ 0, got -1.0"),
        (KMeans.Configuration(clusters: 5), "KMeans: rows must be ≥ clusters (5), got 4"),
    ])
    func invalidSettingsAreRefused(configuration: KMeans.Configuration, message: String) {
        let data = Self.matrix([[0, 0], [0, 1], [4, 0], [4, 1]])
        #expect {
            try KMeans(configuration).fit(data, seed: 0)
        } throws: { error in
            (error as? EstimatorParameterError)?.description == message
        }
    }

    static let lloydScript = """
        from sklearn.cluster import KMeans
        d = json.load(open(sys.argv[1]))
        X = np.array(d["x"]).reshape(d["rows"], d["cols"])
        out = []
        for k, init in zip(d["k"], d["init"]):
            m = KMeans(n_clusters=k, init=np.array(init).reshape(k, d["cols"]), n_init=1).fit(X)
            best = KMeans(n_clusters=k, n_init=10, random_state=0).fit(X)
            out.append({"centres": m.cluster_centers_.ravel().tolist(), "inertia": m.inertia_,
                "labels": m.labels_.tolist(), "iterations": int(m.n_iter_), "best": best.inertia_})
        print(json.dumps({"fits": out}))
        """

    @Test(.enabled(if: SklearnOracle.available, "scikit-learn is not installed"))
    func agreesWithScikitLearn() throws {
        // 600 rows × 4 features in three blobs; k = 5 splits blobs, so Lloyd takes several steps.
        let (data, _) = TestData.blobs(centres: TestData.threeBlobCentres, perBlob: 200, spread: 1.5, seed: 42)
        let ks = [3, 5]
        // Initial centres: rows 0, 3, 6, … (all from the first blob), far from the answer.
        let initials = ks.map { k in (0..<k).flatMap { c in (0..<4).map { data[c * 3, $0] } } }
        let reference = try SklearnOracle.run(
            Self.lloydScript,
            input: [
                "x": .doubles(data.values), "rows": .int(data.rows), "cols": .int(4), "k": .ints(ks),
                "init": .array(initials.map { .doubles($0) }),
            ])
        let fits = reference["fits"] as! [[String: Any]]
        for (i, clusters) in ks.enumerated() {
            let model = try KMeans(.init(clusters: clusters)).fit(data, initialCentres: initials[i])
            // Same start, same algorithm: only summation order differs, so 1e-9 relative is ample.
            let centres = SklearnOracle.doubles(fits[i]["centres"])
            for (ours, theirs) in zip(model.centres, centres) {
                #expect(abs(ours - theirs) <= 1e-9 * max(1, abs(theirs)))
            }
            let inertia = SklearnOracle.double(fits[i]["inertia"])
            #expect(abs(model.inertia - inertia) <= 1e-9 * inertia)
            #expect(model.assign(data) == SklearnOracle.ints(fits[i]["labels"]))
            #expect(model.iterations == Int(SklearnOracle.double(fits[i]["iterations"])))
            // k-means++ best of 10: never worse than scikit-learn's best of 10 (random_state=0).
            let best = try KMeans(.init(clusters: clusters)).fit(data, seed: 0)
            let theirBest = SklearnOracle.double(fits[i]["best"])
            print(
                "KMeans k=\(clusters): inertia ours \(model.inertia) sklearn \(inertia), iterations \(model.iterations);",
                "best of 10 ours \(best.inertia) sklearn \(theirBest)")
            #expect(best.inertia <= theirBest * (1 + 1e-9))
        }
    }
}
