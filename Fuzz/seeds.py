#!/usr/bin/env python3
"""Builds the fuzzing seed corpora from the test corpora, for `make fuzz`.

    python3 Fuzz/seeds.py OUT      writes OUT/csv, OUT/jsonl, OUT/pipeline, OUT/parquet

Seeds come from the Fixtures (the first rows of each table, as CSV, TSV, gzip and JSON Lines),
the multi-line text literals of the Swift tests, the shipped pipeline.json and the JSON examples
in docs/, the corrupt-Parquet corpus, and (when pyarrow is installed) a few small Parquet files
written by pyarrow. The hand-made seeds in Fuzz/corpus/ are passed to the fuzzer beside these.

The text targets read their options from a 6-byte header before the file (see
Sources/FuzzSupport/FuzzInput.swift); every text seed here gets a few such headers.
"""
import csv
import glob
import gzip
import io
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# FuzzInput's type codes: int, int32, double, bool, string, timestamp, date.
INT, DOUBLE, BOOL, STRING, TIMESTAMP, DATE = 0, 2, 3, 4, 5, 6


def header(delimiter=0, quote=True, has_header=True, latin1=False, batch=0, types=(), nulls=True, required=False,
           formats=0):
    """The 6 option bytes FuzzInput decodes."""
    b0 = delimiter | (0 if quote else 4) | (8 if has_header else 0) | (16 if latin1 else 0) | (batch << 5)
    count = max(1, min(8, len(types)))
    b1 = (count - 1) | (0 if nulls else 8) | (16 if required else 0)
    bits = 0
    for k, t in enumerate(types[:8]):
        bits |= t << (3 * k)
    return bytes([b0, b1, bits & 255, (bits >> 8) & 255, (bits >> 16) & 255, formats])


def guess_type(values):
    """A rough type for FuzzInput from sample values (good enough to reach the converters)."""
    values = [v for v in values if v not in ("", "NA", "NULL")]
    if not values:
        return STRING
    if all(re.fullmatch(r"-?\d+", v) for v in values):
        return INT
    if all(re.fullmatch(r"-?\d*\.?\d+(e-?\d+)?", v) for v in values):
        return DOUBLE
    if all(v.lower() in ("true", "false") for v in values):
        return BOOL
    if all(re.fullmatch(r"\d{4}-\d\d-\d\d", v) for v in values):
        return DATE
    if all(re.fullmatch(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?", v) for v in values):
        return TIMESTAMP
    return STRING


def fixture_rows(name, count):
    with gzip.open(os.path.join(ROOT, "Fixtures", name), "rt", encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        return [row for _, row in zip(range(count + 1), reader)]


def swift_literals(pattern):
    """The multi-line string literals of the Swift files matching `pattern`, indentation removed
    and the common escapes decoded; literals with interpolation or Python code are left out."""
    out = []
    for path in sorted(glob.glob(os.path.join(ROOT, pattern))):
        text = open(path, encoding="utf-8").read()
        for m in re.finditer(r'"""\n(.*?)\n([ \t]*)"""', text, re.S):
            body, indent = m.group(1), m.group(2)
            if "\\(" in body or re.search(r"^\s*(import|from) ", body, re.M):
                continue
            lines = [line[len(indent):] if line.startswith(indent) else line.lstrip() for line in body.split("\n")]
            literal = "\n".join(lines) + "\n"
            literal = re.sub(r"\\u\{([0-9A-Fa-f]+)\}", lambda u: chr(int(u.group(1), 16)), literal)
            literal = literal.replace("\\t", "\t").replace("\\r", "\r").replace('\\"', '"').replace("\\\\", "\\")
            out.append(literal.encode("utf-8"))
    return out


class Writer:
    def __init__(self, out):
        self.out = out
        self.counts = {}

    def add(self, target, data):
        folder = os.path.join(self.out, target)
        os.makedirs(folder, exist_ok=True)
        n = self.counts.get(target, 0)
        self.counts[target] = n + 1
        with open(os.path.join(folder, "seed-%04d" % n), "wb") as f:
            f.write(data)


def delimited(rows, delimiter):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def text_seeds(w):
    for name in ("customers.csv.gz", "items.csv.gz", "events.csv.gz"):
        rows = fixture_rows(name, 24)
        names, data = rows[0], rows[1:]
        types = [guess_type([r[k] for r in data if k < len(r)]) for k in range(min(8, len(names)))]
        body = delimited(rows, ",")
        w.add("csv", header(types=types) + body)
        w.add("sniff", bytes([len(body) % 256]) + body)
        w.add("csv", header(types=types, batch=2, required=True) + body.replace(b"\n", b"\r\n"))
        w.add("csv", header(types=types, has_header=False) + delimited(data, ","))
        w.add("csv", header(delimiter=2, types=types) + delimited(rows, "\t"))
        w.add("sniff", b"\x12" + delimited(rows, "\t"))
        w.add("sniff", b"\x27" + delimited(data, ";").replace(b"\n", b"\r\n"))
        w.add("csv", header(delimiter=1, types=types, latin1=True) + delimited(rows[:6], ";"))
        w.add("csv", header(types=types) + gzip.compress(delimited(rows[:4], ","), mtime=0))
        # The same rows as JSON Lines, numbers as numbers.
        lines = []
        for r in data:
            obj = {}
            for k, key in enumerate(names):
                v = r[k] if k < len(r) else None
                if v == "":
                    v = None
                elif k < len(types) and types[k] in (INT, DOUBLE):
                    v = json.loads(v)
                obj[key] = v
            lines.append(json.dumps(obj, ensure_ascii=False))
        body = ("\n".join(lines) + "\n").encode("utf-8")
        w.add("jsonl", header(types=types) + body)
        w.add("sniff", b"\x05" + body)
        w.add("jsonl", header(types=types, batch=3) + gzip.compress(body[:600], mtime=0))
    for literal in swift_literals("Tests/*/*.swift"):
        first = literal.lstrip()[:1]
        if first == b"{" and b'"version"' in literal:
            w.add("pipeline", literal)
        elif first == b"{":
            w.add("jsonl", header(types=[INT, STRING, DOUBLE, TIMESTAMP, BOOL]) + literal)
        elif b"," in literal.split(b"\n")[0] or b"\t" in literal.split(b"\n")[0]:
            tab = b"\t" in literal.split(b"\n")[0]
            w.add("csv", header(delimiter=2 if tab else 0, types=[INT, STRING, DOUBLE, TIMESTAMP, BOOL]) + literal)
            w.add("csv", header(delimiter=2 if tab else 0, types=[STRING] * 5, has_header=False) + literal)


def pipeline_seeds(w):
    w.add("pipeline", open(os.path.join(ROOT, "pipeline.json"), "rb").read())
    for path in sorted(glob.glob(os.path.join(ROOT, "docs", "*.md"))):
        for block in re.findall(r"```json\n(.*?)```", open(path, encoding="utf-8").read(), re.S):
            w.add("pipeline", block.encode("utf-8"))


def parquet_seeds(w):
    for path in sorted(glob.glob(os.path.join(ROOT, "Tests", "ParquetTests", "Corpus", "*.parquet"))):
        w.add("parquet", open(path, "rb").read())
    try:
        import datetime
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        print("seeds: pyarrow missing, no pyarrow-written Parquet seeds", file=sys.stderr)
        return
    table = pa.table({
        "i32": pa.array([1, None, 3, -4, 5, 5], pa.int32()),
        "i64": pa.array([10, 20, None, 2**40, -1, 0], pa.int64()),
        "f64": pa.array([0.5, float("nan"), None, -0.0, 1e300, 2.0]),
        "b": pa.array([True, False, None, True, True, False]),
        "s": pa.array(["a", "bb", None, "a", "ccc", "a"]),
        "ts": pa.array([datetime.datetime(2024, 1, 2, 3, 4, 5)] * 5 + [None], pa.timestamp("us")),
        "d": pa.array([datetime.date(2024, 1, k + 1) for k in range(6)], pa.date32()),
    })
    settings = [
        dict(compression="none"), dict(compression="snappy"), dict(compression="gzip"), dict(compression="zstd"),
        dict(compression="none", use_dictionary=False, data_page_version="2.0"),
        dict(compression="snappy", row_group_size=2, data_page_version="2.0"),
    ]
    for kw in settings:
        buf = io.BytesIO()
        pq.write_table(table, buf, **kw)
        w.add("parquet", buf.getvalue())


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    w = Writer(sys.argv[1])
    text_seeds(w)
    pipeline_seeds(w)
    parquet_seeds(w)
    print("seeds: " + ", ".join("%s %d" % kv for kv in sorted(w.counts.items())))


if __name__ == "__main__":
    main()
