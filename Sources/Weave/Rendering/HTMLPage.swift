/// The standalone HTML page around a rendered body: title, metadata, CSS for long
/// math-heavy articles, KaTeX (from a CDN or from local copies of Debian's
/// `libjs-katex`), and a link back to the site index.
public struct HTMLPage {
    /// Where the page loads KaTeX from.
    public enum MathAssets: String, Sendable, CaseIterable {
        /// jsDelivr, KaTeX 0.16.4 (the version Debian 12 ships).
        case cdn
        /// `katex/` next to the page (copied from `/usr/share/javascript/katex`), works offline.
        case local
    }

    public static let katexVersion = "0.16.4"

    public var mathAssets: MathAssets
    /// Relative link to the site index (`index.html`), or nil for none.
    public var indexLink: String?
    /// Relative path from the page to the output root (for local assets), e.g. "" or "../".
    public var rootPrefix: String

    public init(mathAssets: MathAssets = .cdn, indexLink: String? = nil, rootPrefix: String = "") {
        self.mathAssets = mathAssets
        self.indexLink = indexLink
        self.rootPrefix = rootPrefix
    }

    public func render(document: Document, body: [UInt8], problems: [Diagnostic] = []) -> [UInt8] {
        var w = ByteWriter(capacity: body.count + 8192)
        let title = document.title
        w.put("<!DOCTYPE html>\n<html lang=\"")
        w.escapeHTML(document.frontMatter["lang"] ?? "en")
        w.put("\">\n<head>\n<meta charset=\"utf-8\">\n")
        w.put("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        w.put("<meta name=\"generator\" content=\"Weave\">\n")
        if problems.contains(where: \.isError) { w.put(ArticleRenderer.failedMarker); w.put("\n") }
        if let a = document.frontMatter.author { w.put("<meta name=\"author\" content=\""); w.escapeHTML(a); w.put("\">\n") }
        if let d = document.frontMatter["description"] ?? document.frontMatter["summary"] {
            w.put("<meta name=\"description\" content=\""); w.escapeHTML(d); w.put("\">\n")
        }
        w.put("<title>"); w.escapeHTML(title); w.put("</title>\n")
        let katexBase: String
        switch mathAssets {
        case .cdn: katexBase = "https://cdn.jsdelivr.net/npm/katex@\(HTMLPage.katexVersion)/dist/"
        case .local: katexBase = rootPrefix + "katex/"
        }
        let hasMath = !document.math.isEmpty
        if hasMath {
            w.put("<link rel=\"stylesheet\" href=\""); w.put(katexBase); w.put("katex.min.css\">\n")
        }
        w.put("<style>\n"); w.put(HTMLPage.css)
        if hasMath { w.put(HTMLPage.mathCSS) }
        w.put("</style>\n</head>\n<body>\n")
        if let link = indexLink {
            w.put("<nav class=\"site\"><a href=\""); w.escapeHTML(link); w.put("\">← All articles</a></nav>\n")
        }
        w.put("<main>\n")
        if document.frontMatter.title != nil {
            w.put("<header class=\"article\">\n<h1 class=\"title\">"); w.escapeHTML(title); w.put("</h1>\n")
            if let sub = document.frontMatter["subtitle"] { w.put("<p class=\"subtitle\">"); w.escapeHTML(sub); w.put("</p>\n") }
            var meta: [String] = []
            if let a = document.frontMatter.author { meta.append(a) }
            if let d = document.frontMatter.date { meta.append(d) }
            if !meta.isEmpty { w.put("<p class=\"meta\">"); w.escapeHTML(meta.joined(separator: " · ")); w.put("</p>\n") }
            w.put("</header>\n")
        }
        let errors = problems.filter(\.isError)
        if !errors.isEmpty {
            w.put("<section class=\"problems\">\n<h2>This article failed to build</h2>\n<ul>\n")
            for p in errors {
                w.put("<li><pre>"); w.escapeHTML(p.description); w.put("</pre></li>\n")
            }
            w.put("</ul>\n</section>\n")
        }
        w.put(bytes: body)
        w.put("</main>\n")
        if hasMath {
            w.put("<script defer src=\""); w.put(katexBase); w.put("katex.min.js\"></script>\n")
            w.put("<script defer src=\""); w.put(katexBase); w.put("contrib/auto-render.min.js\"></script>\n")
            w.put(HTMLPage.mathScript)
        }
        w.put("</body>\n</html>\n")
        return w.bytes
    }

    /// Typesets every `span.math` with KaTeX auto-render, scoped to the span so that
    /// nothing else on the page (code, prose) is ever read as math.
    ///
    /// KaTeX 0.16 (Debian's) lacks `\label` and the environments multline, flalign,
    /// eqnarray, math and displaymath, which LaTeX authors use and the parser accepts;
    /// `preProcess` rewrites them into what KaTeX has (the label becomes the span's id,
    /// multline a gathered equation with one number, flalign an align, eqnarray's
    /// `a &=& b` rows an align's `a &= b`, math and displaymath their contents), so that
    /// none of them shows up as red error text. Tests/Browser checks this in Chromium.
    static let mathScript: StaticString = #"""
    <script>
    document.addEventListener("DOMContentLoaded", function () {
      var delimiters = [
        {left: "\\[", right: "\\]", display: true},
        {left: "\\(", right: "\\)", display: false},
        {left: "\\begin{equation}", right: "\\end{equation}", display: true},
        {left: "\\begin{equation*}", right: "\\end{equation*}", display: true},
        {left: "\\begin{align}", right: "\\end{align}", display: true},
        {left: "\\begin{align*}", right: "\\end{align*}", display: true},
        {left: "\\begin{alignat}", right: "\\end{alignat}", display: true},
        {left: "\\begin{alignat*}", right: "\\end{alignat*}", display: true},
        {left: "\\begin{gather}", right: "\\end{gather}", display: true},
        {left: "\\begin{gather*}", right: "\\end{gather*}", display: true},
        {left: "\\begin{multline}", right: "\\end{multline}", display: true},
        {left: "\\begin{multline*}", right: "\\end{multline*}", display: true},
        {left: "\\begin{flalign}", right: "\\end{flalign}", display: true},
        {left: "\\begin{flalign*}", right: "\\end{flalign*}", display: true},
        {left: "\\begin{eqnarray}", right: "\\end{eqnarray}", display: true},
        {left: "\\begin{eqnarray*}", right: "\\end{eqnarray*}", display: true},
        {left: "\\begin{math}", right: "\\end{math}", display: false},
        {left: "\\begin{displaymath}", right: "\\end{displaymath}", display: true}
      ];
      var rewrite = {
        "multline": ["\\begin{equation}\\begin{gathered}", "\\end{gathered}\\end{equation}"],
        "multline*": ["\\begin{equation*}\\begin{gathered}", "\\end{gathered}\\end{equation*}"],
        "flalign": ["\\begin{align}", "\\end{align}"],
        "flalign*": ["\\begin{align*}", "\\end{align*}"],
        "eqnarray": ["\\begin{align}", "\\end{align}"],
        "eqnarray*": ["\\begin{align*}", "\\end{align*}"],
        "math": ["", ""],
        "displaymath": ["", ""]
      };
      function adapt(tex, el) {
        tex = tex.replace(/\\label\{([^{}]*)\}/g, function (_, name) {
          if (!el.id && !document.getElementById(name)) { el.id = name; }
          return "";
        });
        var m = /^\s*\\begin\{([a-z]+\*?)\}([\s\S]*)\\end\{\1\}\s*$/.exec(tex);
        if (m && rewrite.hasOwnProperty(m[1])) {
          var body = m[2];
          if (m[1].indexOf("eqnarray") === 0) {
            body = body.split("\\\\").map(function (row) {
              return row.replace(/^((?:[^&\\]|\\[\s\S])*&(?:[^&\\]|\\[\s\S])*)&/, "$1");
            }).join("\\\\");
          }
          tex = rewrite[m[1]][0] + body + rewrite[m[1]][1];
        }
        return tex;
      }
      document.querySelectorAll("span.math").forEach(function (el) {
        renderMathInElement(el, {
          delimiters: delimiters,
          throwOnError: false,
          preProcess: function (tex) { return adapt(tex, el); }
        });
      });
    });
    </script>

    """#

    /// CSS for KaTeX's output, only on pages with math. KaTeX's equation-number column
    /// sticks out 2px past the line (its vlist spacer), hence the `.tag` padding, without
    /// which every numbered display got a 2px scrollbar. KaTeX places the number at the
    /// right edge over the formula, so a numbered formula as wide as the column (a phone)
    /// ran under its own number: its line keeps room for the number on the right and grows
    /// to the formula's width, so a formula that does not fit scrolls with its number after
    /// it. Math is a little smaller on phones.
    static let mathCSS: StaticString = """
    span.math.display .katex-display { margin: 0.5em 0; }
    span.math.display .katex-display > .katex > .katex-html > .tag { padding-right: 2px; }
    span.math.display .katex-display > .katex > .katex-html:has(> .tag) { padding-right: 2em; min-width: max-content; }
    span.math.display.numbered { counter-increment: katexEqnNo; }
    @media (max-width: 480px) { .katex { font-size: 1.1em; } }

    """

    /// The page's CSS. Checked in Chromium at desktop and phone widths, light and dark
    /// (Tests/Browser). Display math scrolls sideways in its own box. Numbers in tables
    /// never wrap; on phones no cell wraps (the table scrolls in `.table-wrap`) and the
    /// caption stays in view (sticky, at most the wrap's width via container units).
    static let css: StaticString = """
    :root { color-scheme: light dark; --fg: #1d1d1f; --muted: #5f6368; --bg: #ffffff; --code-bg: #f6f8fa; --border: #d0d7de;
            --accent: #0b62c4; --ok: #1a7f37; --bad: #cf222e; --stripe: #f6f8fa; }
    @media (prefers-color-scheme: dark) {
      :root { --fg: #e6e6e6; --muted: #a0a6ad; --bg: #16181c; --code-bg: #22262c; --border: #3a4048;
              --accent: #6cb6ff; --ok: #57ab5a; --bad: #f47067; --stripe: #1c1f24; }
      .figure-body svg { background: #ffffff; border-radius: 4px; }
    }
    * { box-sizing: border-box; }
    html { -webkit-text-size-adjust: 100%; }
    body { margin: 0; background: var(--bg); color: var(--fg);
           font: 17px/1.65 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, "Noto Sans", "Noto Sans CJK SC", sans-serif; }
    main { max-width: 46rem; margin: 0 auto; padding: 1.5rem 1.1rem 4rem; overflow-wrap: break-word; }
    nav.site { max-width: 46rem; margin: 0 auto; padding: 0.8rem 1.1rem 0; font-size: 0.9rem; }
    a { color: var(--accent); }
    h1, h2, h3, h4, h5, h6 { line-height: 1.25; margin: 2rem 0 0.8rem; position: relative; }
    h1.title { margin-top: 0.5rem; font-size: 2rem; }
    header.article .subtitle { font-size: 1.15rem; color: var(--muted); margin-top: -0.3rem; }
    header.article .meta { color: var(--muted); font-size: 0.95rem; }
    a.anchor { visibility: hidden; text-decoration: none; margin-left: 0.35em; color: var(--muted); font-weight: normal; }
    h1:hover a.anchor, h2:hover a.anchor, h3:hover a.anchor, h4:hover a.anchor, h5:hover a.anchor, h6:hover a.anchor { visibility: visible; }
    p, ul, ol, blockquote, pre, table, figure { margin: 0 0 1.1rem; }
    blockquote { margin-left: 0; padding: 0.1rem 1rem; border-left: 4px solid var(--border); color: var(--muted); }
    code { font: 0.88em/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
    :not(pre) > code { background: var(--code-bg); padding: 0.1em 0.3em; border-radius: 4px; }
    pre { background: var(--code-bg); padding: 0.8rem 1rem; border-radius: 6px; overflow-x: auto; line-height: 1.45; }
    pre code { background: none; padding: 0; }
    .cell { margin: 0 0 1.3rem; }
    .cell pre.cell-code { border-left: 3px solid var(--accent); margin-bottom: 0.5rem; }
    .cell pre.cell-output { background: transparent; border: 1px solid var(--border); margin-bottom: 0.5rem; }
    .cell pre.cell-error { background: transparent; border: 1px solid var(--bad); color: var(--bad); }
    .cell .cell-note { color: var(--muted); font-style: italic; }
    .table-wrap { overflow-x: auto; margin: 0 0 1.1rem; container-type: inline-size; }
    table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 0.95rem; line-height: 1.45; }
    caption { caption-side: top; text-align: left; color: var(--muted); padding-bottom: 0.3rem;
              position: sticky; left: 0; max-width: 100cqw; }
    th, td { border-bottom: 1px solid var(--border); padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
    th { border-bottom-width: 2px; vertical-align: bottom; }
    tbody tr:nth-child(even) { background: var(--stripe); }
    th.right, td.right { text-align: right; }
    th.center, td.center { text-align: center; }
    td.right, td.center { white-space: nowrap; }
    figure { margin-left: 0; margin-right: 0; }
    .figure-body svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
    figcaption { color: var(--muted); font-size: 0.95rem; text-align: center; margin-top: 0.3rem; }
    img { max-width: 100%; height: auto; }
    span.math.display { display: block; overflow-x: auto; overflow-y: hidden; margin: 0.6rem 0; }
    .claim { border-bottom: 1px dotted var(--muted); }
    .claim.claim-ok { border-bottom-color: var(--ok); }
    .claim.claim-failed { border-bottom: 2px solid var(--bad); color: var(--bad); }
    .xref-unknown, .inline-error { color: var(--bad); }
    section.problems { border: 1px solid var(--bad); border-radius: 6px; padding: 0.5rem 1rem; margin-bottom: 1.5rem; }
    section.problems h2 { margin-top: 0.3rem; color: var(--bad); font-size: 1.1rem; }
    section.problems pre { white-space: pre-wrap; margin: 0.3rem 0; }
    hr { border: 0; border-top: 1px solid var(--border); margin: 2rem 0; }
    @media (max-width: 480px) {
      body { font-size: 16px; } main { padding: 1rem 0.8rem 3rem; } nav.site { padding: 0.6rem 0.8rem 0; }
      h1.title { font-size: 1.6rem; } h2 { font-size: 1.3rem; } h3 { font-size: 1.12rem; }
      .table-wrap th, .table-wrap td { white-space: nowrap; }
    }

    """
}
