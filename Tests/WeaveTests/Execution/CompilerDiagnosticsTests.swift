import Testing
@testable import Weave

struct CompilerDiagnosticsTests {
    static let output = """
    error: emit-module command failed with exit code 1 (use -v to see invocation)
    t.md:3:22: error: cannot convert value of type 'Int' to specified type 'String'
    let bad: String = xs.count
                      ~~~^~~~~
    /tmp/weave-run-x/main.swift:12:1: error: expected expression
    }())
    ^
    t.md:5:5: warning: unused
    """

    @Test func parsesMessagesWithDetails() {
        let m = CompilerDiagnostics.parse(Self.output)
        #expect(m.map(\.text) == ["cannot convert value of type 'Int' to specified type 'String'", "expected expression", "unused"])
        #expect(m[0].file == "t.md" && m[0].line == 3 && m[0].column == 22)
        #expect(m[0].details == ["let bad: String = xs.count", "                  ~~~^~~~~"])
        #expect(m[2].severity == "warning")
    }

    @Test func locatesErrorsInBlocksInlineExpressionsAndGlue() {
        let doc = parse("```{swift}\nlet xs = [1]\nlet bad: String = xs.count\n```\n\n> ```{swift}\n> let y: Int = \"s\"\n> ```\n\nA `{swift} 1` and `{swift} zz`.\n")
        let p = CodeGenerator(document: doc).generate()
        let out = "t.md:3:22: error: a\nt.md:7:14: error: b\nt.md:10:28: error: c\n/tmp/x/main.swift:\(p.generatedLines[2].lowerBound + 1):1: error: glue\n"
        let located = CompilerDiagnostics.locate(CompilerDiagnostics.parse(out), program: p, document: doc, generatedPath: "/tmp/x/main.swift")
        #expect(located.map(\.location) == [
            SourceLocation(line: 3, column: 22),
            SourceLocation(line: 7, column: 16),  // the block quote's "> " is added back
            SourceLocation(line: 10, column: 28),
            SourceLocation(line: 10, column: 12),  // glue of the first inline expression → its location
        ])
        #expect(located.map(\.unitIndex) == [0, 1, 3, 2])
    }
}
