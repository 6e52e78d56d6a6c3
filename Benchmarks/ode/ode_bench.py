#!/usr/bin/env python3
"""scipy side of the ODE benchmark (Benchmarks/ode/run.sh runs it beside `weave-bench ode`).

Usage: python3 ode_bench.py PROBLEM METHOD REPS
  PROBLEM: pursuit | lorenz | lorenz20
  METHOD:  RK45 | DOP853
Prints one line:  problem method median_ms min_ms nfev accepted rejected result
(same format as `weave-bench ode run`). rtol = 1e-8, atol = 1e-10 everywhere.

Problems (as in /work/shared/PERF-ANCHORS.md §4):
  pursuit  target at (0, t) (speed 1), pursuer from (1, 0) with speed 2 heading at the
           target; terminal event |T - P| = 1e-6; t in [0, 1]. Result: the event time.
  lorenz   sigma = 10, rho = 28, beta = 8/3, y0 = (1, 1, 1), t in [0, 100]. Result: y(100).
  lorenz20 the same on [0, 20]. Result: max |y(20) - reference| with the reference
           y(20) = (13.793199599, 12.951803941, 34.901608685) (DOP853, rtol = 1e-13).
Rejected steps are inferred from nfev = 2 + s*(accepted + rejected) [+3 for the DOP853
dense output built at an event], s = 6 (RK45) or 12 (DOP853), as in PERF-ANCHORS.
"""
import sys
import time

from scipy.integrate import solve_ivp

RTOL, ATOL = 1e-8, 1e-10
LORENZ20_REF = (13.793199599, 12.951803941, 34.901608685)


def pursuit(t, y):
    dx = 0.0 - y[0]
    dy = t - y[1]
    d = (dx * dx + dy * dy) ** 0.5
    return [2.0 * dx / d, 2.0 * dy / d]


def capture(t, y):
    dx = 0.0 - y[0]
    dy = t - y[1]
    return (dx * dx + dy * dy) ** 0.5 - 1e-6


capture.terminal = True


def lorenz(t, y):
    return [10.0 * (y[1] - y[0]), y[0] * (28.0 - y[2]) - y[1], y[0] * y[1] - 8.0 / 3.0 * y[2]]


def run(problem, method):
    if problem == "pursuit":
        return solve_ivp(pursuit, (0.0, 1.0), [1.0, 0.0], method=method, rtol=RTOL, atol=ATOL,
                         events=capture)
    t_end = 100.0 if problem == "lorenz" else 20.0
    return solve_ivp(lorenz, (0.0, t_end), [1.0, 1.0, 1.0], method=method, rtol=RTOL, atol=ATOL)


def main():
    problem, method, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
    times = []
    sol = None
    for _ in range(reps):
        t0 = time.perf_counter()
        sol = run(problem, method)
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    median = times[len(times) // 2] if len(times) % 2 else 0.5 * (times[len(times) // 2 - 1] + times[len(times) // 2])
    accepted = len(sol.t) - 1
    s = 6 if method == "RK45" else 12
    extra = 3 if (method == "DOP853" and problem == "pursuit") else 0
    rejected = (sol.nfev - 2 - extra) // s - accepted
    if problem == "pursuit":
        result = "t_cap=%.12f" % sol.t_events[0][0]
    elif problem == "lorenz":
        result = "y100=(%.6f,%.6f,%.6f)" % tuple(sol.y[:, -1])
    else:
        err = max(abs(sol.y[i, -1] - LORENZ20_REF[i]) for i in range(3))
        result = "err20=%.2e" % err
    print(problem, method, "%.4f" % median, "%.4f" % times[0], sol.nfev, accepted, rejected, result)


if __name__ == "__main__":
    main()
