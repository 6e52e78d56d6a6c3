#!/usr/bin/env python3
"""Generates N articles for the execution benchmark: each has three blocks that share
state, a table, inline values and claims, and about half a second of work at -Onone.

usage: gen_articles.py DIR N
"""
import os
import sys

out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(out, exist_ok=True)
for k in range(n):
    m = 2_000_000 + 250_000 * k
    with open(os.path.join(out, f"article-{k:02d}.md"), "w") as f:
        f.write(f"""---
title: Benchmark article {k}
---
# Sums

We sum $\\sum_{{i<n}} i$ for $n = {m}$.

```{{swift}}
let n = {m}
var s = 0
for i in 0..<n {{ s &+= i }}
print("sum:", s)
```

```{{swift}}
claim(s == n * (n - 1) / 2, "Gauss's formula")
var harmonic = 0.0
for i in 1...n {{ harmonic += 1.0 / Double(i) }}
```

```{{swift}}
var t = Table(headers: ["n", "sum", "H_n"])
t.addRow(n, s, harmonic)
show(t)
```

The sum is `{{swift}} s` and $H_n$ is about `{{swift}} harmonic`, within `{{swift}} abs(harmonic - (log(Double(n)) + 0.5772156649))` of $\\ln n + \\gamma$.
""")
