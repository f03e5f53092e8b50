#!/usr/bin/env python3
"""make bench (score): scoring throughput of the `score` stage's hybrid beside numpy/implicit.

Generates (seeded, outside any timed region) the features stage's tables for N customers × M items
with latent structure — each item belongs to one of M/100 topics, each customer prefers two topics
and draws 80% of their pairs from them (popular items of a topic more often), the rest from the
whole catalogue (popular items more often) — as Parquet sources: interactions (= train_interactions,
split none), an empty test_interactions, customer_index, item_index and an empty item_terms.

Bespoke: `bespoke stage --stage train` fits item_knn (neighbours 100), als (factors 64, iterations
10) and their hybrid (weights 1, 1), then `bespoke stage --stage score` (model hybrid, k 10,
segments and churn off, no catalogue) writes 10 recommendations with reasons for every customer.
Only the score stage is timed: its process wall time and peak RSS, and its manifest's seconds.

Peer (its own process, Benchmarks/score_bench.py --peer): implicit 0.7 fits CosineRecommender
(K = 101: implicit counts an item as its own neighbour, ours does not, so the diagonal is dropped)
and AlternatingLeastSquares (factors 64, regularization 0.01, confidence 1 + strength, 10
iterations, 3 CG steps, float64) on the same interactions — untimed. Timed: the same blend the
score stage computes — each customer's factors recomputed from their whole history
(`recalculate_user`, an exact solve, as our fold-in), item-kNN scores Σ strength·similarity (items
no history item lists are absent), each component min–max normalised per customer over the items it
scores (seen items included, as HybridRecommender does), summed with weights 1, 1, seen items
excluded, top 10 by score then smaller item — in numpy batches of customers. No reasons.

`--quick`: 50k customers × 5k items for a smoke run.
"""
import argparse, json, os, resource, shutil, subprocess, sys, time

from benchcommon import replace_section, timed

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
HEADING = "## Score stage"
DAY = 86_400_000_000
K = 10


def generate(folder, n_customers, n_items, pairs_per_customer, seed=42):
    """Writes the features stage's tables for a latent-topic interaction log into `folder`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    os.makedirs(folder, exist_ok=True)
    topics = max(5, n_items // 100)
    item_topic = rng.integers(0, topics, n_items)
    # Items grouped by topic, each topic's in a random order of popularity.
    by_topic = np.lexsort((rng.random(n_items), item_topic))
    topic_start = np.searchsorted(item_topic[by_topic], np.arange(topics))
    topic_size = np.bincount(item_topic, minlength=topics)
    global_order = rng.permutation(n_items)
    preferred = rng.integers(0, topics, (n_customers, 2))

    counts = np.minimum(rng.geometric(1 / pairs_per_customer, n_customers), 50 * pairs_per_customer)
    customer = np.repeat(np.arange(n_customers, dtype=np.int64), counts)
    n = len(customer)
    in_topic = rng.random(n) < 0.8
    topic = preferred[customer, rng.integers(0, 2, n)]
    u = rng.random(n)
    local = topic_start[topic] + np.minimum((topic_size[topic] * u**2).astype(np.int64), topic_size[topic] - 1)
    item = np.where(in_topic & (topic_size[topic] > 0), by_topic[np.minimum(local, n_items - 1)],
                    global_order[np.minimum((n_items * rng.random(n) ** 3).astype(np.int64), n_items - 1)])
    keys, events = np.unique(customer * n_items + item, return_counts=True)
    c = (keys // n_items).astype(np.int32)
    i = (keys % n_items).astype(np.int32)
    pairs = len(keys)
    end = 1_793_491_200_000_000  # 2026-11-01T00:00:00Z
    first = end - rng.integers(1, 120 * DAY, pairs)
    last = np.minimum(first + rng.integers(0, 30 * DAY, pairs) * (events > 1), end)
    # Weighted event counts as the features stage's default weights give: views 1, carts 3, purchases 5.
    strength = events + 2.0 * rng.binomial(events, 0.15) + 4.0 * rng.binomial(events, 0.07)
    customer_ids = np.arange(n_customers, dtype=np.int64) + 1_000_000
    item_ids = np.arange(n_items, dtype=np.int64) * 7 + 1000
    interactions = pa.table({
        "customer_index": pa.array(c), "item_index": pa.array(i),
        "customer_id": pa.array(customer_ids[c]), "item_id": pa.array(item_ids[i]),
        "strength": pa.array(strength), "events": pa.array(events.astype(np.int64)),
        "rating": pa.nulls(pairs, pa.float64()),
        "first_time": pa.array(first, pa.timestamp("us", tz="UTC")),
        "last_time": pa.array(last, pa.timestamp("us", tz="UTC")),
    })
    tables = {
        "interactions": interactions,
        "test_interactions": interactions.slice(0, 0),
        "customer_index": pa.table({"customer_index": pa.array(np.arange(n_customers, dtype=np.int32)),
                                    "customer_id": pa.array(customer_ids)}),
        "item_index": pa.table({"item_index": pa.array(np.arange(n_items, dtype=np.int32)),
                                "item_id": pa.array(item_ids)}),
        "item_terms": pa.table({"item_index": pa.array([], pa.int32()), "item_id": pa.array([], pa.int64()),
                                "term": pa.array([], pa.string()), "weight": pa.array([], pa.float64())}),
    }
    for name, table in tables.items():
        pq.write_table(table, os.path.join(folder, f"{name}.parquet"), compression="zstd")
    return pairs


def peer(data, out, batch, threads, sample):
    """Fits implicit's models (untimed), then times the hybrid top-K for every customer."""
    import pyarrow.parquet as pq
    from threadpoolctl import threadpool_limits
    import scipy.sparse as sp
    from implicit.cpu.als import AlternatingLeastSquares
    from implicit.nearest_neighbours import CosineRecommender

    t = pq.read_table(os.path.join(data, "interactions.parquet"),
                      columns=["customer_index", "item_index", "strength"])
    n_customers = pq.read_metadata(os.path.join(data, "customer_index.parquet")).num_rows
    n_items = pq.read_metadata(os.path.join(data, "item_index.parquet")).num_rows
    c, i = t["customer_index"].to_numpy(), t["item_index"].to_numpy()
    s = t["strength"].to_numpy()
    del t
    strengths = sp.csr_matrix((s, (c, i)), shape=(n_customers, n_items)).tocsr()
    confidence = strengths.copy()
    confidence.data = 1.0 + confidence.data
    del c, i, s

    # implicit parallelises over customers itself and asks for a single-threaded BLAS.
    single = threadpool_limits(1, "blas")
    t0 = time.perf_counter()
    knn = CosineRecommender(K=101, num_threads=threads)
    knn.fit(strengths, show_progress=False)
    similarity = knn.similarity.tocsr()
    similarity.setdiag(0)
    similarity.eliminate_zeros()
    als = AlternatingLeastSquares(factors=64, regularization=0.01, alpha=1.0, iterations=10, use_cg=True,
                                  dtype=np.float64, num_threads=threads, random_state=42)
    als.fit(confidence, show_progress=False)
    fit_seconds = time.perf_counter() - t0

    top = np.full((n_customers, K), -1, dtype=np.int32)
    # Every batch, or (--peer-sample) an evenly spaced subset of the batches covering about
    # `sample` customers: the rate per customer does not depend on how many are scored.
    starts = list(range(0, n_customers, batch))
    if sample and sample < n_customers:
        starts = starts[::max(1, len(starts) * batch // sample)]
    scored = np.concatenate([np.arange(s, min(n_customers, s + batch)) for s in starts])
    t0 = time.perf_counter()
    # The scored customers' factors from their whole history, as the score stage folds them in.
    factors = np.zeros((n_customers, als.factors))
    factors[scored] = als.recalculate_user(scored, confidence[scored])
    fold_seconds = time.perf_counter() - t0
    single.restore_original_limits()  # both cores for the batch products
    items_t = np.ascontiguousarray(als.item_factors.T)
    for start in starts:
        stop = min(n_customers, start + batch)
        rows = stop - start
        history = strengths[start:stop]
        a = factors[start:stop] @ items_t
        lo, hi = a.min(axis=1, keepdims=True), a.max(axis=1, keepdims=True)
        span = hi - lo
        a = np.where(span > 0, (a - lo) / np.where(span > 0, span, 1), 1.0)
        n = (history @ similarity).tocsr()
        # Per customer min–max over the items item-kNN scores; absent items count 0 in the blend.
        counts = np.diff(n.indptr)
        row_of = np.repeat(np.arange(rows), counts)
        nonempty = counts > 0
        lo = np.full(rows, np.inf)
        hi = np.full(rows, -np.inf)
        lo[nonempty] = np.minimum.reduceat(n.data, n.indptr[:-1][nonempty])
        hi[nonempty] = np.maximum.reduceat(n.data, n.indptr[:-1][nonempty])
        span = (hi - lo)[row_of]
        a[row_of, n.indices] += np.where(span > 0, (n.data - lo[row_of]) / np.where(span > 0, span, 1), 1.0)
        # Seen items out, then the 10 best, ties to the smaller item.
        a[np.repeat(np.arange(rows), np.diff(history.indptr)), history.indices] = -np.inf
        part = np.argpartition(-a, K, axis=1)[:, :K]
        values = np.take_along_axis(a, part, axis=1)
        order = np.lexsort((part, -values), axis=1)
        top[start:stop] = np.take_along_axis(part, order, axis=1)
    seconds = time.perf_counter() - t0
    np.save(os.path.join(out, "peer_top.npy"), top)
    print(json.dumps({"fit_seconds": fit_seconds, "seconds": seconds, "fold_seconds": fold_seconds,
                      "customers": len(scored),
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))






def overlap(recommendations_path, peer_top):
    """Mean share of a customer's 10 items that both lists hold."""
    import pyarrow.parquet as pq

    t = pq.read_table(recommendations_path, columns=["customer_index", "item_index"])
    c, i = t["customer_index"].to_numpy(), t["item_index"].to_numpy()
    scored = np.flatnonzero(peer_top[:, 0] >= 0)  # the customers the peer scored
    peer_top = peer_top[scored]
    keep = np.isin(c, scored)
    c, i = c[keep], i[keep]
    n_items = int(max(i.max(), peer_top.max())) + 1
    ours = np.unique(c.astype(np.int64) * n_items + i)
    theirs = np.unique(np.repeat(scored.astype(np.int64), K) * n_items + peer_top.ravel())
    return len(np.intersect1d(ours, theirs, assume_unique=True)) / (len(scored) * K)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bespoke", help="the release bespoke binary (bespoke-train and bespoke-score beside it)")
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--items", type=int, default=30_000)
    ap.add_argument("--pairs", type=int, default=20, help="mean interactions per customer before duplicates merge")
    ap.add_argument("--quick", action="store_true", help="50k customers × 5k items, for a smoke run")
    ap.add_argument("--batch", type=int, default=1024, help="the peer's customers per numpy batch")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench-out"))
    ap.add_argument("--report", default=os.path.join(ROOT, "BENCHMARKS.md"))
    ap.add_argument("--peer-sample", type=int, default=0,
                    help="time the peer on about this many customers (evenly spaced batches) instead of all")
    ap.add_argument("--reuse", action="store_true",
                    help="keep the previous run's fitted models (the engine skips an up-to-date train stage)")
    ap.add_argument("--peer", nargs=2, metavar=("DATA", "OUT"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    threads = os.cpu_count() or 1
    if a.peer:
        peer(a.peer[0], a.peer[1], a.batch, threads, a.peer_sample)
        return
    if not a.bespoke:
        ap.error("--bespoke is required")
    n_customers, n_items = (50_000, 5_000) if a.quick else (a.customers, a.items)
    data = os.path.join(a.out, f"score-data-{n_customers}x{n_items}x{a.pairs}")
    if not os.path.exists(os.path.join(data, "item_terms.parquet")):
        print(f"bench: generating {n_customers:,} customers × {n_items:,} items -> {data}", flush=True)
        generate(data, n_customers, n_items, a.pairs)
    work = os.path.join(a.out, "score-bench")
    if not a.reuse:
        shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work, exist_ok=True)
    source = {t: {"path": os.path.join(data, f"{f}.parquet"), "format": "parquet"}
              for t, f in (("interactions", "interactions"), ("train_interactions", "interactions"),
                           ("test_interactions", "test_interactions"), ("customer_index", "customer_index"),
                           ("item_index", "item_index"), ("item_terms", "item_terms"))}
    pipeline = {
        "version": 1, "seed": 42, "runs": os.path.join(work, "runs"), "sources": source,
        "stages": [
            {"name": "train", "uses": "train", "params": {"models": {
                "item_knn": {"kind": "item_knn", "neighbours": 100},
                "als": {"kind": "als", "factors": 64, "iterations": 10},
                "hybrid": {"kind": "hybrid", "components": ["item_knn", "als"]}}}},
            {"name": "score", "uses": "score", "params": {
                "model": "hybrid", "k": K, "segments": False, "churn": False, "items": None}},
        ],
    }
    pipeline_path = os.path.join(work, "pipeline.json")
    with open(pipeline_path, "w") as f:
        json.dump(pipeline, f, indent=2)
    engine = [a.bespoke, "stage", "--pipeline", pipeline_path, "--run", "bench", "--stage"]

    print("bench: Bespoke train (untimed)", flush=True)
    train_seconds, _, _, err, status = timed(engine + ["train"])
    if status != 0:
        sys.exit("bespoke train failed:\n" + err[-4000:])
    load = os.getloadavg()[0]
    print("bench: Bespoke score", flush=True)
    b_seconds, b_rss, _, err, status = timed(engine + ["score", "--force"])
    if status != 0:
        sys.exit("bespoke score failed:\n" + err[-4000:])
    manifest = json.load(open(os.path.join(work, "runs", "bench", "score", "_manifest.json")))
    stage_seconds = manifest["timing"]["seconds"]
    counters = manifest.get("counters", {})
    train_manifest = json.load(open(os.path.join(work, "runs", "bench", "train", "_manifest.json")))
    pairs = train_manifest["counters"]["train_pairs"]
    train_seconds = train_manifest["timing"]["seconds"]

    print("bench: numpy/implicit", flush=True)
    p_wall, p_rss, stdout, err, status = timed(
        [sys.executable, os.path.abspath(__file__), "--peer", data, work, "--batch", str(a.batch),
         "--peer-sample", str(a.peer_sample)])
    if status != 0:
        sys.exit("peer failed:\n" + err[-4000:])
    p = json.loads(stdout.strip().splitlines()[-1])
    shared = overlap(os.path.join(work, "runs", "bench", "score", "recommendations.parquet"),
                     np.load(os.path.join(work, "peer_top.npy")))

    ours_rate, stage_rate, peer_rate = n_customers / b_seconds, n_customers / stage_seconds, p["customers"] / p["seconds"]
    import implicit
    text = "\n".join([
        f"{HEADING}: hybrid top-{K} for {n_customers:,} customers × {n_items:,} items",
        "",
        f"`Benchmarks/score_bench.py{' --quick' if a.quick else ''}`: {pairs:,} generated (customer, item) pairs (seed 42;",
        f"each item in one of {max(5, n_items // 100):,} topics, each customer drawing 80% of their pairs from two",
        "preferred topics), given as the features stage's tables in zstd Parquet. The train stage (untimed,",
        f"{train_seconds:.0f} s) fits item_knn (neighbours 100), als (factors 64, iterations 10) and their hybrid",
        f"(weights 1, 1); the score stage (model hybrid, k {K}, no segments, churn or catalogue) folds each customer's",
        "whole history into the ALS factors, blends the min–max normalised components, leaves out seen items,",
        "takes the top 10 and writes each with a reason (`strongestContributor`). The peer fits implicit",
        f"{implicit.__version__}'s CosineRecommender (K 101 less the item itself) and float64 ALS with the same",
        "hyperparameters on the same pairs (untimed), then times the same blend in numpy batches of",
        f"{a.batch:,} customers" + (f" over an evenly spaced sample of {p['customers']:,} customers (its rate per customer does not depend on how many it scores)" if p["customers"] < n_customers else "") + ": `recalculate_user` for each customer (an exact solve, like our fold-in), the",
        "scores, normalisation, exclusion and top 10 — no reasons, no reading or writing. One run each,",
        f"{threads} cores, load average {load:.1f} at the start (the machine was shared: compare ratios).",
        "",
        "| scorer | seconds | customers/s | peak RSS MB |",
        "|---|---|---|---|",
        f"| Bespoke `score` process (read, score, reasons, write) | {b_seconds:.1f} | {ours_rate:,.0f} | {b_rss:.0f} |",
        f"| Bespoke `score` stage body (manifest seconds) | {stage_seconds:.1f} | {stage_rate:,.0f} | |",
        f"| numpy + implicit top-{K} (fold-in {p['fold_seconds']:.1f} s included) | {p['seconds']:.1f} | {peer_rate:,.0f} | {p_rss:.0f} |",
        "",
        f"Ratio: Bespoke's whole stage process scores at {ours_rate / peer_rate:.2f}× the peer's rate (stage body",
        f"{stage_rate / peer_rate:.2f}×). The peer's process also held its fitted models (fit {p['fit_seconds']:.0f} s untimed);",
        f"its peak RSS is the whole process's. Lists: {shared:.1%} of the customer-item pairs of the two top-{K}s",
        "agree (two independent fits of the same hyperparameters; ALS starts from different random factors).",
        f"Score stage counters: {json.dumps({k: counters[k] for k in sorted(counters)})}.",
        "",
    ])
    replace_section(a.report, HEADING, text)
    print(text)


if __name__ == "__main__":
    main()
