#!/usr/bin/env bash
# Load test (issue 9): N generated articles (default 500; 1% of them fail on purpose)
# rendered with --jobs 2; reports wall time, peak memory of weave (GNU time), and checks
# that every article produced exactly its outputs (none lost, none duplicated).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-500}
swift build -c release --product weave >/dev/null
swift build -c release --product WeaveArticle >/dev/null
W=$PWD/.build/release/weave
D=$(mktemp -d /tmp/weave-load-XXXXXX)
python3 - "$D/articles" "$N" <<'PY'
import os, sys
out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(out)
for k in range(n):
    bad = k % 100 == 99
    with open(f"{out}/a{k:04d}.md", "w") as f:
        f.write(f"---\ntitle: Load article {k}\n---\n# Article {k}\n\nWe know $\\sum_{{i=1}}^{{n}} i = n(n+1)/2$.\n\n"
                f"```{{swift}}\nlet n = {k + 10}\nlet s = (1...n).reduce(0, +)\nclaim(s == n * (n + 1) / {3 if bad else 2}, \"Gauss\")\nprint(s)\n```\n\n"
                f"The sum is `{{swift}} s`.\n")
PY
cd "$D"
/usr/bin/time -v "$W" render articles --out site --jobs 2 2> time.txt || true
elapsed=$(grep "Elapsed (wall clock)" time.txt | awk '{print $NF}')
rss=$(grep "Maximum resident set size" time.txt | awk '{print $NF}')
failed=$(grep -c "error: claim failed: Gauss" time.txt || true)
html=$(ls site/*.html | grep -v index.html | wc -l)
md=$(ls site/*.md | wc -l)
echo "| articles | jobs | wall time | weave peak RSS | failing articles reported | pages written | Markdown written |"
echo "|---|---|---|---|---|---|---|"
echo "| $N | 2 | $elapsed | $((rss / 1024)) MB | $failed (expected $((N / 100))) | $html | $md |"
grep "weave render:" time.txt || true
rm -rf "$D"
