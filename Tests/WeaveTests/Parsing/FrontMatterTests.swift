import Testing
@testable import Weave

struct FrontMatterTests {
    @Test func titleDateAuthorAndBody() {
        let doc = parse("---\ntitle: \"Linear attention\"\ndate: 2021-08-09\nauthor: [Su, Weave]\nexecute:\n  timeout: 60\n---\n# Heading\n")
        #expect(doc.frontMatter.title == "Linear attention")
        #expect(doc.frontMatter.date == "2021-08-09")
        #expect(doc.frontMatter.author == "Su, Weave")
        #expect(doc.frontMatter["execute.timeout"] == "60")
        #expect(doc.frontMatter.keys.map(\.key) == ["title", "date", "author", "execute"])
        #expect(doc.frontMatter.keys.first?.location == SourceLocation(line: 2, column: 1))
        #expect(doc.title == "Linear attention")
        #expect(htmlBody("---\ntitle: x\n---\n# Heading\n", compatible: true) == "<h1>Heading</h1>\n")
    }

    @Test func titleFallsBackToFirstHeadingThenFileName() {
        #expect(parse("Intro\n\n## The *real* title\n").title == "The real title")
        #expect(DocumentParser.parse(path: "notes/my-post.md", text: "no heading\n").title == "my-post")
    }

    @Test func invalidYAMLIsAnErrorWithTheArticleLine() {
        let doc = parse("---\ntitle: ok\nbad: [unclosed\n---\nBody\n")
        let d = doc.diagnostics.first { $0.isError }
        #expect(d?.message.hasPrefix("invalid YAML in front matter") == true)
        #expect((d?.location?.line ?? 0) >= 3)
        #expect(htmlBody("---\ntitle: ok\nbad: [unclosed\n---\nBody\n", compatible: true) == "<p>Body</p>\n")
    }

    @Test func dashesThatAreNotYAMLAreMarkdown() {
        // CommonMark spec example 96: a setext heading and rules, not front matter.
        #expect(parse("---\nFoo\n---\nBar\n---\nBaz\n").frontMatter.range == nil)
        #expect(parse("---\n---\n").diagnostics.isEmpty)
    }

    @Test func unclosedFrontMatterIsAWarning() {
        let doc = parse("---\ntitle: x\n\nBody\n")
        #expect(doc.diagnostics.first?.headline == "t.md:1:1: warning: front matter is not closed: the first line is '---' but no later line is '---' or '...'")
    }

    @Test func markdownOutputKeepsFrontMatter() {
        let text = "---\r\ntitle: x\r\n---\r\nBody $x$\r\n"
        #expect(markdownOutput(Array(text.utf8)) == Array(text.utf8))
    }
}
