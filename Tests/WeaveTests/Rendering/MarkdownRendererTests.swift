import Testing
@testable import Weave

struct MarkdownRendererTests {
    @Test func identityWithoutBlocksIncludingCRLFAndNoFinalNewline() {
        for text in ["# T\r\n\r\nA $x$ b\r\n\r\n```\r\ncode\r\n```", "no newline at end", "\n\n\n", "tabs\tand  spaces  \n"] {
            let bytes = Array(text.utf8)
            #expect(markdownOutput(bytes) == bytes)
        }
    }

    @Test func blocksBecomeSwiftCodeAndOutputs() {
        let text = "Intro\n\n```{swift}\n//| echo: true\nprint(1)\n```\n\nValue `{swift} x` and `{swift} x ≈ 2.0`.\n"
        let results = ArticleResults(
            blocks: [BlockResult(status: .ok, items: [.text("1\n"), .table(TableOutput(headers: ["n", "v"], alignments: [.right, .left], rows: [["1", "a|b"]]))])],
            inlines: [InlineResult(text: "2"), InlineResult()])
        let out = String(decoding: markdownOutput(Array(text.utf8), results: results), as: UTF8.self)
        #expect(out == "Intro\n\n```swift\nprint(1)\n```\n\n```\n1\n```\n\n|   n | v    |\n| ---:|:---- |\n|   1 | a\\|b |\n\nValue 2 and 2.0.\n")
    }

    @Test func blocksInsideBlockQuotesKeepTheirPrefix() {
        let text = "> ```{swift}\n> print(1)\n> ```\n"
        let results = ArticleResults(blocks: [BlockResult(status: .ok, items: [.text("1\n")])])
        let out = String(decoding: markdownOutput(Array(text.utf8), results: results), as: UTF8.self)
        #expect(out == "> ```swift\n> print(1)\n> ```\n>\n> ```\n> 1\n> ```\n")
    }

    @Test func crlfSourcesGetCRLFOutputs() {
        let text = "```{swift}\r\nprint(1)\r\n```\r\n"
        let out = String(decoding: markdownOutput(Array(text.utf8)), as: UTF8.self)
        #expect(out == "```swift\r\nprint(1)\r\n```\r\n")
    }

    @Test func figuresAreWrittenAsFilesAndReferenced() {
        let text = "```{swift}\n//| label: fig-a\n//| caption: Error vs n\nshow(p)\n```\n\nSee @fig-a.\n"
        let results = ArticleResults(blocks: [BlockResult(status: .ok, items: [.figure(FigureOutput(svg: "<svg/>"))])])
        let r = MarkdownRenderer(document: parse(text), results: results, name: "post").render()
        #expect(String(decoding: r.markdown, as: UTF8.self) == "```swift\nshow(p)\n```\n\n![Figure 1: Error vs n](post_files/fig-1.svg)\n\nSee Figure 1.\n")
        #expect(r.files.map(\.path) == ["post_files/fig-1.svg"])
    }

    @Test func echoFalseHidesCode() {
        let text = "---\necho: false\n---\n```{swift}\nprint(1)\n```\n"
        let out = String(decoding: markdownOutput(Array(text.utf8)), as: UTF8.self)
        #expect(out == "---\necho: false\n---\n\n")
    }

    @Test func equationLabelsBecomeTags() {
        let text = "$$a = b$$ {#eq-one}\n\nBy @eq-one and @eq-two.\n"
        let out = String(decoding: markdownOutput(Array(text.utf8)), as: UTF8.self)
        #expect(out == "$$a = b \\tag{1}$$\n\nBy (1) and ?@eq-two.\n")
    }
}
