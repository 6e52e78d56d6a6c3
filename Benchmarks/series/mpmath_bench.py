#!/usr/bin/env python3
"""mpmath / sympy side of Benchmarks/series (run by run.sh; one case per process).

    python3 Benchmarks/series/mpmath_bench.py CASE REPS

Prints one line: CASE median_ms min_ms value terms last_index call…
- Series and limits: mpmath at mp.dps = 15 (double precision), one warm-up call, then
  REPS timed calls; `terms` counts the distinct indices at which the term (or sequence)
  function was called in the last call, `last_index` the largest one.
- Exact cases are timed cold (first call in a fresh interpreter, since mpmath and sympy
  cache Bernoulli numbers): REPS child processes, each timing one call.
Cases (the same as `weave-bench series`): zeta2 zeta2-richardson altharm leibniz zeta1.5
e-limit powratio bernoulli200 bernoulli200-sympy faulhaber200.
"""
import subprocess
from fractions import Fraction
import sys
import time

import mpmath
from mpmath import mp, mpf, inf

mp.dps = 15


class Counter:
    def __init__(self, f):
        self.f = f
        self.seen = set()

    def __call__(self, k):
        self.seen.add(int(k))
        return self.f(k)


def powratio(n):
    n = int(n)
    return mpmath.fsum((mpf(k) / n) ** n for k in range(1, n + 1))


SUMS = {
    "zeta2": (lambda k: 1 / mpf(k) ** 2, 1, {}, "nsum(1/k^2)"),
    "zeta2-richardson": (lambda k: 1 / mpf(k) ** 2, 1, {"method": "richardson"}, "nsum(1/k^2, method='richardson')"),
    "altharm": (lambda k: (-1) ** (int(k) + 1) / mpf(k), 1, {}, "nsum((-1)^(k+1)/k)"),
    "leibniz": (lambda k: (-1) ** int(k) / (2 * mpf(k) + 1), 0, {}, "nsum((-1)^k/(2k+1))"),
    "zeta1.5": (lambda k: 1 / mpf(k) ** 1.5, 1, {}, "nsum(k^-1.5)"),
}
LIMITS = {
    "e-limit": (lambda n: (1 + 1 / mpf(n)) ** n, "limit((1+1/n)^n, inf)"),
    "powratio": (powratio, "limit(fsum((k/n)^n)/1, inf)"),
}


def exact_once(name):
    """One cold call; returns (ms, value, description)."""
    if name == "bernoulli200":
        t0 = time.perf_counter()
        b = [mpmath.bernfrac(k) for k in range(201)]
        ms = (time.perf_counter() - t0) * 1e3
        p, q = b[200]
        return ms, float(Fraction(int(p), int(q))), "mpmath.bernfrac(0…200), cold"
    if name == "bernoulli200-sympy":
        import sympy
        t0 = time.perf_counter()
        b = [sympy.bernoulli(k) for k in range(201)]
        ms = (time.perf_counter() - t0) * 1e3
        return ms, float(Fraction(int(b[200].p), int(b[200].q))), "sympy.bernoulli(0…200), cold"
    if name == "faulhaber200":
        import sympy
        x = sympy.Symbol("x")
        t0 = time.perf_counter()
        poly = sympy.bernoulli(201, x)  # S_p(n) = (B_(p+1)(n+1) - B_(p+1)(1))/(p+1)
        s = (poly.subs(x, 10 ** 6 + 1) - poly.subs(x, 1)) / 201
        ms = (time.perf_counter() - t0) * 1e3
        return ms, float(len(str(s))), "sympy: (B_201(n+1)-B_201(1))/201, cold (value = digits)"
    raise SystemExit("unknown case " + name)


def main():
    name = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 9
    if name.endswith("-once"):
        ms, value, desc = exact_once(name[:-5])
        print(ms, repr(value), desc)
        return
    times = []
    if name in SUMS or name in LIMITS:
        for i in range(reps + 1):
            if name in SUMS:
                f, a, kw, desc = SUMS[name]
                c = Counter(f)
                t0 = time.perf_counter()
                v = mpmath.nsum(c, [a, inf], **kw)
            else:
                f, desc = LIMITS[name]
                c = Counter(f)
                t0 = time.perf_counter()
                v = mpmath.limit(c, inf)
            dt = (time.perf_counter() - t0) * 1e3
            if i > 0:
                times.append(dt)
        value = float(v)
        terms, last = len(c.seen), max(c.seen)
    else:
        for _ in range(reps):
            out = subprocess.run([sys.executable, __file__, name + "-once"], capture_output=True, text=True, check=True)
            ms, value, desc = out.stdout.split(" ", 2)
            times.append(float(ms))
        value, desc, terms, last = float(value), desc.strip(), 0, 200
    times.sort()
    n = len(times)
    median = times[n // 2] if n % 2 else (times[n // 2 - 1] + times[n // 2]) / 2
    print(name, median, times[0], repr(value), terms, last, desc)


if __name__ == "__main__":
    main()
