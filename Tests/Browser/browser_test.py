#!/usr/bin/env python3
"""Real-browser test of Weave's HTML pages (issue 4: "open the page in a browser and
see it right: math typeset, tables readable, plots sized to the column, on a narrow
phone-width window too").

What it does, with the Python standard library only:

1. Builds the fixture article(s) of Tests/Browser/fixtures/ (``{{svg:NAME}}`` lines are
   replaced by the golden plots of Tests/WeaveRuntimeTests/Plot/Golden/, wrapped as the
   renderer wraps figures; ``{{table-rows:N}}`` by N rows of a wide table) and renders
   them with the release ``weave`` (``--katex local``, so no network is needed).
   Pages given on the command line (``.md`` to render, or already rendered ``.html``,
   or directories of them) are tested instead.
2. Checks without a browser that the ``--katex cdn`` page is the ``--katex local`` page
   with only the KaTeX base URL changed, and that every file the local page and
   ``katex.min.css`` refer to exists under ``katex/``.
3. Starts headless Chromium once and drives it over the DevTools protocol on a pipe
   (``--remote-debugging-pipe``: NUL-separated JSON on file descriptors 3 and 4, so no
   WebSocket client is needed). Each page is opened in four views: desktop 1200x900
   and phone 390x844 (mobile emulation, device pixel ratio 2), each in the light and
   the dark colour scheme. In each view, after KaTeX ran and the fonts loaded, it checks:
   - every ``span.math`` holds KaTeX output (``.katex``; display spans display math,
     inline spans inline math), the count equals the number of math spans in the HTML
     file, and there is no ``.katex-error`` and no unknown command that KaTeX shows as
     red text (``throwOnError: false`` does that instead of a ``.katex-error``);
   - equation numbers are unique, and each ``@eq-`` link names the number its equation
     shows;
   - display math scrolls sideways only when the formula is wider than the column (no
     scrollbar for a pixel or two), is never clipped vertically, and never runs under its
     equation number;
   - KaTeX's own fonts (KaTeX_Main, KaTeX_Math) loaded from the local copies;
   - every SVG outside KaTeX has a non-empty ``getBBox()`` and bounding box, lies inside
     the text column, and is no narrower than min(its own width, the column);
   - nothing sticks out of the viewport sideways (scrollWidth vs clientWidth, and each
     element's box), except the contents of boxes that scroll or clip on purpose
     (``pre``, ``.table-wrap``, display math, KaTeX's hidden MathML);
   - text is legible (table cells at least 12 px, paragraphs 14 px), and the light and
     dark schemes give a light and a dark page;
   - no console error, uncaught exception or failed resource load.
   Self-check: Tests/Browser/defects/defects.html plants one defect per check; each of
   those checks must fail on it (so none passes by not looking).
4. Saves screenshots as PNG: ``OUT/screenshots/PAGE-VIEW.png`` (the whole page) and
   ``PAGE-VIEW-top.png`` (the first screen), for a person to look at, and each view's
   measurements as ``OUT/PAGE-VIEW.json``.
5. Prints each failed check, a closing ``N passed, N failed`` line, and exits 1 if any
   check failed. Known bugs elsewhere (``KNOWN_ISSUES``) print XFAIL and count as
   skipped; when one is fixed its check prints XPASS and fails until the entry goes.
   Without Chromium it prints ``SKIPPED: ...`` and exits 0.

Usage (from the package root; ``make browser-test`` builds weave and the article kit first):

    python3 Tests/Browser/browser_test.py [--weave .build/release/weave]
                                          [--out Tests/Browser/out] [PAGE ...]
"""

import argparse
import base64
import fcntl
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
GOLDEN = os.path.join(ROOT, "Tests", "WeaveRuntimeTests", "Plot", "Golden")
FIXTURES = os.path.join(HERE, "fixtures")
DEFECTS = os.path.join(HERE, "defects", "defects.html")
CDN_BASE = "https://cdn.jsdelivr.net/npm/katex@0.16.4/dist/"
LOCAL_BASE = "katex/"

# name, CSS width, CSS height, device pixel ratio, mobile, colour scheme
VIEWS = [
    ("desktop", 1200, 900, 1, False, "light"),
    ("phone", 390, 844, 2, True, "light"),
    ("desktop-dark", 1200, 900, 1, False, "dark"),
    ("phone-dark", 390, 844, 2, True, "dark"),
]

# Known bugs outside the page (page name, check name ending) -> why. Such a check that
# fails prints XFAIL and does not fail the run; once it passes, the run fails with
# "XPASS" until the entry is removed here (so a fix is noticed).
KNOWN_ISSUES = {}

# The self-check: in Tests/Browser/defects/defects.html (one planted defect each), every
# one of these checks must fail, so that none of them passes by not looking.
PLANTED = [
    "math spans of the HTML are in the page",
    "every math span became KaTeX output",
    "display spans hold display math, inline spans inline math",
    "no .katex-error",
    "no unsupported TeX command shown as red text",
    "equation numbers are unique",
    "equation references name the number the equation shows",
    "display math scrolls sideways only when the formula is wider than the column",
    "no display formula is clipped vertically",
    "no formula runs under its equation number",
    "KaTeX fonts loaded (KaTeX_Main, KaTeX_Math), none failed",
    "has a non-empty box",
    "is sized to the column",
    "nothing overflows the",
    "is legible and fits its scroll box",
    "paragraph text is at least 14 px",
    "light scheme gives a light page with dark text",
    "no console errors or failed loads",
]

CHROMIUM_NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]


# --------------------------------------------------------------------------------------
# Fixtures and rendering


def expand_fixture(template_path, out_dir):
    """Writes the fixture with its placeholders filled in; returns the new path."""
    with open(template_path, encoding="utf-8") as f:
        text = f.read()

    def svg(m):
        with open(os.path.join(GOLDEN, m.group(1)), encoding="utf-8") as f:
            s = f.read().strip()
        # An HTML block in CommonMark ends at a blank line: the SVG must have none.
        if re.search(r"\n[ \t]*\n", s):
            raise SystemExit(f"fixture: {m.group(1)} has a blank line; it would end the HTML block")
        return s

    def rows(m):
        n = int(m.group(1))
        variants = ["vanilla", "WGAN", "WGAN-GP c=0", "WGAN-GP c=1", "GAN-QP", "GAN-QP + L2", "R1", "EMA"]
        out = []
        for k in range(n):
            lam = 0.05 * (k % 5 + 1)
            h = 0.01 * (k // 8 + 1)
            re_ = -lam if k % 3 else 0.0
            im = (1 - lam * lam) ** 0.5
            mod = ((1 + h * re_) ** 2 + (h * im) ** 2) ** 0.5
            conv = "yes" if re_ < 0 and mod < 1 else "no"
            note = "circles forever, never converges" if re_ == 0 else "spirals into the equilibrium"
            out.append(
                f"<tr><td>{variants[k % len(variants)]}</td><td class=\"right\">{lam:.2f}</td>"
                f"<td class=\"right\">{h:.2f}</td><td class=\"right\">{re_:.4f}</td>"
                f"<td class=\"right\">{im:.6f}</td><td class=\"right\">{mod:.8f}</td>"
                f"<td class=\"center\">{conv}</td><td>{note}</td></tr>")
        return "\n".join(out)

    text = re.sub(r"\{\{svg:([A-Za-z0-9_.-]+)\}\}", svg, text)
    text = re.sub(r"\{\{table-rows:(\d+)\}\}", rows, text)
    path = os.path.join(out_dir, os.path.basename(template_path))
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def render(weave, md_path, out_dir, katex):
    cmd = [weave, "render", md_path, "--out", out_dir, "--katex", katex, "--to", "html"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RenderError(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stdout}{p.stderr}")
    html = os.path.join(out_dir, os.path.splitext(os.path.basename(md_path))[0] + ".html")
    if not os.path.isfile(html):
        raise RenderError(f"{' '.join(cmd)} wrote no {html}")
    return html


class RenderError(Exception):
    pass


def static_checks(name, local_html, cdn_html, check):
    """Checks that need no browser: CDN markup equivalence and the local asset files."""
    with open(local_html, encoding="utf-8") as f:
        local = f.read()
    if cdn_html is not None:
        with open(cdn_html, encoding="utf-8") as f:
            cdn = f.read()
        check(f"{name}: --katex cdn page equals the local page but for the KaTeX base URL",
              cdn.replace(CDN_BASE, LOCAL_BASE) == local and CDN_BASE in cdn,
              "the two pages differ in more than the asset URLs" if CDN_BASE in cdn
              else f"the cdn page does not load KaTeX from {CDN_BASE}")
    base = os.path.dirname(local_html)
    refs = re.findall(r'(?:href|src)="(katex/[^"]+)"', local)
    missing = [r for r in refs if not os.path.isfile(os.path.join(base, r))]
    css = os.path.join(base, "katex", "katex.min.css")
    if os.path.isfile(css):
        with open(css, encoding="utf-8") as f:
            for u in re.findall(r"url\(([^)]+)\)", f.read()):
                u = u.strip("'\"")
                if not os.path.isfile(os.path.join(base, "katex", u)):
                    missing.append("katex/" + u)
    if 'class="math' in local:
        check(f"{name}: the page loads KaTeX (css, js, auto-render) from katex/",
              {"katex/katex.min.css", "katex/katex.min.js", "katex/contrib/auto-render.min.js"} <= set(refs),
              f"found only {refs}")
    check(f"{name}: every KaTeX file the page and katex.min.css refer to exists",
          not missing, "missing: " + ", ".join(sorted(set(missing))[:12]))


# --------------------------------------------------------------------------------------
# Chromium over the DevTools protocol (pipe transport)


class CDPError(Exception):
    pass


class Chromium:
    """A headless Chromium driven over ``--remote-debugging-pipe``."""

    def __init__(self, exe, log_path):
        self.profile = tempfile.mkdtemp(prefix="weave-chromium-")
        to_r, self.to_w = os.pipe()      # we write commands, Chromium reads fd 3
        self.from_r, from_w = os.pipe()  # Chromium writes fd 4, we read

        def child_fds():
            # Duplicate above 10 first, so that dup2 onto 3/4 never is a no-op that
            # would leave the close-on-exec flag set.
            a = fcntl.fcntl(to_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
                f"--user-data-dir={self.profile}", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--disable-sync",
                "--disable-dev-shm-usage", "--mute-audio", "--force-color-profile=srgb",
                "--font-render-hinting=none", "about:blank"]
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
                                     preexec_fn=child_fds, close_fds=False, start_new_session=True)
        os.close(to_r)
        os.close(from_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CDPError("timed out waiting for Chromium")
            r, _, _ = select.select([self.from_r], [], [], left)
            if not r:
                continue
            chunk = os.read(self.from_r, 1 << 20)
            if not chunk:
                raise CDPError(f"Chromium closed the DevTools pipe (exit code {self.proc.poll()}); "
                               f"see {self.log.name}")
            self.buf += chunk
        msg, _, self.buf = self.buf.partition(b"\0")
        return json.loads(msg)

    def send(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        mid = self.next_id
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            n = os.write(self.to_w, data)
            data = data[n:]
        deadline = time.monotonic() + timeout
        while True:
            m = self._read_message(deadline)
            if m.get("id") == mid:
                if "error" in m:
                    raise CDPError(f"{method}: {m['error'].get('message')} {m['error'].get('data', '')}")
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method, session, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            for k, e in enumerate(self.events):
                if e.get("method") == method and e.get("sessionId") == session:
                    return self.events.pop(k)
            self.events.append(self._read_message(deadline))

    def drain(self, session):
        """Removes and returns the events received so far for a session."""
        mine = [e for e in self.events if e.get("sessionId") == session]
        self.events = [e for e in self.events if e.get("sessionId") != session]
        return mine

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        for fd in (self.to_w, self.from_r):
            try:
                os.close(fd)
            except OSError:
                pass
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)


# Runs in the page after load. Returns a JSON-able report.
PROBE = r"""
(async () => {
  await document.fonts.ready;
  // KaTeX runs on DOMContentLoaded; give late scripts a moment if it has not yet.
  for (let i = 0; i < 50 && document.querySelector('span.math:not(:has(.katex))') && window.katex === undefined; i++)
    await new Promise(r => setTimeout(r, 100));
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const de = document.documentElement;
  const vw = de.clientWidth;
  const describe = el => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (typeof el.className === 'string' && el.className.trim()) s += '.' + el.className.trim().split(/\s+/).join('.');
    const text = (el.textContent || '').replace(/\s+/g, ' ').trim();
    return s + (text ? ' "' + text.slice(0, 60) + '"' : '');
  };
  const main = document.querySelector('main') || document.body;
  const ms = getComputedStyle(main);
  const mr = main.getBoundingClientRect();
  const column = { left: mr.left + parseFloat(ms.paddingLeft), right: mr.right - parseFloat(ms.paddingRight) };
  column.width = column.right - column.left;

  const math = [...document.querySelectorAll('span.math')];
  const untypeset = math.filter(m => !m.querySelector('.katex')).map(m => (m.textContent || '').slice(0, 100));
  // A display span must hold display math (.katex-display), an inline span inline math.
  const modeMismatch = math.filter(m => m.querySelector('.katex') &&
      m.classList.contains('display') !== !!m.querySelector('.katex-display'))
    .map(m => m.className + ': ' + ((m.querySelector('annotation') || {}).textContent || '').slice(0, 80));
  const katexErrors = [...document.querySelectorAll('.katex-error')].map(e => ({
    tex: (e.textContent || '').slice(0, 100), message: e.getAttribute('title') || '' }));
  // With throwOnError: false, KaTeX shows an unknown command as red text (errorColor
  // #cc0000) instead of a .katex-error.
  const unsupported = [...document.querySelectorAll('.katex-html .mord.text')]
    .filter(e => e.style.color === 'rgb(204, 0, 0)' && (e.textContent || '').startsWith('\\'))
    .map(e => e.textContent + '  in  ' + (e.closest('span.math').querySelector('annotation') || {}).textContent);
  // The equation numbers a reader sees: KaTeX's automatic ones (a CSS counter that runs
  // through the page, one per .eqn-num, advanced also by each span.math.numbered: a
  // display Weave numbered with \tag{n}) and \tag{...} texts.
  let counter = 0;
  const numbers = [];
  for (const el of document.querySelectorAll('span.math.numbered, .katex-html .eqn-num, .katex-html .tag')) {
    if (el.matches('span.math.numbered')) { ++counter; continue; }
    const span = el.closest('span.math');
    if (el.classList.contains('eqn-num')) numbers.push({ text: '(' + (++counter) + ')', id: span.id });
    else if (!el.querySelector('.eqn-num')) numbers.push({ text: (el.textContent || '').trim(), id: span.id });
  }
  const xrefs = [...document.querySelectorAll('a.xref[href^="#eq-"]')].map(a => ({
    text: a.textContent.trim(), target: a.getAttribute('href').slice(1) }));
  const displays = [...document.querySelectorAll('span.math.display')].map(e => ({
    tex: (e.textContent || '').replace(/\s+/g, ' ').slice(-60),
    overflowX: e.scrollWidth - e.clientWidth, overflowY: e.scrollHeight - e.clientHeight,
    // How far the formula runs under its equation number (KaTeX puts the number at the
    // right edge of the line; Weave's CSS keeps room for it).
    tagOverlap: (() => {
      const tag = e.querySelector('.katex-html > .tag');
      if (!tag) return 0;
      const right = Math.max(...[...e.querySelectorAll('.katex-html > .base')].map(b => b.getBoundingClientRect().right));
      return Math.round(Math.max(0, right - tag.getBoundingClientRect().left));
    })() }));

  const svgs = [...document.querySelectorAll('svg')].filter(s => !s.closest('.katex') && !s.parentElement.closest('svg')).map((s, k) => {
    let bbox = { width: 0, height: 0 };
    try { bbox = s.getBBox(); } catch (e) {}
    const r = s.getBoundingClientRect();
    const fig = s.closest('figure');
    return { where: `svg ${k + 1}` + (fig && fig.id ? ` (#${fig.id})` : ''),
             bboxWidth: bbox.width, bboxHeight: bbox.height, width: r.width, height: r.height,
             left: r.left, right: r.right, intrinsicWidth: parseFloat(s.getAttribute('width')) || 0 };
  });

  // Elements sticking out of the viewport sideways. The contents of a box that scrolls
  // or clips (pre, .table-wrap, display math, KaTeX's hidden MathML) are that box's
  // business: only the box itself is checked. Only the outermost offenders are listed.
  const overflowing = [];
  const walk = el => {
    for (const c of el.children) {
      const cs = getComputedStyle(c);
      if (cs.display === 'none') continue;
      const r = c.getBoundingClientRect();
      if ((r.width > 0 || r.height > 0) && cs.visibility !== 'hidden' && (r.right > vw + 0.5 || r.left < -0.5)) {
        overflowing.push(describe(c) + ` [${Math.round(r.left)}..${Math.round(r.right)} of ${vw}]`);
        continue;
      }
      if (c.tagName.toLowerCase() === 'svg' || cs.overflowX !== 'visible') continue;
      walk(c);
    }
  };
  walk(document.body);
  const tables = [...document.querySelectorAll('table')].map((t, k) => {
    const wrap = t.closest('.table-wrap');
    const cell = t.querySelector('td, th');
    return { where: t.id ? '#' + t.id : `${k + 1}`, width: t.getBoundingClientRect().width,
             wrapWidth: wrap ? wrap.clientWidth : null, wrapScrolls: wrap ? wrap.scrollWidth > wrap.clientWidth : null,
             fontPx: cell ? parseFloat(getComputedStyle(cell).fontSize) : null };
  });
  const p = document.querySelector('main p');
  const fonts = {};
  for (const f of document.fonts) {
    const fam = f.family.replace(/["']/g, '');
    if (!fam.startsWith('KaTeX')) continue;
    (fonts[fam] = fonts[fam] || []).push(f.status);
  }
  const bs = getComputedStyle(document.body);
  // The page's background: the body's, else the root's, else the canvas default (white).
  let background = 'rgb(255, 255, 255)';
  for (const el of [document.body, de]) {
    const c = getComputedStyle(el).backgroundColor;
    if (c && c !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(c)) { background = c; break; }
  }
  return {
    title: document.title, viewportWidth: vw, scrollWidth: de.scrollWidth,
    contentHeight: de.scrollHeight, column,
    mathCount: math.length, untypeset, modeMismatch, katexErrors, unsupported, numbers, xrefs, displays, svgs, overflowing, tables,
    paragraphPx: p ? parseFloat(getComputedStyle(p).fontSize) : null,
    background, color: bs.color, fonts,
    mathScriptPresent: typeof renderMathInElement === 'function',
  };
})()
"""


def display_path(p):
    rel = os.path.relpath(p)
    return p if rel.startswith("..") else rel


def luminance(css_color):
    m = re.match(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)", css_color or "")
    if not m:
        return None
    r, g, b = (float(x) / 255 for x in m.groups())
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def open_view(browser, url, view, shots_dir, page_name):
    """Loads url in a fresh tab with the view's metrics; returns (report, problems)."""
    name, width, height, dpr, mobile, scheme = view
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    try:
        for domain in ("Page", "Runtime", "Log"):
            browser.send(f"{domain}.enable", session=session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": width, "height": height, "deviceScaleFactor": dpr, "mobile": mobile},
                     session=session)
        if mobile:
            browser.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5},
                         session=session)
        browser.send("Emulation.setEmulatedMedia",
                     {"features": [{"name": "prefers-color-scheme", "value": scheme}]}, session=session)
        browser.drain(session)
        browser.send("Page.navigate", {"url": url}, session=session)
        browser.wait_event("Page.loadEventFired", session, timeout=30)
        res = browser.send("Runtime.evaluate", {"expression": PROBE, "awaitPromise": True,
                                                "returnByValue": True}, session=session, timeout=30)
        if "exceptionDetails" in res:
            raise CDPError("the probe script failed: " + json.dumps(res["exceptionDetails"])[:500])
        report = res["result"]["value"]
        # Screenshots: the first screen, and the whole page (scaled down if very tall,
        # as Chromium cannot capture images taller than 16384 device pixels).
        base = os.path.join(shots_dir, f"{page_name}-{name}")
        shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session, timeout=60)
        with open(base + "-top.png", "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        # The whole page: the viewport is made as tall as the page (captureBeyondViewport
        # leaves boxes that scroll sideways blank), with the pixel ratio lowered if
        # needed to stay under Chromium's 16384-pixel limit.
        full_h = max(report["contentHeight"], height)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": width, "height": full_h, "deviceScaleFactor": min(dpr, 16000 / full_h),
                      "mobile": mobile}, session=session)
        browser.send("Runtime.evaluate", {"expression": "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))",
                                          "awaitPromise": True}, session=session)
        shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session, timeout=60)
        with open(base + ".png", "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        report["screenshot"] = display_path(base + ".png")
        # Console errors, uncaught exceptions, failed loads.
        problems, warnings = [], []
        for e in browser.drain(session):
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.consoleAPICalled":
                text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
                (problems if p.get("type") in ("error", "assert") else warnings if p.get("type") == "warning" else []).append(
                    f"console.{p.get('type')}: {text[:300]}")
            elif m == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                problems.append("uncaught exception: " + (d.get("exception", {}).get("description") or d.get("text", ""))[:300])
            elif m == "Log.entryAdded":
                entry = p.get("entry", {})
                line = f"{entry.get('source')}: {entry.get('text', '')[:300]} {entry.get('url', '')}".strip()
                if entry.get("level") == "error":
                    problems.append(line)
                elif entry.get("level") == "warning":
                    warnings.append(line)
        report["consoleErrors"] = problems
        report["consoleWarnings"] = warnings
        return report
    finally:
        try:
            browser.send("Target.closeTarget", {"targetId": target}, timeout=10)
        except CDPError:
            pass


def view_checks(label, html_path, view, r, check):
    name, width, height, dpr, mobile, scheme = view
    with open(html_path, encoding="utf-8") as f:
        source_math = len(re.findall(r'<span class="math (?:inline|display)[ "]', f.read()))
    check(f"{label}: all {source_math} math spans of the HTML are in the page", r["mathCount"] == source_math,
          f"the page has {r['mathCount']} span.math, the HTML file {source_math}")
    if source_math:
        check(f"{label}: KaTeX's auto-render ran", r["mathScriptPresent"], "renderMathInElement is not defined")
        check(f"{label}: every math span became KaTeX output", not r["untypeset"],
              f"{len(r['untypeset'])} of {r['mathCount']} not typeset, e.g. " + "; ".join(r["untypeset"][:5]))
        check(f"{label}: display spans hold display math, inline spans inline math", not r["modeMismatch"],
              "; ".join(r["modeMismatch"][:10]))
        check(f"{label}: no .katex-error", not r["katexErrors"],
              f"{len(r['katexErrors'])} errors:\n" + "\n".join(f"      {e['message']}  in  {e['tex']}" for e in r["katexErrors"][:20]))
        check(f"{label}: no unsupported TeX command shown as red text", not r["unsupported"],
              "\n".join("      " + u for u in r["unsupported"][:20]))
        seen, dups = set(), []
        for n in r["numbers"]:
            if n["text"] in seen:
                dups.append(n["text"])
            seen.add(n["text"])
        check(f"{label}: equation numbers are unique", not dups,
              "shown more than once: " + ", ".join(dups) + "; all: " + " ".join(n["text"] for n in r["numbers"]))
        shown = {}
        for n in r["numbers"]:
            if n["id"]:
                shown.setdefault(n["id"], []).append(n["text"])
        wrong = [f"link {x['text']} to #{x['target']} shows {shown.get(x['target'], 'no number')}"
                 for x in r["xrefs"] if x["text"] not in shown.get(x["target"], [])]
        check(f"{label}: equation references name the number the equation shows", not wrong, "; ".join(wrong))
        spurious = [d for d in r["displays"] if 0 < d["overflowX"] <= 3]
        check(f"{label}: display math scrolls sideways only when the formula is wider than the column",
              not spurious, "; ".join(f"{d['overflowX']} px in ...{d['tex']}" for d in spurious[:10]))
        under = [d for d in r["displays"] if d["tagOverlap"] > 0]
        check(f"{label}: no formula runs under its equation number", not under,
              "; ".join(f"{d['tagOverlap']} px in ...{d['tex']}" for d in under[:10]))
        clipped = [d for d in r["displays"] if d["overflowY"] > 0]
        check(f"{label}: no display formula is clipped vertically", not clipped,
              "; ".join(f"{d['overflowY']} px in ...{d['tex']}" for d in clipped[:10]))
        bad = {k: v for k, v in r["fonts"].items() if "error" in v}
        loaded = {k for k, v in r["fonts"].items() if "loaded" in v}
        check(f"{label}: KaTeX fonts loaded (KaTeX_Main, KaTeX_Math), none failed",
              not bad and {"KaTeX_Main", "KaTeX_Math"} <= loaded, f"font statuses: {r['fonts']}")
    col = r["column"]
    for s in r["svgs"]:
        check(f"{label}: {s['where']} has a non-empty box",
              s["bboxWidth"] > 0 and s["bboxHeight"] > 0 and s["width"] > 0 and s["height"] > 0,
              f"getBBox {s['bboxWidth']:.1f}x{s['bboxHeight']:.1f}, client rect {s['width']:.1f}x{s['height']:.1f}")
        inside = s["left"] >= col["left"] - 1 and s["right"] <= col["right"] + 1
        want = min(s["intrinsicWidth"] or col["width"], col["width"])
        check(f"{label}: {s['where']} is sized to the column",
              inside and s["width"] >= want - 1,
              f"SVG spans {s['left']:.0f}..{s['right']:.0f} px ({s['width']:.0f} wide), "
              f"column {col['left']:.0f}..{col['right']:.0f} px, expected width {want:.0f}")
    check(f"{label}: nothing overflows the {r['viewportWidth']} px viewport sideways",
          r["scrollWidth"] <= r["viewportWidth"] and not r["overflowing"],
          f"scrollWidth {r['scrollWidth']} > clientWidth {r['viewportWidth']}" if r["scrollWidth"] > r["viewportWidth"] else
          "elements outside the viewport:\n" + "\n".join("      " + o for o in r["overflowing"][:15]))
    for t in r["tables"]:
        check(f"{label}: table {t['where']} is legible and fits its scroll box",
              (t["fontPx"] or 0) >= 12 and (t["wrapWidth"] is None or t["wrapWidth"] <= col["width"] + 1),
              f"cell font {t['fontPx']} px, wrap {t['wrapWidth']} px, column {col['width']:.0f} px")
    if r["paragraphPx"] is not None:
        check(f"{label}: paragraph text is at least 14 px", r["paragraphPx"] >= 14, f"{r['paragraphPx']} px")
    bg, fg = luminance(r["background"]), luminance(r["color"])
    if scheme == "dark":
        check(f"{label}: dark scheme gives a dark page with light text", bg is not None and fg is not None and bg < 0.2 and fg > 0.6,
              f"background {r['background']}, text {r['color']}")
    else:
        check(f"{label}: light scheme gives a light page with dark text", bg is not None and fg is not None and bg > 0.8 and fg < 0.3,
              f"background {r['background']}, text {r['color']}")
    check(f"{label}: no console errors or failed loads", not r["consoleErrors"],
          "\n".join("      " + e for e in r["consoleErrors"][:15]))


# --------------------------------------------------------------------------------------


def self_check(browser, pages, shots, check):
    """Opens the page of planted defects (next to a rendered page, for its katex/) at the
    phone width and checks that each planted defect makes its check fail."""
    site = next((os.path.dirname(local) for _, local, cdn in pages if cdn is not None), None)
    if site is None or not os.path.isdir(os.path.join(site, "katex")):
        return
    page = os.path.join(site, "defects.html")
    shutil.copyfile(DEFECTS, page)
    view = VIEWS[1]
    found = []
    try:
        r = open_view(browser, "file://" + urllib.parse.quote(page), view, shots, "defects")
        view_checks("defects", page, view, r, lambda name, ok, detail="": found.append((name, bool(ok))))
    except CDPError as e:
        check("self-check: the page of planted defects loads", False, str(e))
        return
    for want in PLANTED:
        hits = [ok for name, ok in found if want in name]
        check(f"self-check: '{want}' fails on its planted defect", hits and not all(hits),
              "the check passed on defects.html" if hits else "the check did not run on defects.html")
    caught = sum(1 for want in PLANTED if any(not ok for name, ok in found if want in name))
    print(f"  self-check: {caught} of {len(PLANTED)} checks fail as they should on {display_path(DEFECTS)}")


def collect_pages(args, work):
    """Returns [(name, local_html, cdn_html or None)]."""
    pages = []
    inputs = args.pages or sorted(os.path.join(FIXTURES, f) for f in os.listdir(FIXTURES) if f.endswith(".md"))
    files = []
    for p in inputs:
        if os.path.isdir(p):
            for dirpath, dirs, names in os.walk(p):
                # Like weave: folders starting with '_' or '.' are skipped below the one given.
                dirs[:] = sorted(d for d in dirs if not d.startswith(("_", ".")))
                files += [os.path.join(dirpath, n) for n in sorted(names) if n.endswith((".md", ".html"))]
        else:
            files.append(p)
    src_dir = os.path.join(work, "src")
    os.makedirs(src_dir, exist_ok=True)
    for p in files:
        name = os.path.splitext(os.path.basename(p))[0]
        if p.endswith(".html"):
            pages.append((name, os.path.abspath(p), None))
            continue
        if not args.pages:
            p = expand_fixture(p, src_dir)
        local = render(args.weave, p, os.path.join(work, "site"), "local")
        cdn = render(args.weave, p, os.path.join(work, "site-cdn"), "cdn")
        pages.append((name, local, cdn))
    return pages


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pages", nargs="*", help=".md articles to render, .html pages, or folders of them "
                    "(default: the fixtures of Tests/Browser/fixtures)")
    ap.add_argument("--weave", default=os.path.join(ROOT, ".build", "release", "weave"))
    ap.add_argument("--out", default=os.path.join(HERE, "out"),
                    help="where rendered pages and screenshots go (default Tests/Browser/out)")
    ap.add_argument("--chromium", default=os.environ.get("WEAVE_CHROMIUM"), help="the browser executable")
    args = ap.parse_args()

    exe = args.chromium or next((shutil.which(n) for n in CHROMIUM_NAMES if shutil.which(n)), None)
    if not exe:
        print("SKIPPED: chromium not installed; install it with apt-get install chromium")
        return 0
    if not os.access(args.weave, os.X_OK) and any(not p.endswith(".html") for p in args.pages or ["x.md"]):
        print(f"browser test: {args.weave} not found; build it with 'swift build -c release --product weave'")
        return 2

    shutil.rmtree(args.out, ignore_errors=True)
    shots = os.path.join(args.out, "screenshots")
    os.makedirs(shots)
    started = time.monotonic()
    results = []  # (status, name, detail); status is PASS, FAIL, XFAIL or XPASS

    def check(name, ok, detail=""):
        page, _, rest = name.partition(" ")
        known = next((why for (p, end), why in KNOWN_ISSUES.items() if p == page and name.endswith(end)), None)
        if known is None:
            results.append(("PASS" if ok else "FAIL", name, detail))
        elif ok:
            results.append(("XPASS", name, f"passes now; remove its entry from KNOWN_ISSUES ({known})"))
        else:
            results.append(("XFAIL", name, f"known issue: {known}\n      {detail}"))

    try:
        pages = collect_pages(args, args.out)
    except RenderError as e:
        print(f"browser test: rendering failed: {e}")
        return 1

    for name, local, cdn in pages:
        static_checks(name, local, cdn, check)

    browser = Chromium(exe, os.path.join(args.out, "chromium.log"))
    try:
        version = browser.send("Browser.getVersion", timeout=60)
        print(f"browser test: {version.get('product')}; pages and screenshots in {display_path(args.out)}")
        for name, local, _ in pages:
            url = "file://" + urllib.parse.quote(os.path.abspath(local))
            for view in VIEWS:
                label = f"{name} [{view[0]} {view[1]}x{view[2]}]"
                try:
                    r = open_view(browser, url, view, shots, name)
                except CDPError as e:
                    check(f"{label}: page loads in Chromium", False, str(e))
                    continue
                view_checks(label, local, view, r, check)
                with open(os.path.join(args.out, f"{name}-{view[0]}.json"), "w") as f:
                    json.dump(r, f, indent=1, ensure_ascii=False)
                warn = f", {len(r['consoleWarnings'])} console warnings" if r["consoleWarnings"] else ""
                print(f"  {label}: {r['mathCount']} math spans, {len(r['svgs'])} SVGs, "
                      f"{len(r['tables'])} tables, page {r['viewportWidth']}x{r['contentHeight']} px{warn}; "
                      f"{r['screenshot']}")
        self_check(browser, pages, shots, check)
    except CDPError as e:
        check("Chromium starts and answers over the DevTools pipe", False, str(e))
    finally:
        browser.close()

    explained = set()
    for status, n, d in results:
        if status == "XFAIL":
            why, _, detail = d.partition("\n")
            print(f"XFAIL: {n}" + ("" if why in explained else f"\n      {why}\n{detail}"))
            explained.add(why)
        elif status != "PASS":
            print(f"{status}: {n}" + (f"\n      {d}" if d else ""))
    count = {k: sum(1 for st, _, _ in results if st == k) for k in ("PASS", "FAIL", "XFAIL", "XPASS")}
    failed = count["FAIL"] + count["XPASS"]
    print(f"browser test: {len(results)} checks in {time.monotonic() - started:.1f} s"
          + (f"; {count['XFAIL']} known issue(s) listed as XFAIL" if count["XFAIL"] else ""))
    # Known issues (XFAIL) count as skipped: neither passed nor failed.
    print(f"{count['PASS']} passed, {failed} failed" + (f", {count['XFAIL']} skipped" if count["XFAIL"] else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
