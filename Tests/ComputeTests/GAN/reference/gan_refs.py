#!/usr/bin/env python3
"""Reference values for Tests/ComputeTests/GAN (numpy + scipy, float64).

Run:  python3 Tests/ComputeTests/GAN/reference/gan_refs.py
Prints Swift literals that are pasted into the tests (GANReferenceTests.swift).

Independent of the Swift code: the vector fields are written here directly from the
article's formulas (kexue.fm/archives/6583; state (phi1, phi2, theta1, theta2)), the
discrete schemes from their textbook definitions, the flows integrated by
scipy.integrate.solve_ivp (DOP853, rtol = atol = 1e-13).
"""
import numpy as np
from scipy.integrate import solve_ivp

Y0 = np.array([0.1, 0.2, 0.2, 0.1])


def sig(x):
    return 1.0 / (1.0 + np.exp(-x))


def vanilla(y):
    f, t = y[:2], y[2:]
    p = sig(f @ t)
    return np.r_[-p * t, (1 - p) * f]


def wgan(y):
    f, t = y[:2], y[2:]
    n = np.linalg.norm(f)
    return np.r_[-t / n + (t @ f) * f / n**3, f / n]


def wgan_gp(c, lam=0.1):
    def F(y):
        f, t = y[:2], y[2:]
        n = np.linalg.norm(f)
        return np.r_[-t - 2 * lam * (1 - c / n) * f, f]
    return F


def gan_qp(norm_of, lam=1.0, l2=0.0):
    # norm_of = 'theta': the post's formula / the GAN-QP loss; 'phi': the author's code
    def F(y):
        f, t = y[:2], y[2:]
        n = np.linalg.norm(t if norm_of == 'theta' else f)
        return np.r_[-t - (f @ t) * t / (lam * n) - l2 * f, f]
    return F


def fmt(v):
    return "[" + ", ".join(repr(float(x)) for x in v) + "]"


# ---- discrete schemes: vanilla GAN from Y0, h = 0.1, 1000 iterations --------------------
def simultaneous(F, y, h, n):
    for _ in range(n):
        y = y + h * F(y)
    return y


def alternating(F, y, h, n):
    y = y.copy()
    for _ in range(n):
        y[:2] = y[:2] + h * F(y)[:2]
        y[2:] = y[2:] + h * F(y)[2:]
    return y


def extragradient(F, y, h, n):
    for _ in range(n):
        yt = y + h * F(y)
        y = y + h * F(yt)
    return y


def optimistic(F, y, h, n):
    prev = F(y)
    for _ in range(n):
        v = F(y)
        y = y + h * (2 * v - prev)
        prev = v
    return y


def ema_run(F, y, h, n, beta):
    """alternating steps; bias-corrected EMA over iterates 0..n (start included)"""
    y = y.copy()
    m = (1 - beta) * y
    for k in range(1, n + 1):
        y[:2] = y[:2] + h * F(y)[:2]
        y[2:] = y[2:] + h * F(y)[2:]
        m = beta * m + (1 - beta) * y
    return y, m / (1 - beta ** (n + 1))


print("// discrete schemes, vanilla GAN, start Y0, h = 0.1, 1000 iterations")
for name, fn in [("simultaneous", simultaneous), ("alternating", alternating),
                 ("extragradient", extragradient), ("optimistic", optimistic)]:
    print(f"{name}: {fmt(fn(vanilla, Y0.copy(), 0.1, 1000))}")
y, m = ema_run(vanilla, Y0.copy(), 0.1, 20000, 0.999)
print(f"alternating 20000 + EMA(0.999): state {fmt(y)} ema {fmt(m)}")

# ---- stability limits of the schemes on a rotation (eigenvalues ±i omega) -----------------
# optimistic GDA per mode mu = i*omega: z^2 - (1 + 2 h mu) z + h mu = 0. Largest h with both
# roots in the closed unit disc, by bisection on max|root|.
def ogda_radius(h, mu=1j):
    return max(abs(np.roots([1, -(1 + 2 * h * mu), h * mu])))


lo, hi = 0.0, 2.0
assert ogda_radius(hi) > 1
for _ in range(200):
    mid = (lo + hi) / 2
    if ogda_radius(mid) > 1 + 1e-10:
        hi = mid
    else:
        lo = mid
print(f"optimistic stability limit for omega = 1: {repr((lo + hi) / 2)}")

# ---- flows --------------------------------------------------------------------------------
def flow(F, T, ts):
    s = solve_ivp(lambda t, y: F(y), (0, T), Y0, method="DOP853", rtol=1e-13, atol=1e-13,
                  t_eval=ts)
    assert s.success
    return s.y.T


for name, F, ts in [("vanilla", vanilla, [10.0, 50.0]),
                    ("wgan", wgan, [5.0, 10.0]),
                    ("wganGP0", wgan_gp(0.0), [10.0, 40.0]),
                    ("wganGP1", wgan_gp(1.0), [10.0, 40.0]),
                    ("ganQPTheta", gan_qp('theta'), [10.0, 40.0]),
                    ("ganQPPhi", gan_qp('phi'), [10.0, 40.0]),
                    ("ganQPThetaL2", gan_qp('theta', l2=0.1), [10.0, 70.0])]:
    ys = flow(F, max(ts), ts)
    for t, y in zip(ts, ys):
        print(f"flow {name} t={t}: {fmt(y)}")
