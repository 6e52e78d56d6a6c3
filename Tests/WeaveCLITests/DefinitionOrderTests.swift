import Foundation
import Testing

/// Issue 16, item 1: reading a top-level name before the block that defines it has run is a
/// compile error at the article's line and column (never a silent zero), while functions
/// and types used before their block, shared state, per-block output, trap locations and
/// the run of the blocks before a compile error keep working. Also `claim(_:equals:)`.
@Suite(.serialized)
struct DefinitionOrderTests {
    /// Runs `weave check NAME` on `text` in a fresh folder.
    func check(_ name: String, _ text: String) throws -> CLI.Result {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write(name, text)
        return try CLI.run(["check", name], cwd: t.path)
    }

    @Test func inlineClaimBeforeTheDefiningBlockIsAnError() throws {
        let r = try check("a.md", """
        The answer is `{swift} answer == 0`.

        ```{swift}
        let answer = 42
        ```

        """)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("a.md:1:24: error: 'answer' is used before the block that defines it (line 4) has run\n"), "\(r.stderr)")
        #expect(r.stderr.contains("The answer is `{swift} answer == 0`."))
        #expect(r.stderr.contains("move this use below line 4, or the definition of 'answer' above it"))
        #expect(!r.stderr.contains("__Weave"))
    }

    @Test func blockReadingALaterBlocksVariableIsAnError() throws {
        let r = try check("b.md", """
        ```{swift}
        print("first")
        ```

        ```{swift}
        let doubled = 2 * later
        ```

        ```{swift}
        let later = 21
        ```

        """)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("b.md:6:19: error: 'later' is used before the block that defines it (line 10) has run\n"), "\(r.stderr)")
    }

    @Test func functionBodyReadingALaterVariableIsAnError() throws {
        let r = try check("f.md", """
        ```{swift}
        func twice() -> Int { 2 * answer }
        print(twice())
        ```

        ```{swift}
        let answer = 21
        ```

        """)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("f.md:2:27: error: 'answer' is used before the block that defines it (line 7) has run; "
            + "it is read here by a closure or function that is used before that block\n"), "\(r.stderr)")
    }

    @Test func closureReadingALaterVariableIsAnError() throws {
        let r = try check("c.md", """
        ```{swift}
        let next = { answer + 1 }
        print(next())
        ```

        ```{swift}
        var answer = 41
        ```

        """)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("c.md:2:14: error: 'answer' is used before the block that defines it (line 7) has run; "
            + "it is read here by a closure or function that is used before that block\n"), "\(r.stderr)")
    }

    @Test func localFunctionCalledBeforeItsBlockIsReportedAtTheCall() throws {
        let r = try check("h.md", """
        ```{swift}
        print(later(1))
        ```

        ```{swift}
        let answer = 42
        func later(_ x: Int) -> Int { x + answer }
        ```

        """)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("h.md:2:7: error: 'later' is used before the block that defines it (line 7) has run\n"), "\(r.stderr)")
        #expect(r.stderr.contains("'later' reads 'answer' (line 7), defined at line 6; blocks run top to bottom: call 'later' after that block"))
    }

    @Test func useBeforeDefinitionInsideOneBlock() throws {
        let r = try check("s.md", "```{swift}\nprint(x)\nlet x = 1\n```\n")
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("s.md:2:7: error: 'x' is used before its definition at line 3\n"), "\(r.stderr)")
    }

    @Test func functionsTypesAndSharedStateStillWork() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("w.md", """
        ```{swift}
        print(Point(x: 1, y: 2).sum, square(3), 4.doubled)
        var counter = 0
        ```

        Counter starts at `{swift} counter`.

        ```{swift}
        counter += 1
        print("counter", counter)
        ```

        ```{swift}
        struct Point { var x, y: Int; var sum: Int { x + y } }
        func square(_ v: Int) -> Int { v * v }
        private func cube(_ v: Int) -> Int { v * square(v) }
        extension Int { var doubled: Int { self * 2 } }
        func bump() { counter += 10 }
        bump()
        private let label = "after bump"
        func parse(_ s: String) throws -> Int { Int(s)! }
        let parsed = try parse("7")
        print(label, counter, cube(2), parsed)
        ```

        Finally `{swift} counter == 11` and `{swift} parsed * 2`.

        """)
        let r = try CLI.run(["render", "w.md", "--out", "o", "--to", "md"], cwd: t.path)
        #expect(r.status == 0, "\(r.stderr)")
        let md = try #require(t.read("o/w.md"))
        #expect(md.contains("```\n3 9 8\n```"))
        #expect(md.contains("Counter starts at 0."))
        #expect(md.contains("```\ncounter 1\n```"))
        #expect(md.contains("```\nafter bump 11 8 7\n```"))
        #expect(md.contains("Finally 11 and 14."))
    }

    @Test func trapsAndThePrefixRunKeepTheirArticleLocations() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        try t.write("p.md", """
        ```{swift}
        print("kept")
        let xs = [1, 2, 3]
        ```

        Count `{swift} xs.count`.

        ```{swift}
        print(total)
        ```

        ```{swift}
        let total = xs.reduce(0, +)
        ```

        """)
        try t.write("trap.md", "```{swift}\nfunc at(_ i: Int) -> Int { xs[i] }\n```\n\n```{swift}\nlet xs = [1]\nprint(at(3))\n```\n")
        let r = try CLI.run(["render", "p.md", "--out", "o", "--to", "md"], cwd: t.path)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("p.md:9:7: error: 'total' is used before the block that defines it (line 13) has run"), "\(r.stderr)")
        let md = try #require(t.read("o/p.md"))
        #expect(md.contains("```\nkept\n```"))
        #expect(md.contains("Count 3."))
        let trap = try CLI.run(["check", "trap.md"], cwd: t.path)
        #expect(trap.status == 1)
        #expect(trap.stderr.hasPrefix("trap.md:2:30: error: runtime error: Index out of range"), "\(trap.stderr)")
    }

    @Test func claimEqualsShowsBothSides() throws {
        let r = try check("q.md", """
        ```{swift}
        let split = [3, 1, 2]
        claim(split, equals: [3, 1, 1], "the split of 5 parts")
        claim(split, equals: [3, 1, 2], "the same split")
        claim("abc", equals: "abd", "a string")
        claim(split.isEmpty, equals: false, "not empty")
        claim(Rational(1, 3) + Rational(1, 6), equals: Rational(1, 2), "a half")
        claim((split.count, split[0]), equals: (3, 4), "a pair")
        claim(6 * 7, equals: 42, "integers still use the integer overload")
        ```

        """)
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains("q.md:3:1: error: claim failed: the split of 5 parts (computed [3, 1, 2], expected [3, 1, 1])"), "\(r.stderr)")
        #expect(lines.contains("q.md:5:1: error: claim failed: a string (computed \"abc\", expected \"abd\")"))
        #expect(lines.contains("q.md:8:1: error: claim failed: a pair (computed (3, 3), expected (3, 4))"))
        #expect(lines.last == "weave check: 1 article, 7 claims: 4 hold, 3 failed; 1 article failed")
    }

    @Test func inlineClaimTypeErrorsQuoteTheAuthorsExpression() throws {
        let r = try check("i.md", """
        ```{swift}
        let label = "x"
        let f = { (x: Int) in x }
        ```

        It is `{swift} label ≈ 3` and `{swift} f == 1`.

        """)
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains("i.md:6:16: error: 'label' is not a number: '≈ 3' needs an integer or floating-point value"), "\(r.stderr)")
        #expect(lines.contains("i.md:6:40: error: 'f == 1' cannot be checked: both sides must be values of one Equatable type"))
        #expect(lines.contains("    It is `{swift} label ≈ 3` and `{swift} f == 1`."))
        #expect(!r.stderr.contains("__Weave") && !r.stderr.contains("prose"))
    }
}
