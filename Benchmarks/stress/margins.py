#!/usr/bin/env python3
"""Timing-claim margins from `weave check --format json` manifests (Benchmarks/stress/run.sh).

A timing claim (claim(interval, above: b) / claim(interval, below: b) in WeaveRuntime) is
recorded with expected "lower end of the interval > b" or "upper end of the interval < b"
and actual "estimate (level % CI lower–upper)". Its margin is how far the conservative end
clears the bound, relative to the bound: (lower − b)/|b| or (b − upper)/|b|; negative fails.

  margins.py --run R --rc RC --seconds S manifest.json   one line for one run
  margins.py --summary manifest.json…                    the closest margin of each claim
"""
import json
import re
import sys

EXPECTED = re.compile(r"^(lower|upper) end of the interval ([<>]) (\S+)$")
ACTUAL = re.compile(r"^(\S+) \((\S+) % CI (\S+)–(\S+)\)$")


def timing_claims(path):
    try:
        with open(path) as f:
            manifest = json.load(f)
    except (OSError, ValueError):
        return None, []
    out = []
    for article in manifest.get("articles", []):
        for c in article.get("claims", []):
            e = EXPECTED.match(c.get("expected", ""))
            a = ACTUAL.match(c.get("actual", ""))
            if not e or not a:
                continue
            bound, lower, upper = float(e.group(3)), float(a.group(3)), float(a.group(4))
            margin = (lower - bound) / abs(bound) if e.group(1) == "lower" else (bound - upper) / abs(bound)
            where = f"{c['file'].split('/')[-1]}:{c['line']}"
            out.append((margin, where, c.get("status", "?")))
    return manifest, out


def main(argv):
    if argv[:1] == ["--summary"]:
        closest = {}
        for path in argv[1:]:
            _, claims = timing_claims(path)
            for margin, where, _ in claims:
                closest[where] = min(margin, closest.get(where, margin))
        print("closest margin of each timing claim over all runs:")
        for where, margin in sorted(closest.items(), key=lambda kv: kv[1]):
            print(f"  {margin:+7.1%}  {where}")
        return 0
    run, rc, seconds, path = argv[1], argv[3], argv[5], argv[6]
    manifest, claims = timing_claims(path)
    if manifest is None:
        print(f"run {run}: FAIL (exit {rc}, {seconds} s): no manifest (see the .err file beside {path})")
        return 0
    s = manifest["summary"]
    failed = [f"{c['file'].split('/')[-1]}:{c['line']}"
              for a in manifest["articles"] for c in a["claims"] if c["status"] != "passed"]
    closest = ", ".join(f"{w} {m:+.0%}" for m, w, _ in sorted(claims)[:3])
    verdict = "pass" if rc == "0" else "FAIL"
    print(f"run {run}: {verdict} (exit {rc}, {seconds} s): {s['passed']}/{s['claims']} claims hold"
          + (f", failed: {' '.join(failed)}" if failed else "")
          + f"; closest timing margins: {closest or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
