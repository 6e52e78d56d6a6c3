#!/usr/bin/env bash
# ODE benchmark: Weave's Compute ODE solvers vs scipy.integrate.solve_ivp, side by side.
#
#   Benchmarks/ode/run.sh            (from the package root; ROUNDS=5 by default)
#   ROUNDS=3 Benchmarks/ode/run.sh
#
# Builds `weave-bench` in release mode, then for ROUNDS rounds runs, for every case, one
# scipy process and one weave-bench process (alternating which goes first), each doing
# several repetitions and reporting its median. The table shows the median over rounds of
# the per-process medians (and the best process median), the function-evaluation counts
# and the accuracy. Problems and tolerances: see ode_bench.py (rtol 1e-8, atol 1e-10).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS="${ROUNDS:-5}"
swift build -c release --product weave-bench >/dev/null
BENCH=.build/release/weave-bench
PY=python3
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT

# problem scipy-method scipy-reps our-reps our-methods...
CASES=(
  "pursuit RK45 21 401 dp5 dp5-i dp5-array"
  "pursuit DOP853 21 401 dop853 dop853-array"
  "lorenz RK45 5 21 dp5 dp5-i dp5-array"
  "lorenz DOP853 5 41 dop853 dop853-array"
  "lorenz20 RK45 11 101 dp5 dp5-i"
  "lorenz20 DOP853 11 101 dop853"
)

for ((round = 1; round <= ROUNDS; round++)); do
  for c in "${CASES[@]}"; do
    read -r problem smethod sreps oreps omethods <<<"$c"
    ours=$(echo "$c" | cut -d' ' -f5-)
    run_scipy() { echo "scipy $($PY Benchmarks/ode/ode_bench.py "$problem" "$smethod" "$sreps")" >>"$OUT"; }
    run_ours() {
      for m in $ours; do echo "weave $smethod $($BENCH ode run "$problem" "$m" "$oreps")" >>"$OUT"; done
    }
    if ((round % 2)); then run_scipy; run_ours; else run_ours; run_scipy; fi
  done
  echo "round $round/$ROUNDS done" >&2
done

$PY Benchmarks/ode/aggregate.py "$OUT" "$ROUNDS"
