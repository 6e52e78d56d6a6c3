#!/usr/bin/env bash
# Parse benchmark: weave render --to html vs cmark --to html (see run.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product weave >/dev/null
python3 Benchmarks/parse/run.py "$@"
