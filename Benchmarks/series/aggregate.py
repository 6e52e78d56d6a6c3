#!/usr/bin/env python3
"""Aggregates the lines written by Benchmarks/series/run.sh into a Markdown table.

    python3 Benchmarks/series/aggregate.py RAW_FILE ROUNDS

Each RAW_FILE line is "SIDE REF_CASE CASE median_ms min_ms value terms last_index desc…"
with SIDE = mpmath | weave. For every (side, case) the table shows the median over rounds
of the per-process medians, the terms used, and the relative error against mpmath at 40
digits (for the exact cases: agreement of the checksum value).
"""
import statistics
import sys
from collections import defaultdict

import mpmath

mpmath.mp.dps = 40
e = mpmath.e
REFERENCE = {
    "zeta2": mpmath.zeta(2),
    "altharm": mpmath.log(2),
    "leibniz": mpmath.pi / 4,
    "zeta1.5": mpmath.zeta(1.5),
    "e-limit": e,
    "powratio": e / (e - 1),
}
# (row label, mpmath case, weave case, reference key or None for exact cases)
ROWS = [
    ("Σ 1/k² = π²/6", "zeta2", "zeta2", "zeta2"),
    ("Σ 1/k² = π²/6 (mpmath method='richardson')", "zeta2-richardson", "zeta2", "zeta2"),
    ("Σ (-1)^(k+1)/k = ln 2", "altharm", "altharm", "altharm"),
    ("Σ (-1)^k/(2k+1) = π/4", "leibniz", "leibniz", "leibniz"),
    ("Σ k^-3/2 = ζ(3/2)", "zeta1.5", "zeta1.5", "zeta1.5"),
    ("lim (1+1/n)^n = e", "e-limit", "e-limit", "e-limit"),
    ("lim (1^n+…+n^n)/n^n = e/(e-1), exact values", "powratio", "powratio", "powratio"),
    ("lim (1^n+…+n^n)/n^n = e/(e-1), Double values", "powratio", "powratio-float", "powratio"),
    ("B_0…B_200 exact", "bernoulli200", "bernoulli200", None),
    ("B_0…B_200 exact (sympy)", "bernoulli200-sympy", "bernoulli200", None),
    ("S_200(10^6) exact (Faulhaber)", "faulhaber200", "faulhaber200", None),
]


def rel_error(case, value):
    ref = REFERENCE.get(case)
    if ref is None:
        return None
    return float(abs((mpmath.mpf(value) - ref) / ref))


def fmt_err(x):
    if x is None:
        return "—"
    return "0 (exact)" if x == 0 else "%.1e" % x


def main():
    raw, rounds = sys.argv[1], int(sys.argv[2])
    runs = defaultdict(list)
    for line in open(raw):
        parts = line.split(None, 8)
        if len(parts) < 8:
            continue
        side, case = parts[0], parts[2]
        runs[(side, case)].append(
            dict(median=float(parts[3]), best=float(parts[4]), value=parts[5], terms=int(parts[6]),
                 last=int(parts[7]), desc=parts[8].strip() if len(parts) > 8 else ""))
    print("| case | mpmath / sympy | ms (best) | terms | rel. error | Weave Compute | ms (best) | terms | rel. error | speed-up |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, mcase, wcase, ref in ROWS:
        m, w = runs.get(("mpmath", mcase)), runs.get(("weave", wcase))
        if not m or not w:
            continue
        mm = statistics.median(r["median"] for r in m)
        wm = statistics.median(r["median"] for r in w)
        mb = min(r["best"] for r in m)
        wb = min(r["best"] for r in w)
        mr, wr = m[-1], w[-1]
        if ref is not None:
            merr, werr = fmt_err(rel_error(ref, mr["value"])), fmt_err(rel_error(ref, wr["value"]))
        else:
            same = float(mr["value"]) == float(wr["value"])
            merr, werr = "—", "agrees" if same else "DIFFERS (%s vs %s)" % (wr["value"], mr["value"])
        mterms = "%d (n ≤ %d)" % (mr["terms"], mr["last"]) if mr["terms"] else "—"
        wterms = "%d (n ≤ %d)" % (wr["terms"], wr["last"]) if wr["terms"] else "—"
        print("| %s | `%s` | %.3g (%.3g) | %s | %s | %s | %.3g (%.3g) | %s | %s | %.0f× |" % (
            label, mr["desc"], mm, mb, mterms, merr, wr["desc"], wm, wb, wterms, werr, mm / wm))
    print()
    print("ms: median over %d rounds of per-process medians (best: fastest single call). "
          "mpmath: 1 warm-up + REPS calls per process at mp.dps = 15; exact cases timed cold "
          "(first call in a fresh interpreter, since mpmath and sympy cache Bernoulli numbers). "
          "Weave: 1 warm-up + REPS calls per process, release build. 'terms' = distinct term or "
          "sequence indices evaluated (n ≤ largest index). rel. error against mpmath at 40 digits; "
          "exact cases compare B_200 (as a correctly rounded Double) or the digit count." % rounds)


if __name__ == "__main__":
    main()
