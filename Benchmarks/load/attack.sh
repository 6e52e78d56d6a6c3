#!/usr/bin/env bash
# Load test with attackers (issue 15): N generated articles (default 200), 5 % of which
# attack the machine while the others compute, rendered with --jobs 2, as the current user
# and, when run as root, also as the unprivileged `nobody` (setpriv). The attacks rotate:
#   swap     replaces its result files with links to a secret, a FIFO and /dev/zero
#   fork     starts 1000 sleeping processes
#   fill     fills /tmp until it is full
#   flood    prints until the output cap stops it
#   snoop    tries to read a secret outside its folder and to open a TCP socket
# Checks: every honest article's page holds its own computed sum; every attacker is
# contained (its page says so, or it is reported as stopped by the sandbox); the secret is
# in no output; no process of an article is left afterwards; no run folder is left in
# $TMPDIR (what an attacker writes to /tmp lives in the sandbox's own tmpfs). Prints one
# table row per user.
set -eu  # no pipefail: grep finding nothing is an answer here
cd "$(dirname "$0")/../.."
N=${1:-200}
swift build -c release --product weave >/dev/null
swift build -c release --product WeaveArticle >/dev/null
W=$PWD/.build/release/weave

run_as() {  # run_as USER-LABEL PREFIX...
    local label=$1; shift
    local D; D=$(mktemp -d /tmp/weave-attack-XXXXXX)
    chmod 0777 "$D"
    mkdir -p "$D/secret" && echo "TOPSECRET-$RANDOM$RANDOM" > "$D/secret/key.txt"
    local secret; secret=$(cat "$D/secret/key.txt")
    python3 - "$D/articles" "$N" "$D/secret/key.txt" <<'PY'
import os, sys
out, n, secret = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(out)
attacks = ["swap", "fork", "fill", "flood", "snoop"]
for k in range(n):
    attack = attacks[(k // 20) % len(attacks)] if k % 20 == 19 else None
    body = f"let n = {k + 10}\nlet s = (1...n).reduce(0, +)\nclaim(s == n * (n + 1) / 2, \"Gauss\")\nprint(\"sum\", s)\n"
    if attack == "swap":
        body += ('var buf = [CChar](repeating: 0, count: 4096)\n'
                 'if readlink("/proc/self/fd/1", &buf, 4095) > 0 {\n'
                 '    let p = String(cString: buf); let run = String(p[..<p.lastIndex(of: "/")!])\n'
                 f'    for f in ["output.txt", "channel.jsonl", "backtrace.txt"] {{ unlink(run + "/" + f); symlink("{secret}", run + "/" + f) }}\n'
                 '    mkfifo(run + "/fifo", 0o666)\n}\nprint("swapped")\n')
    elif attack == "fork":
        body += ('var started = 0\nfor _ in 0..<1000 { let pid = fork(); if pid == 0 { sleep(60); _exit(0) }; if pid < 0 { break }; started += 1 }\n'
                 'claim(started < 256, "contained: process limit")\n')
    elif attack == "fill":
        body += ('let chunk = [UInt8](repeating: 1, count: 1 << 20)\nvar total = 0\n'
                 'fill: for k in 0..<2000 { let fd = open("/tmp/f\\(k)", O_WRONLY | O_CREAT, 0o600); if fd < 0 { break }\n'
                 '  for _ in 0..<8 { if write(fd, chunk, chunk.count) < chunk.count { close(fd); break fill }; total += chunk.count }; close(fd) }\n'
                 'claim(total <= 512 << 20, "contained: /tmp is bounded")\n')
    elif attack == "flood":
        body += 'let line = String(repeating: "x", count: 1000)\nwhile true { print(line) }\n'
    elif attack == "snoop":
        body += (f'claim(fopen("{secret}", "r") == nil, "contained: the secret is not visible")\n'
                 'let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)\nprint(fd)\n')
    with open(f"{out}/a{k:04d}.md", "w") as f:
        f.write(f"---\ntitle: Article {k}\n---\n# Article {k}\n\n```{{swift}}\n{body}```\n\nThe sum is `{{swift}} s`.\n")
PY
    chmod -R a+rwX "$D"
    local tmpdir=${TMPDIR:-/tmp}
    local before; before=$(ls -d "$tmpdir"/weave-run-* 2>/dev/null | wc -l)
    local start; start=$(date +%s.%N)
    (cd "$D" && HOME="$D" "$@" "$W" render articles --out site --jobs 2 --timeout 60 > out.txt 2> err.txt) || true
    local end; end=$(date +%s.%N)
    local after; after=$(ls -d "$tmpdir"/weave-run-* 2>/dev/null | wc -l)
    local honest=0 right=0 attackers=$(( N / 20 ))
    for f in "$D"/articles/*.md; do
        local k; k=$(basename "$f" .md); k=$((10#${k#a}))
        [ $((k % 20)) -eq 19 ] && continue
        honest=$((honest + 1))
        local n=$((k + 10))
        grep -q "The sum is $((n * (n + 1) / 2))\." "$D/site/a$(printf %04d "$k").md" 2>/dev/null && right=$((right + 1))
    done
    # An attacker escaped if one of its "contained" claims failed, or a swap's page lost
    # its own output.
    local escaped swapped
    escaped=$(grep -c "claim failed: contained" "$D/err.txt" || true)
    swapped=$(grep -l "^swapped" "$D"/site/a*.md 2>/dev/null | wc -l)
    local contained=$(( attackers - escaped - (attackers / 5 - swapped) ))
    local leaked; leaked=$(grep -rl "$secret" "$D/site" "$D/err.txt" "$D/out.txt" 2>/dev/null | wc -l)
    local left; left=$(pgrep -f "weave-run-.*/article" | wc -l || true)
    printf '| %s | %d | %d | %d of %d | %d of %d | %d | %d | %d | %.0f s |\n' "$label" "$N" 2 "$right" "$honest" \
        "$contained" "$attackers" "$leaked" "$left" $(( after - before )) "$(python3 -c "print($end - $start)")"
    rm -rf "$D"
}

echo "| weave runs as | articles | jobs | honest pages right | attackers contained | files with the secret | article processes left | run folders left in \$TMPDIR | wall time |"
echo "|---|---|---|---|---|---|---|---|---|"
run_as "$(id -un)" env
if [ "$(id -u)" = 0 ]; then
    run_as "nobody (setpriv)" /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups --
fi
