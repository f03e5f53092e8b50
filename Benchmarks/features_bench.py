#!/usr/bin/env python3
"""make bench (features): the `features` stage on 10M generated events against pandas and DuckDB.

Generates (seeded, outside the timed region) an event log with the cleaned Fixtures' columns —
event_id, customer_id, item_id (null on searches), event_type (view/cart/purchase/search/rating),
timestamp, quantity (some negative: returns), price, session_id, rating — as a gzip Parquet file,
plus a customer table and an item catalogue. Then, in the same run:

- Bespoke: `bespoke run` of a one-stage pipeline.json whose `features` stage reads the three
  Parquet sources (order = session_id; everything else default: windows 7/30/90, holdout split,
  churn labels, TF-IDF) and writes its ten tables at gzip 6;
- pandas (Benchmarks/features_pandas.py --tables all, the oracle FeaturesPandasTests checks
  against the stage on the Fixtures, TF-IDF by scikit-learn): the same ten tables, written with
  pyarrow at gzip 6;
- DuckDB, 2 threads: the same ten tables in SQL (TF-IDF by regexp tokens and window sums), written
  with COPY … (COMPRESSION gzip).

Each runs as its own process, timed end to end (reading the inputs included); peak RSS is the
process tree's. `--quick` runs 1M events for a smoke test.
"""
import argparse, json, os, shutil, subprocess, sys, time

from benchcommon import replace_section, timed

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DAY = 86_400_000_000
HEADING = "## Features stage"

CATEGORIES = ["Electronics", "Home & Kitchen", "Fashion", "Sports & Outdoors", "Toys & Games", "Pet Supplies",
              "Beauty", "Garden", "Books", "Grocery", "Automotive", "Music"]
WORDS = ("acme atlas bold bright classic compact cosy crisp daily deluxe eco elegant essential fresh "
         "handy lite luxe modern nova prime pro pure smart soft solid sleek sturdy swift urban vivid "
         "lamp kettle jacket shoe ball puzzle leash brush hose novel coffee tyre guitar phone cable "
         "chair table bag watch mug towel blanket speaker camera drill").split()


def generate(folder, n_events, n_customers, n_items, seed=42):
    """Writes events.parquet, customers.parquet and items.parquet (gzip) into `folder`."""
    rng = np.random.default_rng(seed)
    os.makedirs(folder, exist_ok=True)
    end = 1_793_491_200_000_000  # 2026-11-01T00:00:00Z
    start = end - 120 * DAY

    # Items: a category, a price, words for the text.
    category = rng.integers(0, len(CATEGORIES), n_items)
    item_price = np.round(np.exp(rng.uniform(np.log(2), np.log(2000), n_items)), 2)
    words = rng.integers(0, len(WORDS), (n_items, 8))
    items = pa.table({
        "item_id": pa.array(np.arange(1, n_items + 1, dtype=np.int64) * 7 + 1000),
        "title": pa.array([" ".join(WORDS[w] for w in row[:3]) for row in words]),
        "description": pa.array([" ".join(WORDS[w] for w in row[3:]) + " for every day" for row in words]),
        "category": pa.array(CATEGORIES).take(pa.array(category)),
        "brand": pa.array([f"Brand {b}" for b in rng.integers(0, 200, n_items)]),
        "price": pa.array(item_price),
    })
    item_ids = items["item_id"].to_numpy()

    # Customers: signup, age, gender, income, city; a few unknowns.
    cities = ["London", "New York", "Berlin", "Paris", "Madrid", "Chicago", "São Paulo", "Toronto", "Sydney",
              "Washington, D.C.", "Lyon", "Osaka"]
    signup_days = (start // DAY) - rng.integers(0, 3 * 365, n_customers)
    age = rng.integers(18, 81, n_customers).astype(np.float64)
    age[rng.random(n_customers) < 0.02] = np.nan
    customers = pa.table({
        "customer_id": pa.array(np.arange(1, n_customers + 1, dtype=np.int64) + 100_000),
        "signup_date": pa.array(signup_days.astype(np.int32), pa.date32()),
        "age": pa.array(age, pa.int64(), from_pandas=True),
        "gender": pa.array(["F", "M", "X"]).take(pa.array(rng.choice(3, n_customers, p=[0.48, 0.48, 0.04]))),
        "income": pa.array(np.round(rng.lognormal(10.8, 0.5, n_customers), 2)),
        "city": pa.array(cities).take(pa.array(rng.integers(0, len(cities), n_customers))),
    })
    customer_ids = customers["customer_id"].to_numpy()

    # Sessions: a customer (heavy-tailed activity), a start; events: a session, a few minutes in.
    n_sessions = max(1, n_events // 8)
    activity = rng.pareto(1.5, n_customers) + 0.1
    session_customer = rng.choice(n_customers, n_sessions, p=activity / activity.sum())
    session_start = rng.integers(start, end - 3600 * 10**6, n_sessions)
    session = np.sort(rng.integers(0, n_sessions, n_events))
    t = session_start[session] + rng.integers(0, 1800 * 10**6, n_events)
    t -= t % 10**6
    kind = rng.choice(5, n_events, p=[0.70, 0.10, 0.07, 0.08, 0.05])  # view cart purchase search rating
    taste = (session_customer[session] % len(CATEGORIES))
    item = rng.integers(0, n_items, n_events)
    liked = rng.random(n_events) < 0.5
    item[liked] = (item[liked] - item[liked] % len(CATEGORIES) + taste[liked]) % n_items
    is_item = kind != 3
    buy = (kind == 1) | (kind == 2)
    quantity = np.where(buy, rng.integers(1, 6, n_events), 0)
    returns = (kind == 2) & (rng.random(n_events) < 0.02)
    quantity[returns] = -quantity[returns]
    price = np.where(buy, item_price[item], np.nan)
    price[buy & (rng.random(n_events) < 0.005)] = np.nan
    rating = np.where(kind == 4, rng.integers(1, 6, n_events), 0)
    order = np.argsort(t, kind="stable")
    events = pa.table({
        "event_id": pa.array(np.arange(1, n_events + 1, dtype=np.int64)),
        "customer_id": pa.array(customer_ids[session_customer[session]][order]),
        "item_id": pa.array(item_ids[item][order], mask=~is_item[order]),
        "event_type": pa.array(["view", "cart", "purchase", "search", "rating"]).take(pa.array(kind[order])),
        "timestamp": pa.array(t[order], pa.timestamp("us", tz="UTC")),
        "quantity": pa.array(quantity[order], mask=~buy[order]),
        "price": pa.array(price[order], from_pandas=True),
        "session_id": pa.array(session[order]).cast(pa.string()),
        "rating": pa.array(rating[order], mask=(kind != 4)[order]),
    })
    for name, table in (("events", events), ("customers", customers), ("items", items)):
        pq.write_table(table, os.path.join(folder, f"{name}.parquet"), compression="gzip", compression_level=6)


TABLES = ("customer_index", "item_index", "customer_features", "item_features", "item_terms", "vocabulary",
          "interactions", "train_interactions", "test_interactions", "churn_features")

DUCKDB = r'''
import json, sys, time
import duckdb
events, customers, items, out = sys.argv[1:5]
TABLES = json.loads(sys.argv[5])
t0 = time.perf_counter()
db = duckdb.connect()
db.execute("SET threads = 2")
db.execute("SET enable_progress_bar = false")
DAY = 86400000000
db.execute(f"""CREATE TEMP TABLE e AS SELECT customer_id, item_id, event_type, epoch_us(timestamp) AS t,
  coalesce(quantity, 1) AS q, price, session_id, rating,
  event_type = 'purchase' AND coalesce(quantity, 1) > 0 AS purchase,
  event_type = 'purchase' AND coalesce(quantity, 1) < 0 AS ret,
  coalesce(price, 0) * coalesce(quantity, 1) AS amount
  FROM read_parquet('{events}') WHERE timestamp IS NOT NULL""")
db.execute(f"CREATE TEMP TABLE c AS SELECT * FROM read_parquet('{customers}')")
db.execute(f"CREATE TEMP TABLE i AS SELECT * FROM read_parquet('{items}')")
as_of = db.execute("SELECT max(t) FROM e").fetchone()[0]
cutoff = as_of - 30 * DAY
types = [r[0] for r in db.execute("SELECT DISTINCT event_type FROM e ORDER BY 1").fetchall()]
top = [r[0] for r in db.execute(f"""SELECT i.category, sum(amount) s FROM e JOIN i USING (item_id)
  WHERE purchase AND t <= {cutoff} AND i.category IS NOT NULL GROUP BY 1 HAVING s > 0 ORDER BY s DESC, 1 LIMIT 10""").fetchall()]
def name(s):
    import re
    return re.sub(r"[^0-9a-z]+", "_", s.lower()).strip("_")
def q(s):
    return "'" + s.replace("'", "''") + "'"
def copy(select, table):
    t = time.perf_counter()
    db.execute(f"COPY ({select}) TO '{out}/{table}.parquet' (FORMAT parquet, COMPRESSION gzip)")
    print(f"duckdb: {table} {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
db.execute("""CREATE TEMP TABLE ci AS SELECT (row_number() OVER (ORDER BY customer_id) - 1)::INTEGER AS customer_index,
  customer_id FROM (SELECT customer_id FROM e WHERE customer_id IS NOT NULL UNION SELECT customer_id FROM c)""")
db.execute("""CREATE TEMP TABLE ii AS SELECT (row_number() OVER (ORDER BY item_id) - 1)::INTEGER AS item_index,
  item_id FROM (SELECT item_id FROM e WHERE item_id IS NOT NULL UNION SELECT item_id FROM i)""")
copy("SELECT * FROM ci ORDER BY customer_index", "customer_index")
copy("SELECT * FROM ii ORDER BY item_index", "item_index")


def customer_features(as_of):
    """customer_features as of `as_of` (events after it ignored), one row per indexed customer."""
    windows = ",\n  ".join(
        f"count(*) FILTER (WHERE event_type = {q(ty)} AND {as_of} - t < {w} * {DAY}) AS {name(ty)}_{w}d"
        for ty in types for w in (7, 30, 90))
    totals = ",\n  ".join(f"count(*) FILTER (WHERE event_type = {q(ty)}) AS {name(ty)}_total" for ty in types)
    shares = ",\n  ".join(
        f"CASE WHEN sum(amount) FILTER (WHERE purchase) > 0 THEN coalesce(sum(amount) FILTER (WHERE purchase AND "
        f"category = {q(c)}), 0) / sum(amount) FILTER (WHERE purchase) END AS share_{name(c)}" for c in top)
    return f"""
WITH ev AS (SELECT e.*, i.category FROM e LEFT JOIN i USING (item_id) WHERE t <= {as_of}),
orders AS (SELECT customer_id, coalesce(session_id, t::VARCHAR) AS okey, min(t) AS start FROM ev WHERE purchase GROUP BY ALL),
o AS (SELECT customer_id, count(*) AS orders, min(start) AS f, max(start) AS l FROM orders GROUP BY 1),
a AS (SELECT customer_id,
  ({as_of} - max(t) FILTER (WHERE purchase)) / {DAY} AS recency_days,
  ({as_of} - max(t)) / {DAY} AS days_since_last_event,
  min(t) AS first_event,
  count(*) FILTER (WHERE purchase) AS purchase_lines, count(*) FILTER (WHERE ret) AS return_lines,
  coalesce(sum(amount) FILTER (WHERE purchase OR ret), 0) AS monetary,
  count(*) FILTER (WHERE event_type = 'view') AS views,
  count(DISTINCT item_id) AS distinct_items, count(DISTINCT category) AS distinct_categories,
  {windows},
  {totals},
  {shares}
  FROM ev GROUP BY 1)
SELECT ci.customer_index, ci.customer_id, a.recency_days, a.days_since_last_event,
  coalesce(o.orders, 0) AS orders, coalesce(a.purchase_lines, 0) AS purchase_lines,
  coalesce(a.return_lines, 0) AS return_lines, coalesce(a.monetary, 0) AS monetary,
  a.monetary / o.orders AS avg_order_value,
  CASE WHEN o.orders > 1 THEN (o.l - o.f) / (o.orders - 1) / {DAY} END AS days_between_orders,
  ({as_of} - least(epoch_us(c.signup_date::TIMESTAMP), a.first_event)) / {DAY} AS tenure_days,
  CASE WHEN a.views > 0 THEN a.purchase_lines / a.views END AS conversion,
  coalesce(a.distinct_items, 0) AS distinct_items, coalesce(a.distinct_categories, 0) AS distinct_categories,
  {", ".join(f"coalesce(a.{name(ty)}_{w}d, 0) AS {name(ty)}_{w}d" for ty in types for w in (7, 30, 90))},
  {", ".join(f"coalesce(a.{name(ty)}_total, 0) AS {name(ty)}_total" for ty in types)},
  {", ".join(f"a.share_{name(c)}" for c in top)},
  c.age::DOUBLE AS age, c.income
FROM ci LEFT JOIN a USING (customer_id) LEFT JOIN o USING (customer_id) LEFT JOIN c USING (customer_id)"""


copy(customer_features(as_of) + " ORDER BY ci.customer_index", "customer_features")
counts = ", ".join(f"count(*) FILTER (WHERE event_type = {q(ty)}) AS {name(ty)}_count" for ty in types)
copy(f"""
WITH a AS (SELECT item_id, {counts},
  count(DISTINCT customer_id) FILTER (WHERE purchase) AS buyers,
  avg(price) FILTER (WHERE purchase) AS mean_price,
  ({as_of} - max(t) FILTER (WHERE purchase)) / {DAY} AS days_since_last_sale
  FROM e WHERE item_id IS NOT NULL GROUP BY 1)
SELECT ii.item_index, ii.item_id, i.category, {", ".join(f"coalesce(a.{name(ty)}_count, 0) AS {name(ty)}_count" for ty in types)},
  coalesce(a.buyers, 0) AS buyers, a.mean_price, a.days_since_last_sale
FROM ii LEFT JOIN a USING (item_id) LEFT JOIN i USING (item_id) ORDER BY ii.item_index""", "item_features")

# TF-IDF over title and description as scikit-learn's defaults compute it (tokens of two or more
# word characters, lower-cased, smooth idf, L2 norm); the vocabulary beside it.
db.execute("""CREATE TEMP TABLE tok AS SELECT item_id, unnest(regexp_extract_all(
  lower(concat_ws(' ', title, description)), '\\w\\w+')) AS term FROM (SELECT DISTINCT ON (item_id) * FROM i)""")
db.execute("""CREATE TEMP TABLE voc AS SELECT term, count(DISTINCT item_id) AS document_frequency,
  ln((1 + (SELECT count(DISTINCT item_id) FROM i)) / (1 + count(DISTINCT item_id))) + 1 AS idf FROM tok GROUP BY 1""")
copy("""WITH tf AS (SELECT item_id, term, count(*) AS tf FROM tok GROUP BY 1, 2),
w AS (SELECT item_id, term, tf * idf AS w FROM tf JOIN voc USING (term))
SELECT ii.item_index, item_id, term, w / sqrt(sum(w * w) OVER (PARTITION BY item_id)) AS weight
FROM w JOIN ii USING (item_id) ORDER BY ii.item_index, term""", "item_terms")
copy("SELECT * FROM voc ORDER BY term", "vocabulary")

# Interactions: event rows up to as_of, returns left out, weighted by type.
db.execute(f"""CREATE TEMP TABLE r AS SELECT customer_id, item_id, t, rating,
  CASE event_type WHEN 'view' THEN 1.0 WHEN 'cart' THEN 3.0 WHEN 'purchase' THEN 5.0 ELSE 1.0 END AS w
  FROM e WHERE item_id IS NOT NULL AND customer_id IS NOT NULL AND NOT ret AND t <= {as_of}""")
def interactions(rows):
    return f"""WITH a AS (SELECT customer_id, item_id, sum(w) AS strength, count(*) AS events,
  (arg_max(rating, t) FILTER (WHERE rating IS NOT NULL))::DOUBLE AS rating,
  make_timestamp(min(t)) AS first_time, make_timestamp(max(t)) AS last_time FROM {rows} GROUP BY 1, 2)
SELECT ci.customer_index, ii.item_index, a.* FROM a JOIN ci USING (customer_id) JOIN ii USING (item_id)"""
db.execute(f"CREATE TEMP TABLE inter AS {interactions('r')}")
copy("SELECT * FROM inter ORDER BY customer_index, item_index", "interactions")
# Holdout: the last 20% of each customer's pairs by first time (ties by item), at least one kept in
# training; training re-aggregates the rows up to the customer's earliest test pair.
db.execute("""CREATE TEMP TABLE ranked AS SELECT *, count(*) OVER (PARTITION BY customer_id) AS n,
  row_number() OVER (PARTITION BY customer_id ORDER BY first_time, item_id) - 1 AS pos FROM inter""")
db.execute("""CREATE TEMP TABLE test AS SELECT * EXCLUDE (n, pos) FROM ranked
  WHERE n >= 2 AND pos >= n - least(n - 1, ceil(round(0.2 * n, 9)))""")
copy("SELECT * FROM test ORDER BY customer_index, item_index", "test_interactions")
db.execute("""CREATE TEMP TABLE tr AS SELECT r.* FROM r
  LEFT JOIN (SELECT customer_id, epoch_us(min(first_time)) AS cut FROM test GROUP BY 1) c USING (customer_id)
  ANTI JOIN test USING (customer_id, item_id)
  WHERE c.cut IS NULL OR r.t <= c.cut""")
copy(interactions("tr") + " ORDER BY ci.customer_index, ii.item_index", "train_interactions")

# Churn labels: features as of the cutoff for customers active by then; churned = no purchase in the
# 30 days after it.
copy(f"""WITH f AS ({customer_features(cutoff)})
SELECT f.*, customer_id NOT IN (SELECT customer_id FROM e WHERE purchase AND t > {cutoff} AND t <= {cutoff + 30 * DAY}
  AND customer_id IS NOT NULL) AS churned
FROM f WHERE customer_id IN (SELECT customer_id FROM e WHERE t <= {cutoff}) ORDER BY customer_index""", "churn_features")
rows = {t: db.execute(f"SELECT count(*) FROM read_parquet('{out}/{t}.parquet')").fetchone()[0] for t in TABLES}
print(json.dumps({"seconds": time.perf_counter() - t0, "rows": rows}))
'''






def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bespoke", required=True, help="the release bespoke binary (bespoke-features beside it)")
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--quick", action="store_true", help="1M events, for a smoke run")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench-out"))
    ap.add_argument("--report", default=os.path.join(ROOT, "BENCHMARKS.md"))
    a = ap.parse_args()
    n = 1_000_000 if a.quick else a.events
    n_customers, n_items = max(1000, n // 20), max(100, n // 200)
    data = os.path.join(a.out, f"features-data-{n}")
    if not os.path.exists(os.path.join(data, "items.parquet")):
        print(f"bench: generating {n:,} events, {n_customers:,} customers, {n_items:,} items -> {data}", flush=True)
        generate(data, n, n_customers, n_items)
    inputs = [os.path.join(data, f"{t}.parquet") for t in ("events", "customers", "items")]
    work = os.path.join(a.out, "features-bench")
    shutil.rmtree(work, ignore_errors=True)
    for sub in ("pandas", "duckdb"):
        os.makedirs(os.path.join(work, sub))
    params = {"columns": {"order": "session_id"}}
    pipeline = {
        "version": 1, "seed": 42, "runs": os.path.join(work, "runs"),
        "sources": {t: {"path": p, "format": "parquet"} for t, p in zip(("events", "customers", "items"), inputs)},
        "stages": [{"name": "features", "uses": "features", "params": params}],
    }
    with open(os.path.join(work, "pipeline.json"), "w") as f:
        json.dump(pipeline, f, indent=2)

    load = os.getloadavg()[0]
    print("bench: Bespoke features stage", flush=True)
    b_seconds, b_rss, _, err, status = timed(
        [a.bespoke, "run", "--pipeline", os.path.join(work, "pipeline.json"), "--run", "bench"])
    if status != 0:
        sys.exit("bespoke run failed:\n" + err[-4000:])
    manifest = json.load(open(os.path.join(work, "runs", "bench", "features", "_manifest.json")))
    b_rows = {o["file"][:-8]: o["rows"] for o in manifest["outputs"]}
    stage_seconds = manifest["timing"]["seconds"]

    print("bench: pandas", flush=True)
    p_seconds, p_rss, stdout, err, status = timed(
        [sys.executable, os.path.join(HERE, "features_pandas.py"), *inputs, os.path.join(work, "pandas"),
         "--params", json.dumps(params), "--tables", "all", "--compression", "gzip", "--level", "6"])
    if status != 0:
        sys.exit("pandas failed:\n" + err[-4000:])
    pandas = json.loads(stdout.strip().splitlines()[-1])

    print("bench: DuckDB", flush=True)
    d_seconds, d_rss, stdout, err, status = timed(
        [sys.executable, "-c", DUCKDB, *inputs, os.path.join(work, "duckdb"), json.dumps(TABLES)])
    if status != 0:
        sys.exit("DuckDB failed:\n" + err[-4000:])
    duck = json.loads(stdout.strip().splitlines()[-1])

    speed_pandas, speed_duck, memory = p_seconds / b_seconds, d_seconds / b_seconds, b_rss / p_rss
    tables = ("customer_features", "item_features", "interactions", "train_interactions", "item_terms")

    def rows(r):
        return " / ".join(f"{r.get(t, 0):,}" for t in tables)

    text = "\n".join([
        f"{HEADING}: {n:,} events",
        "",
        f"`Benchmarks/features_bench.py{' --quick' if a.quick else ''}`: {n:,} generated events (seed 42; view, cart,",
        f"purchase, search, rating; 2% of purchase lines returns), {n_customers:,} customers, {n_items:,} items, read",
        "from gzip Parquet. Bespoke runs the `features` stage (order = session_id, defaults otherwise) and writes all",
        "ten of its tables — customer and item features, interactions, the holdout split, churn features, TF-IDF —",
        "at gzip 6. pandas (`Benchmarks/features_pandas.py`, the oracle the Fixtures test checks the stage against,",
        "scikit-learn for TF-IDF) and DuckDB (2 threads; SQL group-bys and window functions, TF-IDF by regexp",
        "tokens) compute and write the same ten tables at gzip 6 (DuckDB: gzip at its only level). DuckDB's customer features leave out the",
        "one-hot demographics and completeness (a little less work than the others do). Each is one process,",
        "timed from start to exit (reading",
        f"included); peak RSS is the process tree's. One run each; {os.cpu_count()} cores, load average {load:.1f}",
        "when it started (other work on the machine slows every engine alike, so compare ratios).",
        "",
        "| engine | wall s | peak RSS MB | rows: customer_features / item_features / interactions / train / item_terms |",
        "|---|---|---|---|",
        f"| Bespoke `features` (2 threads, 10 tables) | {b_seconds:.1f} | {b_rss:.0f} | {rows(b_rows)} |",
        f"| pandas 3 + pyarrow + scikit-learn (10 tables) | {p_seconds:.1f} | {p_rss:.0f} | {rows(pandas['rows'])} |",
        f"| DuckDB {__import__('duckdb').__version__}, 2 threads (10 tables) | {d_seconds:.1f} | {d_rss:.0f} | {rows(duck['rows'])} |",
        "",
        "| target | measured | |",
        "|---|---|---|",
        f"| ≥ 5× pandas' speed | {speed_pandas:.1f}× | {'met' if speed_pandas >= 5 else 'NOT met'} |",
        f"| no slower than DuckDB | {speed_duck:.2f}× DuckDB's speed | {'met' if speed_duck >= 1 else 'NOT met'} |",
        f"| peak memory ≤ 0.5× pandas | {memory:.2f}× | {'met' if memory <= 0.5 else 'NOT met'} |",
        "",
        f"Bespoke's stage took {stage_seconds:.1f} s of its {b_seconds:.1f} s (the rest: engine start, input hashing,",
        f"manifest); pandas' own clock {pandas['seconds']:.1f} s, DuckDB's {duck['seconds']:.1f} s (without interpreter start).",
        "",
    ])
    replace_section(a.report, HEADING, text)
    print(text)


if __name__ == "__main__":
    main()
