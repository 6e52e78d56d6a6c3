"""Coefficients of Compute's Double exponential (simdExpInRange in VectorMath.swift).

e^r ≈ 1 + r + r²·q(r) on [−ln2/2, ln2/2], q of degree 9, fitted for the relative error of e^r
by least squares on 400 Chebyshev nodes with Lawson reweighting (which converges to the
minimax fit), in 60-digit mpmath.

    python3 Tests/ComputeTests/Core/reference/exp_minimax.py 9
    -> deg q 9 total degree 11 max rel err 3.621e-18, then c0 … c9

(max over 20,000 points, before the coefficients are rounded to Double; a Taylor
polynomial needs degree 13 for the same accuracy: r¹⁴/14! ≈ 4·10⁻¹⁸.)
"""
import mpmath as mp, sys
mp.mp.dps = 60
deg = int(sys.argv[1]); n = deg + 1
a = mp.log(2)/2
f = lambda r: (mp.exp(r)-1-r)/r**2
w = lambda r: r**2/mp.exp(r)
N = 400
xs = [a*mp.cos(mp.pi*(k+0.5)/N) for k in range(N)]
# minimize sum (w (q - f))^2 with Lawson-style reweighting toward minimax
lw = [mp.mpf(1)]*N
for it in range(40):
    A = mp.matrix(N, n); b = mp.matrix(N, 1)
    for i, x in enumerate(xs):
        s = w(x)*mp.sqrt(lw[i])
        for j in range(n): A[i, j] = s*x**j
        b[i] = s*f(x)
    c = mp.qr_solve(A, b)[0]
    errs = [abs((sum(c[j]*x**j for j in range(n)) - f(x))*w(x)) for x in xs]
    tot = sum(lw[i]*errs[i] for i in range(N))
    lw = [lw[i]*errs[i]/tot for i in range(N)]
grid = [-a + 2*a*(k+0.5)/20000 for k in range(20000)]
mx = max(abs((sum(c[j]*x**j for j in range(n)) - f(x))*w(x)) for x in grid)
print("deg q", deg, "total degree", deg+2, "max rel err", mp.nstr(mx, 4))
for j in range(n): print(mp.nstr(c[j], 20))
