#!/usr/bin/env bash
# GAN benchmark: Compute's discrete GAN training and gradient flow (weave-bench gan, release)
# against numpy / scipy doing the same computation, side by side.
#
#   bash Benchmarks/gan/run.sh              (from anywhere; ROUNDS=3 by default)
#   ROUNDS=1 N=20000 bash Benchmarks/gan/run.sh     (quick look)
#
# For ROUNDS rounds, every case runs one numpy/scipy process and one weave-bench process
# (alternating which goes first); each process reports the median of its repetitions after
# one warm-up. The table shows the median over rounds of those medians, the ratio, and the
# largest difference between the two final states relative to their size (same computation
# in the same order, so it is at round-off level).
# Writes the Markdown table to stdout; copy it into Benchmarks/gan/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS="${ROUNDS:-3}"
N="${N:-100000}"
T="${T:-1000}"
swift build -c release --product weave-bench >/dev/null
BENCH=.build/release/weave-bench
PY=python3
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT

CASES=(
  "train simultaneous $N 3 21"
  "train alternating $N 3 21"
  "train extragradient $N 3 21"
  "train optimistic $N 3 21"
  "flow $T - 3 21"
)

for ((round = 1; round <= ROUNDS; round++)); do
  for c in "${CASES[@]}"; do
    read -r mode a b preps oreps <<<"$c"
    if [ "$mode" = train ]; then
      run_py() { echo "numpy $($PY Benchmarks/gan/gan_bench.py train "$a" "$b" "$preps")" >>"$OUT"; }
      run_ours() { echo "weave $($BENCH gan train "$a" "$b" "$oreps")" >>"$OUT"; }
    else
      run_py() { echo "numpy $($PY Benchmarks/gan/gan_bench.py flow "$a" "$preps")" >>"$OUT"; }
      run_ours() { echo "weave $($BENCH gan flow "$a" "$oreps")" >>"$OUT"; }
    fi
    if ((round % 2)); then run_py; run_ours; else run_ours; run_py; fi
  done
  echo "round $round/$ROUNDS done" >&2
done

echo "# GAN benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, $($PY -c 'import numpy, scipy; print("numpy", numpy.__version__, "scipy", scipy.__version__)'))"
echo
echo "Command: \`ROUNDS=$ROUNDS N=$N T=$T bash Benchmarks/gan/run.sh\`"
echo
$PY - "$OUT" <<'PYEOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    side, mode = f[0], f[1]
    if mode == "train":
        key = ("train", f[2], f[3])
        rec = (float(f[4]), float(f[5]), [float(x) for x in f[7:11]], None)
    else:
        key = ("flow", "DOP853 rtol 1e-10", f[2])
        rec = (float(f[3]), float(f[4]), [float(x) for x in f[6:10]], int(f[5]))
    rows.setdefault(key, {}).setdefault(side, []).append(rec)
print("| case | scheme / method | N or T | numpy/scipy ms (best) | ours ms (best) | speed-up | final ‖y‖∞ | max |Δ final state| / ‖y‖∞ | nfev scipy / ours |")
print("|---|---|---|---|---|---|---|---|---|")
for key, sides in rows.items():
    np_, we = sides["numpy"], sides["weave"]
    mn, mw = statistics.median(r[0] for r in np_), statistics.median(r[0] for r in we)
    bn, bw = min(r[1] for r in np_), min(r[1] for r in we)
    scale = max(abs(a) for a in np_[-1][2])
    diff = max(abs(a - b) for a, b in zip(np_[-1][2], we[-1][2])) / scale
    nfev = f"{np_[-1][3]} / {we[-1][3]}" if key[0] == "flow" else "–"
    print(f"| {key[0]} | {key[1]} | {key[2]} | {mn:.1f} ({bn:.1f}) | {mw:.2f} ({bw:.2f}) | **{mn / mw:.0f}×** | {scale:.2e} | {diff:.1e} | {nfev} |")
PYEOF
