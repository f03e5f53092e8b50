"""A custom stage that writes a Parquet table with pyarrow, with planted differences.

Params: n (rows, ids 0..n-1), drop (ids left out), add (extra rows with new ids), change (ids whose
value gets +10), rename (ids whose name changes).
"""
import json, os
import pyarrow as pa
import pyarrow.parquet as pq

params = json.loads(os.environ["BESPOKE_PARAMS"])
n = params.get("n", 100)
drop, change, rename = set(params.get("drop", [])), set(params.get("change", [])), set(params.get("rename", []))
ids = [i for i in range(n) if i not in drop] + list(range(1000, 1000 + params.get("add", 0)))
values = [i * 1.5 + (10.0 if i in change else 0.0) for i in ids]
names = ["item-%d%s" % (i, "-renamed" if i in rename else "") for i in ids]
table = pa.table({"id": pa.array(ids, pa.int64()), "value": pa.array(values, pa.float64()),
                  "name": pa.array(names, pa.string())})
out = os.environ["BESPOKE_OUTPUT_DIR"]
pq.write_table(table, os.path.join(out, "items.parquet"), compression="gzip")
with open(os.path.join(out, "_counters.json"), "w") as f:
    json.dump({"rows": len(ids)}, f)
