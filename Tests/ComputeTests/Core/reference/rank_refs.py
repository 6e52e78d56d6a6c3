# Reference ranks for LinearAlgebraTests.matrixRankRelativeTolerance (numpy 2.4.6):
#   python3 Tests/ComputeTests/Core/reference/rank_refs.py
# numpy.linalg.matrix_rank(A, rtol=r) counts σᵢ > r·σ_max; the default rtol is max(m, n)·ε.
# The singular-value ratios are printed so the margin around each threshold is visible.
import numpy as np

def hilbert(n):
    return np.array([[1.0 / (i + j + 1) for j in range(n)] for i in range(n)])

for n in (6, 10, 12):
    H = hilbert(n)
    s = np.linalg.svd(H, compute_uv=False)
    print(f"hilbert {n}: default {np.linalg.matrix_rank(H)}, rtol 1e-10 {np.linalg.matrix_rank(H, rtol=1e-10)},"
          f" rtol 1e-6 {np.linalg.matrix_rank(H, rtol=1e-6)}")
    print("  sigma/sigma_max", " ".join(f"{v:.3e}" for v in s / s[0]))
x = np.arange(1, 9) / 8.0
V = np.vander(x, 8, increasing=True)  # V[i][j] = x_i^j
s = np.linalg.svd(V, compute_uv=False)
print(f"vandermonde 8: default {np.linalg.matrix_rank(V)}, rtol 1e-5 {np.linalg.matrix_rank(V, rtol=1e-5)},"
      f" rtol 1e-3 {np.linalg.matrix_rank(V, rtol=1e-3)}")
print("  sigma/sigma_max", " ".join(f"{v:.3e}" for v in s / s[0]))
