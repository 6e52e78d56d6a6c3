import Foundation
import Testing
@testable import Weave

/// Math survives byte-exact into the Markdown output and, escaped only for `&<>`,
/// into the HTML in pandoc's form (DESIGN.md §1–§2).
struct MathProtectionTests {
    /// Every formula of ../shared/seeds/000_61264b9bc4dc31f2.txt (the openings of the
    /// eight posts), written as in the posts.
    static let seedFormulas: [String] = [
        #"$\boldsymbol{x}_0\in\mathbb{R}^d$"#,
        #"$\boldsymbol{x}_T$"#,
        #"\begin{equation}\frac{d\boldsymbol{x}_t}{dt}=\boldsymbol{f}_t(\boldsymbol{x}_t)\label{eq-ode}\end{equation}"#,
        #"$\dot{y}=f(x,y)$"#,
        #"$$dy=f(x,y)dx,y=\int dy,x=\int dx$$"#,
        #"$\LaTeX$"#,
        #"$\mathcal{O}(n^2)$"#,
        #"$\mathcal{O}(n)$"#,
        #"\begin{equation}a_{i,j}=\frac{e^{\boldsymbol{q}_i\cdot \boldsymbol{k}_j}}{\sum\limits_j e^{\boldsymbol{q}_i\cdot \boldsymbol{k}_j}}\end{equation}"#,
        #"$$\sum_{k=0}^n \binom{n}{k}\frac{A_k}{n^k}$$"#,
        #"$A_0=1$"#,
        #"$A_k,\,k=0,1,2,\dots$"#,
        #"$$\sum_{k=0}^n \binom{n}{k}\frac{A^k}{n^k}$$"#,
        #"$$\sum_{k=0}^n \binom{n}{k}\frac{A^k}{n^k}=\left(1+\frac{A}{n}\right)^n$$"#,
        #"$A$"#,
    ]

    /// Edge cases: nested braces, `\\` line breaks, `*` and `_`, `&<>"`, `\{`, other delimiters.
    static let edgeFormulas: [String] = [
        #"$\frac{a}{\sqrt{b_{c}}}$"#,
        #"$a*b*c$"#,
        #"$x_1 + y_1 = z_1$"#,
        #"$\mathbf{W}_q \in \mathbb{R}^{d}$"#,
        #"$\sum_{k=1}^{n} a_k$"#,
        #"$a<b \& c>d$"#,
        #"$\text{"quoted"}$"#,
        #"$\{x \mid x > 0\}$"#,
        #"$\text{costs \$5 or $x$}$"#,
        #"$$\begin{aligned} a &= b \\ c &= d \end{aligned}$$"#,
        "$$\na = b\\\\\nc = d\n$$",
        #"\(x_1*y_2*z\)"#,
        #"\[ \left\{ a_b \right\} \]"#,
        "\\begin{align}\nx &= 1 \\\\\ny &= 2\n\\end{align}",
        "\\begin{equation*}\ne^{i\\pi} + 1 = 0\n\\end{equation*}",
        #"$**not bold**$"#,
        #"$[a](b)$"#,
        #"$`x`$"#,
        #"$a\$b$"#,
    ]

    /// The pandoc HTML form of a formula (DESIGN.md §2), escaped only for `&<>`.
    static func pandocForm(_ f: String) -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        if f.hasPrefix("$$") { return #"<span class="math display">\["# + esc(String(f.dropFirst(2).dropLast(2))) + #"\]</span>"# }
        if f.hasPrefix("$") { return #"<span class="math inline">\("# + esc(String(f.dropFirst().dropLast())) + #"\)</span>"# }
        if f.hasPrefix("\\(") { return #"<span class="math inline">\("# + esc(String(f.dropFirst(2).dropLast(2))) + #"\)</span>"# }
        if f.hasPrefix("\\[") { return #"<span class="math display">\["# + esc(String(f.dropFirst(2).dropLast(2))) + #"\]</span>"# }
        return #"<span class="math display">"# + esc(f) + "</span>"
    }

    static let contexts: [(String, String)] = [
        ("paragraph", "Before %F after.\n"),
        ("start of line", "%F is first.\n"),
        ("heading", "## Title %F\n"),
        ("emphasis", "Some *emphasis %F* here.\n"),
        ("link text", "A [link %F](https://example.com) here.\n"),
        ("list item", "- item %F\n- next\n"),
        ("block quote", "> quoted %F text\n"),
        ("CRLF", "Line one\r\nthen %F\r\nend\r\n"),
        ("no final newline", "Ends with %F"),
    ]

    @Test(arguments: seedFormulas + edgeFormulas)
    func formulaSurvives(_ formula: String) throws {
        for (name, template) in Self.contexts {
            // Multi-line display math only makes sense where lines can continue.
            if formula.contains("\n") && (name == "heading" || name == "CRLF") { continue }
            var text = template.replacingOccurrences(of: "%F", with: formula)
            if name == "block quote" { text = text.replacingOccurrences(of: "\n", with: "\n> ").dropLast(2) + "\n" }
            let bytes = Array(text.utf8)
            #expect(markdownOutput(bytes) == bytes, "Markdown not byte-identical in \(name) for \(formula)")
            let doc = parse(text)
            #expect(doc.math.count == 1, "\(name): expected one math span in \(text.debugDescription), found \(doc.math.count)")
            let html = htmlBody(text)
            var expected = Self.pandocForm(formula)
            if name == "block quote" {
                // Continuation lines of a quote lose their "> " marker inside the TeX.
                expected = Self.pandocForm(formula)
            }
            #expect(html.contains(expected), "\(name): \(expected) not in \(html)")
        }
    }

    @Test func dollarAmountsAreNotMath() {
        let text = "It costs $5 and $10, or $ x$ and a\\$b.\n"
        #expect(parse(text).math.isEmpty)
        #expect(htmlBody(text) == "<p>It costs $5 and $10, or $ x$ and a$b.</p>\n")
    }

    @Test func closingDollarFollowedByDigitIsNotMath() {
        #expect(parse("$x$5 and more\n").math.isEmpty)
        #expect(parse("$x$ 5\n").math.count == 1)
    }

    @Test func spaceBeforeClosingDollarIsNotMath() {
        #expect(parse("$x $ and\n").math.isEmpty)
    }

    @Test func mathInsideCodeIsCode() {
        let text = "Code `$x_1*y$` and `\\(a\\)`.\n\n```\n$$a*b*c$$ and $x$\n```\n\n    indented $y_1*z$\n"
        #expect(parse(text).math.isEmpty)
        let html = htmlBody(text)
        #expect(html.contains("<code>$x_1*y$</code>"))
        #expect(html.contains("<code>\\(a\\)</code>"))
        #expect(html.contains("<pre><code>$$a*b*c$$ and $x$\n</code></pre>"))
        #expect(html.contains("<pre><code>indented $y_1*z$\n</code></pre>"))
        #expect(markdownOutput(Array(text.utf8)) == Array(text.utf8))
    }

    @Test func mathCanContainBackticks() {
        let text = "A $a`b$ and `c` here.\n"
        let doc = parse(text)
        #expect(doc.math.map(\.tex) == ["a`b"])
        #expect(htmlBody(text) == "<p>A <span class=\"math inline\">\\(a`b\\)</span> and <code>c</code> here.</p>\n")
    }

    @Test func displayMathAcrossLinesButNotBlankLines() {
        let text = "$$\na\n\nb\n$$\n"
        let doc = parse(text)
        #expect(doc.math.isEmpty)
        #expect(doc.diagnostics.contains { $0.message.contains("unterminated math") && $0.location == SourceLocation(line: 1, column: 1) })
    }

    @Test func mathInBlockQuoteDropsMarkersFromTeX() {
        let text = "> $$\n> a = b\n> $$\n"
        let doc = parse(text)
        #expect(doc.math.map(\.tex) == ["\na = b\n"])
        #expect(markdownOutput(Array(text.utf8)) == Array(text.utf8))
        #expect(htmlBody(text) == "<blockquote>\n<p><span class=\"math display\">\\[\na = b\n\\]</span></p>\n</blockquote>\n")
    }

    @Test func exactHTMLOfInlineAndDisplay() {
        #expect(htmlBody("Let $a<b$ and $$c \\& d$$.\n")
            == "<p>Let <span class=\"math inline\">\\(a&lt;b\\)</span> and <span class=\"math display\">\\[c \\&amp; d\\]</span>.</p>\n")
    }

    @Test func environmentsAreDisplayMath() {
        let text = "\\begin{align*}\na &= 1\n\\end{align*}\n"
        #expect(htmlBody(text) == "<p><span class=\"math display\">\\begin{align*}\na &amp;= 1\n\\end{align*}</span></p>\n")
    }

    @Test func unknownEnvironmentIsNotMath() {
        #expect(parse("\\begin{itemize} x \\end{itemize}\n").math.isEmpty)
    }

    @Test func unterminatedEnvironmentIsReported() {
        let doc = parse("Text\n\\begin{equation}\nx = 1\n\nmore\n")
        #expect(doc.math.isEmpty)
        let d = doc.diagnostics.first { $0.message.contains("\\begin{equation}") }
        #expect(d?.location == SourceLocation(line: 2, column: 1))
        #expect(d?.details.last?.contains("\\end{equation}") == true)
    }

    @Test func placeholderLikeTextInSourceIsKept() {
        // Private-use characters in the source must not be mistaken for placeholders.
        let text = "A \u{E000}m0\u{E001} and $x$.\n"
        let bytes = Array(text.utf8)
        #expect(markdownOutput(bytes) == bytes)
        #expect(htmlBody(text).contains("\u{E000}m0\u{E001}"))
        #expect(htmlBody(text).contains("\\(x\\)"))
    }

    /// Issue 18 item 5: after a nested list and a blank line, a line indented to the
    /// outer item's content is a paragraph of the outer item (as in cmark), not code.
    @Test func paragraphAfterNestedListContinuesOuterItem() {
        let text = "-   a\n    -   b\n\n    $j$\n"
        #expect(parse(text).math.map(\.tex) == ["j"])
        #expect(htmlBody(text) == "<ul>\n<li>\n<p>a</p>\n<ul>\n<li>b</li>\n</ul>\n<p><span class=\"math inline\">\\(j\\)</span></p>\n</li>\n</ul>\n")
        // Deeper: a line at the inner item's content continues the inner item; at 8
        // spaces past the outer content it is code inside the outer item.
        #expect(parse("- a\n  - b\n\n    $k$\n").math.map(\.tex) == ["k"])
        #expect(parse("- a\n\n        $c$\n").math.isEmpty)
        #expect(parse("1.  a\n    * b\n\n    $x$ and\n    $y$\n").math.map(\.tex) == ["x", "y"])
    }

    /// Issue 18 item 5: a line that starts like a list item which cannot interrupt a
    /// paragraph (ordered not starting at 1, an empty item) continues the paragraph, so
    /// the formula across it stays one.
    @Test func listMarkersThatCannotInterruptAParagraphContinueTheFormula() {
        for line in ["2. z", "0) + a", "*", "+", "10. b"] {
            // cmark: one paragraph `<p>Let $x +\n2. z\n= y$ hold.</p>`.
            let text = "Let $x +\n\(line)\n= y$ hold.\n"
            #expect(parse(text).math.map(\.tex) == ["x +\n\(line)\n= y"], "\(line.debugDescription)")
            #expect(htmlBody(text).hasPrefix("<p>Let <span class=\"math inline\">"), "\(line.debugDescription)")
        }
        // Inside a list item too; but a new item of the outer list still starts one.
        #expect(parse("- a $x\n  2. y$\n").math.map(\.tex) == ["x\n  2. y"])
        #expect(parse("- a $x\n2. y$\n").math.isEmpty)
        // Items that may interrupt a paragraph still do.
        #expect(parse("a $x\n1. y$\n").math.isEmpty)
        #expect(parse("a $x\n- y$\n").math.isEmpty)
    }

    /// Issue 18 item 5: `$$` display math holding a setext underline of `=` or of `-` is
    /// display math either way.
    @Test func displayMathOverSetextUnderlines() {
        for underline in ["=", "-", "==", "--"] {
            let text = "$$\na\n\(underline)\n$$\n"
            #expect(parse(text).math.map(\.tex) == ["\na\n\(underline)\n"], "\(underline)")
            #expect(htmlBody(text) == "<p><span class=\"math display\">\\[\na\n\(underline)\n\\]</span></p>\n", "\(underline)")
        }
    }
}
