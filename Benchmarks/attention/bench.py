"""Side-by-side attention benchmark: numpy (numpy_attention.py) and Compute (weave-bench).

Called by run.sh after the release build. Each configuration is measured in ROUNDS rounds; in
each round the numpy process and our processes run one after the other (interleaved); each
process times REPS calls after one warm-up and reports wall-clock and process-CPU times.

Which time is compared: with 1 thread, the median over rounds of each process's median
*CPU time* (the machine is a shared 2-vCPU VM with other builds running, so wall-clock
medians of a single-threaded process mostly measure the load; its CPU time does not). With
2 threads CPU time adds both threads up, so there the fastest *wall-clock* call is compared.
Wall-clock medians are printed as well.

Threads: numpy via OPENBLAS_NUM_THREADS in its environment; ours via BLAS.threadCount and
Dispatch workers (the `threads` argument). The tiled kernels get OPENBLAS_NUM_THREADS=1: they
use OpenBLAS single-threaded (or not at all), and idle OpenBLAS workers spin on sched_yield
for a while after they start, taking a core from our workers on this 2-core machine.
OpenBLAS core: Debian's OpenBLAS 0.3.21 predates AMD Zen 5 and picks its AVX2 "Haswell"
kernels; on AVX-512 machines the `+skx` rows run our process with OPENBLAS_CORETYPE=SkylakeX
(OpenBLAS's own AVX-512 kernels, same library). numpy is always run as installed.
Softmax kernels: `tiled` is `softmaxAttention` as users get it (on AVX-512 CPUs the fused
kernel, which does not call BLAS); `tiled_blas+skx` is the same algorithm on its BLAS kernel
(two GEMMs per tile, AVX-512 GEMM), the kernel of the previous release, for comparison.
"% of GEMM rate" compares with our GEMM rate on the same OpenBLAS core, and for the fused
kernel with the best one (SkylakeX on AVX-512 machines).
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
AVX512 = " avx512f " in open("/proc/cpuinfo").read().replace("\n", " ")
SKX = {"OPENBLAS_CORETYPE": "SkylakeX"}

# numpy kernel → our variants (label, weave-bench kernel, extra environment)
FAMILIES = [
    ("softmax", [("tiled", "tiled", {}), ("tiled_blas+skx", "tiled_blas", SKX), ("naive", "naive", {})]),
    ("softmax_causal", [("tiled_causal", "tiled_causal", {}), ("tiled_blas_causal+skx", "tiled_blas_causal", SKX)]),
    ("linear", [("linear", "linear", {}), ("linear_causal", "linear_causal", {})]),
]


def reps_for(n):
    return 15 if n <= 1024 else (5 if n <= 2048 else 3)


def run(cmd, threads, extra=None):
    env = dict(os.environ)
    env["OPENBLAS_NUM_THREADS"] = str(threads)
    env["OMP_NUM_THREADS"] = str(threads)
    env.update(extra or {})
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout.strip().splitlines()[-1]
    f = out.split()
    return {"ms": float(f[5]), "best": float(f[6]), "cpu": float(f[10]), "cpu_best": float(f[11])}


def numpy_cmd(kernel, dt, n, reps):
    return [sys.executable, os.path.join(HERE, "numpy_attention.py"), kernel, dt, str(n), str(D), str(reps)]


def ours_cmd(kernel, dt, n, threads, reps):
    return [BENCH, "attention", kernel, dt, str(n), str(D), str(threads), str(reps)]


def compared(results, threads):
    """The compared time in ms (see the module docstring)."""
    if threads == 1:
        return statistics.median(r["cpu"] for r in results)
    return min(r["best"] for r in results)


def flops(kernel, n):
    if kernel.startswith("linear"):
        return 4 * n * D * D
    return (2 if "causal" in kernel else 4) * n * n * D


def gemm_rates():
    rows = []
    n = 2048
    for dt in ("f64", "f32"):
        for threads in (1, 2):
            res = {"numpy": [], "ours": [], "ours+skx": []}
            for _ in range(ROUNDS):
                res["numpy"].append(run(numpy_cmd("gemm", dt, n, 3), threads))
                res["ours"].append(run(ours_cmd("gemm", dt, n, threads, 3), threads))
                if AVX512:
                    res["ours+skx"].append(run(ours_cmd("gemm", dt, n, threads, 3), threads, SKX))
            rate = {}
            for k, rs in res.items():
                if rs:
                    t = min(r["cpu_best"] if threads == 1 else r["best"] for r in rs)
                    rate[k] = 2 * n ** 3 / (t / 1e3) / 1e9
            rows.append((dt, threads, rate))
    return rows


def main():
    gemm = gemm_rates()
    print("### Measured GEMM rate (2048×2048 `A @ B`, GFLOP/s of the fastest call; CPU time for 1 thread)\n")
    print("| dtype | threads | numpy | Compute (Debian OpenBLAS, default core) | Compute, OPENBLAS_CORETYPE=SkylakeX |")
    print("|---|---|---|---|---|")
    for dt, t, r in gemm:
        print(f"| {dt} | {t} | {r['numpy']:.1f} | {r['ours']:.1f} | {r.get('ours+skx', float('nan')):.1f} |")
    rate = {(dt, t, False): r["ours"] for dt, t, r in gemm}
    rate.update({(dt, t, True): r.get("ours+skx", r["ours"]) for dt, t, r in gemm})
    print()
    print("### Attention, d = %d (%d interleaved rounds)\n" % (D, ROUNDS))
    print("Compared time: 1 thread → median process-CPU time; 2 threads → fastest wall-clock call.")
    print("GFLOP/s counts the matmul flops only (4n²d, causal 2n²d, linear 4nd²); % of GEMM rate")
    print("is against our own GEMM rate with the same OpenBLAS core and thread count (for the fused")
    print("`tiled` kernel, which calls no BLAS, against the SkylakeX rate on AVX-512 machines).\n")
    print("| numpy kernel | ours | dtype | threads | n | numpy ms | ours ms | speed-up "
          "| numpy wall median ms | ours wall median ms | ours GFLOP/s | % of GEMM rate |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    sys.stdout.flush()
    for np_kernel, ours in FAMILIES:
        for dt in ("f64", "f32"):
            for threads in (1, 2):
                for n in SIZES:
                    reps = reps_for(n)
                    variants = [v for v in ours if AVX512 or not v[2]]
                    res_np, res_ours = [], {v[0]: [] for v in variants}
                    for _ in range(ROUNDS):
                        res_np.append(run(numpy_cmd(np_kernel, dt, n, reps), threads))
                        for label, kernel, extra in variants:
                            if kernel.startswith("tiled"):
                                # The tiled kernels run OpenBLAS with one thread (the fused one does
                                # not call it); more OpenBLAS threads would only spin beside our
                                # workers (see AttentionBench.swift).
                                extra = {**extra, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
                            res_ours[label].append(run(ours_cmd(kernel, dt, n, threads, reps), threads, extra))
                    np_ms = compared(res_np, threads)
                    np_wall = statistics.median(r["ms"] for r in res_np)
                    for label, kernel, extra in variants:
                        ms = compared(res_ours[label], threads)
                        wall = statistics.median(r["ms"] for r in res_ours[label])
                        gf = flops(kernel, n) / (ms / 1e3) / 1e9
                        fused = AVX512 and kernel in ("tiled", "tiled_causal")
                        pct = 100 * gf / rate[(dt, threads, extra.get("OPENBLAS_CORETYPE") == "SkylakeX" or fused)]
                        print(f"| {np_kernel} | {label} | {dt} | {threads} | {n} | {np_ms:.2f} | {ms:.2f} | "
                              f"{np_ms / ms:.2f}× | {np_wall:.2f} | {wall:.2f} | {gf:.1f} | {pct:.0f}% |")
                        sys.stdout.flush()


if __name__ == "__main__":
    main()
