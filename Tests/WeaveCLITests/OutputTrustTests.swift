import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 15, end to end, as the current user and as an unprivileged one: a failure never
/// replaces a good output file (item 6), the result cache cannot be fooled (item 8), and
/// what an article prints in messages cannot forge weave's own output (item 11).
@Suite(.serialized)
struct OutputTrustTests {
    static let good = "```{swift}\nprint(1)\n```\n"
    static let goodMarkdown = "```swift\nprint(1)\n```\n\n```\n1\n```\n"
    static let marker = "<!-- weave-status: failed -->\n"

    // MARK: - Item 6: outputs, file by file

    @Test(arguments: WeaveUser.allCases)
    func aGoodMarkdownOutputSurvivesAFailingRenderOfBothFormats(user: WeaveUser) throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("a.md", Self.good)
        let md = try user.run(["render", "a.md", "--out", "o", "--to", "md"], in: t)
        #expect(md.status == 0, "\(md.stderr)")
        #expect(t.read("o/a.md") == Self.goodMarkdown)
        #expect(!t.exists("o/a.html"))

        try t.write("a.md", "```{swift}\nprint(undefinedName)\n```\n")
        let failed = try user.run(["render", "a.md", "--out", "o", "-v"], in: t)
        #expect(failed.status == 1)
        // The Markdown file held a good render: kept. The page did not exist: written
        // with the errors shown, marked as failed.
        #expect(t.read("o/a.md") == Self.goodMarkdown)
        let page = try #require(t.read("o/a.html"))
        #expect(page.contains("<meta name=\"weave-status\" content=\"failed\">"))
        #expect(page.contains("undefinedName"))
        #expect(failed.stderr.contains("a.md: compiled and ran"))
        #expect(failed.stderr.contains("; written with its errors shown (kept good earlier a.md)"), "\(failed.stderr)")
    }

    @Test(arguments: WeaveUser.allCases)
    func aFailedMarkdownOutputShowsTheCurrentErrorsAndAGoodRenderRemovesTheMarker(user: WeaveUser) throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("a.md", "```{swift}\nprint(firstMistake)\n```\n")
        #expect(try user.run(["render", "a.md", "--out", "o", "--to", "md"], in: t).status == 1)
        let first = try #require(t.read("o/a.md"))
        #expect(first.hasPrefix(Self.marker), "\(first)")
        #expect(first.contains("firstMistake"))

        // Another failure: the stale failed file is replaced, so the errors are current.
        try t.write("a.md", "```{swift}\nprint(secondMistake)\n```\n")
        #expect(try user.run(["render", "a.md", "--out", "o", "--to", "md"], in: t).status == 1)
        let second = try #require(t.read("o/a.md"))
        #expect(second.hasPrefix(Self.marker))
        #expect(second.contains("secondMistake") && !second.contains("firstMistake"), "\(second)")

        // A good render replaces it, byte for byte without the marker.
        try t.write("a.md", Self.good)
        #expect(try user.run(["render", "a.md", "--out", "o", "--to", "md"], in: t).status == 0)
        #expect(t.read("o/a.md") == Self.goodMarkdown)
    }

    // MARK: - Item 8: the cache key and authenticated entries

    @Test(arguments: WeaveUser.allCases)
    func changingADataFileOrAPassedVariableRunsTheArticleAgain(user: WeaveUser) throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("weave.yml", "sandbox:\n  env: [MY_SETTING]\n")
        try t.write("data/values.txt", "1 2 3\n")
        try t.write("a.md", "---\ndata: data\n---\n\n```{swift}\nprint(2)\n```\n")
        let env = ["MY_SETTING": "one", "TZ": "UTC"]
        let first = try user.run(["render", "a.md", "--out", "o", "-v"], in: t, environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("a.md: compiled and ran"))
        #expect(try user.run(["render", "a.md", "--out", "o", "-v"], in: t, environment: env).stderr.contains("a.md: cached"))

        // Same size, same folder, other bytes.
        try t.write("data/values.txt", "4 5 6\n")
        let data = try user.run(["render", "a.md", "--out", "o", "-v"], in: t, environment: env)
        #expect(data.stderr.contains("(stale: a file in the data folders changed)"), "\(data.stderr)")
        #expect(try user.run(["render", "a.md", "--out", "o", "-v"], in: t, environment: env).stderr.contains("a.md: cached"))

        // A variable of weave.yml's sandbox.env, then one of the fixed allow-list.
        for changed in [["MY_SETTING": "two", "TZ": "UTC"], ["MY_SETTING": "two", "TZ": "Europe/Paris"]] {
            let r = try user.run(["render", "a.md", "--out", "o", "-v"], in: t, environment: changed)
            #expect(r.stderr.contains("(stale: the value of an environment variable passed to the program changed (one of"), "\(r.stderr)")
        }
    }

    @Test(arguments: WeaveUser.allCases)
    func theKitCountsByContentNotBySizeAndTime(user: WeaveUser) throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("a.md", Self.good)
        let bin = URL(fileURLWithPath: CLI.weave).deletingLastPathComponent().path
        let kit = t.path + "/kit"
        try FileManager.default.createDirectory(atPath: kit, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: bin + "/libWeaveArticle.so", toPath: kit + "/libWeaveArticle.so")
        try FileManager.default.copyItem(atPath: bin + "/Modules", toPath: kit + "/Modules")
        let lib = kit + "/libWeaveArticle.so"
        let args = ["render", "a.md", "--out", "o", "-v", "--kit", kit]
        #expect(try user.run(args, in: t).stderr.contains("a.md: compiled and ran"))

        // Touched, same bytes: still cached.
        usleep(20_000)
        #expect(utimensat(AT_FDCWD, lib, nil, 0) == 0)
        let touched = try user.run(args, in: t)
        #expect(touched.stderr.contains("a.md: cached"), "\(touched.stderr)")

        // One byte changed, size and modification time restored: runs again.
        var st = stat()
        #expect(stat(lib, &st) == 0)
        let h = try FileHandle(forUpdating: URL(fileURLWithPath: lib))
        try h.seek(toOffset: UInt64(st.st_size - 1))
        let last = try #require(try h.read(upToCount: 1)?.first)
        try h.seek(toOffset: UInt64(st.st_size - 1))
        try h.write(contentsOf: Data([last ^ 0xFF]))
        try h.close()
        var times = [st.st_atim, st.st_mtim]
        #expect(utimensat(AT_FDCWD, lib, &times, 0) == 0)
        let changed = try user.run(args, in: t)
        #expect(changed.stderr.contains("(stale: Compute or WeaveRuntime was rebuilt)"), "\(changed.stderr)")
    }

    @Test(arguments: WeaveUser.allCases)
    func aForgedCacheEntryIsRejectedWhenACacheKeyIsSet(user: WeaveUser) throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("a.md", "```{swift}\nclaim(1 > 2, \"one is more than two\")\n```\n")
        let keyed = ["WEAVE_CACHE_KEY": "test-key-\(UUID().uuidString)"]
        let honest = try user.run(["check", "a.md"], in: t, environment: keyed)
        #expect(honest.status == 1)
        #expect(honest.stderr.contains("claim failed: one is more than two"))

        // Forge the entry: a passing result, valid JSON, checksum recomputed (the MAC
        // cannot be, without the key).
        let results = t.path + "/.weave-cache/results"
        let entries = FileManager.default.enumerator(atPath: results)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") } ?? []
        try #require(entries.count == 1)
        let path = results + "/" + entries[0]
        var entry = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let encoded = try #require(entry["payload"] as? String)
        let payload = try #require(Data(base64Encoded: encoded))
        var result = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
        result["problems"] = [Any]()
        result["claims"] = (result["claims"] as? [[String: Any]] ?? []).map { c in
            var c = c
            c["status"] = "passed"
            return c
        }
        let forged = try JSONSerialization.data(withJSONObject: result)
        entry["payload"] = forged.base64EncodedString()
        entry["checksum"] = try Self.sha256(forged)
        try JSONSerialization.data(withJSONObject: entry).write(to: URL(fileURLWithPath: path))

        // With the key: not trusted, recomputed, still failing.
        let checked = try user.run(["check", "a.md", "-v"], in: t, environment: keyed)
        #expect(checked.status == 1, "\(checked.stderr)")
        #expect(checked.stderr.contains("(stale: the cache entry is not authenticated (its MAC does not verify with WEAVE_CACHE_KEY); recomputed, not trusted)"),
                "\(checked.stderr)")
        #expect(checked.stderr.contains("claim failed: one is more than two"))

        // The forgery itself is well-formed: without a key (README: the cache must then
        // come from trusted runs) a checksummed entry is all there is to check.
        try JSONSerialization.data(withJSONObject: entry).write(to: URL(fileURLWithPath: path))
        let unkeyed = try user.run(["check", "a.md", "-v"], in: t, environment: ["WEAVE_CACHE_KEY": ""])
        #expect(unkeyed.status == 0 && unkeyed.stderr.contains("a.md: cached"), "\(unkeyed.stderr)")
    }

    static func sha256(_ data: Data) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("weave-forge-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try data.write(to: file)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        p.arguments = [file.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return String(text.prefix(64))
    }

    // MARK: - Item 11: messages cannot forge output

    /// A block claim whose message clears the screen, returns the carriage, starts a
    /// GitHub workflow command and a new line (and a C1 CSI); an inline expression that
    /// fails with a message that sets the terminal's title.
    static let forging = """
    ```{swift}
    claim(1 > 2, "\\u{1B}[2J\\r::error file=x::forged\\n\\u{9B}31m")
    ```

    Value: `{swift} { () -> Int in fatalError("\\u{1B}]0;owned\\u{7}\\r::error file=y::forged") }()`.

    """

    @Test(arguments: WeaveUser.allCases)
    func claimMessagesAndExpressionsCannotForgeOutput(user: WeaveUser) throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("a.md", Self.forging)
        let controls = CharacterSet(charactersIn: "\u{1B}\r\u{9B}\u{7}")

        let text = try user.run(["check", "a.md"], in: t)
        #expect(text.status == 1)
        #expect(text.stderr.rangeOfCharacter(from: controls) == nil, "\(text.stderr.debugDescription)")
        #expect(text.stderr.contains("a.md:2:1: error: claim failed: \\u{1B}[2J\\u{D}::error file=x::forged\\u{A}\\u{9B}31m\n"),
                "\(text.stderr.debugDescription)")
        #expect(text.stderr.split(separator: "\n").contains { $0.hasPrefix("a.md:5:") && $0.contains(": error: ") },
                "\(text.stderr.debugDescription)")
        #expect(!text.stderr.split(separator: "\n").contains { $0.hasPrefix("::") })

        let json = try user.run(["check", "a.md", "--format", "json"], in: t)
        #expect(json.status == 1)
        #expect(json.stdout.rangeOfCharacter(from: controls) == nil, "\(json.stdout.debugDescription)")
        // Escaped, not lost: the manifest still holds the message as written.
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let claims = (manifest["articles"] as? [[String: Any]])?.first?["claims"] as? [[String: Any]] ?? []
        #expect(claims.contains { ($0["message"] as? String) == "\u{1B}[2J\r::error file=x::forged\n\u{9B}31m" })

        let github = try user.run(["check", "a.md", "--format", "github"], in: t)
        #expect(github.status == 1)
        #expect(github.stdout.rangeOfCharacter(from: controls) == nil, "\(github.stdout.debugDescription)")
        let lines = github.stdout.split(separator: "\n")
        #expect(lines.count >= 2 && lines.allSatisfy { $0.hasPrefix("::error file=a.md,line=") }, "\(github.stdout)")
        #expect(github.stdout.contains("::claim failed: [2J%0D::error file=x::forged%0A31m\n"), "\(github.stdout.debugDescription)")
    }
}
