"""numpy reference kernels for Benchmarks/attention/run.sh (one measurement per process).

usage: python3 numpy_attention.py KERNEL f32|f64 N D REPS [SEED]
Prints the same line as `weave-bench attention`:
  kernel dtype n d threads median_ms min_ms gflops maxrss_mb checksum cpu_median_ms cpu_min_ms
Threads: set OPENBLAS_NUM_THREADS (and OMP_NUM_THREADS) in the environment of this process.
Kernels (the formulas of PERF-ANCHORS.md §3):
  softmax         S = Q@K.T; S *= 1/sqrt(d); S -= S.max(1); exp; S /= S.sum(1); S@V   (4n²d flops)
  softmax_causal  the same with S[j > i] = -inf before the max (mask precomputed, untimed) (2n²d counted)
  linear          phi = elu+1; (phi(Q) @ (phi(K).T @ V)) / (phi(Q) @ phi(K).sum(0))     (4nd²)
  gemm            A @ B, N×N                                                            (2N³)
"""
import os
import resource
import sys
import time

import numpy as np


def main():
    kernel, dt, n, d, reps = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    seed = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    dtype = np.float32 if dt == "f32" else np.float64
    rng = np.random.default_rng(seed)
    q = rng.standard_normal((n, d)).astype(dtype)
    k = rng.standard_normal((n, d)).astype(dtype)
    v = rng.standard_normal((n, d)).astype(dtype)
    scale = dtype(1 / np.sqrt(max(d, 1)))

    if kernel in ("softmax", "softmax_causal"):
        causal = kernel == "softmax_causal"
        mask = np.triu(np.ones((n, n), dtype=bool), 1) if causal else None
        flops = (2 if causal else 4) * n * n * d

        def body():
            s = q @ k.T
            s *= scale
            if causal:
                s[mask] = -np.inf
            s -= s.max(axis=1, keepdims=True)
            np.exp(s, out=s)
            s /= s.sum(axis=1, keepdims=True)
            return s @ v
    elif kernel == "linear":
        flops = 4 * n * d * d

        def phi(x):
            return np.where(x > 0, x + 1, np.exp(np.minimum(x, 0)))

        def body():
            fq, fk = phi(q), phi(k)
            num = fq @ (fk.T @ v)
            den = fq @ fk.sum(axis=0)
            return num / den[:, None]
    elif kernel == "gemm":
        a = rng.standard_normal((n, n)).astype(dtype)
        b = rng.standard_normal((n, n)).astype(dtype)
        flops = 2 * n ** 3

        def body():
            return a @ b
    else:
        print("numpy_attention.py: unknown kernel", kernel)
        sys.exit(2)

    checksum = float(body().sum())
    times, cpu = [], []
    for _ in range(reps):
        c0 = time.process_time()
        t0 = time.perf_counter()
        r = body()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        del r
    med = float(np.median(times))
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "?")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{kernel} {dt} {n} {d} {threads} {med * 1e3} {min(times) * 1e3} {flops / med / 1e9} {rss} {checksum} {float(np.median(cpu)) * 1e3} {min(cpu) * 1e3}")


if __name__ == "__main__":
    main()
