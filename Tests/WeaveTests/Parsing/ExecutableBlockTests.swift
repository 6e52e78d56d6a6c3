import Testing
@testable import Weave

struct ExecutableBlockTests {
    static let article = """
    # Title

    ```{swift}
    //| label: fig-phase
    //| caption: "Phase portrait"
    //| echo: false
    //| timeout: 30
    let d = 768
    print(d)
    ```

    ```swift
    let notRun = 1
    ```

    > ```{swift}
    > let quoted = 2
    > ```

    Inline `{swift} d * 2` and `{swift} d ≈ 768` and `{swift} rank == 16`.

    """

    @Test func blocksOptionsAndLines() throws {
        let doc = parse(Self.article)
        #expect(doc.blocks.count == 2)
        let b = try #require(doc.blocks.first)
        #expect(b.options.label == "fig-phase")
        #expect(b.options.caption == "Phase portrait")
        #expect(b.options.echo == false)
        #expect(b.options.timeout == 30)
        #expect(b.code == "let d = 768\nprint(d)")
        #expect(b.codeFirstLine == 8)
        #expect(b.location == SourceLocation(line: 3, column: 1))
        #expect(doc.source.text(b.range) == "```{swift}\n//| label: fig-phase\n//| caption: \"Phase portrait\"\n//| echo: false\n//| timeout: 30\nlet d = 768\nprint(d)\n```")
        let q = doc.blocks[1]
        #expect(q.containerPrefix == "> ")
        #expect(q.code == "let quoted = 2")
        #expect(q.codeFirstLine == 17)
    }

    @Test func inlineExpressionsAndClaims() {
        let doc = parse(Self.article)
        #expect(doc.inlines.map(\.expression) == ["d * 2", "d", "rank"])
        #expect(doc.inlines.map(\.kind) == [.value, .approx(literal: "768"), .exact(literal: "16")])
        #expect(doc.inlines[0].location == SourceLocation(line: 20, column: 17))
        #expect(doc.inlines[0].byteColumn == 17)
    }

    @Test func plainSwiftBlocksAreNotExecutable() {
        #expect(parse("```swift\nlet x = 1\n```\n").blocks.isEmpty)
        #expect(parse("~~~{swift}\nlet x = 1\n~~~\n").blocks.count == 1)
    }

    @Test func badOptionsAreDiagnosed() {
        let doc = parse("```{swift}\n//| echo: maybe\n//| ecoh: false\n//| timeout: -3\n//| nocolon\nlet x = 1\n```\n")
        let messages = doc.diagnostics.map(\.headline)
        #expect(messages.contains("t.md:2:5: error: option 'echo' must be true or false, not 'maybe'"))
        #expect(messages.contains("t.md:3:5: warning: unknown block option 'ecoh' is ignored"))
        #expect(doc.diagnostics.first { $0.message.contains("ecoh") }?.details.last == "did you mean 'echo'?")
        #expect(messages.contains("t.md:4:5: error: option 'timeout' must be a positive number of seconds, at most 86400 (one day) (got '-3')"))
        #expect(messages.contains("t.md:5:1: error: block option without ':' — expected '//| key: value'"))
    }

    @Test func claimLiteralsMustBeNumbers() {
        let doc = parse("Value `{swift} x ≈ about five`.\n")
        #expect(doc.diagnostics.map(\.headline) == ["t.md:1:20: error: the right side of '≈' must be a decimal number, not 'about five'"])
    }

    @Test func duplicateLabelsAreErrors() {
        let doc = parse("```{swift}\n//| label: fig-a\n```\n\n$$x$$ {#fig-a}\n\n```{swift}\n//| label: fig-a\n```\n")
        #expect(doc.diagnostics.contains { $0.headline == "t.md:7:1: error: duplicate label 'fig-a' (first used at line 1)" })
    }

    @Test func numericLiteralTolerances() throws {
        let cases: [(String, Double, Double)] = [("4608", 4608, 0.5), ("0.10", 0.1, 0.005), ("2.41e-3", 2.41e-3, 0.005e-3), ("-1.5E6", -1.5e6, 0.05e6), ("1536.", 1536, 0.5)]
        for (text, value, tol) in cases {
            let lit = try #require(NumericLiteral(text))
            #expect(lit.value == value)
            #expect(abs(lit.tolerance - tol) <= 1e-15 * max(1, tol))
        }
        let l = try #require(NumericLiteral("4608"))
        #expect(l.accepts(4608.5) && l.accepts(4607.5) && !l.accepts(4608.51) && !l.accepts(.nan))
        #expect(NumericLiteral("0.10")!.accepts(0.105))
        #expect(NumericLiteral("abc") == nil && NumericLiteral("1e") == nil && NumericLiteral("") == nil)
    }
}
