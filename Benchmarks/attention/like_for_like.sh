#!/usr/bin/env bash
# Softmax attention at n = 4096, d = 64, one thread: numpy and Compute each with their
# default OpenBLAS core and each forced to the AVX-512 kernels (OPENBLAS_CORETYPE=SkylakeX,
# which numpy's bundled OpenBLAS honours too), interleaved, median process-CPU ms of ROUNDS.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product weave-bench >&2
ROUNDS=${ROUNDS:-5}
B=.build/release/weave-bench
export OPENBLAS_NUM_THREADS=1
for dt in f64 f32; do
  np=(); npx=(); us=(); usx=()
  for _ in $(seq "$ROUNDS"); do
    np+=("$(python3 Benchmarks/attention/numpy_attention.py softmax $dt 4096 64 7 | awk '{print $11}')")
    npx+=("$(OPENBLAS_CORETYPE=SkylakeX python3 Benchmarks/attention/numpy_attention.py softmax $dt 4096 64 7 | awk '{print $11}')")
    us+=("$($B attention tiled $dt 4096 64 1 7 | awk '{print $11}')")
    usx+=("$(OPENBLAS_CORETYPE=SkylakeX $B attention tiled $dt 4096 64 1 7 | awk '{print $11}')")
  done
  python3 - "$dt" "${np[*]}" "${npx[*]}" "${us[*]}" "${usx[*]}" <<'PY'
import statistics, sys
dt, *cols = sys.argv[1:]
np_, npx, us, usx = (statistics.median(map(float, c.split())) for c in cols)
print(f"| {dt} | {np_:.1f} | {us:.1f} | **{np_/us:.2f}×** | {npx:.1f} | {usx:.1f} | **{npx/usx:.2f}×** | {np_/usx:.2f}× |")
PY
done
