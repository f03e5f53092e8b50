#!/usr/bin/env python3
"""make bench (part 3): the Learn models against implicit, numpy, scikit-surprise and scikit-learn.

Generates seeded data sets with planted structure (so accuracy means something), writes them as raw
little-endian arrays, then fits every model twice on the same files in the same run: once with
Bespoke's `learn-bench` (a Swift release binary) and once with its Python peer, each in its own
process so peak RSS is per fit. Accuracy is computed on a holdout the same way for both (the Swift
side's own figures are cross-checked against the Python evaluator on its dumped top-10 lists).
Writes (regenerates) the "## Learn models" section of BENCHMARKS.md, keeping the other sections.

Full run: about 20M interactions for ALS / item-kNN (ML-20M-sized), 1M ratings for surprise,
1M x 10 K-Means, 100k DBSCAN points, 1M x 30 logistic regression. `--quick` (or BENCH_QUICK=1)
runs every comparison on small data in about a minute, as a smoke test.
"""
import argparse, json, os, platform, resource, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MARKER = "\n## Learn models"

# ---------------------------------------------------------------------------------------------
# Data generation (numpy only; every set from its own seed).


def write_array(directory, name, array):
    array.tofile(os.path.join(directory, name))


def write_meta(directory, **fields):
    with open(os.path.join(directory, "meta.json"), "w") as f:
        json.dump(fields, f)


def write_csr(directory, name, matrix):
    import numpy as np
    matrix.sort_indices()
    write_array(directory, f"{name}_indptr.i64", matrix.indptr.astype(np.int64))
    write_array(directory, f"{name}_indices.i32", matrix.indices.astype(np.int32))
    write_array(directory, f"{name}_data.f64", matrix.data.astype(np.float64))


def implicit_set(directory, users, items, target, topics, seed, eval_users):
    """Customers × items event counts: power-law item popularity, and each customer drawing most of
    their events from two of `topics` latent item groups (the factor structure ALS and kNN should
    find), 15% from overall popularity. About `target` distinct pairs; 10% of pairs held out."""
    import numpy as np, scipy.sparse as sp
    rng = np.random.default_rng(seed)
    popularity = 1.0 / (np.arange(items) + 10.0) ** 1.05
    rng.shuffle(popularity)
    item_topic = rng.integers(0, topics, items)
    activity = rng.lognormal(0.0, 0.9, users)
    favourite = rng.integers(0, topics, (users, 2))
    pools = [np.flatnonzero(item_topic == t) for t in range(topics)] + [np.arange(items)]
    cdfs = [np.cumsum(popularity[pool]) for pool in pools]

    def draw(draws):
        counts = np.maximum(1, np.round(activity / activity.sum() * draws)).astype(np.int64)
        user_of = np.repeat(np.arange(users, dtype=np.int64), counts)
        n = len(user_of)
        topic = np.where(rng.random(n) < 0.65, favourite[user_of, 0], favourite[user_of, 1])
        topic[rng.random(n) < 0.15] = topics  # "topic" `topics` = the whole catalogue
        item_of = np.empty(n, dtype=np.int64)
        order = np.argsort(topic, kind="stable")
        bounds = np.searchsorted(topic[order], np.arange(topics + 2))
        for t in range(topics + 1):
            rows = order[bounds[t]:bounds[t + 1]]
            pick = np.searchsorted(cdfs[t], rng.random(len(rows)) * cdfs[t][-1])
            item_of[rows] = pools[t][np.minimum(pick, len(pools[t]) - 1)]
        return np.unique(user_of * items + item_of, return_counts=True)

    # Repeat events of the same pair are counted, not distinct: draw more until the distinct
    # pairs reach the target (within 3%).
    draws = target * 1.2
    keys, strength = draw(int(draws))
    for _ in range(4):
        if len(keys) >= 0.97 * target:
            break
        draws = min(4.0 * target, draws * (target / len(keys)) ** 1.5)
        keys, strength = draw(int(draws))
    u = (keys // items).astype(np.int32)
    i = (keys % items).astype(np.int32)
    s = strength.astype(np.float64)
    test = rng.random(len(keys)) < 0.1
    train_m = sp.csr_matrix((s[~test], (u[~test], i[~test])), shape=(users, items))
    test_m = sp.csr_matrix((s[test], (u[test], i[test])), shape=(users, items))
    write_csr(directory, "train", train_m)
    write_csr(directory, "test", test_m)
    candidates = np.flatnonzero((np.diff(test_m.indptr) > 0) & (np.diff(train_m.indptr) > 0))
    chosen = np.sort(rng.choice(candidates, min(eval_users, len(candidates)), replace=False)).astype(np.int32)
    write_array(directory, "eval_users.i32", chosen)
    write_meta(directory, users=users, items=items, train=int(train_m.nnz), test=int(test_m.nnz),
               eval_users=int(len(chosen)))


def top_items_subset(source, directory, keep):
    """The `keep` most popular items of an implicit set (for EASE, whose items² matrix limits it)."""
    import numpy as np, scipy.sparse as sp
    meta = json.load(open(os.path.join(source, "meta.json")))
    def read(name):
        indptr = np.fromfile(os.path.join(source, f"{name}_indptr.i64"), dtype=np.int64)
        indices = np.fromfile(os.path.join(source, f"{name}_indices.i32"), dtype=np.int32)
        data = np.fromfile(os.path.join(source, f"{name}_data.f64"), dtype=np.float64)
        return sp.csr_matrix((data, indices, indptr), shape=(meta["users"], meta["items"]))
    train, test = read("train"), read("test")
    popular = np.sort(np.argsort(-np.asarray((train > 0).sum(axis=0)).ravel(), kind="stable")[:keep])
    train, test = train[:, popular].tocsr(), test[:, popular].tocsr()
    write_csr(directory, "train", train)
    write_csr(directory, "test", test)
    users = np.fromfile(os.path.join(source, "eval_users.i32"), dtype=np.int32)
    users = users[(np.diff(test.indptr)[users] > 0) & (np.diff(train.indptr)[users] > 0)]
    write_array(directory, "eval_users.i32", users.astype(np.int32))
    write_meta(directory, users=meta["users"], items=len(popular), train=int(train.nnz), test=int(test.nnz),
               eval_users=int(len(users)))


def top_rated_subset(source, directory, keep):
    """The ratings of the `keep` most rated items of a rating set (for surprise's KNNBaseline, which
    holds four dense items × items float64 matrices while it computes similarities)."""
    import numpy as np
    meta = json.load(open(os.path.join(source, "meta.json")))
    counts = np.bincount(np.fromfile(os.path.join(source, "train_items.i32"), dtype=np.int32), minlength=meta["items"])
    popular = np.sort(np.argsort(-counts, kind="stable")[:keep])
    renumber = np.full(meta["items"], -1, dtype=np.int32)
    renumber[popular] = np.arange(len(popular), dtype=np.int32)
    sizes = {}
    for name in ("train", "test"):
        users = np.fromfile(os.path.join(source, f"{name}_users.i32"), dtype=np.int32)
        items = renumber[np.fromfile(os.path.join(source, f"{name}_items.i32"), dtype=np.int32)]
        ratings = np.fromfile(os.path.join(source, f"{name}_ratings.f64"), dtype=np.float64)
        kept = items >= 0
        write_array(directory, f"{name}_users.i32", users[kept])
        write_array(directory, f"{name}_items.i32", items[kept])
        write_array(directory, f"{name}_ratings.f64", ratings[kept])
        sizes[name] = int(kept.sum())
    write_meta(directory, users=meta["users"], items=len(popular), train=sizes["train"], test=sizes["test"])


def rating_set(directory, users, items, target, seed):
    """Ratings 1–5 from a biased low-rank model (10 factors) plus noise, power-law user activity and
    item popularity, about `target` distinct pairs; 10% held out."""
    import numpy as np
    rng = np.random.default_rng(seed)
    popularity = 1.0 / (np.arange(items) + 20.0) ** 0.9
    rng.shuffle(popularity)
    activity = rng.lognormal(0.0, 0.8, users)
    counts = np.minimum(items // 2, np.maximum(5, np.round(activity / activity.sum() * target * 1.15))).astype(np.int64)
    user_of = np.repeat(np.arange(users, dtype=np.int64), counts)
    cdf = np.cumsum(popularity)
    item_of = np.minimum(np.searchsorted(cdf, rng.random(len(user_of)) * cdf[-1]), items - 1)
    keys = np.unique(user_of * items + item_of)
    u, i = keys // items, keys % items
    bu, bi = rng.normal(0, 0.35, users), rng.normal(0, 0.45, items)
    p, q = rng.normal(0, 0.35, (users, 10)), rng.normal(0, 0.35, (items, 10))
    value = 3.55 + bu[u] + bi[i] + np.einsum("ij,ij->i", p[u], q[i]) + rng.normal(0, 0.7, len(keys))
    r = np.clip(np.round(value), 1, 5)
    test = rng.random(len(keys)) < 0.1
    for name, mask in (("train", ~test), ("test", test)):
        write_array(directory, f"{name}_users.i32", u[mask].astype(np.int32))
        write_array(directory, f"{name}_items.i32", i[mask].astype(np.int32))
        write_array(directory, f"{name}_ratings.f64", r[mask].astype(np.float64))
    write_meta(directory, users=users, items=items, train=int((~test).sum()), test=int(test.sum()))


def kmeans_set(directory, rows, seed):
    """`rows` × 10 from 8 overlapping Gaussian clusters of unequal size and spread."""
    import numpy as np
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 3, (8, 10))
    sizes = rng.dirichlet(np.full(8, 3.0))
    label = rng.choice(8, rows, p=sizes)
    x = centres[label] + rng.normal(0, 1, (rows, 10)) * rng.uniform(0.6, 1.6, 8)[label, None]
    write_array(directory, "X.f64", x.astype(np.float64))
    write_meta(directory, rows=rows, columns=10)


def dbscan_set(directory, rows, seed):
    """2-D points: 12 Gaussian blobs (90%) and uniform noise (10%) on [-20, 20]²."""
    import numpy as np
    rng = np.random.default_rng(seed)
    blob = int(rows * 0.9)
    centres = rng.uniform(-17, 17, (12, 2))
    label = rng.integers(0, 12, blob)
    x = np.vstack([centres[label] + rng.normal(0, 1, (blob, 2)) * rng.uniform(0.5, 1.5, 12)[label, None],
                   rng.uniform(-20, 20, (rows - blob, 2))])
    write_array(directory, "X.f64", x.astype(np.float64))
    write_meta(directory, rows=rows, columns=2)


def logistic_set(directory, rows, seed):
    """`rows` training and rows/5 test rows × 30 correlated features, labels from a known logistic
    model (about 30% positive)."""
    import numpy as np
    rng = np.random.default_rng(seed)
    total = rows + rows // 5
    mixing = np.eye(30) + rng.normal(0, 0.15, (30, 30))
    x = rng.normal(0, 1, (total, 30)) @ mixing * rng.uniform(0.5, 3, 30) + rng.normal(0, 1, 30)
    w = rng.normal(0, 0.4, 30) / np.sqrt((x[:1000] ** 2).mean(axis=0))
    z = x @ w
    z += -np.quantile(z, 0.7)
    y = (rng.random(total) < 1 / (1 + np.exp(-z))).astype(np.uint8)
    write_array(directory, "X_train.f64", x[:rows].astype(np.float64))
    write_array(directory, "X_test.f64", x[rows:].astype(np.float64))
    write_array(directory, "y_train.u8", y[:rows])
    write_array(directory, "y_test.u8", y[rows:])
    write_meta(directory, rows=rows, columns=30, positive_share=float(y.mean()))


# ---------------------------------------------------------------------------------------------
# The Python peers, each run as `learn_bench.py peer <model> --data DIR ...` in its own process.


def cpu_seconds():
    """CPU seconds of this process, all threads (less disturbed than wall time on shared cores)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb():
    """This process's own high-water mark (VmHWM): getrusage's ru_maxrss would include the forking
    parent's size, which Linux carries across exec."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_implicit(directory):
    import numpy as np, scipy.sparse as sp
    meta = json.load(open(os.path.join(directory, "meta.json")))
    def read(name):
        indptr = np.fromfile(os.path.join(directory, f"{name}_indptr.i64"), dtype=np.int64)
        indices = np.fromfile(os.path.join(directory, f"{name}_indices.i32"), dtype=np.int32)
        data = np.fromfile(os.path.join(directory, f"{name}_data.f64"), dtype=np.float64)
        return sp.csr_matrix((data, indices, indptr), shape=(meta["users"], meta["items"]))
    users = np.fromfile(os.path.join(directory, "eval_users.i32"), dtype=np.int32)
    return read("train"), read("test"), users


def ranking_metrics(recs, test, users, k=10):
    """Mean precision@k and NDCG@k over `users` (all have test items), as Learn's RankingMetrics."""
    import numpy as np
    gains = 1 / np.log2(np.arange(k) + 2)
    ideal = np.concatenate([[0], np.cumsum(gains)])
    precision = ndcg = 0.0
    for row, u in enumerate(users):
        truth = set(test.indices[test.indptr[u]:test.indptr[u + 1]].tolist())
        hit = np.array([int(i) in truth for i in recs[row][:k]], dtype=bool)
        precision += hit.sum() / k
        ndcg += (gains[:len(hit)][hit]).sum() / ideal[min(k, len(truth))]
    return {"precision10": precision / len(users), "ndcg10": ndcg / len(users)}


def topk_from_scores(scores, seen_rows, k=10):
    """Top-k item indices of each row of dense `scores`, the row's seen items excluded."""
    import numpy as np
    scores = np.array(scores, dtype=np.float64, copy=True)
    for r, seen in enumerate(seen_rows):
        scores[r, seen] = -np.inf
    part = np.argpartition(-scores, k, axis=1)[:, :k]
    order = np.take_along_axis(-scores, part, axis=1).argsort(axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def peer(argv):
    import numpy as np
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--data", required=True)
    ap.add_argument("--factors", type=int, default=64)
    ap.add_argument("--regularization", type=float, default=0.01)
    ap.add_argument("--alpha", type=float, default=1.0)
    ap.add_argument("--iterations", type=int, default=15)
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--neighbours", type=int, default=100)
    ap.add_argument("--lambda", dest="lam", type=float, default=500)
    ap.add_argument("--clusters", type=int, default=8)
    ap.add_argument("--n-init", type=int, default=3)
    ap.add_argument("--eps", type=float, default=0.2)
    ap.add_argument("--min-samples", type=int, default=10)
    ap.add_argument("--c", type=float, default=1.0)
    ap.add_argument("--labels")
    ap.add_argument("--lean", action="store_true", help="EASE: one dense copy (for 27,000 items)")
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args(argv)
    d = a.data
    out = {}
    if a.model in ("als", "itemknn", "ease"):
        train, test, users = load_implicit(d)
        if a.model == "als":
            from implicit.cpu.als import AlternatingLeastSquares
            from threadpoolctl import threadpool_limits
            # implicit's own advice: its 2 threads solve rows; a BLAS thread pool would fight them.
            threadpool_limits(1, "blas")
            # implicit's confidence is the value itself: values 1 + alpha·strength give Learn's model.
            conf = train.copy()
            conf.data = 1 + a.alpha * conf.data
            model = AlternatingLeastSquares(factors=a.factors, regularization=a.regularization, alpha=1.0,
                                            iterations=a.iterations, num_threads=2, random_state=a.seed)
            t0 = time.perf_counter(); c0 = cpu_seconds()
            model.fit(conf, show_progress=False)
            out["fit_seconds"] = time.perf_counter() - t0; out["fit_cpu_seconds"] = cpu_seconds() - c0
            out["per_iteration_seconds"] = out["fit_seconds"] / a.iterations
            t1 = time.perf_counter()
            recs, _ = model.recommend(users, train[users], N=10, filter_already_liked_items=True)
        elif a.model == "itemknn":
            from implicit.nearest_neighbours import CosineRecommender
            model = CosineRecommender(K=a.neighbours, num_threads=2)
            t0 = time.perf_counter(); c0 = cpu_seconds()
            model.fit(train, show_progress=False)
            out["fit_seconds"] = time.perf_counter() - t0; out["fit_cpu_seconds"] = cpu_seconds() - c0
            t1 = time.perf_counter()
            recs, _ = model.recommend(users, train[users], N=10, filter_already_liked_items=True)
        else:
            t0 = time.perf_counter(); c0 = cpu_seconds()
            x = (train > 0).astype(np.float64)
            if not a.lean:
                g = (x.T @ x).toarray()
                g[np.diag_indices_from(g)] += a.lam
                p = np.linalg.inv(g)
                b = p / (-np.diag(p))
            else:
                # One dense copy: at 27,000 items the version above holds a 12 GB sparse XᵀX beside
                # its 5.8 GB dense copy, then three 5.8 GB matrices. Here XᵀX is filled 1,000 item
                # columns at a time into one array and inverted in place by LAPACK's LU inverse
                # (dgetrf, dgetri: np.linalg.inv's factorisation, on numpy's OpenBLAS and its threads),
                # then B is formed in place. scipy.linalg.inv, and dpotrf of this OpenBLAS, crash
                # (segmentation fault) at this size.
                from scipy.linalg import lapack
                n = x.shape[1]
                g = np.empty((n, n))
                xt = x.T.tocsr()
                xc = x.tocsc()
                for start in range(0, n, 1000):
                    g[:, start:start + 1000] = (xt @ xc[:, start:start + 1000]).toarray()
                g[np.diag_indices_from(g)] += a.lam
                # g is symmetric: its transpose is the same matrix in Fortran order, overwritten in place.
                lu, piv, info = lapack.dgetrf(g.T, overwrite_a=1)
                assert info == 0, info
                lwork, info = lapack.dgetri_lwork(n)
                b, info = lapack.dgetri(lu, piv, lwork=int(lwork), overwrite_lu=1)
                assert info == 0, info
                del g, lu
                b /= -np.diag(b).copy()
            b[np.diag_indices_from(b)] = 0
            out["fit_seconds"] = time.perf_counter() - t0; out["fit_cpu_seconds"] = cpu_seconds() - c0
            t1 = time.perf_counter()
            rows = x[users]
            recs = topk_from_scores(rows @ b, [rows.indices[rows.indptr[r]:rows.indptr[r + 1]]
                                               for r in range(len(users))])
        out["eval_seconds"] = time.perf_counter() - t1
        out.update(ranking_metrics(recs, test, users))
    elif a.model in ("svd", "knnbaseline"):
        import pandas as pd
        from surprise import SVD, Dataset, KNNBaseline, Reader
        def read(name):
            return pd.DataFrame({
                "u": np.fromfile(os.path.join(d, f"{name}_users.i32"), dtype=np.int32),
                "i": np.fromfile(os.path.join(d, f"{name}_items.i32"), dtype=np.int32),
                "r": np.fromfile(os.path.join(d, f"{name}_ratings.f64"), dtype=np.float64)})
        train, test = read("train"), read("test")
        trainset = Dataset.load_from_df(train, Reader(rating_scale=(1, 5))).build_full_trainset()
        t0 = time.perf_counter(); c0 = cpu_seconds()
        if a.model == "svd":
            algo = SVD(n_factors=a.factors, n_epochs=a.epochs, random_state=a.seed)
        else:
            algo = KNNBaseline(k=a.neighbours, sim_options={"name": "pearson_baseline", "user_based": False}, verbose=False)
        algo.fit(trainset)
        out["fit_seconds"] = time.perf_counter() - t0; out["fit_cpu_seconds"] = cpu_seconds() - c0
        t1 = time.perf_counter()
        est = np.array([algo.predict(u, i).est for u, i in zip(test.u.tolist(), test.i.tolist())])
        out["predict_seconds"] = time.perf_counter() - t1
        err = est - test.r.to_numpy()
        out["rmse"] = float(np.sqrt((err ** 2).mean()))
        out["mae"] = float(np.abs(err).mean())
    elif a.model == "kmeans":
        from sklearn.cluster import KMeans
        x = np.fromfile(os.path.join(d, "X.f64")).reshape(-1, 10)
        t0 = time.perf_counter(); c0 = cpu_seconds()
        model = KMeans(n_clusters=a.clusters, n_init=a.n_init, max_iter=300, tol=1e-4, random_state=a.seed).fit(x)
        out.update(fit_seconds=time.perf_counter() - t0, fit_cpu_seconds=cpu_seconds() - c0, inertia=float(model.inertia_), iterations=int(model.n_iter_))
    elif a.model == "dbscan":
        from sklearn.cluster import DBSCAN
        x = np.fromfile(os.path.join(d, "X.f64")).reshape(-1, 2)
        t0 = time.perf_counter(); c0 = cpu_seconds()
        labels = DBSCAN(eps=a.eps, min_samples=a.min_samples, n_jobs=2).fit(x).labels_
        out["fit_seconds"] = time.perf_counter() - t0; out["fit_cpu_seconds"] = cpu_seconds() - c0
        out["clusters"] = int(labels.max() + 1)
        out["noise_share"] = float((labels < 0).mean())
        if a.labels:
            labels.astype(np.int32).tofile(a.labels)
    elif a.model == "logreg":
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import roc_auc_score
        x = np.fromfile(os.path.join(d, "X_train.f64")).reshape(-1, 30)
        y = np.fromfile(os.path.join(d, "y_train.u8"), dtype=np.uint8)
        xt = np.fromfile(os.path.join(d, "X_test.f64")).reshape(-1, 30)
        yt = np.fromfile(os.path.join(d, "y_test.u8"), dtype=np.uint8)
        t0 = time.perf_counter(); c0 = cpu_seconds()
        model = LogisticRegression(C=a.c, solver="lbfgs", max_iter=1000).fit(x, y)
        out["fit_seconds"] = time.perf_counter() - t0; out["fit_cpu_seconds"] = cpu_seconds() - c0
        out["auc"] = float(roc_auc_score(yt, model.decision_function(xt)))
        out["iterations"] = int(model.n_iter_[0])
        out["coefficients"] = model.coef_[0].tolist()
        out["intercept"] = float(model.intercept_[0])
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))


# ---------------------------------------------------------------------------------------------
# The driver.


def run_json(cmd):
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        how = f"signal {-done.returncode}" if done.returncode < 0 else f"exit {done.returncode}"
        raise SystemExit(f"learn-bench: {' '.join(cmd[:3])} failed ({how}):\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = time.perf_counter() - t0
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True, help="path of the release learn-bench binary")
    ap.add_argument("--quick", action="store_true", help="small data: a smoke run of every comparison")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench-out", "learn"))
    ap.add_argument("--report", default=os.path.join(ROOT, "BENCHMARKS.md"))
    ap.add_argument("--only", help="comma-separated comparison names to run (default: all)")
    ap.add_argument("--als-iterations", type=int, default=15,
                    help="ALS iterations on both sides (per-iteration seconds do not depend on it)")
    a = ap.parse_args()
    quick = a.quick or os.environ.get("BENCH_QUICK") == "1"
    py = sys.executable
    me = os.path.abspath(__file__)
    # Sizes: (users, items, pairs, topics, evaluated users).
    sizes = {
        "fixtures": (3_000, 500, 40_000, 8, 3_000),
        "large": (14_000, 2_700, 2_000_000, 40, 2_000) if quick else (140_000, 27_000, 20_000_000, 40, 10_000),
        "ease_items": 2_000 if quick else 10_000,
        "ratings": (1_000, 800, 100_000) if quick else (6_040, 3_700, 1_000_000),
        "ratings_fixtures": (3_000, 500, 40_000),
        "ratings_large": (14_000, 2_700, 2_000_000) if quick else (140_000, 27_000, 20_000_000),
        "knn_items": 2_000 if quick else 10_000,
        "kmeans": 100_000 if quick else 1_000_000,
        "dbscan": 20_000 if quick else 100_000,
        "logreg": 100_000 if quick else 1_000_000,
    }
    root = os.path.join(a.out, "quick" if quick else "full")
    def prepared(name, make, *args):
        directory = os.path.join(root, name)
        if not os.path.exists(os.path.join(directory, "meta.json")):
            os.makedirs(directory, exist_ok=True)
            print(f"learn-bench: generating {name}", flush=True)
            make(directory, *args)
        return directory

    fixtures = prepared("implicit-fixtures", implicit_set, *sizes["fixtures"][:4], 1, sizes["fixtures"][4])
    large = prepared("implicit-large", implicit_set, *sizes["large"][:4], 2, sizes["large"][4])
    ease_large = os.path.join(root, f"implicit-large-top{sizes['ease_items']}")
    if not os.path.exists(os.path.join(ease_large, "meta.json")):
        os.makedirs(ease_large, exist_ok=True)
        top_items_subset(large, ease_large, sizes["ease_items"])
    ratings = prepared("ratings", rating_set, *sizes["ratings"], 3)
    ratings_fixtures = prepared("ratings-fixtures", rating_set, *sizes["ratings_fixtures"], 7)
    ratings_large = prepared("ratings-large", rating_set, *sizes["ratings_large"], 8)
    knn_large = os.path.join(root, f"ratings-large-top{sizes['knn_items']}")
    if not os.path.exists(os.path.join(knn_large, "meta.json")):
        os.makedirs(knn_large, exist_ok=True)
        top_rated_subset(ratings_large, knn_large, sizes["knn_items"])
    kmeans = prepared("kmeans", kmeans_set, sizes["kmeans"], 4)
    dbscan = prepared("dbscan", dbscan_set, sizes["dbscan"], 5)
    logreg = prepared("logreg", logistic_set, sizes["logreg"], 6)

    als = ["--factors", "64", "--regularization", "0.05", "--alpha", "2", "--iterations", str(a.als_iterations)]
    svd, knn = ["--factors", "100", "--epochs", "20"], ["--neighbours", "40"]
    comparisons = [
        # name, model, data dir, shared options, what
        ("als-fixtures", "als", fixtures, als, f"ALS 64 factors, {a.als_iterations} it. vs implicit (fixtures size)"),
        ("als-large", "als", large, als, f"ALS 64 factors, {a.als_iterations} it. vs implicit (ML-20M size)"),
        ("itemknn-fixtures", "itemknn", fixtures, ["--neighbours", "100"], "item-kNN cosine K=100 vs implicit"),
        ("itemknn-large", "itemknn", large, ["--neighbours", "100"], "item-kNN cosine K=100 vs implicit"),
        ("ease-fixtures", "ease", fixtures, ["--lambda", "200"], "EASE λ=200 vs numpy"),
        ("ease-large", "ease", ease_large, ["--lambda", "500"], f"EASE λ=500 vs numpy"),
        ("ease-full", "ease", large, ["--lambda", "500"], "EASE λ=500 vs numpy, one dense copy (ML-20M size)"),
        ("svd-fixtures", "svd", ratings_fixtures, svd, "SVD 100 factors, 20 epochs vs surprise (fixtures size)"),
        ("svd", "svd", ratings, svd, "SVD 100 factors, 20 epochs vs surprise (ML-1M size)"),
        ("svd-large", "svd", ratings_large, svd, "SVD 100 factors, 20 epochs vs surprise (ML-20M size)"),
        ("knnbaseline-fixtures", "knnbaseline", ratings_fixtures, knn, "KNNBaseline item k=40 vs surprise (fixtures size)"),
        ("knnbaseline", "knnbaseline", ratings, knn, "KNNBaseline item k=40 vs surprise (ML-1M size)"),
        ("knnbaseline-large", "knnbaseline", knn_large, knn,
         f"KNNBaseline item k=40 vs surprise (ML-20M size, {sizes['knn_items']:,} most rated items)"),
        ("kmeans", "kmeans", kmeans, ["--clusters", "8", "--n-init", "3"], "K-Means k=8, n_init=3 vs sklearn"),
        ("dbscan", "dbscan", dbscan, ["--eps", "0.2", "--min-samples", "10"], "DBSCAN eps=0.2, min_samples=10"),
        ("logreg", "logreg", logreg, ["--c", "1"], "LogisticRegression C=1 vs sklearn lbfgs"),
    ]
    only = set(a.only.split(",")) if a.only else None
    # With --only, the other comparisons keep their figures from the last run on the same sizes.
    previous = os.path.join(root, "results.json")
    results = json.load(open(previous)) if only and os.path.exists(previous) else {}
    for name, model, directory, options, what in comparisons:
        if only and name not in only:
            continue
        print(f"learn-bench: {name}", flush=True)
        ours_extra, peer_extra = [], []
        if model in ("als", "itemknn", "ease"):
            ours_extra = ["--recs", os.path.join(directory, f"{model}-recs.i32")]
        if model == "dbscan":
            ours_extra = ["--labels", os.path.join(directory, "ours-labels.i32")]
            peer_extra = ["--labels", os.path.join(directory, "peer-labels.i32")]
        peer_options = options + (["--lean"] if name == "ease-full" else [])
        ours = run_json([a.bench, model, "--data", directory, *options, *ours_extra])
        try:
            theirs = run_json([py, me, "peer", model, "--data", directory, *peer_options, *peer_extra])
        except SystemExit as failure:
            # A peer that cannot run at this size (numpy's and scipy's LAPACK crash at 27,000 items)
            # leaves ours alone in the row, with the reason, rather than losing the whole run.
            print(failure, flush=True)
            reason = str(failure).splitlines()[0]
            theirs = {"failed": "the peer crashed: " + reason[reason.rfind("(") + 1:].rstrip("):")}
        results[name] = {"what": what, "ours": ours, "peer": theirs, "data": json.load(open(os.path.join(directory, "meta.json")))}
        if model in ("als", "itemknn", "ease"):
            import numpy as np
            train, test, users = load_implicit(directory)
            recs = np.fromfile(ours_extra[1], dtype=np.int32).reshape(len(users), 10)
            check = ranking_metrics(recs, test, users)
            results[name]["ours_rechecked"] = check
        if name in ("als-fixtures", "svd-fixtures", "svd"):
            # One seed's accuracy at this size moves with the random initial factors (ALS's NDCG by
            # ±5%, in either library): the accuracy comparison is the mean over six seeds of each.
            metrics = ("ndcg10", "precision10") if model == "als" else ("rmse", "mae")
            means = {}
            for side, base in (("ours", [a.bench, model, "--data", directory, *options]),
                               ("peer", [py, me, "peer", model, "--data", directory, *peer_options])):
                runs = [run_json(base + ["--seed", str(seed)]) for seed in range(1, 7)]
                means[side] = {k: sum(r[k] for r in runs) / len(runs) for k in metrics}
            results[name]["seed_means"] = means
        if model == "dbscan":
            import numpy as np
            from sklearn.metrics import adjusted_rand_score
            ol = np.fromfile(ours_extra[1], dtype=np.int32)
            pl = np.fromfile(peer_extra[1], dtype=np.int32)
            results[name]["ari"] = float(adjusted_rand_score(pl, ol))
            results[name]["same_noise"] = bool(((ol < 0) == (pl < 0)).all())
        if model == "logreg":
            import numpy as np
            results[name]["coefficient_gap"] = float(np.max(np.abs(np.array(ours["coefficients"]) -
                                                                    np.array(theirs["coefficients"]))))
        print(json.dumps({k: v for k, v in results[name].items() if k != "what"}, default=str)[:600], flush=True)
    with open(os.path.join(root, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    write_report(a.report, results, sizes, quick)


def write_report(path, results, sizes, quick):
    def fmt(v, digits=4):
        return "—" if v is None else (f"{v:.{digits}f}" if isinstance(v, float) else str(v))
    rows = ["| comparison | data | fit s ours / peer | peer/ours | fit CPU s ours / peer | peer/ours CPU | "
            "RSS MB ours / peer | accuracy (ours / peer) |",
            "|---|---|---|---|---|---|---|---|"]
    verdicts = []
    for name, r in results.items():
        o, p, d = r["ours"], r["peer"], r["data"]
        if "failed" in p:
            data = f"{d['users']:,}×{d['items']:,}, {d['train']:,} train pairs"
            acc = f"NDCG@10 {o['ndcg10']:.4f} / —; P@10 {o['precision10']:.4f} / —; evaluation s {o['eval_seconds']:.2f} / —"
            rows.append(f"| {r['what']} | {data} | {o['fit_seconds']:.2f} / — | — | {o['fit_cpu_seconds']:.2f} / — | — | "
                        f"{o['peak_rss_mb']:.0f} / — | {acc} |")
            verdicts.append((f"{name}: fit no slower than the peer (wall clock)", p["failed"], None))
            continue
        o.setdefault("fit_cpu_seconds", float("nan"))
        p.setdefault("fit_cpu_seconds", float("nan"))
        if "train" in d and "users" in d and "ndcg10" in o:
            data = f"{d['users']:,}×{d['items']:,}, {d['train']:,} train pairs"
            acc = (f"NDCG@10 {o['ndcg10']:.4f} / {p['ndcg10']:.4f}; P@10 {o['precision10']:.4f} / "
                   f"{p['precision10']:.4f}")
            if "seed_means" in r:
                m = r["seed_means"]
                acc += (f"; mean of seeds 1–6: NDCG@10 {m['ours']['ndcg10']:.4f} / {m['peer']['ndcg10']:.4f}, "
                        f"P@10 {m['ours']['precision10']:.4f} / {m['peer']['precision10']:.4f}")
        elif "rmse" in o:
            data = f"{d['users']:,}×{d['items']:,}, {d['train']:,} ratings"
            acc = f"RMSE {o['rmse']:.4f} / {p['rmse']:.4f}; MAE {o['mae']:.4f} / {p['mae']:.4f}"
            if "seed_means" in r:
                m = r["seed_means"]
                acc += (f"; mean of seeds 1–6: RMSE {m['ours']['rmse']:.4f} / {m['peer']['rmse']:.4f}, "
                        f"MAE {m['ours']['mae']:.4f} / {m['peer']['mae']:.4f}")
        elif "inertia" in o:
            data = f"{d['rows']:,}×{d['columns']}"
            acc = f"inertia {o['inertia']:.6g} / {p['inertia']:.6g}"
        elif "clusters" in o:
            data = f"{d['rows']:,}×{d['columns']}"
            acc = (f"{o['clusters']} / {p['clusters']} clusters, noise {o['noise_share']:.4f} / "
                   f"{p['noise_share']:.4f}, ARI {r['ari']:.6f}")
        else:
            data = f"{d['rows']:,}×{d['columns']}"
            acc = f"AUC {o['auc']:.6f} / {p['auc']:.6f}; max coef gap {r['coefficient_gap']:.1e}"
        evals = [side.get("eval_seconds", side.get("predict_seconds")) for side in (o, p)]
        if None not in evals:
            acc += f"; evaluation s {evals[0]:.2f} / {evals[1]:.2f}"
        ratio = p["fit_seconds"] / max(o["fit_seconds"], 1e-9)
        cpu_ratio = p["fit_cpu_seconds"] / max(o["fit_cpu_seconds"], 1e-9)
        def cpu(v):
            return "—" if v != v else f"{v:.2f}"
        rows.append(f"| {r['what']} | {data} | {o['fit_seconds']:.2f} / {p['fit_seconds']:.2f} | {ratio:.2f}× | "
                    f"{cpu(o['fit_cpu_seconds'])} / {cpu(p['fit_cpu_seconds'])} | "
                    f"{'—' if cpu_ratio != cpu_ratio else f'{cpu_ratio:.2f}×'} | "
                    f"{o['peak_rss_mb']:.0f} / {p['peak_rss_mb']:.0f} | {acc} |")
        verdicts.append((f"{name}: fit no slower than the peer (wall clock)",
                         f"{ratio:.2f}× the peer's speed" + ("" if cpu_ratio != cpu_ratio else
                                                              f" (CPU time: {cpu_ratio:.2f}×)"), ratio >= 1))
    if "als-large" in results:
        ours = results["als-large"]["ours"]
        per = ours["per_iteration_seconds"]
        its = round(ours["fit_seconds"] / per)
        verdicts.append(("ALS ≤ 2 s per iteration at 64 factors on the large set",
                         f"{per:.2f} s ({ours['fit_cpu_seconds'] / its:.2f} CPU s)", per <= 2))
    lines = [
        "",
        "## Learn models: fits beside implicit, numpy, surprise and scikit-learn",
        "",
        f"Written by `make bench` ({time.strftime('%Y-%m-%d', time.gmtime())}){' in --quick mode (small data)' if quick else ''} "
        f"on {platform.machine()}, {os.cpu_count()} cores, by `Benchmarks/learn_bench.py`. Every pair of fits runs on the same",
        "generated files in the same run, each fit in its own process (peak RSS includes the data loaded). Bespoke: release",
        "build of `learn-bench`, both cores, double precision except ALS (`precision: single`, float32 like implicit's",
        "default; `learn-bench als --double` for double). Peers: implicit 0.7 (float32, its default; 2 threads),",
        "numpy (OpenBLAS, 2 threads), scikit-surprise (single-threaded, as it always is), scikit-learn (2 threads).",
        "One run each. Wall-clock figures are only as good as the machine is quiet: when other work shares the two",
        "cores, compare the CPU-second columns (each process's user + system time over its fit, all threads).",
        f"Load average (1, 5, 15 min) when this section was written: {', '.join(f'{v:.1f}' for v in os.getloadavg())}.",
        "",
        "Data (seeded, planted structure): implicit sets draw each customer's events mostly from two of 40 latent item",
        "groups under a power-law item popularity (the large one ML-20M-sized: 140,000 customers, 27,000 items, ~20M",
        "interactions); 10% of pairs are held out and NDCG/precision@10 are over up to 10,000 held-out customers, seen",
        "items excluded. ALS: 64 factors, λ = 0.05, confidence 1 + 2·count, conjugate gradient (3 steps),",
        "on both sides. Item-kNN: cosine, 100 neighbours including the item itself (implicit's CosineRecommender). EASE",
        f"runs on the large set twice: on its {sizes['ease_items']:,} most popular items against numpy as EASE is usually",
        "written (`np.linalg.inv`), and on all 27,000 items (`ease-full`). There the usual form would hold a 12 GB sparse",
        "XᵀX beside its 5.8 GB dense copy, then three 5.8 GB matrices, so the peer fills XᵀX by blocks of items into one",
        "array and inverts it in place with LAPACK's dgetrf/dgetri; but the LAPACK that numpy and scipy ship",
        "(scipy-openblas 0.3.31) crashes with a segmentation fault at n = 27,000 in `np.linalg.inv`, `scipy.linalg.inv`,",
        "dgetrf and dpotrf alike (reproduced on 2·I alone), so that row has no peer. Ours holds one such matrix.",
        "Ratings (1–5 from a biased 10-factor model plus noise, power-law activity and",
        "popularity, 10% held out) at three sizes: fixtures (3,000 × 500, ~40k), ML-1M (6,040 × 3,700, ~1M) and ML-20M",
        "(140,000 × 27,000, ~20M). SVD: 100 factors, 20 epochs, surprise's defaults (learning rate 0.005, regularisation",
        "0.02) on both sides; at the fixtures and ML-1M sizes the RMSE also as the mean over seeds 1–6. KNNBaseline: item-based,",
        f"k = 40, shrunk Pearson-baseline similarity; at the ML-20M size on the {sizes['knn_items']:,} most-rated items,",
        "because surprise holds four dense items × items float64 matrices while it computes similarities (at 27,000",
        "items 4 × 5.8 GB = 23 GB, all of this machine's memory). Evaluation seconds (top-10 for the held-out",
        "customers, or predicting every held-out rating) follow the accuracy. K-Means: 8 overlapping",
        "Gaussian clusters; DBSCAN: 12 blobs and 10% uniform noise in 2-D; logistic regression: 30 correlated features,",
        "labels from a known logistic model, AUC on 20% more rows held out (ours: Newton, gradient tolerance 1e-10;",
        "scikit-learn: lbfgs, tol 1e-4). Ours' DBSCAN fit includes its silhouette on a 10,000-point sample.",
        "",
        *rows,
        "",
        "| target | measured | |",
        "|---|---|---|",
        *[f"| {t} | {m} | {'no peer' if ok is None else 'met' if ok else 'NOT met'} |" for t, m, ok in verdicts],
        "",
    ]
    report = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    if MARKER in report:
        start = report.index(MARKER)
        rest = report.find("\n## ", start + len(MARKER))
        # A run with --only on a machine without the previous results.json keeps the section's
        # other rows as they were (a row is the same comparison when its first two cells match).
        old = report[start:rest if rest >= 0 else len(report)].splitlines()
        def key(row, cells):
            return "|".join(row.split("|")[1:1 + cells])
        new_rows = {key(r, 2) for r in rows[2:]}
        new_targets = {key(t, 1) for t in lines if t.startswith("| ") and t.count("|") == 4}
        kept = [r for r in old if r.count("|") == 9 and not r.startswith(("| comparison", "|---"))
                and key(r, 2) not in new_rows]
        kept_targets = [t for t in old if t.count("|") == 4 and not t.startswith(("| target", "|---"))
                        and key(t, 1) not in new_targets]
        if kept or kept_targets:
            at = lines.index(rows[-1]) + 1
            lines[at:at] = kept
            at = max(i for i, t in enumerate(lines) if t.startswith("| ") and t.count("|") == 4) + 1
            lines[at:at] = kept_targets
        report = report[:start] + (report[rest:] if rest >= 0 else "")
    with open(path, "w") as f:
        f.write(report.rstrip("\n") + "\n" + "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "peer":
        peer(sys.argv[2:])
    else:
        main()
