#!/usr/bin/env python3
"""Parse+render benchmark: `weave render --to html` vs `cmark --to html` on the same
~10 MB math-heavy Markdown file, interleaved in one run; reports medians and the ratio.

usage: Benchmarks/parse/run.sh [REPS]   (builds weave in release mode first)
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from bench_common import interleave, med, table  # noqa: E402

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
weave = os.path.join(root, ".build", "release", "weave")
reps = int(sys.argv[1]) if len(sys.argv) > 1 else 11
tmp = tempfile.mkdtemp(prefix="weave-parse-bench-")
inputs = {}
for mb in (10, 1):
    path = os.path.join(tmp, f"math-{mb}mb.md")
    os.system(f"{sys.executable} {os.path.join(root, 'Benchmarks/parse/gen_md.py')} {path} {mb}")
    inputs[f"{mb} MiB math-heavy"] = path

rows = []
for label, path in inputs.items():
    size = os.path.getsize(path)
    res = interleave({
        "cmark": ["cmark", "--to", "html", path],
        "weave": [weave, "render", path, "--to", "html", "--out", os.path.join(tmp, "out")],
    }, reps=reps)
    c, w = med(res["cmark"]["times"]), med(res["weave"]["times"])
    rows.append([label, f"{size:,}", f"{c*1000:.0f}", f"{size/c/1e6:.1f}", f"{w*1000:.0f}", f"{size/w/1e6:.1f}",
                 f"**{w/c:.2f}×**", f"{med(res['cmark']['rss']):.0f} / {med(res['weave']['rss']):.0f}"])

print(f"Parse + render to HTML, median of {reps} interleaved runs (fresh process each; weave also writes the page to disk).\n")
print(table(["input", "bytes", "cmark ms", "cmark MB/s", "weave ms", "weave MB/s", "weave / cmark", "peak RSS MB cmark / weave"], rows))
