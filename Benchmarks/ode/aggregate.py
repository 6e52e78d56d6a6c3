#!/usr/bin/env python3
"""Turns the raw lines of run.sh into the Markdown table of RESULTS.md.

Input lines:  scipy PROBLEM METHOD MEDIAN_MS MIN_MS NFEV ACCEPTED REJECTED RESULT
              weave SCIPY_METHOD PROBLEM METHOD MEDIAN_MS MIN_MS NFEV ACCEPTED REJECTED RESULT
"""
import statistics
import sys
from collections import defaultdict

path, rounds = sys.argv[1], sys.argv[2]
scipy = defaultdict(list)
ours = defaultdict(list)
order = []
for line in open(path):
    f = line.split()
    if f[0] == "scipy":
        key = (f[1], f[2])
        scipy[key].append(f[3:])
    else:
        key = (f[2], f[1], f[3])
        if key not in ours:
            order.append(key)
        ours[key].append(f[4:])


def summary(rows):
    med = statistics.median(float(r[0]) for r in rows)
    best = min(float(r[0]) for r in rows)
    last = rows[-1]
    return med, best, int(last[2]), int(last[3]), int(last[4]), last[5]


print("| problem | scipy method | scipy ms (best) | ours | ours ms (best) | speed-up | nfev scipy | nfev ours | nfev ours/scipy | steps scipy acc+rej | steps ours acc+rej | result scipy | result ours |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for key in order:
    problem, smethod, omethod = key
    s = summary(scipy[(problem, smethod)])
    o = summary(ours[key])
    print("| %s | %s | %.2f (%.2f) | %s | %.4f (%.4f) | **%.0f×** | %d | %d | %.3f | %d+%d | %d+%d | %s | %s |" % (
        problem, smethod, s[0], s[1], omethod, o[0], o[1], s[0] / o[0], s[2], o[2], o[2] / s[2],
        s[3], s[4], o[3], o[4], s[5], o[5]))
print()
print("Medians over %s rounds of per-process medians (best process median in parentheses)." % rounds)
