"""Shared helpers for Weave's side-by-side benchmarks: interleaved runs of whole
commands, medians, peak memory (from wait4's rusage), Markdown tables."""
import os
import resource
import statistics
import subprocess
import time


def run_once(cmd, cwd=None, stdout=subprocess.DEVNULL):
    """Runs cmd; returns (seconds, peak RSS in MB, returncode)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=stdout, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if p.returncode != 0:
        raise SystemExit(f"command failed ({p.returncode}): {' '.join(cmd)}\n{err}")
    return dt, ru.ru_maxrss / 1024.0, p.returncode


def interleave(commands, reps, warmup=1, cwd=None):
    """commands: {name: argv}. Runs them in turn, reps times (after warm-ups);
    returns {name: {"times": [...], "rss": [...]}}."""
    for _ in range(warmup):
        for argv in commands.values():
            run_once(argv, cwd=cwd)
    out = {name: {"times": [], "rss": []} for name in commands}
    for _ in range(reps):
        for name, argv in commands.items():
            t, rss, _ = run_once(argv, cwd=cwd)
            out[name]["times"].append(t)
            out[name]["rss"].append(rss)
    return out


def med(xs):
    return statistics.median(xs)


def table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(lines)
