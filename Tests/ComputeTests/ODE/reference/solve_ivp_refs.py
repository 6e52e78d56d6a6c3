#!/usr/bin/env python3
"""Reference values for Tests/ComputeTests/ODE (scipy 1.17.1, numpy 2.4.6 on the project machine).

Run:  python3 Tests/ComputeTests/ODE/reference/solve_ivp_refs.py
The printed values are pasted into ScipyReferenceTests.swift (each block says which test).

1. Step-by-step agreement: scipy's RK45 and DOP853 (classical controller, the same formulas,
   initial step and error norm as our `.dormandPrince5(controller: .integral)` and `.dop853`)
   → nfev, accepted steps, final state, a dense-output value, on
     (a) Lorenz t in [0, 2], rtol 1e-6, atol 1e-9,
     (b) the pursuit chase (target (0, t), pursuer from (1, 0), speed 2) with the terminal
         capture event |T - P| = 1e-6, rtol 1e-8, atol 1e-10.
2. Accurate solutions to compare against (tight tolerances, two methods must agree):
     Lorenz y(20) (DOP853 rtol 1e-13),
     Van der Pol mu = 1000, y0 = (2, 0), y(3000) (Radau rtol 1e-10, atol 1e-10),
     Robertson y(40) and y(1e5) (Radau rtol 1e-10, atol 1e-14; checked against LSODA).
"""
import numpy as np
from scipy.integrate import solve_ivp


def lorenz(t, y):
    return [10.0 * (y[1] - y[0]), y[0] * (28.0 - y[2]) - y[1], y[0] * y[1] - 8.0 / 3.0 * y[2]]


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


def vdp(t, y, mu=1000.0):
    return [y[1], mu * (1 - y[0] ** 2) * y[1] - y[0]]


def rober(t, y):
    return [-0.04 * y[0] + 1e4 * y[1] * y[2],
            0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] ** 2,
            3e7 * y[1] ** 2]


def fmt(v):
    return "[" + ", ".join("%.17g" % x for x in v) + "]"


print("# 1(a) Lorenz [0, 2], rtol 1e-6, atol 1e-9, dense at t = 1.2345")
for m in ["RK45", "DOP853"]:
    s = solve_ivp(lorenz, (0, 2), [1.0, 1.0, 1.0], method=m, rtol=1e-6, atol=1e-9, dense_output=True)
    print(m, "nfev", s.nfev, "accepted", len(s.t) - 1, "y(2)", fmt(s.y[:, -1]), "dense(1.2345)", fmt(s.sol(1.2345)))

print("# 1(b) pursuit with capture event, rtol 1e-8, atol 1e-10")
for m in ["RK45", "DOP853"]:
    s = solve_ivp(pursuit, (0, 1), [1.0, 0.0], method=m, rtol=1e-8, atol=1e-10, events=capture)
    print(m, "nfev", s.nfev, "accepted", len(s.t) - 1, "t_event", "%.17g" % s.t_events[0][0],
          "y_event", fmt(s.y_events[0][0]))

print("# 2 Lorenz y(20)")
a = solve_ivp(lorenz, (0, 20), [1.0, 1.0, 1.0], method="DOP853", rtol=1e-13, atol=1e-13)
b = solve_ivp(lorenz, (0, 20), [1.0, 1.0, 1.0], method="DOP853", rtol=1e-12, atol=1e-12)
print("y(20)", fmt(a.y[:, -1]), "diff to rtol 1e-12 run", np.max(np.abs(a.y[:, -1] - b.y[:, -1])))

print("# 2 Van der Pol mu = 1000, y(3000)")
a = solve_ivp(vdp, (0, 3000), [2.0, 0.0], method="Radau", rtol=1e-10, atol=1e-10)
b = solve_ivp(vdp, (0, 3000), [2.0, 0.0], method="LSODA", rtol=1e-10, atol=1e-10)
print("Radau y(3000)", fmt(a.y[:, -1]), "nfev", a.nfev, "steps", len(a.t) - 1)
print("LSODA y(3000)", fmt(b.y[:, -1]), "diff", np.max(np.abs(a.y[:, -1] - b.y[:, -1])))
c = solve_ivp(vdp, (0, 3000), [2.0, 0.0], method="Radau", rtol=1e-6, atol=1e-6)
print("Radau rtol 1e-6: steps", len(c.t) - 1, "nfev", c.nfev, "njev", c.njev, "nlu", c.nlu)

print("# 2 Robertson y(40), y(1e5)")
for T in [40.0, 1e5]:
    a = solve_ivp(rober, (0, T), [1.0, 0.0, 0.0], method="Radau", rtol=1e-10, atol=1e-14)
    b = solve_ivp(rober, (0, T), [1.0, 0.0, 0.0], method="LSODA", rtol=1e-10, atol=1e-14)
    print("T", T, "Radau", fmt(a.y[:, -1]), "LSODA diff", np.max(np.abs(a.y[:, -1] - b.y[:, -1])))
    c = solve_ivp(rober, (0, T), [1.0, 0.0, 0.0], method="Radau", rtol=1e-6, atol=1e-10)
    print("   Radau rtol 1e-6: steps", len(c.t) - 1, "nfev", c.nfev)
