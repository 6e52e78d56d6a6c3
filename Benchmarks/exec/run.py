#!/usr/bin/env python3
"""Execution benchmark (issue 3): side by side, in one run, interleaved.

1. cold render of a set of articles (empty cache) vs warm re-render (same cache):
   target warm <= 2% of cold;
2. Weave's overhead over a bare `swiftc` + run of the same generated program:
   target <= 10%;
3. `--jobs 2` vs `--jobs 1` on 8 articles (no cache): target >= 1.7x on 2 cores.

usage: Benchmarks/exec/run.sh [ARTICLES_DIR] [REPS]
ARTICLES_DIR defaults to notebooks/ when it has at least 8 articles, else 8 generated
articles with a few blocks of moderate work each (Benchmarks/exec/gen_articles.py).
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from bench_common import med, run_once, table  # noqa: E402

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
release = os.path.join(root, ".build", "release")
weave = os.path.join(release, "weave")
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
tmp = tempfile.mkdtemp(prefix="weave-exec-bench-")

articles = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "notebooks")
count = len([f for f in os.listdir(articles) if f.endswith(".md")]) if os.path.isdir(articles) else 0
if count < 8:
    articles = os.path.join(tmp, "articles")
    subprocess.check_call([sys.executable, os.path.join(os.path.dirname(__file__), "gen_articles.py"), articles, "8"])
    count = 8
files = sorted(os.path.join(articles, f) for f in os.listdir(articles) if f.endswith(".md"))


def render(cache, jobs=2, extra=()):
    return [weave, "render", articles, "--out", os.path.join(tmp, "out"), "--cache-dir", cache, "--jobs", str(jobs), *extra]


# 1. cold vs warm
cold, warm = [], []
for i in range(reps):
    cache = os.path.join(tmp, f"cache-{i}")
    t, _, _ = run_once(render(cache))
    cold.append(t)
    t, _, _ = run_once(render(cache))
    warm.append(t)
rows1 = [[f"{count} articles", f"{med(cold):.2f}", f"{med(warm)*1000:.0f}", f"**{100*med(warm)/med(cold):.1f}%**"]]

# 2. overhead over bare swiftc + run of the same program (first article)
target = files[0]
env = dict(os.environ, WEAVE_KEEP_BUILD="1")
p = subprocess.run([weave, "check", target, "--no-cache", "--jobs", "1"], env=env, capture_output=True, text=True)
kept = [l.split(" in ")[-1].strip() for l in p.stderr.splitlines() if "keeping build files" in l][0]
main_swift = os.path.join(tmp, "main.swift")
shutil.copy(os.path.join(kept, "main.swift"), main_swift)
shutil.rmtree(kept, ignore_errors=True)
modules = os.path.join(release, "Modules")
swiftc_args = ["swiftc", "-Onone", "-g", "-swift-version", "5", "-suppress-warnings", "-diagnostic-style", "llvm",
               "-I", modules, "-L", release, "-lWeaveArticle", "-Xlinker", "-rpath", "-Xlinker", release]
bare_sh = os.path.join(tmp, "bare.sh")
with open(bare_sh, "w") as f:
    f.write(f"set -e\n{' '.join(swiftc_args)} {main_swift} -o {tmp}/bare-exe\ncd {os.path.dirname(target)} && {tmp}/bare-exe > /dev/null\n")
bare, weave_t, weave_ns = [], [], []
for _ in range(reps):
    t, _, _ = run_once(["bash", bare_sh]); bare.append(t)
    t, _, _ = run_once([weave, "check", target, "--no-cache", "--jobs", "1"]); weave_t.append(t)
    t, _, _ = run_once([weave, "check", target, "--no-cache", "--jobs", "1", "--no-sandbox"]); weave_ns.append(t)
rows2 = [[os.path.basename(target) + " (sandboxed)", f"{med(bare):.3f}", f"{med(weave_t):.3f}", f"**{100*(med(weave_t)/med(bare)-1):+.1f}%**"],
         [os.path.basename(target) + " (--no-sandbox)", f"{med(bare):.3f}", f"{med(weave_ns):.3f}", f"**{100*(med(weave_ns)/med(bare)-1):+.1f}%**"]]

# 3. jobs 2 vs jobs 1, no cache
j1, j2 = [], []
for _ in range(max(3, reps // 2)):
    t, _, _ = run_once(render(os.path.join(tmp, "nocache"), jobs=1, extra=["--no-cache"])); j1.append(t)
    t, _, _ = run_once(render(os.path.join(tmp, "nocache"), jobs=2, extra=["--no-cache"])); j2.append(t)
rows3 = [[f"{count} articles", f"{med(j1):.2f}", f"{med(j2):.2f}", f"**{med(j1)/med(j2):.2f}×**"]]

print(f"Articles: {articles if not articles.startswith(tmp) else 'generated (Benchmarks/exec/gen_articles.py)'}; medians of {reps} interleaved runs.\n")
print("Cold render (empty cache) vs warm re-render (nothing changed):\n")
print(table(["articles", "cold s", "warm ms", "warm / cold"], rows1))
print("\nWeave's overhead over bare `swiftc` + run of the same generated program (one article, no cache):\n")
print(table(["article", "bare swiftc + run s", "weave check s", "overhead"], rows2))
print("\nParallel articles, no cache:\n")
print(table(["articles", "--jobs 1 s", "--jobs 2 s", "speed-up"], rows3))
shutil.rmtree(tmp, ignore_errors=True)
