import Testing
@testable import Weave

/// Inputs on which the fuzzer (Fuzz/run.sh) or the review of bounded parse time found a
/// bug. Every one must now satisfy all of `RenderInvariants` (Fuzz/README.md), and each
/// fix has its own test of the behaviour it restored.
struct FuzzRegressionTests {
    /// The minimised failing inputs, oldest first (Fuzz/make_corpus.py adds them to the
    /// seed corpus, so keep them string literals).
    static let inputs: [String] = [
        // 1. A numeric character reference to the placeholder marker forged a placeholder
        //    in a link destination / an info string: `$x$` came back twice.
        "$x$ [a](&#xE000;0&#xE001;)\n",
        "$x$\n\n```&#xE000;0&#xE001;\ncode\n```\n",
        "$x$ [a](&#x0000E000;0&#57345;)\n",
        // 2. `~` in a link destination was percent-encoded; cmark keeps it.
        "[a](https://example.com/~user)\n",
        // 3. Math inside an autolink: the placeholder went into both its destination and
        //    its text (math restored twice); math crossing its '>' broke the autolink.
        "<ht:$=$>\n",
        "See <https://example.com/q?$filter=a$b> and <$x$@example.com>.\n",
        "<ht:$a>$ and <ht:@fig-x> @fig-x\n",
        //    A NUL in an autolink (cmark reads it as U+FFFD, which autolinks allow).
        "<hp:$\u{0}$>\n",
        // 4. Protection made an autolink the source does not have: `<tt:$<$>` is text and
        //    math, but with the math hidden cmark read `<tt:PLACEHOLDER>` as an autolink.
        "<tt:$<$>\n",
        "<https://example.com/?q=$a b$> and <tt:$a\nb$> and <tt:`{swift} x`>\n",
        // 5. Protection hid the white space of a span, so cmark read constructs the source
        //    does not have: `[1]: $E = mc^2$` as a link reference definition (the
        //    paragraph vanished), `[a](u/$x y$)` as a link, `<a title=$x y$>` as HTML.
        "[1]: $E = mc^2$\n",
        "[a](https://example.com/$x y$) and <a title=$x y$> and [b](`{swift} n`)\n",
        // 6. An empty link title: cmark writes `title=""`, Weave wrote none.
        "[](/ \"\")\n",
        "[a](/u \"\") ![b](/v '') [c] [d]\n\n[c]: /w \"\"\n[d]: /x\n",
        // 7. Not a bug of Weave: cmark 0.30.2 keeps a next-line title of a definition that
        //    is paragraph text (the invariant no longer counts titles).
        "[f]:\u{FFFD}\n\"$b$\"[f]\n",
    ]

    @Test(arguments: inputs)
    func invariantsHold(_ input: String) {
        let violations = RenderInvariants.check(Array(input.utf8))
        #expect(violations.isEmpty, "\(input.debugDescription): \(violations)")
    }

    // MARK: 1. Forged placeholders

    @Test func characterReferencesToTheMarkerStayText() {
        #expect(htmlBody("$x$ [a](&#xE000;0&#xE001;)\n")
            == "<p><span class=\"math inline\">\\(x\\)</span> <a href=\"%EE%80%800%EE%80%81\">a</a></p>\n")
        #expect(htmlBody("$x$\n\n```&#xE000;0&#xE001;\ncode\n```\n")
            == "<p><span class=\"math inline\">\\(x\\)</span></p>\n<pre><code class=\"language-\u{E000}0\u{E001}\">code\n</code></pre>\n")
    }

    @Test func markerAvoidsEveryPrivateUseScalarOfTheSource() {
        // The first 32 marker pairs of the old scheme all used: the marker moves on.
        var text = ""
        for k in 0..<64 { text.unicodeScalars.append(Unicode.Scalar(0xE000 + UInt32(k))!) }
        text += " and &#xE040; &#57409; then \u{E000}0\u{E001} and $x$.\n"
        let marker = SourceScanner.chooseMarker(Array(text.utf8))
        #expect(marker.start == Array("\u{E042}".utf8) && marker.end == Array("\u{E043}".utf8))
        #expect(RenderInvariants.check(Array(text.utf8)).isEmpty)
        #expect(parse(text).math.count == 1)
    }

    // MARK: 2. Link destinations

    @Test func tildeInDestinationIsKept() {
        #expect(htmlBody("[a](https://example.com/~user)\n", compatible: true)
            == "<p><a href=\"https://example.com/~user\">a</a></p>\n")
    }

    // MARK: 3. Autolinks

    @Test func autolinksHoldNoMath() {
        #expect(htmlBody("<ht:$=$>\n") == "<p><a href=\"ht:$=$\">ht:$=$</a></p>\n")
        #expect(htmlBody("<$x$@example.com> $y$\n")
            == "<p><a href=\"mailto:$x$@example.com\">$x$@example.com</a> <span class=\"math inline\">\\(y\\)</span></p>\n")
        let doc = parse("<ht:$a>$ and $b$\n")
        #expect(doc.math.map(\.tex) == ["b"])
        #expect(htmlBody("<ht:$a>$ and $b$\n").hasPrefix("<p><a href=\"ht:$a\">ht:$a</a>$ and "))
        let bytes = Array("See <https://example.com/q?$filter=a$b>.\n".utf8)
        #expect(markdownOutput(bytes) == bytes)
    }

    // MARK: 4. Autolinks made by protection

    @Test func protectionMakesNoAutolink() {
        #expect(htmlBody("<tt:$<$>\n")
            == "<p>&lt;tt:<span class=\"math inline\">\\(&lt;\\)</span>&gt;</p>\n")
        #expect(htmlBody("<https://example.com/?q=$a b$>\n")
            == "<p>&lt;https://example.com/?q=<span class=\"math inline\">\\(a b\\)</span>&gt;</p>\n")
        let doc = parse("<tt:`{swift} x`>\n")
        #expect(doc.inlines.map(\.expression) == ["x"])
        #expect(htmlBody("<tt:`{swift} x`>\n") == "<p>&lt;tt:<code>{swift} x</code>&gt;</p>\n")
        // A span an autolink could hold keeps the plain placeholder (no autolink in the
        // source either, because of the space after it).
        #expect(htmlBody("<tt:$a$ b>\n") == "<p>&lt;tt:<span class=\"math inline\">\\(a\\)</span> b&gt;</p>\n")
    }

    // MARK: 5. White space in placeholders

    @Test func placeholdersKeepWhiteSpaceForCmark() {
        #expect(htmlBody("[1]: $E = mc^2$\n") == "<p>[1]: <span class=\"math inline\">\\(E = mc^2\\)</span></p>\n")
        #expect(htmlBody("[a](https://example.com/$x y$)\n")
            == "<p>[a](https://example.com/<span class=\"math inline\">\\(x y\\)</span>)</p>\n")
        #expect(htmlBody("<a title=$x y$> b\n")
            == "<p>&lt;a title=<span class=\"math inline\">\\(x y\\)</span>&gt; b</p>\n")
        // Without white space the span stays a literal part of the link, as cmark reads it.
        #expect(htmlBody("[a](https://example.com/$x$)\n") == "<p><a href=\"https://example.com/$x$\">a</a></p>\n")
        let doc = parse("[b](`{swift} n`)\n")
        #expect(doc.inlines.map(\.expression) == ["n"])
    }

    // MARK: 6. Empty titles

    @Test func emptyTitlesAreKept() {
        let text = "[a](/u \"\") ![b](/v '') [c] [d] [e](/y)\n\n[c]: /w \"\"\n[d]: /x\n"
        #expect(htmlBody(text, compatible: true) == "<p><a href=\"/u\" title=\"\">a</a> <img src=\"/v\" alt=\"b\" title=\"\" /> "
            + "<a href=\"/w\" title=\"\">c</a> <a href=\"/x\">d</a> <a href=\"/y\">e</a></p>\n")
    }

    // MARK: 7. Deep nesting

    /// Emphasis nested 50,000 deep in a heading: the heading's plain text (for its
    /// anchor and the page title) was collected recursively and overflowed the stack.
    @Test func deeplyNestedEmphasisInHeading() {
        let n = 100_000
        let text = "# " + String(repeating: "*", count: n) + "a $x$" + String(repeating: "*", count: n) + "\n"
        let doc = parse(text)
        #expect(doc.title == "a")
        let html = HTMLRenderer(document: doc).renderBodyString()
        let anchored = html.hasPrefix("<h1 id=\"a-x\">"), hasMath = html.contains("<span class=\"math inline\">\\(x\\)</span>")
        #expect(anchored && hasMath)
    }

    // MARK: 8. Bounded time
    //
    // Each input below is a few hundred KB in one paragraph. Before the fix, parsing it
    // (or listing its unknown references) was quadratic: minutes in a debug build (the
    // 50 KB versions took 5–20 s); now it is linear, well under a second. Fuzz/RESULTS.md
    // has the measurements. The tests do not time anything: a quadratic regression
    // shows as a test that does not finish.

    /// Parses and renders `text`; the Markdown must be the input when nothing is spliced.
    @discardableResult
    func parseAndRender(_ text: String) -> Document {
        let bytes = Array(text.utf8)
        let doc = DocumentParser.parse(path: "big.md", bytes: bytes)
        _ = HTMLRenderer(document: doc).renderBody()
        let md = MarkdownRenderer(document: doc, name: "big").render().markdown
        if doc.blocks.isEmpty && doc.inlines.isEmpty && doc.references.isEmpty && !doc.math.contains(where: { $0.label != nil }) {
            #expect(md == bytes)
        }
        _ = Numbering(document: doc).unknownReferences(in: doc)
        return doc
    }

    /// Unmatched backtick runs of every length 1…700: each searched the rest of the
    /// paragraph for a closer (now one search records where every run length occurs).
    @Test func unmatchedBacktickRunsOfManyLengths() {
        var text = ""
        for length in 1...700 { text += String(repeating: "`", count: length) + " a " }
        let doc = parseAndRender(text + "\n")
        #expect(doc.tree.nodes.allSatisfy { $0.kind != .code })
    }

    /// The backtick memo must keep the last run of each length: a code span that passes
    /// an earlier run of two backticks must not hide the later one.
    @Test func backtickMemoKeepsTheLastRun() {
        let text = "``` a ` b `` c ` d `` {swift} y `` and `` $x$ `` f\n"
        let doc = parse(text)
        #expect(doc.inlines.map(\.expression) == ["y"])
        #expect(doc.math.isEmpty)
        #expect(RenderInvariants.check(Array(text.utf8)).isEmpty)
    }

    /// `\(a ` repeated: each `\(` searched to the end of the paragraph.
    @Test func unclosedParenMath() {
        let doc = parseAndRender(String(repeating: "\\(a ", count: 60_000) + "\n")
        #expect(doc.math.isEmpty)
    }

    /// `\[a ` repeated: each searched to the end of the paragraph and quoted the whole
    /// 240 KB line in its warning.
    @Test func unclosedBracketMath() {
        let doc = parseAndRender(String(repeating: "\\[a ", count: 60_000) + "\n")
        #expect(doc.math.isEmpty)
        // Issue 18 item 5: 20 warnings plus one counting the other 59,980.
        #expect(doc.diagnostics.count == 21)
        #expect(doc.diagnostics[19].location == SourceLocation(line: 1, column: 19 * 4 + 1))
        #expect(doc.diagnostics.last?.location == SourceLocation(line: 1, column: 20 * 4 + 1))
        #expect(doc.diagnostics.last?.message == "59980 more unterminated math openers are not shown (the first is here)")
    }

    /// `\begin{equation}` repeated without `\end{equation}`.
    @Test func unclosedEnvironments() {
        let doc = parseAndRender(String(repeating: "\\begin{equation}x ", count: 14_000) + "\\end{align}\n")
        #expect(doc.math.isEmpty)
        #expect(doc.diagnostics.count == 21)
        #expect(doc.diagnostics.prefix(20).allSatisfy { $0.message == "unterminated math: '\\begin{equation}' has no matching '\\end{equation}' before the end of the paragraph" })
    }

    /// `$\text{` repeated: the brace search of every `\text{` ran to the end of the
    /// paragraph. Every other `$` closes the one before (the braces never do).
    @Test func manyTextCommandsInMath() {
        let doc = parseAndRender(String(repeating: "$\\text{", count: 35_000) + "\n")
        #expect(doc.math.count == 17_500)
        #expect(doc.math.allSatisfy { $0.tex == "\\text{" })
    }

    /// Nested `\text{` groups that close, then a long tail without `$`: every opener's
    /// search walked the closing braces and the tail again.
    @Test func nestedTextCommandsThenTail() {
        let k = 12_000
        let text = String(repeating: "$\\text{", count: k) + String(repeating: "}", count: k)
            + String(repeating: " tail", count: 30_000) + "\n"
        let doc = parseAndRender(text)
        #expect(doc.math.isEmpty)
    }

    /// Many empty inline expressions on one line: every error located its column by
    /// counting from the line start and quoted the whole line.
    @Test func manyInlineErrorsOnOneLine() {
        let doc = parseAndRender(String(repeating: "`{swift}` ", count: 25_000) + "\n")
        #expect(doc.diagnostics.count == 25_000)
        #expect(doc.diagnostics.last?.location == SourceLocation(line: 1, column: 1 + 24_999 * 10))
        #expect(doc.diagnostics.last?.details.first?.hasPrefix("…") == true)
    }

    /// Many references to an unknown label on one line, and many labels: each unknown
    /// reference sorted all labels, searched them for a suggestion and listed them all.
    @Test func manyUnknownReferences() {
        var text = ""
        for k in 0..<3_000 { text += "$$x$$ {#eq-l\(k)}\n\n" }
        text += String(repeating: "@fig-a ", count: 30_000) + "\n"
        let doc = parseAndRender(text)
        let unknown = Numbering(document: doc).unknownReferences(in: doc)
        #expect(unknown.count == 30_000)
        #expect(unknown.last?.details.last?.hasSuffix("… (3000 in all)") == true)
    }

    /// Many inline expressions on one line: each located its column from the line start.
    @Test func manyInlineExpressionsOnOneLine() {
        let doc = parseAndRender(String(repeating: "`{swift} x` ", count: 25_000) + "\n")
        #expect(doc.inlines.count == 25_000)
        #expect(doc.inlines.last?.location == SourceLocation(line: 1, column: 24_999 * 12 + 10))
    }

    /// One label used 15,000 times on one line: every duplicate-label error located and
    /// quoted its label from the line start.
    @Test func manyDuplicateLabelsOnOneLine() {
        let doc = parseAndRender(String(repeating: "$$x$$ {#eq-a} ", count: 15_000) + "\n")
        #expect(doc.math.count == 15_000)
        #expect(doc.diagnostics.count == 14_999)
        #expect(doc.diagnostics.last?.location == SourceLocation(line: 1, column: 14_999 * 14 + 1))
    }

    /// A quote of a location far into a long line reads only the quoted part, and says
    /// the same as the whole-line version.
    @Test func quoteOfLongLine() {
        let text = String(repeating: "é", count: 500) + "X" + String(repeating: "b", count: 500) + "\n"
        let source = SourceText(path: "q.md", string: text)
        let offset = 1000
        let loc = source.location(ofByte: offset)
        #expect(loc == SourceLocation(line: 1, column: 501))
        #expect(Diagnostic.quote(source, loc, byteOffset: offset) == Diagnostic.quote(source, loc))
        #expect(Diagnostic.quote(source, SourceLocation(line: 1, column: 1), byteOffset: 0)
            == Diagnostic.quote(source, SourceLocation(line: 1, column: 1)))
    }
}
