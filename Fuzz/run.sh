#!/usr/bin/env bash
# Builds the libFuzzer target WeaveFuzz (-sanitize=fuzzer,address) and fuzzes the
# parse-and-render path for a fixed budget (Fuzz/README.md).
#
#   Fuzz/run.sh [SECONDS]        fuzz (default 600 s); new inputs go to .build-fuzz/corpus,
#                                failures to .build-fuzz/artifacts/ (crash-*, timeout-*, oom-*)
#   Fuzz/run.sh --build          only build .build-fuzz/$CONFIG/WeaveFuzz
#   Fuzz/run.sh --minimize-seeds regenerate the committed seed set Fuzz/corpus/ (coverage-preserving
#                                merge of the full seed corpus, Fuzz/make_corpus.py)
#   Fuzz/run.sh --replay         run every committed seed once (no fuzzing)
#
# Environment: CONFIG (release, the default, about 4.5x the executions per second of
# debug; both keep Swift's bounds and overflow checks), JOBS (parallel fuzzing processes,
# default 1), MAX_LEN (default 16384), SWIFT (default swift).
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
# The Swift runtime's crash backtracer reads process memory in a way ASan reports as a
# crash of its own; libFuzzer and ASan print the stack instead.
export SWIFT_BACKTRACE=enable=no
SCRATCH=.build-fuzz
CONFIG=${CONFIG:-release}
BIN=$SCRATCH/$CONFIG/WeaveFuzz
MAX_LEN=${MAX_LEN:-16384}
JOBS=${JOBS:-1}

build() {
  "$SWIFT" build -c "$CONFIG" --product WeaveFuzz --scratch-path "$SCRATCH" \
    -Xswiftc -DWEAVE_FUZZ -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >&2
}

seeds() {
  rm -rf "$SCRATCH/seeds"
  python3 Fuzz/make_corpus.py "$SCRATCH/seeds" >&2
}

# libFuzzer options shared by every mode.
OPTS=(-timeout=5 -rss_limit_mb=2048 -max_len="$MAX_LEN" -dict=Fuzz/weave.dict
      -artifact_prefix="$SCRATCH/artifacts/" -print_final_stats=1)

mode=${1:-600}
build
mkdir -p "$SCRATCH/artifacts" "$SCRATCH/corpus"
case "$mode" in
  --build)
    echo "built $BIN" ;;
  --minimize-seeds)
    seeds
    rm -rf Fuzz/corpus.new && mkdir -p Fuzz/corpus.new
    "$BIN" "${OPTS[@]}" -merge=1 Fuzz/corpus.new "$SCRATCH/seeds"
    rm -rf Fuzz/corpus && mv Fuzz/corpus.new Fuzz/corpus
    echo "Fuzz/corpus: $(ls Fuzz/corpus | wc -l) seeds" ;;
  --replay)
    "$BIN" "${OPTS[@]}" -runs=0 Fuzz/corpus ;;
  *)
    [ -d "$SCRATCH/seeds" ] || seeds
    # The first directory receives new inputs; the seeds are read-only.
    if [ "$JOBS" -gt 1 ]; then
      "$BIN" "${OPTS[@]}" -max_total_time="$mode" -jobs="$JOBS" -workers="$JOBS" \
        "$SCRATCH/corpus" Fuzz/corpus "$SCRATCH/seeds"
    else
      "$BIN" "${OPTS[@]}" -max_total_time="$mode" "$SCRATCH/corpus" Fuzz/corpus "$SCRATCH/seeds"
    fi ;;
esac
