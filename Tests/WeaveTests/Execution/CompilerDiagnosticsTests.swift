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

    @Test func useBeforeDefinitionIsRestatedAtTheReadingLocation() {
        let doc = parse("The answer is `{swift} answer == 0`.\n\n```{swift}\nprint(later)\nlet answer = 42\nprint(x); let x = 1\n```\n\n```{swift}\nlet later = 1\n```\n")
        let p = CodeGenerator(document: doc).generate()
        let out = """
        /tmp/x/main.swift:9:45: error: closure captures 'answer' before it is declared
        t.md:5:5: note: captured value declared here
        let answer = 42
            ^
        t.md:1:24: note: captured here
                               answer
                               ^
        t.md:4:7: error: use of local variable 'later' before its declaration
        print(later)
              ^
        t.md:10:5: note: 'later' declared here
        let later = 1
            ^
        t.md:6:7: error: use of local variable 'x' before its declaration
        print(x); let x = 1
              ^
        t.md:6:15: note: 'x' declared here
        print(x); let x = 1
                      ^

        """
        let located = CompilerDiagnostics.locate(CompilerDiagnostics.parse(out), program: p, document: doc, generatedPath: "/tmp/x/main.swift")
        #expect(located.map(\.location) == [SourceLocation(line: 1, column: 24), SourceLocation(line: 4, column: 7), SourceLocation(line: 6, column: 7)])
        #expect(located.map(\.unitIndex) == [0, 1, 1])
        #expect(located.map(\.message.text) == [
            "'answer' is used before the block that defines it (line 5) has run",
            "'later' is used before the block that defines it (line 10) has run",
            "'x' is used before its definition at line 6",
        ])
        #expect(located[0].message.details == [
            "The answer is `{swift} answer == 0`.", "                       ^",
            "blocks run top to bottom: move this use below line 5, or the definition of 'answer' above it",
        ])
    }

    @Test func inlineClaimErrorsQuoteTheAuthorsExpression() {
        let doc = parse("```{swift}\nlet label = \"x\"\n```\n\nIt is `{swift} label ≈ 3`.\n")
        let p = CodeGenerator(document: doc).generate()
        let glue = p.generatedLines[1].lowerBound
        let out = """
        /tmp/x/main.swift:\(glue):16: error: no exact matches in call to static method 'proseApprox'
        __WeaveSession.proseApprox(1, line: 5, column: 16, {
                       ^
        /k/WeaveRuntime.swiftinterface:2:24: note: candidate requires that 'String' conform to 'BinaryFloatingPoint' (requirement specified as 'T' : 'BinaryFloatingPoint')

        """
        let located = CompilerDiagnostics.locate(CompilerDiagnostics.parse(out), program: p, document: doc, generatedPath: "/tmp/x/main.swift")
        #expect(located.count == 1)
        #expect(located[0].location == SourceLocation(line: 5, column: 16))
        #expect(located[0].message.text == "'label' is not a number (its type is 'String'): '≈ 3' needs an integer or floating-point value")
        #expect(!located[0].message.details.joined().contains("__Weave"))
        #expect(located[0].message.details.first == "It is `{swift} label ≈ 3`.")
    }

    @Test func fileScopeDeclarationReadingABlockVariableSaysWhy() {
        let doc = parse("```{swift}\nlet n = 3\nstruct Grid { var cells: Int { n } }\n```\n")
        let p = CodeGenerator(document: doc).generate()
        let out = "t.md:3:32: error: cannot find 'n' in scope\n"
        let located = CompilerDiagnostics.locate(CompilerDiagnostics.parse(out), program: p, document: doc, generatedPath: "/tmp/x/main.swift")
        #expect(located[0].message.text == "cannot find 'n' in scope")
        #expect(located[0].message.details.last?.hasPrefix("'n' is defined by the article's blocks, but this declaration is compiled outside them") == true)
    }
}
