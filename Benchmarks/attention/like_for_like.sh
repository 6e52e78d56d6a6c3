#!/usr/bin/env bash
# Softmax attention at n = 4096, d = 64, one thread, like for like: numpy and Compute each on
# their default OpenBLAS core and each forced to the AVX-512 kernels (OPENBLAS_CORETYPE=SkylakeX,
# which numpy's bundled OpenBLAS honours too), interleaved, median process-CPU ms of ROUNDS.
# When Debian's python3-numpy is installed (apt-get install python3-numpy), it runs too: that
# numpy calls the very libopenblas 0.3.21 that Compute links, so its GEMMs are Compute's.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product weave-bench >&2
ROUNDS=${ROUNDS:-5}
B=.build/release/weave-bench
export OPENBLAS_NUM_THREADS=1
DEBIAN_PY=""
if /usr/bin/python3 -c 'import numpy, sys; sys.exit(0 if numpy.__file__.startswith("/usr/lib/python3/") else 1)' 2>/dev/null; then
  DEBIAN_PY=/usr/bin/python3
fi
echo "| dtype | numpy (pip, OpenBLAS $(python3 -c 'import numpy; print(numpy.show_config(mode="dicts")["Build Dependencies"]["blas"]["version"])' 2>/dev/null || echo '?')) default core | same, SkylakeX | Debian numpy (Compute's OpenBLAS) default core | same, SkylakeX | ours, default core | ours, SkylakeX | ratio, both default | ratio, both SkylakeX | ratio vs Debian numpy, both SkylakeX |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for dt in f64 f32; do
  np=(); npx=(); dn=(); dnx=(); us=(); usx=()
  for _ in $(seq "$ROUNDS"); do
    np+=("$(python3 Benchmarks/attention/numpy_attention.py softmax $dt 4096 64 7 | awk '{print $11}')")
    npx+=("$(OPENBLAS_CORETYPE=SkylakeX python3 Benchmarks/attention/numpy_attention.py softmax $dt 4096 64 7 | awk '{print $11}')")
    if [ -n "$DEBIAN_PY" ]; then
      dn+=("$($DEBIAN_PY Benchmarks/attention/numpy_attention.py softmax $dt 4096 64 7 | awk '{print $11}')")
      dnx+=("$(OPENBLAS_CORETYPE=SkylakeX $DEBIAN_PY Benchmarks/attention/numpy_attention.py softmax $dt 4096 64 7 | awk '{print $11}')")
    else
      dn+=(nan); dnx+=(nan)
    fi
    us+=("$($B attention tiled $dt 4096 64 1 7 | awk '{print $11}')")
    usx+=("$(OPENBLAS_CORETYPE=SkylakeX $B attention tiled $dt 4096 64 1 7 | awk '{print $11}')")
  done
  python3 - "$dt" "${np[*]}" "${npx[*]}" "${dn[*]}" "${dnx[*]}" "${us[*]}" "${usx[*]}" <<'PY'
import math, statistics, sys
dt, *cols = sys.argv[1:]
np_, npx, dn, dnx, us, usx = (statistics.median(map(float, c.split())) for c in cols)
f = lambda x: "n/a" if math.isnan(x) else f"{x:.1f}"
r = lambda a, b: "n/a" if math.isnan(a) else f"**{a / b:.2f}×**"
print(f"| {dt} | {f(np_)} | {f(npx)} | {f(dn)} | {f(dnx)} | {us:.1f} | {usx:.1f} | {r(np_, us)} | {r(npx, usx)} | {r(dnx, usx)} |")
PY
done
