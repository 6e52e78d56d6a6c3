#!/usr/bin/env python3
"""Deterministic, realistic math-heavy Markdown for the parse benchmark.

usage: gen_md.py OUT.md [MEGABYTES]   (default 10; seed 12345)

Mixes what technical articles contain: headings, paragraphs with inline math
($...$, \\(...\\)), emphasis, links, code spans, display math ($$...$$, \\[...\\],
equation/align environments), fenced Swift/Python code, lists, block quotes and
tables-as-text, in the proportions of the kexue.fm posts behind Weave's notebooks.
"""
import random
import sys

random.seed(12345)
words = ("the attention matrix softmax kernel feature map linear quadratic cost sequence length head size "
         "model training step gradient flow equilibrium eigenvalue Jacobian discriminator generator trajectory "
         "density continuity equation characteristic series operator limit Bernoulli number sum convergence "
         "rate error tolerance solver step size event capture pursuit curve mirror parabola symmetry").split()
inline_math = [r"$\boldsymbol{x}_0\in\mathbb{R}^d$", r"$\mathcal{O}(n^2)$", r"$\sum_{k=1}^{n} a_k$",
               r"$e^{\boldsymbol{q}_i\cdot \boldsymbol{k}_j}$", r"$a_{i,j}$", r"$\theta_1*\phi_2*c$",
               r"\(f_t(\boldsymbol{x}|\boldsymbol{x}_0)\)", r"$\frac{A_k}{n^k}$", r"$\lambda = 0.1$",
               r"$\|\phi\|$", r"$p_t(x) = \frac{1}{t^d}p_1\left(\frac{x - x_0}{t}+x_0\right)$"]
display = [r"$$\sum_{k=0}^n \binom{n}{k}\frac{A_k}{n^k}=\left(1+\frac{A}{n}\right)^n$$",
           "\\begin{equation}\\frac{d\\boldsymbol{x}_t}{dt}=\\boldsymbol{f}_t(\\boldsymbol{x}_t)\\end{equation}",
           "\\begin{align}\n\\dot\\phi &= -\\sigma(\\theta\\cdot\\phi)\\theta \\\\\n\\dot\\theta &= (1-\\sigma(\\theta\\cdot\\phi))\\phi\n\\end{align}",
           "\\[ a_{i,j}=\\frac{e^{q_i\\cdot k_j}}{\\sum\\limits_j e^{q_i\\cdot k_j}} \\]",
           "$$\n\\lim_{n\\to\\infty}\\frac{1^n+2^n+\\cdots+n^n}{n^n}=\\frac{e}{e-1}\n$$"]


def sentence():
    parts = []
    for _ in range(random.randint(8, 20)):
        r = random.random()
        if r < 0.10:
            parts.append(random.choice(inline_math))
        elif r < 0.14:
            parts.append("*" + random.choice(words) + "*")
        elif r < 0.17:
            parts.append("**" + random.choice(words) + " " + random.choice(words) + "**")
        elif r < 0.20:
            parts.append("`" + random.choice(words) + "()`")
        elif r < 0.22:
            parts.append("[" + random.choice(words) + "](https://kexue.fm/archives/" + str(random.randint(1000, 9999)) + ")")
        else:
            parts.append(random.choice(words))
    return " ".join(parts).capitalize() + "."


def block():
    r = random.random()
    if r < 0.45:
        return "\n".join(sentence() for _ in range(random.randint(2, 5)))
    if r < 0.60:
        return random.choice(display)
    if r < 0.68:
        return "## " + " ".join(random.choice(words) for _ in range(4)).title()
    if r < 0.78:
        return "\n".join("- " + sentence() for _ in range(random.randint(2, 5)))
    if r < 0.84:
        return "\n".join("> " + sentence() for _ in range(random.randint(1, 3)))
    if r < 0.94:
        lang = random.choice(["swift", "python", "text"])
        body = "\n".join(f"let {random.choice(words)}{i} = {random.randint(1, 999)} * d  // $cost$" for i in range(random.randint(2, 8)))
        return f"```{lang}\n{body}\n```"
    return "\n".join(f"{i}. " + sentence() for i in range(1, random.randint(3, 6)))


def main():
    out = sys.argv[1]
    target = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    limit = int(target * 1024 * 1024)
    chunks = ["---\ntitle: Benchmark article\n---\n"]
    size = len(chunks[0])
    while size < limit:
        b = block() + "\n\n"
        chunks.append(b)
        size += len(b.encode())
    with open(out, "w", encoding="utf-8") as f:
        f.write("".join(chunks))


main()
