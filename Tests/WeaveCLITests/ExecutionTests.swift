import Foundation
import Testing

/// End-to-end fixtures for running articles (issue: executable blocks): shared state,
/// options, inline values, claims, article-line errors, traps, timeouts, output cap,
/// the cache, parallel runs, and what a failing article leaves on disk.
@Suite(.serialized)
struct ExecutionTests {
    @Test func sharedStateOptionsAndInlineValues() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("a.md", """
        # State

        ```{swift}
        let d = 768
        print("first")
        ```

        ```{swift}
        //| echo: false
        let h = 12
        ```

        ```{swift}
        //| eval: false
        let notRun = undefinedSymbol
        ```

        ```{swift}
        //| output: false
        print("hidden output")
        ```

        ```{swift}
        print(d / h, [1, 2], (3, "x"))
        ```

        d is `{swift} d`, d/h is `{swift} Double(d) / Double(h)`, a third is `{swift} 1.0 / 3`, flag `{swift} d > 10`.

        """)
        let r = try CLI.run(["render", "a.md", "--out", "o", "--to", "md"], cwd: t.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(t.read("o/a.md") == """
        # State

        ```swift
        let d = 768
        print("first")
        ```

        ```
        first
        ```



        ```swift
        let notRun = undefinedSymbol
        ```

        ```swift
        print("hidden output")
        ```

        ```swift
        print(d / h, [1, 2], (3, "x"))
        ```

        ```
        64 [1, 2] (3, "x")
        ```

        d is 768, d/h is 64, a third is 0.333333, flag true.

        """)
    }

    @Test func claimsPassAndFailWithExactMessages() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("x.md", """
        ```{swift}
        let h = 12, d = 64
        let crossover = 6.0 * Double(h * d) + 2.2
        claim(h * d == 768, "hd is 768")
        claim(crossover, near: 4608, tolerance: 1, "close to 4608")
        claim(1 + 1 == 3, "arithmetic")
        ```

        The crossover is `{swift} crossover ≈ 4608` and `{swift} h * d == 768`; `{swift} h == 13`; `{swift} crossover ≈ 4610.2`.

        """)
        let r = try CLI.run(["check", "x.md"], cwd: t.path)
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains("x.md:5:1: error: claim failed: close to 4608 (computed 4610.2, expected 4608.0 ±1)"))
        #expect(lines.contains("x.md:6:1: error: claim failed: arithmetic"))
        #expect(lines.contains("x.md:9:27: error: claim failed: crossover ≈ 4608 (computed 4610.2, allowed ±0.5)"))
        #expect(lines.contains("x.md:9:82: error: claim failed: h == 13 (computed 12)"))
        #expect(!r.stderr.contains("4610.2 (computed"))
        #expect(lines.last == "weave check: 1 article, 7 claims: 3 hold, 4 failed; 1 article failed")

        let j = try CLI.run(["check", "x.md", "--format", "json"], cwd: t.path)
        #expect(j.status == 1)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        let articles = try #require(obj["articles"] as? [[String: Any]])
        let claims = try #require(articles.first?["claims"] as? [[String: Any]])
        #expect(claims.count == 7)
        let prose = try #require(claims.first { ($0["expression"] as? String) == "crossover" && ($0["expected"] as? String) == "4608" })
        #expect(prose["file"] as? String == "x.md")
        #expect(prose["line"] as? Int == 9)
        #expect(prose["actual"] as? String == "4610.2")
        #expect(prose["tolerance"] as? String == "±0.5")
        #expect(prose["status"] as? String == "failed")
        let ok = try #require(claims.first { ($0["expected"] as? String) == "4610.2" })
        #expect(ok["status"] as? String == "passed")

        let g = try CLI.run(["check", "x.md", "--format", "github"], cwd: t.path)
        #expect(g.stdout.contains("::error file=x.md,line=9,col=27,title=weave check::claim failed: crossover ≈ 4608 (computed 4610.2, allowed ±0.5)"))
    }

    @Test func compileErrorPointsAtTheArticleAndEarlierBlocksKeepOutputs() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("c.md", "# C\n\n```{swift}\nlet xs = [1, 2, 3]\nprint(\"ok\")\n```\n\nCount `{swift} xs.count`.\n\n> ```{swift}\n> let bad: String = xs.count\n> ```\n\nLater `{swift} xs[0]`.\n")
        let r = try CLI.run(["render", "c.md", "--out", "o"], cwd: t.path)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("c.md:11:24: error: cannot convert value of type 'Int' to specified type 'String'"))
        let html = try #require(t.read("o/c.html"))
        #expect(html.contains("<pre class=\"cell-output\"><code>ok\n</code></pre>"))
        #expect(html.contains("Count <span class=\"inline-value\">3</span>."))
        #expect(html.contains("<pre class=\"cell-error\"><code>c.md:11:24: error: cannot convert"))
        #expect(html.contains("<meta name=\"weave-status\" content=\"failed\">"))
    }

    @Test func inlineExpressionErrorsPointAtTheirColumn() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("i.md", "Two `{swift} 1 + 1` and `{swift} undefinedName + 1`.\n")
        let r = try CLI.run(["check", "i.md"], cwd: t.path)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("i.md:1:34: error: cannot find 'undefinedName' in scope"))
        // The quote is the article's sentence, not Weave's generated line.
        #expect(r.stderr.contains("Two `{swift} 1 + 1` and `{swift} undefinedName + 1`."))
    }

    @Test func exactProseClaimsTakeFractionsAndLocateTheirRightSide() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        // 1/6 is read as a Rational where the left side is one (exact comparison).
        try t.write("q.md", "```{swift}\nlet b = Exact.bernoulli(2)\nlet n = 3\n```\n\nB₂ is `{swift} b == 1/6`, not `{swift} b == 1/7`.\n")
        let r = try CLI.run(["check", "q.md"], cwd: t.path)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("q.md:6:40: error: claim failed: b == 1/7 (computed 1/6)"), "\(r.stderr)")
        #expect(r.stderr.contains("2 claims: 1 hold, 1 failed"))
        // A type error on the right side is reported at the right side's column.
        try t.write("e.md", "```{swift}\nlet n = 3\n```\n\nWe have `{swift} n == 3` and `{swift} n == \"three\"`.\n")
        let e = try CLI.run(["check", "e.md"], cwd: t.path)
        #expect(e.status == 1)
        #expect(e.stderr.hasPrefix("e.md:5:44: error: cannot convert value of type 'String'"), "\(e.stderr)")
        #expect(e.stderr.contains("We have `{swift} n == 3` and `{swift} n == \"three\"`."))
    }

    @Test func runtimeTrapsReportTheArticleLineAndPartialOutput() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("d.md", "```{swift}\nlet xs = [1, 2, 3]\nprint(\"before\")\nlet i = 5\nprint(xs[i])\n```\n\n```{swift}\nprint(\"not run\")\n```\n")
        try t.write("n.md", "```{swift}\nlet v: Int? = nil\nprint(v!)\n```\n")
        try t.write("f.md", "```{swift}\nfatalError(\"boom\")\n```\n")
        let r = try CLI.run(["check", "d.md"], cwd: t.path)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("d.md:5:9: error: runtime error: Index out of range\n    output of the block before the error:\n      | before\n"))
        let n = try CLI.run(["check", "n.md"], cwd: t.path)
        #expect(n.stderr.hasPrefix("n.md:3:8: error: runtime error: Unexpectedly found nil while unwrapping an Optional value"))
        let f = try CLI.run(["check", "f.md"], cwd: t.path)
        #expect(f.stderr.hasPrefix("f.md:2:1: error: runtime error: boom"))
        let rr = try CLI.run(["render", "d.md", "--out", "o", "--to", "md"], cwd: t.path)
        #expect(rr.status == 1)
        let md = try #require(t.read("o/d.md"))
        #expect(md.contains("```\nbefore\n```"))
        #expect(md.contains("d.md:5:9: error: runtime error: Index out of range"))
        #expect(md.contains("*Not run: an earlier block or expression failed.*"))
    }

    @Test func timeoutStopsTheWholeProcessGroup() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        // The block starts a child process that would outlive the article; the group kill stops it.
        try t.write("loop.md", "```{swift}\nimport Glibc\nprint(\"looping\")\nsystem(\"sleep 120 &\")\nwhile true { }\n```\n")
        try t.write("block.md", "```{swift}\n//| timeout: 1\nwhile true { }\n```\n")
        let start = Date()
        let r = try CLI.run(["check", "loop.md", "--timeout", "2"], cwd: t.path)
        #expect(Date().timeIntervalSince(start) < 60)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("loop.md:2:1: error: timed out after 2 s; the article's program was stopped"))
        #expect(r.stderr.contains("      | looping"))
        let b = try CLI.run(["check", "block.md"], cwd: t.path)
        #expect(b.stderr.hasPrefix("block.md:3:1: error: block timed out after 1 s (its '//| timeout:' option)"))
    }

    @Test func outputBeyondTheCapIsCut() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("big.md", "```{swift}\nlet line = String(repeating: \"x\", count: 999)\nfor _ in 0..<20_000 { print(line) }\n```\n")
        let r = try CLI.run(["check", "big.md"], cwd: t.path)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("big.md:2:1: error: output exceeded the cap of 10 MB; the program was stopped and its output cut"))
    }

    @Test func cacheHitsAndInvalidation() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("a.md", "```{swift}\nlet x = 41\nprint(x + 1)\n```\n\nValue `{swift} x`.\n")
        let first = try CLI.run(["render", "a.md", "--out", "o", "-v"], cwd: t.path)
        #expect(first.stderr.contains("a.md: compiled and ran in"))
        #expect(first.stderr.contains("(stale: not run before)"))
        let second = try CLI.run(["render", "a.md", "--out", "o", "-v"], cwd: t.path)
        #expect(second.stderr.contains("a.md: cached; written"))
        // One character changed in the block.
        try t.write("a.md", "```{swift}\nlet x = 42\nprint(x + 1)\n```\n\nValue `{swift} x`.\n")
        let third = try CLI.run(["render", "a.md", "--out", "o", "-v"], cwd: t.path)
        #expect(third.stderr.contains("(stale: changed: block 1 at line 1)"))
        #expect(t.read("o/a.md")?.contains("Value 42.") == true)
        // --no-cache forces a run.
        let forced = try CLI.run(["render", "a.md", "--out", "o", "-v", "--no-cache"], cwd: t.path)
        #expect(forced.stderr.contains("(stale: --no-cache)"))
        // A rebuilt Compute/WeaveRuntime (a different library) invalidates the cache.
        let kit = FileManager.default.temporaryDirectory.appendingPathComponent("weave-kit-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: kit) }
        let bin = URL(fileURLWithPath: CLI.weave).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: kit, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: bin + "/libWeaveArticle.so", toPath: kit + "/libWeaveArticle.so")
        try FileManager.default.copyItem(atPath: bin + "/Modules", toPath: kit + "/Modules")
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: kit + "/libWeaveArticle.so"))
        h.seekToEndOfFile()
        h.write(Data([0]))  // trailing bytes do not change what the ELF loader maps
        try h.close()
        let rebuilt = try CLI.run(["render", "a.md", "--out", "o", "-v", "--kit", kit], cwd: t.path)
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        #expect(rebuilt.stderr.contains("(stale: Compute or WeaveRuntime was rebuilt)"))
    }

    @Test func corruptedCacheEntryIsDetectedAndRecomputed() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("a.md", "```{swift}\nprint(7)\n```\n")
        #expect(try CLI.run(["render", "a.md", "--out", "o"], cwd: t.path).status == 0)
        let results = t.path + "/.weave-cache/results"
        let entries = FileManager.default.enumerator(atPath: results)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") } ?? []
        #expect(entries.count == 1)
        let path = results + "/" + entries[0]
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "payload\":\"", with: "payload\":\"AAAA")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try CLI.run(["render", "a.md", "--out", "o", "-v"], cwd: t.path)
        #expect(r.status == 0)
        #expect(r.stderr.contains("the cache entry was corrupt"))
        #expect(t.read("o/a.md") == "```swift\nprint(7)\n```\n\n```\n7\n```\n")
    }

    @Test func jobsDoNotChangeTheBytes() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        for k in 0..<4 {
            try t.write("n/a\(k).md", "# A\(k)\n\n```{swift}\nvar s = 0\nfor i in 0..<\(1000 * (k + 1)) { s += i }\nprint(s)\n```\n\nSum `{swift} s`, $x_\(k)$.\n")
        }
        #expect(try CLI.run(["render", "n", "--out", "o1", "--jobs", "1", "--no-cache"], cwd: t.path).status == 0)
        // Each run records its articles' times; the next run starts the slowest first
        // (here a3, then a2 …) but still reports in document order.
        let durations = t.read(".weave-cache/durations.tsv") ?? ""
        #expect((0..<4).allSatisfy { k in durations.contains("\tn/a\(k).md\n") })
        try t.write(".weave-cache/durations.tsv", "0.1\tn/a0.md\n0.2\tn/a1.md\n0.3\tn/a2.md\n0.4\tn/a3.md\n")
        let r4 = try CLI.run(["render", "n", "--out", "o4", "--jobs", "4", "--no-cache", "-v"], cwd: t.path)
        #expect(r4.status == 0)
        let positions = (0..<4).compactMap { k in r4.stderr.range(of: "n/a\(k).md: compiled and ran")?.lowerBound }
        #expect(positions.count == 4 && positions == positions.sorted())
        for k in 0..<4 {
            #expect(t.read("o1/a\(k).html") == t.read("o4/a\(k).html"))
            #expect(t.read("o1/a\(k).md") == t.read("o4/a\(k).md"))
        }
    }

    @Test func aFailingArticleKeepsItsGoodOutputAndOthersGoOn() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("n/good.md", "```{swift}\nprint(1)\n```\n")
        try t.write("n/bad.md", "```{swift}\nprint(2)\n```\n")
        #expect(try CLI.run(["render", "n", "--out", "o"], cwd: t.path).status == 0)
        let goodBefore = t.read("o/bad.html")
        try t.write("n/bad.md", "```{swift}\nprint(undefined)\n```\n")
        try t.write("n/good.md", "```{swift}\nprint(3)\n```\n")
        let r = try CLI.run(["render", "n", "--out", "o", "-v"], cwd: t.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("n/bad.md: compiled and ran"))
        #expect(r.stderr.contains("not written (earlier output kept)"))
        #expect(t.read("o/bad.html") == goodBefore)
        #expect(t.read("o/bad.md") == "```swift\nprint(2)\n```\n\n```\n2\n```\n")
        #expect(t.read("o/good.md") == "```swift\nprint(3)\n```\n\n```\n3\n```\n")
    }
}
