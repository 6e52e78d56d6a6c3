import Testing
@testable import Weave

/// `weave audit`'s rules on a corpus: one Markdown string per rule, with the exact
/// findings (`line:column text`, unmarked only) it must give.
struct AuditTests {
    /// Unmarked findings of `text` as `line:col text`.
    func found(_ text: String) -> [String] {
        Auditor.unmarked(DocumentParser.parse(path: "t.md", text: text)).map { "\($0.location.line):\($0.location.column) \($0.text)" }
    }

    func kinds(_ text: String) -> [String] {
        Auditor.unmarked(DocumentParser.parse(path: "t.md", text: text)).map { "\($0.text) \($0.kind.rawValue)" }
    }

    @Test func numbersInProseAreFound() {
        #expect(found("The error is 2.93, about 4 608 steps or 1,024 and 2.41e-3 (or 45 %).\n")
            == ["1:14 2.93", "1:26 4 608", "1:41 1,024", "1:51 2.41e-3", "1:63 45"])
    }

    @Test func columnsCountCharactersNotBytes() {
        #expect(found("θ ≈ 0.5 — 两个 3\n") == ["1:5 0.5", "1:14 3"])
    }

    @Test func mathIsNotScanned() {
        #expect(found("Mass $m = 2.5$ and $$x = 3$$ then \\begin{equation}y = 4\\end{equation} so 7.\n") == ["1:74 7"])
        #expect(found("$$\nE = 10^{-3}\n$$\n\nafter 6\n") == ["5:7 6"])
    }

    @Test func codeSpansAndCodeBlocksAreNotScanned() {
        #expect(found("Use `x = 3` or ``y = `4` `` then 5.\n\n```\nlet y = 9\n```\n\n    indented 8\n\n```swift\nlet z = 1\n```\n")
            == ["1:34 5"])
    }

    @Test func linksURLsAndHTMLAreNotScanned() {
        let text = """
        [see 3](https://x.org/2.93 "t 9") <https://a.b/4> <span data-n="5">6</span> www.example.com/7 https://q.org/8 [r][x1] &#50;
        a@b7.org

        [x1]: https://ex.com/9

        <div>
        12
        </div>
        """
        #expect(found(text + "\n") == ["1:6 3", "1:68 6"])
    }

    @Test func inlineExpressionsAndClaimLiteralsAreComputed() {
        #expect(found("Here `{swift} a` and `{swift} b ≈ 4608` and `{swift} c == 16`, but 12.\n") == ["1:68 12"])
    }

    @Test func datesAndYears() {
        #expect(found("On 2021-08-09, in 2021 (Cambridge, 2000), on August 9, 9 Aug and Dec. 31, 2013/11/26; n = 2048 and 1899.\n")
            == ["1:91 2048", "1:100 1899"])
    }

    @Test func citationsAndReferences() {
        #expect(found("See @fig-x, @knuth1984, [1], [2,3], [4–6], a note[^1] and the interval [0, 2].\n\n[^1]: Text.\n")
            == ["1:73 0", "1:76 2"])
    }

    @Test func versions() {
        #expect(found("Swift 6.3, v1.2, 1.2.3, Python 3, cmark 0.30 and a ratio 0.30.\n") == ["1:58 0.30"])
    }

    @Test func labelsWithTheirNoun() {
        #expect(found("Figure 2, Section 3, eq. (4), Table 1, sections 3–5, §7, issue #16 and step 7 of 9.\n") == ["1:82 9"])
        #expect(found("See arXiv 2309.16354 and DOI 10.1145 for it.\n").isEmpty)
    }

    @Test func ordinalsIdentifiersAndUnits() {
        #expect(found("The 1st and 2nd, x2, H100, float64, GPT-4, BERT-base, 0x1F, 2D, 3-D, n_2 and 10ms.\n") == ["1:78 10"])
    }

    @Test func smallCountsAreNumbersToo() {
        #expect(found("The 8 symmetries of $y'' = 0$ and 2 cores.\n") == ["1:5 8", "1:35 2"])
    }

    @Test func headingsDropTheirSectionNumber() {
        #expect(found("## 3. Results with 12 runs {#sec-r}\n\n## 2.1 Setup\n\nText\n=====\n\n# 4 cores\n") == ["1:20 12"])
        #expect(kinds("## Results with 12 runs\n") == ["12 heading"])
    }

    @Test func listNumberingIsNotANumber() {
        #expect(found("1. first 5\n2. second\n\n> 3. quoted 6\n") == ["1:10 5", "4:13 6"])
    }

    @Test func markdownTables() {
        let text = "| n | t |\n|---|--:|\n| 512 | 1.5 |\n"
        #expect(found(text) == ["3:3 512", "3:9 1.5"])
        #expect(kinds(text) == ["512 table", "1.5 table"])
    }

    @Test func markersMakeANumberDeliberate() {
        let text = "It is 2.93<!-- typed --> and 4 <!-- typed --> but 5 <!-- other -->.\n\nWe use 13 and 14 pages. <!-- typed: 13, 400 000 -->\nAnd 400000.\n"
        #expect(found(text) == ["1:51 5", "3:15 14"])
        let all = Auditor.audit(DocumentParser.parse(path: "t.md", text: text))
        #expect(all.filter(\.marked).map(\.text) == ["2.93", "4", "13", "400000"])
    }

    @Test func captionsAndPlotLabels() {
        let text = #"""
        ```{swift}
        //| label: fig-err
        //| caption: Error for m = 64 and 0.996/n
        //| typed: 64
        var p = Plot(title: "Slope 1.46", xLabel: "n (\(k + 2) runs)", yLabel: "t 3")
        p.line(xs, ys, label: "fit 2.5") // label: "no 4"
        let z = 17
        p.text("at 9", x: 1, y: 2)
        p.title = "final 8"
        print("not a label 5", "\u{2248}")
        let s = """
        title: "7"
        """
        ```
        """#
        let doc = DocumentParser.parse(path: "t.md", text: text + "\n")
        #expect(doc.diagnostics.isEmpty, "\(doc.diagnostics)")
        #expect(found(text + "\n") == ["3:35 0.996", "5:28 1.46", "5:75 3", "6:28 2.5", "8:12 9", "9:18 8"])
        #expect(kinds(text + "\n").prefix(2) == ["0.996 caption", "1.46 plot-label"])
    }

    @Test func labelsInsideABlockQuoteKeepTheirColumns() {
        #expect(found("> ```{swift}\n> let p = Plot(title: \"at 12\")\n> ```\n") == ["2:27 12"])
    }

    @Test func frontMatterTitleAndDescription() {
        let text = "---\ntitle: Eight 8 things\ndescription: >\n  about 3.5 and\n  4 more\ndate: 2021-01-02\nauthor: A 5\ntyped: [4]\n---\nBody 6\n"
        #expect(found(text) == ["2:14 8", "4:9 3.5", "10:6 6"])
        #expect(kinds(text) == ["8 front-matter", "3.5 front-matter", "6 prose"])
    }

    @Test func findingsPrintAsWarningsAndJSON() {
        let f = Auditor.unmarked(DocumentParser.parse(path: "dir/a.md", text: "x\n\nIt is \"2.93\"\there.\n"))
        #expect(f.map(\.description) == ["dir/a.md:3:8: warning: typed number '2.93' (not computed)"])
        #expect(AuditFinding.json(f) == """
        [
          {"path": "dir/a.md", "line": 3, "column": 8, "text": "2.93", "context": "It is \\"2.93\\"\\there.", "kind": "prose"}
        ]
        """)
        #expect(AuditFinding.json([]) == "[]")
    }

    @Test func longLinesAreCutAroundTheNumberInTheContext() {
        let line = String(repeating: "word ", count: 40) + "7 " + String(repeating: "more ", count: 40)
        let f = Auditor.unmarked(DocumentParser.parse(path: "a.md", text: line + "\n"))
        #expect(f.count == 1)
        #expect(f[0].context.hasPrefix("…") && f[0].context.hasSuffix("…") && f[0].context.contains(" 7 "))
        #expect(f[0].context.unicodeScalars.count <= 102)
    }

    @Test func theMarkerRendersInvisibly() {
        let text = "It is 2.93<!-- typed --> here.\n\n## Run 3<!-- typed -->\n"
        #expect(htmlBody(text) == "<p>It is 2.93<!-- typed --> here.</p>\n"
            + "<h2 id=\"run-3\">Run 3<!-- typed --><a class=\"anchor\" href=\"#run-3\" aria-hidden=\"true\">#</a></h2>\n")
        #expect(markdownOutput(Array(text.utf8)) == Array(text.utf8))
        #expect(found(text).isEmpty)
    }
}
