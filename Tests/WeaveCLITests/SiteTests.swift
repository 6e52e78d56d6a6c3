import Foundation
import Testing

/// The site around the articles: the index page, `weave new`, sharding, `weave.yml`
/// precedence, and a cache folder shared by concurrent processes.
@Suite(.serialized)
struct SiteTests {
    @Test func indexListsEveryArticleWithStatusAndPagesLinkBack() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("n/old.md", "---\ntitle: Old post\ndate: 2020-01-01\ndescription: The first one.\n---\nText.\n")
        try t.write("n/new.md", "---\ntitle: New & shiny\ndate: 2024-05-06\n---\nFirst paragraph with $x$ math.\n\n```{swift}\nclaim(1 + 1 == 2, \"sum\")\n```\n")
        try t.write("n/bad.md", "# Broken\n\n```{swift}\nclaim(1 + 1 == 3, \"wrong\")\n```\n")
        let r = try CLI.run(["render", "n", "--out", "o"], cwd: t.path)
        #expect(r.status == 1)
        let index = try #require(t.read("o/index.html"))
        let newAt = try #require(index.range(of: "New &amp; shiny"))
        let oldAt = try #require(index.range(of: "Old post"))
        #expect(newAt.lowerBound < oldAt.lowerBound)
        #expect(index.contains("<a class=\"article-title\" href=\"new.html\">New &amp; shiny</a>"))
        #expect(index.contains("<time>2024-05-06</time> · <span class=\"status ok\">1 claim holds</span>"))
        #expect(index.contains("<p class=\"summary\">First paragraph with x math.</p>"))
        #expect(index.contains("<span class=\"status not-run\">not run</span>") == false)
        #expect(index.contains("<p class=\"summary\">The first one.</p>"))
        #expect(index.contains("<span class=\"status failed\">1 of 1 claim failed</span>"))
        #expect(t.read("o/new.html")?.contains("<a href=\"index.html\">← All articles</a>") == true)
        // Single files do not write an index.
        #expect(try CLI.run(["render", "n/old.md", "--out", "single"], cwd: t.path).status == 0)
        #expect(!t.exists("single/index.html"))
    }

    @Test func newArticleRendersAndChecksGreen() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let r = try CLI.run(["new", "posts/my-post"], cwd: t.path)
        #expect(r.status == 0)
        #expect(r.stdout.contains("created posts/my-post.md"))
        let text = try #require(t.read("posts/my-post.md"))
        #expect(text.hasPrefix("---\ntitle: \"My Post\"\ndate: "))
        #expect(text.contains("```{swift}") && text.contains("claim(") && text.contains("`{swift} total`") && text.contains("show(plot)"))
        let c = try CLI.run(["check", "posts"], cwd: t.path)
        #expect(c.status == 0, "\(c.stderr)")
        #expect(c.stderr.contains("2 claims: 2 hold, 0 failed"))
        #expect(try CLI.run(["render", "posts", "--out", "o"], cwd: t.path).status == 0)
        #expect(t.exists("o/my-post_files/fig-1.svg"))
        #expect(t.read("o/my-post.html")?.contains("<figcaption>Figure 1: The first ten squares.</figcaption>") == true)
        // Never overwrites.
        let again = try CLI.run(["new", "posts/my-post.md"], cwd: t.path)
        #expect(again.status == 2)
        #expect(again.stderr.contains("'posts/my-post.md' already exists"))
    }

    @Test func shardsCoverEveryArticleExactlyOnce() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let names = (0..<7).map { "a\($0).md" }
        for n in names { try t.write("n/\(n)", "# \(n)\n") }
        for total in [1, 2, 3, 7, 9] {
            var seen: [String] = []
            for k in 1...total {
                let r = try CLI.run(["render", "n", "--out", "o\(total)-\(k)", "--shard", "\(k)/\(total)", "--no-execute", "--to", "md"], cwd: t.path)
                #expect(r.status == 0 || (r.status == 2 && r.stderr.contains("no articles")) || total > names.count)
                let files = (try? FileManager.default.contentsOfDirectory(atPath: t.path + "/o\(total)-\(k)")) ?? []
                seen += files
            }
            #expect(seen.sorted() == names.sorted(), "N = \(total)")
        }
        let bad = try CLI.run(["check", "n", "--shard", "3/2"], cwd: t.path)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--shard must be K/N with 1 ≤ K ≤ N, e.g. 1/4; got '3/2'"))
    }

    @Test func configurationPrecedenceAndErrors() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("weave.yml", "output: public\nformats: [md]\nexecute:\n  echo: false\n")
        try t.write("a.md", "```{swift}\nprint(1)\n```\n")
        try t.write("b.md", "---\necho: true\n---\n```{swift}\nprint(2)\n```\n")
        #expect(try CLI.run(["render", "a.md", "b.md"], cwd: t.path).status == 0)
        // weave.yml: output folder, formats and echo: false …
        #expect(t.read("public/a.md") == "```\n1\n```\n")
        #expect(!t.exists("public/a.html"))
        // … overridden by the front matter …
        #expect(t.read("public/b.md")?.contains("```swift\nprint(2)\n```") == true)
        // … overridden by the command line.
        #expect(try CLI.run(["render", "a.md", "--out", "cli", "--to", "html"], cwd: t.path).status == 0)
        #expect(t.exists("cli/a.html") && !t.exists("cli/a.md"))
        // Timeout: command line over front matter over weave.yml.
        try t.write("weave.yml", "timeout: 1\n")
        try t.write("slow.md", "---\ntimeout: 30\n---\n```{swift}\nimport Glibc\nusleep(1_500_000)\nprint(\"done\")\n```\n")
        #expect(try CLI.run(["check", "slow.md"], cwd: t.path).status == 0)
        let cli = try CLI.run(["check", "slow.md", "--timeout", "0.5", "--no-cache"], cwd: t.path)
        #expect(cli.stderr.contains("timed out after 0 s") || cli.stderr.contains("timed out"))
        // Unknown keys: a warning with the line and a suggestion; bad values: errors.
        try t.write("weave.yml", "output: site\noutptu: x\nexecute:\n  ehco: true\n")
        let w = try CLI.run(["render", "a.md", "--no-execute"], cwd: t.path)
        #expect(w.status == 0)
        #expect(w.stderr.contains("weave.yml:2:1: warning: unknown key 'outptu' is ignored"))
        #expect(w.stderr.contains("did you mean 'output'?"))
        #expect(w.stderr.contains("weave.yml:4:3: warning: unknown key 'execute.ehco' is ignored"))
        #expect(w.stderr.contains("did you mean 'execute.echo'?"))
        try t.write("weave.yml", "jobs: many\n")
        let e = try CLI.run(["render", "a.md"], cwd: t.path)
        #expect(e.status == 2)
        #expect(e.stderr.contains("weave.yml:1:1: error: 'jobs' must be a positive integer"))
    }

    @Test func concurrentWritersShareOneCache() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        for k in 0..<3 { try t.write("n/a\(k).md", "```{swift}\nprint(\(k) * 7)\n```\n\nValue `{swift} \(k) + 1`.\n") }
        // Two processes at once, same cache folder, separate outputs.
        let group = DispatchGroup()
        nonisolated(unsafe) var results: [CLI.Result?] = [nil, nil]
        for i in 0..<2 {
            group.enter()
            DispatchQueue.global().async {
                results[i] = try? CLI.run(["render", "n", "--out", "o\(i)", "--cache-dir", "shared-cache"], cwd: t.path)
                group.leave()
            }
        }
        group.wait()
        #expect(results.allSatisfy { $0?.status == 0 })
        for k in 0..<3 {
            #expect(t.read("o0/a\(k).md") == t.read("o1/a\(k).md"))
            #expect(t.read("o0/a\(k).md") == "```swift\nprint(\(k) * 7)\n```\n\n```\n\(k * 7)\n```\n\nValue \(k + 1).\n")
        }
        // The cache is consistent: a third run takes everything from it.
        let third = try CLI.run(["render", "n", "--out", "o2", "--cache-dir", "shared-cache", "-v"], cwd: t.path)
        #expect(third.stderr.components(separatedBy: ": cached; written").count - 1 == 3)
        let leftovers = FileManager.default.enumerator(atPath: t.path + "/shared-cache")?.compactMap { $0 as? String }.filter { $0.contains(".tmp-") } ?? []
        #expect(leftovers.isEmpty)
    }
}
