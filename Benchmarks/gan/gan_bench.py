#!/usr/bin/env python3
"""numpy/scipy side of the GAN benchmark (Benchmarks/gan/run.sh runs it beside `weave-bench gan`).

Usage:
  python3 gan_bench.py train SCHEME N REPS
      Vanilla (non-saturating) Dirac GAN, k = 2, from (0.1, 0.2, 0.2, 0.1), step 0.1, N
      iterations of SCHEME (simultaneous | alternating | extragradient | optimistic) on
      numpy arrays, bias-corrected EMA (beta = 0.999) of every iterate, every 1000th state
      saved. Prints: train SCHEME N median_ms min_ms ns_per_iteration y0 y1 y2 y3 ema2 ema3
  python3 gan_bench.py flow T REPS
      The same GAN's gradient flow on [0, T] with scipy.integrate.solve_ivp (DOP853,
      rtol = 1e-10, atol = 1e-12, t_eval every 0.1).
      Prints: flow T median_ms min_ms nfev y0 y1 y2 y3
One warm-up run, then REPS timed runs (median and minimum).
"""
import statistics
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp

Y0 = np.array([0.1, 0.2, 0.2, 0.1])
H, BETA = 0.1, 0.999


def field(y):
    f, t = y[:2], y[2:]
    p = 1.0 / (1.0 + np.exp(-(f @ t)))
    return np.concatenate((-p * t, (1.0 - p) * f))


def train(scheme, n):
    y = Y0.copy()
    m = (1 - BETA) * y
    bp = BETA
    saved = [y.copy()]
    prev = None
    for k in range(1, n + 1):
        if scheme == "simultaneous":
            y = y + H * field(y)
        elif scheme == "alternating":
            y[:2] += H * field(y)[:2]
            y[2:] += H * field(y)[2:]
        elif scheme == "extragradient":
            y = y + H * field(y + H * field(y))
        elif scheme == "optimistic":
            v = field(y)
            if prev is None:
                prev = v
            y = y + H * (2 * v - prev)
            prev = v
        else:
            raise SystemExit(f"unknown scheme {scheme}")
        m = BETA * m + (1 - BETA) * y
        bp *= BETA
        if k % 1000 == 0 or k == n:
            saved.append(y.copy())
    return y, m / (1 - bp)


def flow(t_end):
    ts = np.arange(0.0, t_end + 1e-9, 0.1)
    ts = ts[ts <= t_end]
    s = solve_ivp(lambda t, y: field(y), (0.0, t_end), Y0, method="DOP853", rtol=1e-10, atol=1e-12, t_eval=ts)
    assert s.success
    return s


def main():
    mode = sys.argv[1]
    if mode == "train":
        scheme, n, reps = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        times = []
        for r in range(reps + 1):
            t0 = time.perf_counter()
            y, e = train(scheme, n)
            dt = (time.perf_counter() - t0) * 1e3
            if r > 0:
                times.append(dt)
        med = statistics.median(times)
        vals = " ".join(f"{v:.15e}" for v in [*y, e[2], e[3]])
        print(f"train {scheme} {n} {med:.4f} {min(times):.4f} {med * 1e6 / n:.4f} {vals}")
    elif mode == "flow":
        t_end, reps = float(sys.argv[2]), int(sys.argv[3])
        times = []
        for r in range(reps + 1):
            t0 = time.perf_counter()
            s = flow(t_end)
            dt = (time.perf_counter() - t0) * 1e3
            if r > 0:
                times.append(dt)
        vals = " ".join(f"{v:.15e}" for v in s.y[:, -1])
        print(f"flow {sys.argv[2]} {statistics.median(times):.4f} {min(times):.4f} {s.nfev} {vals}")
    else:
        raise SystemExit("usage: gan_bench.py train SCHEME N REPS | flow T REPS")


if __name__ == "__main__":
    main()
