#!/usr/bin/env bash
# Series benchmark: Weave's Compute (sum(of:), limit(of:), exact Bernoulli/Faulhaber) vs
# mpmath.nsum / mpmath.limit at double precision and mpmath/sympy exact Bernoulli numbers.
#
#   Benchmarks/series/run.sh             (from anywhere; ROUNDS=5 by default)
#   ROUNDS=3 Benchmarks/series/run.sh
#
# Builds `weave-bench` in release mode, then for ROUNDS rounds runs, for every case, one
# mpmath process and one weave-bench process (alternating which goes first), each doing
# several repetitions and reporting its median (see mpmath_bench.py for how mpmath is
# timed). Prints a Markdown table (aggregate.py): median of the per-process medians, terms
# used, relative error against mpmath at 40 digits, and the speed-up mpmath ms / ours ms.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS="${ROUNDS:-5}"
swift build -c release --product weave-bench >/dev/null
BENCH=.build/release/weave-bench
PY=python3
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT

# mpmath-case weave-case mpmath-reps weave-reps
CASES=(
  "zeta2 zeta2 9 201"
  "zeta2-richardson zeta2 9 201"
  "altharm altharm 9 201"
  "leibniz leibniz 9 201"
  "zeta1.5 zeta1.5 3 201"
  "e-limit e-limit 5 201"
  "powratio powratio 3 21"
  "powratio powratio-float 3 201"
  "bernoulli200 bernoulli200 3 21"
  "bernoulli200-sympy bernoulli200 3 21"
  "faulhaber200 faulhaber200 3 21"
)

for ((round = 1; round <= ROUNDS; round++)); do
  for c in "${CASES[@]}"; do
    read -r mcase wcase mreps wreps <<<"$c"
    run_mpmath() { echo "mpmath $wcase $($PY Benchmarks/series/mpmath_bench.py "$mcase" "$mreps")" >>"$OUT"; }
    run_ours() { echo "weave $mcase $($BENCH series "$wcase" "$wreps")" >>"$OUT"; }
    if ((round % 2)); then run_mpmath; run_ours; else run_ours; run_mpmath; fi
  done
  echo "round $round/$ROUNDS done" >&2
done

$PY Benchmarks/series/aggregate.py "$OUT" "$ROUNDS"
