#!/usr/bin/env bash
# Execution benchmark: cold vs warm render, overhead over bare swiftc, --jobs 2 vs 1 (see run.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product weave >/dev/null
swift build -c release --product WeaveArticle >/dev/null
python3 Benchmarks/exec/run.py "$@"
