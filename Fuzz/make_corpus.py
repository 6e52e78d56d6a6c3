#!/usr/bin/env python3
"""Writes the full seed corpus of the WeaveFuzz target into a directory.

usage: Fuzz/make_corpus.py OUT_DIR        (run from the repository root; deterministic)

Seeds, one file each, named by the SHA-1 of their content (libFuzzer's convention):
  - every article in notebooks/ (if any);
  - every example of the CommonMark spec (Tests/WeaveTests/Fixtures/commonmark-spec-0.31.2.json);
  - the math corpus of Tests/WeaveTests/Parsing/MathProtectionTests.swift: every formula
    (seedFormulas + edgeFormulas) in every context template of that file;
  - the fuzz regression inputs (Tests/WeaveTests/Parsing/FuzzRegressionTests.swift
    keeps them as strings; Fuzz/corpus/ has them as files too);
  - a few Weave-specific articles (front matter, executable blocks with options, inline
    expressions and claims, cross-references, equation labels) and a 16 KB slice of the
    parse benchmark's generated article (Benchmarks/parse/gen_md.py).
Fuzz/run.sh merges this set into the committed, coverage-minimised Fuzz/corpus/.
"""
import glob
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def swift_string_literals(text):
    """The string literals of a Swift source (raw #"…"# and ordinary "…"), decoded."""
    out = []
    i = 0
    while i < len(text):
        if text.startswith('#"', i):
            j = text.index('"#', i + 2)
            out.append(text[i + 2:j])
            i = j + 2
        elif text[i] == '"' and not text.startswith('"""', i):
            j = i + 1
            buf = []
            while text[j] != '"':
                c = text[j]
                if c == "\\":
                    d = text[j + 1]
                    if d == "u":
                        k = text.index("}", j)
                        buf.append(chr(int(text[j + 3:k], 16)))
                        j = k + 1
                        continue
                    buf.append({"n": "\n", "r": "\r", "t": "\t", "0": "\0", "\\": "\\", '"': '"', "'": "'"}.get(d, d))
                    j += 2
                    continue
                buf.append(c)
                j += 1
            out.append("".join(buf))
            i = j + 1
        elif text.startswith("//", i):
            i = text.index("\n", i) if "\n" in text[i:] else len(text)
        else:
            i += 1
    return out


def array_body(text, name):
    m = re.search(r"static let " + name + r"[^=]*=\s*\[", text)
    if not m:
        return ""
    depth, i = 1, m.end()
    while depth:
        c = text[i]
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
        elif c == '"' or text.startswith('#"', i):
            # skip literals so brackets inside them do not count
            if c == "#":
                i = text.index('"#', i + 2) + 1
            else:
                i += 1
                while text[i] != '"':
                    i += 2 if text[i] == "\\" else 1
        i += 1
    return text[m.end():i - 1]


def math_corpus():
    src = open(os.path.join(ROOT, "Tests/WeaveTests/Parsing/MathProtectionTests.swift"), encoding="utf-8").read()
    formulas = swift_string_literals(array_body(src, "seedFormulas")) + swift_string_literals(array_body(src, "edgeFormulas"))
    ctx = swift_string_literals(array_body(src, "contexts"))
    templates = [t for t in ctx if "%F" in t]
    seeds = []
    for f in formulas:
        for t in templates:
            seeds.append(t.replace("%F", f))
    # The other literals of the file (dollar amounts, code spans, block quotes, …).
    seeds += [s for s in swift_string_literals(src) if len(s) > 3 and "\n" in s]
    return seeds, len(formulas), len(templates)


WEAVE_SEEDS = [
    "---\ntitle: A title\nauthor: Someone\necho: false\ntimeout: 30\n---\n\n# Heading $x$\n\nText.\n",
    "# Blocks\n\n```{swift}\n//| label: fig-plot\n//| caption: A plot\n//| echo: false\nlet x = 1\nprint(x)\n```\n\nSee @fig-plot.\n",
    "```{swift}\n//| label: tbl-data\n//| eval: false\n//| output: true\n//| timeout: 5\nlet t = Table()\n```\n\n@tbl-data and @fig-none.\n",
    "> ```{swift}\n> let a = 2\n> ```\n\n- ```{swift}\n  let b = 3\n  ```\n",
    "The value is `{swift} 2 * h * d` and the claim `{swift} total ≈ 4608` holds; `{swift} n == 12` too.\n",
    "$$\na = b\n$$ {#eq-first}\n\n\\[ c = d \\] {#eq-second}\n\n\\begin{equation}\ne = f\n\\end{equation} {#eq-third}\n\nBy @eq-first and @eq-second.\n",
    "Inline $a$, \\(b\\), $$c$$, \\[d\\] and \\begin{align}x &= 1\\\\y &= 2\\end{align}.\n",
    "```{swift}\n//| label fig-bad\n//| echo: maybe\n//| colour: red\n```\n\n`{swift}` and `{swift} x ≈ abc`\n",
    "~~~~{swift}\nlet s = \"```\"\n~~~~\n\n    ```{swift}\n    indented, not a block\n    ```\n",
    "Costs $5 and $10, a\\$b, $x$5, $ x$, $x $, \\text{$}, $\\text{a $b$ c}$.\n",
    "Line one\r\nwith $x_1$\r\n\r\n```{swift}\r\nlet crlf = 1\r\n```\r\n",
    "<div>\n$x$ in HTML\n</div>\n\n<!-- $y$ -->\n\n[link $z$](https://example.com/$w$ \"title $v$\")\n\n![alt $u$](img.png)\n",
    "[ref]: https://example.com/$a$ \"$b$\"\n\n[ref] and [ref][] and ![ref]\n",
    "Private use \ue000m0\ue001 and &#xE000;0&#xE001; $x$.\n",
]


def benchmark_slice():
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "bench.md")
        subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks/parse/gen_md.py"), out, "0.016"], check=True)
        return [open(out, encoding="utf-8").read()]


def regression_inputs():
    path = os.path.join(ROOT, "Tests/WeaveTests/Parsing/FuzzRegressionTests.swift")
    if not os.path.exists(path):
        return []
    return swift_string_literals(array_body(open(path, encoding="utf-8").read(), "inputs"))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    seeds = []
    notebooks = sorted(glob.glob(os.path.join(ROOT, "notebooks/**/*.md"), recursive=True))
    for p in notebooks:
        seeds.append(open(p, "rb").read())
    spec = json.load(open(os.path.join(ROOT, "Tests/WeaveTests/Fixtures/commonmark-spec-0.31.2.json"), encoding="utf-8"))
    seeds += [e["markdown"].encode() for e in spec]
    math, nf, nt = math_corpus()
    seeds += [s.encode() for s in math]
    reg = regression_inputs()
    seeds += [s.encode("utf-8", "surrogatepass") for s in reg]
    seeds += [s.encode() for s in WEAVE_SEEDS]
    seeds += [s.encode() for s in benchmark_slice()]
    names = set()
    for s in seeds:
        h = hashlib.sha1(s).hexdigest()
        names.add(h)
        with open(os.path.join(out, h), "wb") as f:
            f.write(s)
    print(f"make_corpus: {len(names)} seeds in {out} ({len(notebooks)} notebooks, {len(spec)} spec examples, "
          f"{len(math)} math-corpus inputs from {nf} formulas x {nt} contexts, {len(reg)} regressions, "
          f"{len(WEAVE_SEEDS) + 1} Weave-specific)")


main()
