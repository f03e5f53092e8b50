#!/usr/bin/env python3
"""The `features` stage's tables computed with pandas (and scikit-learn for TF-IDF), straight
from docs/stages.md (section `## features`) — written independently of the Swift code.

Two users:
- Tests/StagesTests/FeaturesPandasTests.swift runs it as the oracle on the cleaned Fixtures
  (`--tables all`, plain Parquet) and compares every column with the stage's output;
- Benchmarks/features_bench.py runs it as the pandas side of `make bench` (`--tables all`: the
  stage's ten tables, written at gzip level 6; `--tables bench` writes only customer_features,
  item_features and interactions).

Usage: features_pandas.py EVENTS CUSTOMERS ITEMS OUT_DIR [--params JSON] [--tables all|bench]
       [--compression gzip --level 6]
Prints a JSON line with the seconds spent and the row counts.
"""
import argparse, json, math, sys, time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

DAY = 86_400_000_000  # microseconds


def sanitise(text):
    """Column names from data: lower case, letters and digits, other runs become one `_`."""
    out, last_underscore = [], False
    for ch in text.lower():
        if ch.isalpha() or ch in "0123456789":
            out.append(ch)
            last_underscore = False
        elif not last_underscore:
            out.append("_")
            last_underscore = True
    s = "".join(out)
    while s.endswith("_") and len(s) > 1:
        s = s[:-1]
    while s.startswith("_") and len(s) > 1:
        s = s[1:]
    return s or "_"


def read(path):
    """A Parquet table as pandas, with timestamps as int64 microseconds and dates as int64 days."""
    table = pq.read_table(path)
    columns = {}
    for name, col in zip(table.column_names, table.columns):
        if pa.types.is_timestamp(col.type):
            col = pc.cast(pc.cast(col, pa.timestamp("us", tz=col.type.tz)), pa.int64())
        elif pa.types.is_date32(col.type):
            col = pc.cast(col, pa.int32()).cast(pa.int64())
        columns[name] = col
    return pa.table(columns).to_pandas()


class Params:
    def __init__(self, p):
        cols = p.get("columns", {})
        self.order = cols.get("order")
        self.windows = p.get("windows", [7, 30, 90])
        self.purchase_types = p.get("purchase_types", ["purchase"])
        self.view_types = p.get("view_types", ["view"])
        self.top_categories = p.get("top_categories", 10)
        self.max_levels = p.get("max_levels", 10)
        inter = p.get("interactions", {})
        self.weights = inter.get("weights", {"view": 1.0, "cart": 3.0, "purchase": 5.0})
        self.default_weight = inter.get("default_weight", 1.0)
        text = p.get("text", {})
        self.stop_words = text.get("stop_words", "none")
        self.min_df = text.get("min_df", 1)
        self.max_df = text.get("max_df", 1.0)
        self.sublinear_tf = text.get("sublinear_tf", False)
        self.lowercase = text.get("lowercase", True)
        split = p.get("split", {})
        self.split = split.get("method", "holdout")
        self.fraction = split.get("fraction", 0.2)
        self.horizon_days = p.get("churn", {}).get("horizon_days", 30)


class Features:
    def __init__(self, events, customers, items, params):
        self.p = params
        e = events
        e = e[e["timestamp"].notna()]
        self.as_of = int(e["timestamp"].max())
        self.types = sorted(e["event_type"].dropna().unique(), key=lambda s: s.encode())
        q = e["quantity"].fillna(1) if "quantity" in e else pd.Series(1.0, index=e.index)
        ptype = e["event_type"].isin(params.purchase_types)
        e = e.assign(
            t=e["timestamp"].astype("int64"), q=q, purchase=ptype & (q > 0), ret=ptype & (q < 0),
            amount=e["price"].fillna(0) * q)
        self.events = e
        self.customers = customers
        self.items = items
        self.customer_ids = np.union1d(e["customer_id"].dropna().astype("int64").unique(),
                                       customers["customer_id"].astype("int64").unique())
        self.item_ids = np.union1d(e["item_id"].dropna().astype("int64").unique(),
                                   items["item_id"].astype("int64").unique())
        self.category = items.drop_duplicates("item_id").set_index("item_id")["category"]

    # ---- customers

    def top_categories(self, until):
        e = self.events
        p = e[e["purchase"] & (e["t"] <= until) & e["item_id"].notna()]
        spend = p["amount"].groupby(p["item_id"].map(self.category)).sum()
        spend = spend[spend > 0]
        ranked = sorted(spend.index, key=lambda c: (-spend[c], c))
        return ranked[: self.p.top_categories]

    def customer_features(self, as_of, top):
        p = self.p
        idx = pd.Index(self.customer_ids, name="customer_id")
        e = self.events
        e = e[e["customer_id"].notna() & (e["t"] <= as_of)]
        cid = e["customer_id"].astype("int64")
        g = e.groupby(cid)
        out = pd.DataFrame(index=idx)
        out["customer_index"] = np.arange(len(idx), dtype=np.int32)
        pur = e[e["purchase"]]
        pcid = pur["customer_id"].astype("int64")
        out["recency_days"] = (as_of - pur.groupby(pcid)["t"].max()) / DAY
        out["days_since_last_event"] = (as_of - g["t"].max()) / DAY
        # Orders: distinct order ids among purchase lines; lines without one, by instant.
        if p.order is not None:
            okey = pur[p.order].astype(object).where(pur[p.order].notna(), "\0" + pur["t"].astype(str))
        else:
            okey = pur["t"]
        starts = pur["t"].groupby([pcid, okey]).min()
        orders = starts.groupby(level=0).size()
        out["orders"] = orders
        out["purchase_lines"] = e["purchase"].groupby(cid).sum()
        out["return_lines"] = e["ret"].groupby(cid).sum()
        out["monetary"] = e["amount"].where(e["purchase"] | e["ret"], 0.0).groupby(cid).sum()
        out["monetary"] = out["monetary"].fillna(0.0)
        out["avg_order_value"] = out["monetary"] / orders
        first_start, last_start = starts.groupby(level=0).min(), starts.groupby(level=0).max()
        between = (last_start - first_start).astype("float64") / (orders - 1) / DAY
        out["days_between_orders"] = between.where(orders > 1)
        signup = self.customers.drop_duplicates("customer_id").set_index("customer_id")["signup_date"] * DAY
        start = pd.concat([signup.reindex(idx), g["t"].min().reindex(idx)], axis=1).min(axis=1)
        out["tenure_days"] = ((as_of - start) / DAY).where(start <= as_of)
        views = e["event_type"].isin(p.view_types).groupby(cid).sum()
        out["conversion"] = (out["purchase_lines"] / views).where(views > 0)
        with_item = e[e["item_id"].notna()]
        wcid = with_item["customer_id"].astype("int64")
        out["distinct_items"] = with_item["item_id"].groupby(wcid).nunique()
        out["distinct_categories"] = with_item["item_id"].map(self.category).groupby(wcid).nunique()
        age = as_of - e["t"]
        counts = ["orders", "purchase_lines", "return_lines", "distinct_items", "distinct_categories"]
        for t in self.types:
            of_type = e["event_type"] == t
            for w in p.windows:
                counts.append(sanitise(f"{t}_{w}d"))
                out[counts[-1]] = (of_type & (age < w * DAY)).groupby(cid).sum()
            counts.append(sanitise(f"{t}_total"))
            out[counts[-1]] = of_type.groupby(cid).sum()
        for c in counts:
            out[c] = out[c].fillna(0).astype("int64")
        # Share of gross purchase spend in each top category.
        gross = pur["amount"].groupby(pcid).sum()
        pcat = pur["item_id"].map(self.category)
        for c in top:
            spend = pur["amount"].where(pcat == c, 0.0).groupby(pcid).sum()
            out["share_" + sanitise(c)] = (spend / gross).where(gross > 0)
        self.demographics(out, as_of)
        return out.reset_index()

    def demographics(self, out, as_of):
        table = self.customers.drop_duplicates("customer_id").set_index("customer_id")
        names = [c for c in table.columns if not (c.endswith("_imputed") and table[c].dtype == bool)]
        known = pd.Series(0, index=table.index)
        for name in names:
            col = table[name]
            flag = table[name + "_imputed"] if name + "_imputed" in table else pd.Series(False, index=table.index)
            known += (col.notna() & ~flag).astype(int)
            if name == "signup_date":
                continue
            if col.dtype == object or pd.api.types.is_string_dtype(col):
                counts = col.value_counts()
                levels = sorted(counts.index, key=lambda v: (-counts[v], v.encode()))
                kept = levels[: self.p.max_levels]
                for level in kept:
                    out[sanitise(name) + "_" + sanitise(level)] = (col == level).astype("float64").reindex(
                        out.index, fill_value=0.0)
                if len(levels) > len(kept):
                    out[sanitise(name) + "_other"] = (col.notna() & ~col.isin(kept)).astype("float64").reindex(
                        out.index, fill_value=0.0)
            else:
                out[sanitise(name)] = col.astype("float64").reindex(out.index)
        out["completeness"] = (known / len(names)).reindex(out.index, fill_value=0.0)

    # ---- items

    def item_features(self):
        p, as_of = self.p, self.as_of
        idx = pd.Index(self.item_ids, name="item_id")
        e = self.events
        e = e[e["item_id"].notna() & (e["t"] <= as_of)]
        iid = e["item_id"].astype("int64")
        out = pd.DataFrame(index=idx)
        out["item_index"] = np.arange(len(idx), dtype=np.int32)
        out["category"] = self.category.reindex(idx)
        counts = pd.crosstab(iid, e["event_type"])
        for t in self.types:
            out[sanitise(t) + "_count"] = (counts[t] if t in counts else 0)
            out[sanitise(t) + "_count"] = out[sanitise(t) + "_count"].fillna(0).astype("int64")
        pur = e[e["purchase"]]
        piid = pur["item_id"].astype("int64")
        out["buyers"] = pur["customer_id"].groupby(piid).nunique()
        out["buyers"] = out["buyers"].fillna(0).astype("int64")
        out["mean_price"] = pur["price"].groupby(piid).mean()
        out["days_since_last_sale"] = (as_of - pur["t"].groupby(piid).max()) / DAY
        return out.reset_index()

    # ---- interactions

    def interaction_rows(self):
        """Rows that count in interactions: customer, item, up to as_of, not a return line."""
        e = self.events
        e = e[e["customer_id"].notna() & e["item_id"].notna() & (e["t"] <= self.as_of) & ~e["ret"]]
        w = e["event_type"].map(self.p.weights).fillna(self.p.default_weight).astype("float64")
        return pd.DataFrame({
            "customer_id": e["customer_id"].astype("int64"), "item_id": e["item_id"].astype("int64"),
            "t": e["t"], "w": w, "rating": e["rating"].astype("float64")})

    def aggregate(self, rows):
        # The last rating in time order (ties by row order) among rated rows.
        rows = rows.sort_values("t", kind="stable")
        g = rows.groupby(["customer_id", "item_id"], sort=True)
        out = pd.DataFrame({
            "strength": g["w"].sum(), "events": g.size().astype("int64"), "rating": g["rating"].last(),
            "first_time": g["t"].min(), "last_time": g["t"].max()}).reset_index()
        out.insert(0, "customer_index", np.searchsorted(self.customer_ids, out["customer_id"]).astype(np.int32))
        out.insert(1, "item_index", np.searchsorted(self.item_ids, out["item_id"]).astype(np.int32))
        return out

    def holdout(self, interactions, rows):
        f = self.p.fraction
        s = interactions.sort_values(["customer_id", "first_time", "item_id"])
        n = s.groupby("customer_id")["item_id"].transform("size")
        pos = s.groupby("customer_id").cumcount()
        # ceil(fraction × n), at least one pair staying in training (rounded at 1e-9 so
        # 0.1 × 30 stays 3).
        m = np.minimum(n - 1, np.ceil(np.round(f * n, 9))).where(n >= 2, 0)
        test = s[pos >= n - m].sort_values(["customer_id", "item_id"]).reset_index(drop=True)
        cut = test.groupby("customer_id")["first_time"].min()
        r = rows.join(cut.rename("cut"), on="customer_id")
        r = r[r["cut"].isna() | (r["t"] <= r["cut"])]
        held = pd.MultiIndex.from_frame(test[["customer_id", "item_id"]])
        r = r[~pd.MultiIndex.from_frame(r[["customer_id", "item_id"]]).isin(held)]
        return self.aggregate(r.drop(columns="cut")), test

    # ---- churn

    def churn_features(self):
        cutoff = self.as_of - self.p.horizon_days * DAY
        features = self.customer_features(cutoff, self.top_categories(cutoff))
        e = self.events[self.events["customer_id"].notna()]
        active = e.loc[e["t"] <= cutoff, "customer_id"].astype("int64").unique()
        later = e[e["purchase"] & (e["t"] > cutoff) & (e["t"] <= cutoff + self.p.horizon_days * DAY)]
        bought = later["customer_id"].astype("int64").unique()
        features = features[features["customer_id"].isin(active)].reset_index(drop=True)
        features["churned"] = ~features["customer_id"].isin(bought)
        return features

    # ---- text

    def item_terms(self, stop_words=None):
        """TF-IDF as scikit-learn computes it; `stop_words` (a list) replaces sklearn's English
        list when given."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        p = self.p
        catalogue = self.items.drop_duplicates("item_id").set_index("item_id").reindex(self.item_ids)
        catalogue = catalogue[np.isin(self.item_ids, self.items["item_id"].astype("int64"))]
        text = [c for c in ("title", "description") if c in catalogue]
        docs = [" ".join(v for v in row if isinstance(v, str)) for row in catalogue[text].itertuples(index=False)]
        vectorizer = TfidfVectorizer(
            lowercase=p.lowercase,
            stop_words=stop_words if stop_words is not None else ("english" if p.stop_words == "english" else None), min_df=p.min_df,
            max_df=p.max_df, sublinear_tf=p.sublinear_tf, smooth_idf=True, norm="l2")
        weights = vectorizer.fit_transform(docs).tocsr()
        weights.sort_indices()
        terms = vectorizer.get_feature_names_out()
        counts = weights.copy()
        counts.data[:] = 1
        df = np.asarray(counts.sum(axis=0)).ravel().astype("int64")
        rows = np.repeat(np.arange(weights.shape[0]), np.diff(weights.indptr))
        ids = catalogue.index.to_numpy()
        item_terms = pd.DataFrame({
            "item_index": np.searchsorted(self.item_ids, ids[rows]).astype(np.int32), "item_id": ids[rows],
            "term": terms[weights.indices], "weight": weights.data})
        vocabulary = pd.DataFrame({"term": terms, "document_frequency": df, "idf": vectorizer.idf_})
        return item_terms, vocabulary


def write(df, path, compression, level):
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path, compression=compression,
                   compression_level=level)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("events")
    ap.add_argument("customers")
    ap.add_argument("items")
    ap.add_argument("out")
    ap.add_argument("--params", default="{}")
    ap.add_argument("--tables", choices=["all", "bench"], default="all")
    ap.add_argument("--compression", default="snappy")
    ap.add_argument("--level", type=int, default=None)
    ap.add_argument("--stop-words", help="a file of stop words, one a line, used instead of sklearn's English list")
    a = ap.parse_args()
    t0 = time.perf_counter()
    f = Features(read(a.events), read(a.customers), read(a.items), Params(json.loads(a.params)))

    def save(df, name):
        write(df, f"{a.out}/{name}.parquet", a.compression, a.level)
        print(f"pandas: {name} at {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)

    sizes = {}
    features = f.customer_features(f.as_of, f.top_categories(f.as_of - f.p.horizon_days * DAY))
    save(features, "customer_features")
    sizes["customer_features"] = len(features)
    items = f.item_features()
    save(items, "item_features")
    sizes["item_features"] = len(items)
    rows = f.interaction_rows()
    interactions = f.aggregate(rows)
    save(interactions, "interactions")
    sizes["interactions"] = len(interactions)
    if a.tables == "all":
        for name, ids in (("customer_index", f.customer_ids), ("item_index", f.item_ids)):
            save(pd.DataFrame({name: np.arange(len(ids), dtype=np.int32), name[:-5] + "id": ids}), name)
            sizes[name] = len(ids)
        train, test = f.holdout(interactions, rows)
        save(train, "train_interactions")
        save(test, "test_interactions")
        churn = f.churn_features()
        save(churn, "churn_features")
        sizes.update(train_interactions=len(train), test_interactions=len(test), churn_features=len(churn))
        try:
            words = open(a.stop_words).read().split() if a.stop_words else None
            terms, vocabulary = f.item_terms(words if f.p.stop_words == "english" else None)
            save(terms, "item_terms")
            save(vocabulary, "vocabulary")
            sizes.update(item_terms=len(terms), vocabulary=len(vocabulary))
        except ImportError:
            pass
    print(json.dumps({"seconds": time.perf_counter() - t0, "as_of": f.as_of, "rows": sizes}))


if __name__ == "__main__":
    main()
