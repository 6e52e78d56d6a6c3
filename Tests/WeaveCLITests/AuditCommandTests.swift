import Foundation
import Testing

/// `weave audit` end to end: warnings on standard output, `--strict` exit codes, JSON,
/// directories, usage errors.
struct AuditCommandTests {
    static let article = """
    ---
    title: Costs
    ---
    The crossover is at `{swift} crossover ≈ 4608`, but the ratio is 2.93.

    ```{swift}
    //| caption: Time for 64 heads
    let crossover = 4608
    ```

    We ran 12<!-- typed --> trials in 2021.

    """

    @Test func listsTypedNumbersAsWarnings() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("notes/a.md", Self.article)
        let r = try CLI.run(["audit", "notes/a.md"], cwd: t.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == """
        notes/a.md:4:66: warning: typed number '2.93' (not computed)
        notes/a.md:7:23: warning: typed number '64' (not computed)

        """)
        #expect(r.stderr == "weave audit: 2 typed numbers not computed in 1 of 1 article (1 marked as deliberate)\n")
    }

    @Test func strictFailsUntilEveryNumberIsComputedOrMarked() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("notes/a.md", Self.article)
        try t.write("notes/b.md", "# Clean\n\nNo numbers here, only `{swift} 1 + 1`.\n")
        let strict = try CLI.run(["audit", "--strict", "notes"], cwd: t.path)
        #expect(strict.status == 1)
        #expect(strict.stdout.split(separator: "\n").count == 2)
        #expect(strict.stderr.contains("2 typed numbers not computed in 1 of 2 articles"))
        #expect(try CLI.run(["audit", "--strict", "notes/b.md"], cwd: t.path).status == 0)
        // Marking the rest makes it pass.
        try t.write("notes/a.md", Self.article
            .replacingOccurrences(of: "is 2.93.", with: "is 2.93<!-- typed -->.")
            .replacingOccurrences(of: "//| caption: Time for 64 heads", with: "//| caption: Time for 64 heads\n//| typed: 64"))
        let fixed = try CLI.run(["audit", "--strict", "notes"], cwd: t.path)
        #expect(fixed.status == 0, "\(fixed.stdout)")
        #expect(fixed.stdout == "")
    }

    @Test func jsonListsFindingsForTools() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("a.md", Self.article)
        let r = try CLI.run(["audit", "a.md", "--format", "json"], cwd: t.path)
        #expect(r.status == 0)
        let parsed = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]
        let items = try #require(parsed)
        #expect(items.count == 2)
        #expect(items[0]["path"] as? String == "a.md")
        #expect(items[0]["line"] as? Int == 4 && items[0]["column"] as? Int == 66)
        #expect(items[0]["text"] as? String == "2.93")
        #expect(items[0]["kind"] as? String == "prose")
        #expect(items[0]["context"] as? String == "The crossover is at `{swift} crossover ≈ 4608`, but the ratio is 2.93.")
        #expect(items[1]["kind"] as? String == "caption")
        let strict = try CLI.run(["audit", "a.md", "--format", "json", "--strict"], cwd: t.path)
        #expect(strict.status == 1)
    }

    @Test func usageErrorsExitTwo() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let missing = try CLI.run(["audit", "nope.md"], cwd: t.path)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("nope.md"))
        #expect(try CLI.run(["audit"], cwd: t.path).status == 2)
        #expect(try CLI.run(["audit", "x.md", "--format", "xml"], cwd: t.path).status == 2)
    }
}
