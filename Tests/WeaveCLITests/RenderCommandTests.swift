import Foundation
import Testing

/// `weave render` end to end: outputs, exit codes 0/1/2, `--check`, messages that
/// name the file.
struct RenderCommandTests {
    @Test func rendersADirectoryToHTMLAndMarkdown() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("notes/a.md", "---\ntitle: A\n---\nHello $x^2$.\n")
        try t.write("notes/sub/b.md", "# B\n\nPlain.\n")
        try t.write("notes/_drafts/c.md", "# skipped\n")
        let r = try CLI.run(["render", "notes", "--out", "site"], cwd: t.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(t.read("site/a.md") == "---\ntitle: A\n---\nHello $x^2$.\n")
        #expect(t.read("site/sub/b.md") == "# B\n\nPlain.\n")
        let html = try #require(t.read("site/a.html"))
        #expect(html.contains("<title>A</title>"))
        #expect(html.contains("<span class=\"math inline\">\\(x^2\\)</span>"))
        #expect(html.contains("https://cdn.jsdelivr.net/npm/katex@0.16.4/dist/katex.min.css"))
        #expect(t.exists("site/sub/b.html"))
        #expect(!t.exists("site/_drafts"))
    }

    @Test func onlyTheRequestedFormats() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("a.md", "text\n")
        let r = try CLI.run(["render", "a.md", "--out", "o", "--to", "md"], cwd: t.path)
        #expect(r.status == 0)
        #expect(t.exists("o/a.md") && !t.exists("o/a.html"))
    }

    @Test func missingFileIsAUsageErrorThatNamesIt() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("notes/article.md", "x\n")
        let r = try CLI.run(["render", "notes/artcle.md"], cwd: t.path)
        #expect(r.status == 2)
        #expect(r.stderr.contains("error: no such file or directory: 'notes/artcle.md'"))
        #expect(r.stderr.contains("did you mean 'notes/article.md'?"))
    }

    @Test func badOptionsAreUsageErrors() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("a.md", "x\n")
        let r1 = try CLI.run(["render", "a.md", "--to", "pdf"], cwd: t.path)
        #expect(r1.status == 2)
        #expect(r1.stderr.contains("unknown format 'pdf' in --to; expected html, md or html,md"))
        let r2 = try CLI.run(["render"], cwd: t.path)
        #expect(r2.status == 2)
        let r3 = try CLI.run(["render", "a.md", "--frobnicate"], cwd: t.path)
        #expect(r3.status == 2)
    }

    @Test func checkDetectsStaleOutputsAndWritesNothing() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("a.md", "# One\n")
        #expect(try CLI.run(["render", "a.md", "--out", "o"], cwd: t.path).status == 0)
        #expect(try CLI.run(["render", "--check", "a.md", "--out", "o"], cwd: t.path).status == 0)
        try t.write("a.md", "# Two\n")
        let r = try CLI.run(["render", "--check", "a.md", "--out", "o"], cwd: t.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("o/a.html"))
        #expect(r.stderr.contains("o/a.md"))
        #expect(t.read("o/a.md") == "# One\n")
    }

    @Test func failingArticleKeepsItsEarlierOutputAndOthersAreWritten() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("n/good.md", "Good $x$\n")
        try t.write("n/bad.md", "Fine\n")
        #expect(try CLI.run(["render", "n", "--out", "o"], cwd: t.path).status == 0)
        // An error in bad.md (a duplicate label); good.md changes too.
        try t.write("n/bad.md", "```{swift}\n//| label: fig-a\n```\n\n```{swift}\n//| label: fig-a\n```\n")
        try t.write("n/good.md", "Better $y$\n")
        let r = try CLI.run(["render", "n", "--out", "o"], cwd: t.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("n/bad.md:5:1: error: duplicate label 'fig-a'"))
        #expect(t.read("o/bad.md") == "Fine\n")
        #expect(t.read("o/good.md") == "Better $y$\n")
    }

    @Test func localKatexAssetsForOfflinePages() throws {
        guard FileManager.default.fileExists(atPath: "/usr/share/javascript/katex/katex.min.js") else { return }
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("a.md", "$x$\n")
        let r = try CLI.run(["render", "a.md", "--out", "o", "--katex", "local"], cwd: t.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(t.exists("o/katex/katex.min.js") && t.exists("o/katex/katex.min.css") && t.exists("o/katex/contrib/auto-render.min.js"))
        #expect(t.exists("o/katex/fonts/KaTeX_Main-Regular.woff2"))
        #expect(t.read("o/a.html")?.contains("href=\"katex/katex.min.css\"") == true)
    }

    @Test func outputIsDeterministic() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("a.md", "---\ntitle: T\n---\n# H\n\n$$x$$ {#eq-a}\n\nSee @eq-a.\n")
        #expect(try CLI.run(["render", "a.md", "--out", "o1"], cwd: t.path).status == 0)
        #expect(try CLI.run(["render", "a.md", "--out", "o2"], cwd: t.path).status == 0)
        #expect(t.read("o1/a.html") == t.read("o2/a.html"))
        #expect(t.read("o1/a.md") == t.read("o2/a.md"))
    }
}
