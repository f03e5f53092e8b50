// learn-bench: fits one Learn model on data written by Benchmarks/learn_bench.py and prints one
// JSON object (fit seconds, per-iteration seconds, peak RSS, accuracy), so the Python side can run
// implicit, surprise, numpy and scikit-learn on the same files and compare.
//
// Data files are raw little-endian arrays (`.i32`, `.i64`, `.f64`, `.u8`) with a `meta.json`;
// sparse sets are CSR (`<name>_indptr.i64`, `_indices.i32`, `_data.f64`).
import Foundation
import Learn

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// This process's own high-water mark (VmHWM): getrusage's ru_maxrss would include the forking
/// parent's size, which Linux carries across exec.
func peakRSSMB() -> Double {
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kb = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    {
        return kb / 1024
    }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// CPU seconds of this process (user + system, all threads): a figure less disturbed than wall
/// time when other work shares the cores.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return s(usage.ru_utime) + s(usage.ru_stime)
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("learn-bench: \(message)\n".utf8))
    exit(64)
}

/// CPU seconds of the fit being reported (set by each mode around its fit call).
nonisolated(unsafe) var fitCPU = 0.0

func report(_ fields: [String: Any]) {
    var fields = fields
    fields["fit_cpu_seconds"] = fitCPU
    guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else {
        fail("cannot encode the report")
    }
    print(String(decoding: data, as: UTF8.self))
}

func option(_ name: String, _ fallback: String? = nil) -> String {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: "--" + name), i + 1 < args.count { return args[i + 1] }
    guard let fallback else { fail("missing --\(name)") }
    return fallback
}

func number(_ name: String, _ fallback: Double? = nil) -> Double {
    let text = option(name, fallback.map { "\($0)" })
    guard let value = Double(text) else { fail("--\(name) must be a number, got \(text)") }
    return value
}

func integer(_ name: String, _ fallback: Int? = nil) -> Int {
    let text = option(name, fallback.map { "\($0)" })
    guard let value = Int(text) else { fail("--\(name) must be an integer, got \(text)") }
    return value
}

/// The raw array in `file` of the data directory.
func load<T>(_ file: String, as type: T.Type) -> [T] {
    let path = option("data") + "/" + file
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    guard data.count % MemoryLayout<T>.stride == 0 else { fail("\(path): size is not a whole number of values") }
    return data.withUnsafeBytes { Array($0.bindMemory(to: T.self)) }
}

func write<T>(_ values: [T], to path: String) {
    let data = values.withUnsafeBytes { Data($0) }
    guard FileManager.default.createFile(atPath: path, contents: data) else { fail("cannot write \(path)") }
}

func meta() -> [String: Any] {
    let path = option("data") + "/meta.json"
    guard let data = FileManager.default.contents(atPath: path),
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { fail("cannot read \(path)") }
    return object
}

func metaInt(_ key: String) -> Int {
    guard let value = meta()[key] as? Int else { fail("meta.json has no integer \(key)") }
    return value
}

func csr(_ name: String, rows: Int, columns: Int) -> SparseMatrix {
    SparseMatrix(
        rows: rows, columns: columns, rowOffsets: load("\(name)_indptr.i64", as: Int64.self).map { Int($0) },
        columnIndices: load("\(name)_indices.i32", as: Int32.self), values: load("\(name)_data.f64", as: Double.self))
}

/// Top-10 lists for the evaluation users, their ranking metrics, and the lists dumped for the
/// Python side to re-evaluate (`--recs`, users × 10 item indices, −1 padded).
func evaluateTopK(_ model: any Recommender, train: SparseMatrix, test: SparseMatrix) throws -> [String: Any] {
    let users = load("eval_users.i32", as: Int32.self).map { Int($0) }
    let k = 10
    let t0 = now()
    let recommendations = try TopKSelection.recommend(model, histories: train, customers: users, k: k)
    let seconds = now() - t0
    var offsets = [0]
    var columns: [Int32] = []
    for u in users {
        columns.append(contentsOf: test.columnIndices[test.range(ofRow: u)])
        offsets.append(columns.count)
    }
    let relevant = SparseMatrix(
        rows: users.count, columns: test.columns, rowOffsets: offsets, columnIndices: columns,
        values: [Double](repeating: 1, count: columns.count))
    let metrics = try RankingMetrics.evaluate(
        recommendations: recommendations, relevant: relevant, itemCount: model.itemCount, ks: [k])[0]
    if let path = CommandLine.arguments.contains("--recs") ? option("recs") : nil {
        var dump = [Int32](repeating: -1, count: users.count * k)
        for p in 0..<users.count {
            for (rank, item) in recommendations.items(at: p).enumerated() { dump[p * k + rank] = item }
        }
        write(dump, to: path)
    }
    return [
        "eval_seconds": seconds, "ndcg10": metrics.ndcg, "precision10": metrics.precision,
        "evaluated_users": metrics.evaluatedCustomers,
    ]
}

func implicitSets() -> (train: SparseMatrix, test: SparseMatrix) {
    let users = metaInt("users")
    let items = metaInt("items")
    return (csr("train", rows: users, columns: items), csr("test", rows: users, columns: items))
}

func ratingSet(_ prefix: String) throws -> (set: RatingSet, users: [Int32], items: [Int32], ratings: [Double]) {
    let users = load("\(prefix)_users.i32", as: Int32.self)
    let items = load("\(prefix)_items.i32", as: Int32.self)
    let ratings = load("\(prefix)_ratings.f64", as: Double.self)
    let set = try RatingSet(
        users: metaInt("users"), items: metaInt("items"), userIndices: users, itemIndices: items, ratings: ratings)
    return (set, users, items, ratings)
}

func ratingReport(fit: Double, predicted: [Double], actual: [Double], predictSeconds: Double) throws -> [String: Any] {
    [
        "fit_seconds": fit, "predict_seconds": predictSeconds,
        "rmse": try RatingAccuracy.rmse(predicted: predicted, actual: actual),
        "mae": try RatingAccuracy.mae(predicted: predicted, actual: actual), "peak_rss_mb": peakRSSMB(),
    ]
}

func features(_ name: String) throws -> FeatureMatrix {
    let values = load("\(name).f64", as: Double.self)
    let columns = metaInt("columns")
    return try FeatureMatrix(values: values, rows: values.count / columns, columns: columns)
}

let mode = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : ""
let seed = UInt64(integer("seed", 42))

do {
    switch mode {
    case "als":
        let (train, test) = implicitSets()
        let iterations = integer("iterations", 15)
        let configuration = ALS.Configuration(
            factors: integer("factors", 64), regularization: number("regularization", 0.01),
            alpha: number("alpha", 1), iterations: iterations, recordsTrainingLoss: false,
            precision: CommandLine.arguments.contains("--double") ? .double : .single)
        let t0 = now()
        let c0 = cpuSeconds()
        let model = try ALS(configuration).fit(train, seed: seed)
        let fit = now() - t0
        fitCPU = cpuSeconds() - c0
        var result =
            CommandLine.arguments.contains("--no-eval") ? [:] : try evaluateTopK(model, train: train, test: test)
        result["fit_seconds"] = fit
        result["per_iteration_seconds"] = fit / Double(iterations)
        result["peak_rss_mb"] = peakRSSMB()
        report(result)
    case "itemknn":
        let (train, test) = implicitSets()
        let configuration = NeighbourhoodConfiguration(neighbours: integer("neighbours", 100), includeSelf: true)
        let t0 = now()
        let c0 = cpuSeconds()
        let model = try ItemKNN.fit(train, configuration: configuration)
        let fit = now() - t0
        fitCPU = cpuSeconds() - c0
        var result = try evaluateTopK(model, train: train, test: test)
        result["fit_seconds"] = fit
        result["peak_rss_mb"] = peakRSSMB()
        report(result)
    case "ease":
        let (train, test) = implicitSets()
        let t0 = now()
        let c0 = cpuSeconds()
        let model = try EASE(EASE.Configuration(lambda: number("lambda", 500), binary: true)).fit(train)
        let fit = now() - t0
        fitCPU = cpuSeconds() - c0
        var result = try evaluateTopK(model, train: train, test: test)
        result["fit_seconds"] = fit
        result["peak_rss_mb"] = peakRSSMB()
        report(result)
    case "svd", "knnbaseline":
        let train = try ratingSet("train")
        let test = try ratingSet("test")
        let scale = RatingScale(lower: number("rating-min", 1), upper: number("rating-max", 5))
        let t0 = now()
        let c0 = cpuSeconds()
        let predict: ([Int32], [Int32]) -> [Double]
        if mode == "svd" {
            let model = try RatingSVD.Configuration(
                factors: integer("factors", 100), epochs: integer("epochs", 20), ratingScale: scale
            ).fit(train.set, seed: seed)
            predict = { users, items in zip(users, items).map { model.predict(user: Int($0), item: Int($1)) } }
        } else {
            let model = try KNNBaseline.Configuration(neighbours: integer("neighbours", 40), ratingScale: scale).fit(
                train.set)
            predict = { users, items in model.predict(users: users, items: items) }
        }
        let fit = now() - t0
        fitCPU = cpuSeconds() - c0
        let t1 = now()
        let predicted = predict(test.users, test.items)
        report(try ratingReport(fit: fit, predicted: predicted, actual: test.ratings, predictSeconds: now() - t1))
    case "kmeans":
        let data = try features("X")
        let configuration = KMeans.Configuration(
            clusters: integer("clusters", 8), nInit: integer("n-init", 3), maxIter: integer("max-iter", 300),
            tolerance: number("tolerance", 1e-4))
        let t0 = now()
        let c0 = cpuSeconds()
        let model = try KMeans(configuration).fit(data, seed: seed)
        let fit = now() - t0
        fitCPU = cpuSeconds() - c0
        report([
            "fit_seconds": fit, "inertia": model.inertia, "iterations": model.iterations,
            "peak_rss_mb": peakRSSMB(),
        ])
    case "dbscan":
        let data = try features("X")
        let configuration = DBSCAN.Configuration(eps: number("eps"), minSamples: integer("min-samples", 5))
        let t0 = now()
        let c0 = cpuSeconds()
        let model = try DBSCAN(configuration).fit(data, seed: seed)
        let fit = now() - t0
        fitCPU = cpuSeconds() - c0
        if CommandLine.arguments.contains("--labels") { write(model.labels, to: option("labels")) }
        report([
            "fit_seconds": fit, "clusters": model.clusterCount, "noise_share": model.noiseShare,
            "silhouette": model.silhouette ?? Double.nan,
            "peak_rss_mb": peakRSSMB(),
        ])
    case "logreg":
        let train = try features("X_train")
        let test = try features("X_test")
        let labels = load("y_train.u8", as: UInt8.self).map { $0 != 0 }
        let testLabels = load("y_test.u8", as: UInt8.self).map { $0 != 0 }
        let t0 = now()
        let c0 = cpuSeconds()
        let model = try LogisticRegression(LogisticRegression.Configuration(c: number("c", 1))).fit(
            train, labels: labels)
        let fit = now() - t0
        fitCPU = cpuSeconds() - c0
        let auc = try ClassificationMetrics.rocAUC(scores: model.decision(test), labels: testLabels)
        report([
            "fit_seconds": fit, "auc": auc, "iterations": model.iterations, "coefficients": model.coefficients,
            "intercept": model.intercept, "peak_rss_mb": peakRSSMB(),
        ])
    default:
        fail("usage: learn-bench als|itemknn|ease|svd|knnbaseline|kmeans|dbscan|logreg --data DIR [options]")
    }
} catch {
    fail("\(error)")
}
