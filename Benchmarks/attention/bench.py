"""Side-by-side attention benchmark: numpy (numpy_attention.py) and Compute (weave-bench).

Called by run.sh after the release build. Each configuration is measured in ROUNDS rounds; in
each round the numpy process and our processes run one after the other (interleaved), each
reporting the median of REPS timed calls after one warm-up; the table shows the median over
rounds. Threads: numpy via OPENBLAS_NUM_THREADS in its environment; ours via
BLAS.threadCount and Dispatch workers (the `threads` argument).
Environment: ROUNDS (default 3), SIZES (default "512 1024 2048 4096 8192"), D (default 64).
"""
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(HERE, "..", "..", ".build", "release", "weave-bench")
ROUNDS = int(os.environ.get("ROUNDS", "3"))
SIZES = [int(x) for x in os.environ.get("SIZES", "512 1024 2048 4096 8192").split()]
D = int(os.environ.get("D", "64"))

# (numpy kernel, [our kernels compared with it])
FAMILIES = [
    ("softmax", ["tiled", "naive"]),
    ("softmax_causal", ["tiled_causal"]),
    ("linear", ["linear", "linear_causal"]),
]


def reps_for(n):
    return 15 if n <= 1024 else (5 if n <= 2048 else 3)


def run(cmd, env_threads):
    env = dict(os.environ)
    env["OPENBLAS_NUM_THREADS"] = str(env_threads)
    env["OMP_NUM_THREADS"] = str(env_threads)
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout.strip().splitlines()[-1]
    f = out.split()
    return {"ms": float(f[5]), "best": float(f[6]), "gflops": float(f[7]), "rss": float(f[8]), "sum": float(f[9])}


def numpy_cmd(kernel, dt, n, reps):
    return [sys.executable, os.path.join(HERE, "numpy_attention.py"), kernel, dt, str(n), str(D), str(reps)]


def ours_cmd(kernel, dt, n, threads, reps):
    return [BENCH, "attention", kernel, dt, str(n), str(D), str(threads), str(reps)]


def gemm_rates():
    rows = []
    for dt in ("f64", "f32"):
        for threads in (1, 2):
            np_r, our_r = [], []
            for _ in range(ROUNDS):
                r = run(numpy_cmd("gemm", dt, 2048, 3), threads)
                np_r.append(r["gflops"] * r["ms"] / r["best"])
                r = run(ours_cmd("gemm", dt, 2048, threads, 3), threads)
                our_r.append(r["gflops"] * r["ms"] / r["best"])
            rows.append((dt, threads, max(np_r), max(our_r)))
    return rows


def main():
    gemm = gemm_rates()
    rate = {(dt, t): ours for dt, t, _, ours in gemm}
    print("### Measured GEMM rate (2048×2048, GFLOP/s of the fastest call)\n")
    print("| dtype | threads | numpy `A @ B` | Compute `A * B` (OpenBLAS) |")
    print("|---|---|---|---|")
    for dt, t, a, b in gemm:
        print(f"| {dt} | {t} | {a:.1f} | {b:.1f} |")
    print()
    print("### Attention, d = %d (median ms over %d interleaved rounds)\n" % (D, ROUNDS))
    print("Median = median over rounds of each process's median; best = fastest single call seen.")
    print("GFLOP/s and % of the GEMM rate use our best time and the counted matmul flops.\n")
    print("| numpy kernel | ours | dtype | threads | n | numpy median ms | ours median ms | speed-up (medians) "
          "| numpy best ms | ours best ms | speed-up (best) | ours GFLOP/s | % of GEMM rate |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    sys.stdout.flush()
    for np_kernel, ours in FAMILIES:
        for dt in ("f64", "f32"):
            for threads in (1, 2):
                for n in SIZES:
                    reps = reps_for(n)
                    res_np, res_ours = [], {k: [] for k in ours}
                    for _ in range(ROUNDS):
                        res_np.append(run(numpy_cmd(np_kernel, dt, n, reps), threads))
                        for k in ours:
                            res_ours[k].append(run(ours_cmd(k, dt, n, threads, reps), threads))
                    np_ms = statistics.median(r["ms"] for r in res_np)
                    np_best = min(r["best"] for r in res_np)
                    for k in ours:
                        ms = statistics.median(r["ms"] for r in res_ours[k])
                        best = min(r["best"] for r in res_ours[k])
                        gf = max(r["gflops"] * r["ms"] / r["best"] for r in res_ours[k])
                        print(f"| {np_kernel} | {k} | {dt} | {threads} | {n} | {np_ms:.2f} | {ms:.2f} | "
                              f"{np_ms / ms:.2f}× | {np_best:.2f} | {best:.2f} | {np_best / best:.2f}× | "
                              f"{gf:.1f} | {100 * gf / rate[(dt, threads)]:.0f}% |")
                        sys.stdout.flush()


if __name__ == "__main__":
    main()
