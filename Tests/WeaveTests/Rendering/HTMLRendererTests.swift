import Foundation
import Testing
@testable import Weave

struct HTMLRendererTests {
    @Test func headingAnchorsAreUnique() {
        #expect(htmlBody("# Intro\n\n## Intro\n\n### Attention: $O(n^2)$?\n")
            == "<h1 id=\"intro\">Intro<a class=\"anchor\" href=\"#intro\" aria-hidden=\"true\">#</a></h1>\n"
            + "<h2 id=\"intro-1\">Intro<a class=\"anchor\" href=\"#intro-1\" aria-hidden=\"true\">#</a></h2>\n"
            + "<h3 id=\"attention-on2\">Attention: <span class=\"math inline\">\\(O(n^2)\\)</span>?<a class=\"anchor\" href=\"#attention-on2\" aria-hidden=\"true\">#</a></h3>\n")
    }

    @Test func cellWithOutputsTableAndNumberedFigure() {
        let text = "```{swift}\n//| label: fig-err\n//| caption: Error <vs> n\nlet x = 1\n```\n\nSee @fig-err and @tbl-none.\n"
        let results = ArticleResults(blocks: [BlockResult(status: .ok, items: [
            .text("a < b\n"),
            .table(TableOutput(headers: ["n"], alignments: [.right], rows: [["1"]])),
            .figure(FigureOutput(svg: "<svg viewBox=\"0 0 1 1\"></svg>")),
        ])])
        let html = htmlBody(text, results: results)
        #expect(html == """
        <div class="cell">
        <pre class="cell-code"><code class="language-swift">let x = 1
        </code></pre>
        <pre class="cell-output"><code>a &lt; b
        </code></pre>
        <div class="table-wrap"><table class="cell-table">
        <thead>
        <tr><th class="right">n</th></tr>
        </thead>
        <tbody>
        <tr><td class="right">1</td></tr>
        </tbody>
        </table></div>
        <figure class="cell-figure" id="fig-err">
        <div class="figure-body"><svg viewBox="0 0 1 1"></svg></div>
        <figcaption>Figure 1: Error &lt;vs&gt; n</figcaption>
        </figure>
        </div>
        <p>See <a class="xref" href="#fig-err">Figure 1</a> and <strong class="xref-unknown">?@tbl-none</strong>.</p>

        """)
        let doc = parse(text)
        #expect(Numbering(document: doc).unknownReferences(in: doc).map(\.headline) == ["t.md:7:18: error: unknown reference '@tbl-none'"])
    }

    @Test func failedBlockShowsItsErrorAndPartialOutput() {
        let text = "```{swift}\nprint(1)\n```\n"
        let results = ArticleResults(blocks: [BlockResult(status: .failed, items: [.text("1\n")], error: "t.md:2:1: error: boom")])
        #expect(htmlBody(text, results: results).contains("<pre class=\"cell-output\"><code>1\n</code></pre>\n<pre class=\"cell-error\"><code>t.md:2:1: error: boom</code></pre>"))
    }

    @Test func inlineValuesAndClaims() {
        let text = "A `{swift} x` B `{swift} y ≈ 4608` C `{swift} z`.\n"
        let results = ArticleResults(
            inlines: [InlineResult(text: "42"), InlineResult(), InlineResult(error: "cannot find 'z' in scope")],
            claims: [ClaimResult(kind: .approx, line: 1, column: 26, expression: "y", expected: "4608", actual: "4608.2", tolerance: "0.5", status: .passed)])
        #expect(htmlBody(text, results: results) == "<p>A <span class=\"inline-value\">42</span> B <span class=\"claim claim-ok\" title=\"checked: y ≈ 4608 (holds)\">4608</span> C <code class=\"inline-error\" title=\"cannot find &#39;z&#39; in scope\">z</code>.</p>\n".replacingOccurrences(of: "&#39;", with: "'"))
    }

    @Test func pageHasTitleMetaAndMathScripts() {
        let doc = parse("---\ntitle: \"A <b> title\"\nauthor: Ann\ndate: 2026-01-02\n---\nText $x$\n")
        let page = String(decoding: HTMLPage(mathAssets: .local, indexLink: "index.html").render(document: doc, body: HTMLRenderer(document: doc).renderBody()), as: UTF8.self)
        #expect(page.contains("<title>A &lt;b&gt; title</title>"))
        #expect(page.contains("<h1 class=\"title\">A &lt;b&gt; title</h1>"))
        #expect(page.contains("<p class=\"meta\">Ann · 2026-01-02</p>"))
        #expect(page.contains("<link rel=\"stylesheet\" href=\"katex/katex.min.css\">"))
        #expect(page.contains("<script defer src=\"katex/contrib/auto-render.min.js\"></script>"))
        #expect(page.contains("<a href=\"index.html\">← All articles</a>"))
        #expect(page.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
    }

    @Test func pagesWithoutMathLoadNoKaTeX() {
        let doc = parse("Plain\n")
        let page = String(decoding: HTMLPage().render(document: doc, body: HTMLRenderer(document: doc).renderBody()), as: UTF8.self)
        #expect(!page.contains("katex"))
    }
}

struct NumberingTests {
    static let article = """
    $$a = 1$$ {#eq-one}

    ```{swift}
    //| label: tbl-first
    //| caption: First table
    show(t)
    ```

    ```{swift}
    //| label: fig-a
    show(p)
    ```

    \\[ b = 2 \\] {#eq-two}

    ```{swift}
    //| label: fig-b
    //| caption: Second figure
    show(p)
    ```

    See @fig-b, @fig-a, @tbl-first, @eq-two and @eq-one.

    """

    static let results = ArticleResults(blocks: [
        BlockResult(status: .ok, items: [.table(TableOutput(headers: ["x"], alignments: [.left], rows: [["1"]]))]),
        BlockResult(status: .ok, items: [.figure(FigureOutput(svg: "<svg/>"))]),
        BlockResult(status: .ok, items: [.figure(FigureOutput(svg: "<svg/>"))]),
    ])

    @Test func numbersInDocumentOrderPerKind() {
        let doc = parse(Self.article)
        let n = Numbering(document: doc)
        #expect(n.text(for: "fig-a") == "Figure 1" && n.text(for: "fig-b") == "Figure 2")
        #expect(n.text(for: "tbl-first") == "Table 1")
        #expect(n.text(for: "eq-one") == "(1)" && n.text(for: "eq-two") == "(2)")
        #expect(n.unknownReferences(in: doc).isEmpty)
    }

    @Test func bothOutputsUseTheNumbers() {
        let html = htmlBody(Self.article, results: Self.results)
        #expect(html.contains("See <a class=\"xref\" href=\"#fig-b\">Figure 2</a>, <a class=\"xref\" href=\"#fig-a\">Figure 1</a>, <a class=\"xref\" href=\"#tbl-first\">Table 1</a>, <a class=\"xref\" href=\"#eq-two\">(2)</a> and <a class=\"xref\" href=\"#eq-one\">(1)</a>."))
        #expect(html.contains("<span class=\"math display numbered\" id=\"eq-one\">\\[a = 1\\tag{1}\\]</span>"))
        #expect(html.contains("<span class=\"math display numbered\" id=\"eq-two\">\\[ b = 2 \\tag{2}\\]</span>"))
        #expect(html.contains("<caption>Table 1: First table</caption>"))
        #expect(html.contains("<figcaption>Figure 1</figcaption>"))
        #expect(html.contains("<figcaption>Figure 2: Second figure</figcaption>"))
        let md = String(decoding: markdownOutput(Array(Self.article.utf8), results: Self.results), as: UTF8.self)
        #expect(md.contains("See Figure 2, Figure 1, Table 1, (2) and (1)."))
        #expect(md.contains("$$a = 1 \\tag{1}$$"))
        #expect(md.contains("\\[ b = 2  \\tag{2}\\]"))
        #expect(md.contains("Table 1: First table\n\n| x   |"))
        #expect(md.contains("![Figure 1](t_files/fig-1.svg)"))
        #expect(md.contains("![Figure 2: Second figure](t_files/fig-2.svg)"))
    }
}

struct EquationNumberingTests {
    /// Equations share one sequence with KaTeX's own numbering of environments.
    static let article = """
    \\begin{equation}\\label{eq-first}
    a = 1
    \\end{equation}

    \\begin{align}
    b &= 2 \\\\
    c &= 3 \\notag \\\\
    d &= \\begin{cases} 1 \\\\ 2 \\end{cases} \\label{eq-d}
    \\end{align}

    $$e = 5$$ {#eq-e}

    $$f = 6$$

    \\begin{align*}
    g &= 7 \\\\ h &= 8
    \\end{align*}

    \\begin{multline}
    i + j \\\\ = k
    \\end{multline} {#eq-multi}

    Inline \\begin{math}x^2\\end{math} here. See @eq-first, @eq-d, @eq-e and @eq-multi.

    """

    @Test func environmentsRowsAndTaggedDisplaysShareOneSequence() {
        let doc = parse(Self.article)
        let n = Numbering(document: doc)
        // equation (1); align rows b (2), c \\notag (–), d (3); $$ e tagged (4); $$ f none;
        // align* none; multline (5).
        #expect(n.text(for: "eq-first") == "(1)")
        #expect(n.text(for: "eq-d") == "(3)")
        #expect(n.text(for: "eq-e") == "(4)")
        #expect(n.text(for: "eq-multi") == "(5)")
        #expect(Numbering.rows("\\begin{align}\nb &= 2 \\\\\nc &= 3\n\\end{align}").count == 2)
    }

    @Test func tagsIdsAndInlineMathEnvironment() {
        let html = htmlBody(Self.article)
        #expect(html.contains("<span class=\"math display\">\\begin{equation}\\label{eq-first}"))
        #expect(html.contains("<span class=\"math display numbered\" id=\"eq-e\">\\[e = 5\\tag{4}\\]</span>"))
        #expect(html.contains("<span class=\"math display\">\\[f = 6\\]</span>"))
        #expect(html.contains("Inline <span class=\"math inline\">\\begin{math}x^2\\end{math}</span> here."))
        #expect(html.contains("See <a class=\"xref\" href=\"#eq-first\">(1)</a>, <a class=\"xref\" href=\"#eq-d\">(3)</a>, <a class=\"xref\" href=\"#eq-e\">(4)</a> and <a class=\"xref\" href=\"#eq-multi\">(5)</a>."))
    }
}
