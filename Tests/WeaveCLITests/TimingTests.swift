import Foundation
import Testing

/// End-to-end: the measurement API in an article, its claims on the conservative end of an
/// interval, and the report that an article which measures time ran alone (issue 16).
/// Nothing here depends on the machine's speed except a 4:1 workload ratio claimed above 1.5.
@Suite(.serialized)
struct TimingTests {
    let timed = """
    # Timed

    ```{swift}
    func chain(_ n: Int) -> UInt64 {
        var x: UInt64 = 1
        for _ in 0..<n { x = x &* 6364136223846793005 &+ 1442695040888963407 }
        return x
    }
    var sink: UInt64 = 0
    let c = compare({ sink ^= chain(40_000) }, { sink ^= chain(10_000) }, rounds: 7, minimumSeconds: 0.005)
    claim(c.ratio, above: 1.5, "4N steps take longer than N")
    claim(c.ratio, above: 1000, "impossible")
    print(c.rounds, c.a.samples.count)
    ```

    """

    @Test func timingClaimsAndExclusiveRunReport() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("a-timed.md", timed)
        try t.write("b-plain.md", "# Plain\n\n```{swift}\nprint(1 + 1)\n```\n")
        let r = try CLI.run(["check", "-v", "--jobs", "2", "--no-cache", "."], cwd: t.path)
        #expect(r.status == 1, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n").map(String.init)
        let failure = try #require(lines.first { $0.hasPrefix("./a-timed.md:12:1: error: claim failed: impossible") || $0.hasPrefix("a-timed.md:12:1: error: claim failed: impossible") }, "\(r.stderr)")
        #expect(failure.contains("% CI "), "\(failure)")
        #expect(failure.hasSuffix("expected lower end of the interval > 1000)"), "\(failure)")
        #expect(!r.stderr.contains("4N steps take longer than N"), "\(r.stderr)")
        let timedLine = try #require(lines.first { $0.contains("a-timed.md: compiled and ran") }, "\(r.stderr)")
        #expect(timedLine.contains("; ran alone: calls compare at line 10"), "\(timedLine)")
        let plainLine = try #require(lines.first { $0.contains("b-plain.md: compiled and ran") }, "\(r.stderr)")
        #expect(!plainLine.contains("ran alone"), "\(plainLine)")
        // Reports stay in document order.
        #expect(lines.firstIndex(of: timedLine)! < lines.firstIndex(of: plainLine)!)
    }

    @Test func frontMatterExclusive() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("a.md", "---\nexclusive: true\n---\n\n```{swift}\nprint(2)\n```\n")
        try t.write("b.md", "---\nexclusive: maybe\n---\n\nText.\n")
        let r = try CLI.run(["check", "-v", "--no-cache", "a.md", "b.md"], cwd: t.path)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("a.md: compiled and ran"), "\(r.stderr)")
        #expect(r.stderr.contains("; ran alone: front matter 'exclusive: true'"), "\(r.stderr)")
        #expect(r.stderr.contains("b.md:2:1: error: front matter 'exclusive' must be true or false, got 'maybe'"), "\(r.stderr)")
    }
}
