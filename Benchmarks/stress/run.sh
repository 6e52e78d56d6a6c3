#!/usr/bin/env bash
# Issue 16, item 2: every notebook passes ROUNDS uncached full checks in a row while two
# CPU-bound processes compete for the cores. Prints one line per run (pass/fail, time,
# failed claims, the closest timing-claim margins) and a summary; exit 1 if any run failed.
#
#   Benchmarks/stress/run.sh [ROUNDS]        (default 10; WEAVE=path/to/weave to override)
#
# Needs the release build: make build (or swift build -c release --product weave &&
# swift build -c release --product WeaveArticle).
set -u
cd "$(dirname "$0")/../.."
ROUNDS=${1:-10}
WEAVE=${WEAVE:-.build/release/weave}
OUT=${OUT:-$(mktemp -d /tmp/weave-stress-XXXXXX)}
mkdir -p "$OUT" || { echo "error: cannot create the log folder $OUT" >&2; exit 2; }
HERE=Benchmarks/stress
[ -x "$WEAVE" ] || { echo "error: $WEAVE not found; build it first (make build)" >&2; exit 2; }
case "$ROUNDS" in ''|*[!0-9]*|0) echo "error: ROUNDS must be a positive integer, got '$ROUNDS'" >&2; exit 2;; esac

hogs=()
cleanup() {
    for p in "${hogs[@]}"; do kill "$p" 2>/dev/null; done
    wait "${hogs[@]}" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM
for _ in 1 2; do
    python3 -c 'while True: pass' &
    hogs+=($!)
done
echo "stress: $ROUNDS uncached checks of notebooks/ beside 2 CPU-bound processes (pids ${hogs[*]}) on $(nproc) cores; logs in $OUT"

failed=0
for r in $(seq 1 "$ROUNDS"); do
    start=$(date +%s.%N)
    "$WEAVE" check notebooks/ --no-cache --format json >"$OUT/run-$r.json" 2>"$OUT/run-$r.err"
    rc=$?
    secs=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.0f}')" "$start" "$(date +%s.%N)")
    [ "$rc" -eq 0 ] || failed=$((failed + 1))
    python3 "$HERE/margins.py" --run "$r" --rc "$rc" --seconds "$secs" "$OUT/run-$r.json"
done
python3 "$HERE/margins.py" --summary "$OUT"/run-*.json
echo "stress: $((ROUNDS - failed)) of $ROUNDS runs passed"
[ "$failed" -eq 0 ]
