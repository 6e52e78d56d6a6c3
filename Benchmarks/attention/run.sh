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
python3 Benchmarks/attention/bench.py
echo
echo "### Tiled kernel at n = 65 536, d = 64, f64 (peak memory = ru_maxrss of the process)"
echo
echo '```'
for t in 1 2; do .build/release/weave-bench attention peakmem 65536 64 $t; done
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
