import Foundation
import Testing

/// The line `weave render` prints at the end when standard error is not a terminal
/// (the tests read it through a pipe).
@Suite(.serialized)
struct RenderSummaryTests {
    @Test func summaryWithoutExecution() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("notes/a.md", "# A\n")
        try t.write("notes/b.md", "# B\n")
        let r = try CLI.run(["render", "notes", "--no-execute", "--out", "o"], cwd: t.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.hasSuffix("weave render: rendered 2 articles (0 cached, 0 failed); 0 of 0 claims hold\n"), "\(r.stderr)")
    }

    @Test func summaryCountsCachedAndFailedArticlesAndClaims() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("a.md", "```{swift}\nlet x = 2\nclaim(x == 2, \"two\")\n```\n\nx is `{swift} x ≈ 2`.\n")
        try t.write("b.md", "```{swift}\nclaim(1 > 2, \"false\")\n```\n")
        let first = try CLI.run(["render", "a.md", "b.md", "--out", "o"], cwd: t.path)
        #expect(first.status == 1)
        #expect(first.stderr.hasSuffix("weave render: rendered 2 articles (0 cached, 1 failed); 2 of 3 claims hold\n"), "\(first.stderr)")
        let second = try CLI.run(["render", "a.md", "--out", "o"], cwd: t.path)
        #expect(second.status == 0)
        #expect(second.stderr == "weave render: rendered 1 article (1 cached, 0 failed); 2 of 2 claims hold\n", "\(second.stderr)")
    }
}
