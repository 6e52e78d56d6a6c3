#!/usr/bin/env bash
# Attention benchmarks: Compute (weave-bench, release) against numpy, interleaved, plus the
# O(n·d)-memory check of the tiled kernel at n = 65 536.
#   bash Benchmarks/attention/run.sh            # full table (≈ 15–25 min on 2 cores)
#   ROUNDS=1 SIZES="1024 4096" bash Benchmarks/attention/run.sh   # quick look
# Writes the Markdown table to stdout; copy it to Benchmarks/attention/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product weave-bench >&2
echo "# Attention benchmarks ($(date -u +%Y-%m-%d), $(nproc) cores, $(python3 -c 'import numpy; print("numpy", numpy.__version__)'))"
echo
echo "Command: \`ROUNDS=${ROUNDS:-3} SIZES=\"${SIZES:-512 1024 2048 4096 8192}\" bash Benchmarks/attention/run.sh\`"
echo
echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs) model $(grep -m1 '^model' /proc/cpuinfo | cut -d: -f2 | xargs); AVX-512F: $(grep -qw avx512f /proc/cpuinfo && echo yes || echo no); load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "Compute's OpenBLAS: $(.build/release/weave-bench attention config)"
echo
echo "numpy elementwise cost on this machine (1 thread, 4096² values, best of 5):"
echo '```'
OPENBLAS_NUM_THREADS=1 python3 -c '
import numpy as np, time
for dt in (np.float64, np.float32):
    x = (np.random.default_rng(0).standard_normal(4096 * 4096) - 3).astype(dt)
    y = x.copy(); ts = []
    for _ in range(5):
        y[:] = x; t = time.perf_counter(); np.exp(y, out=y); ts.append(time.perf_counter() - t)
    print(f"np.exp {dt.__name__}: {min(ts) / x.size * 1e9:.2f} ns/element")
'
echo '```'
echo
python3 Benchmarks/attention/bench.py
echo
echo "### Tiled kernel at n = 65 536, d = 64, f64 (peak memory = ru_maxrss of the process)"
echo
echo '```'
for t in 1 2; do .build/release/weave-bench attention peakmem 65536 64 $t; done
if grep -qw avx512f /proc/cpuinfo; then
  echo "with OPENBLAS_CORETYPE=SkylakeX:"
  OPENBLAS_CORETYPE=SkylakeX .build/release/weave-bench attention peakmem 65536 64 2
fi
echo '```'
echo
echo "/usr/bin/time -v (1 thread):"
echo '```'
if [ -x /usr/bin/time ]; then
  /usr/bin/time -v .build/release/weave-bench attention peakmem 65536 64 1 2>&1 | grep -E "peakmem|Maximum resident|Elapsed"
else
  echo "/usr/bin/time not installed"
fi
echo '```'
