"""Reference values for Tests/ComputeTests/Attention/SoftmaxAttentionTests.swift and
Tests/ComputeTests/Core/LinearAlgebraTests.swift, computed with numpy/scipy.

Q, K, V are drawn with the same generator as Compute's RandomSource (re-implemented in
../../Core/reference/rng_refs.py), row by row: Q (5×3), then K (5×3), then V (5×2), seed 11.
Run:  python3 Tests/ComputeTests/Attention/reference/attention_refs.py
"""
import os
import sys

import numpy as np
import scipy.linalg
import scipy.special

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Core", "reference"))
from rng_refs import Xoshiro  # noqa: E402


def normal_matrix(g, r, c):
    return np.array([[g.normal() for _ in range(c)] for _ in range(r)])


def show(name, a):
    print(name, "=", "[" + ", ".join(repr(float(x)) for x in np.ravel(a)) + "]")


g = Xoshiro(11)
Q = normal_matrix(g, 5, 3)
K = normal_matrix(g, 5, 3)
V = normal_matrix(g, 5, 2)
S = Q @ K.T / np.sqrt(3)
show("softmax non-causal", scipy.special.softmax(S, axis=1) @ V)
Sc = np.where(np.tril(np.ones((5, 5))) > 0, S, -np.inf)
show("softmax causal", scipy.special.softmax(Sc, axis=1) @ V)
show("softmax scale 0.7", scipy.special.softmax(0.7 * Q @ K.T, axis=1) @ V)

A = np.array([[4.0, 1.0, -2.0], [1.0, 2.0, 0.5], [3.0, -1.0, 1.0]])
show("singular values A", scipy.linalg.svdvals(A))
w = np.linalg.eigvals(A)
w = w[np.lexsort((w.imag, w.real))]
show("eigenvalues A (real parts, sorted)", w.real)
show("eigenvalues A (imag parts)", w.imag)
show("solve A x = (1, 2, 3)", scipy.linalg.solve(A, [1.0, 2.0, 3.0]))
B = A + A.T
show("symmetric eigenvalues A + Aᵀ", scipy.linalg.eigvalsh(B))
