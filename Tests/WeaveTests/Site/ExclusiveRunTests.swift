import Testing
@testable import Weave

@Suite("Which articles run alone")
struct ExclusiveRunTests {
    func document(_ text: String) -> Document {
        DocumentParser.parse(path: "a.md", bytes: Array(text.utf8))
    }

    @Test("calls of measure and compare are found; methods, comments, strings and other names are not", arguments: [
        ("let m = measure { f() }", "measure", 0),
        ("let m = measure(repetitions: 5) { f() }", "measure", 0),
        ("let x = 1\nlet c = compare({ f() }, { g() })", "compare", 1),
        ("let c = WeaveRuntime.compare({ f() }, { g() })", "compare", 0),
        ("/* measure(\n */\nlet m = measure {}", "measure", 2),
    ] as [(String, String, Int)])
    func found(code: String, name: String, line: Int) throws {
        let hit = try #require(ExclusiveRun.measurementCall(in: code))
        #expect(hit.name == name && hit.line == line)
    }

    @Test("no measurement call", arguments: [
        "let a = s.compare(t)",
        "// measure(repetitions: 3) { }",
        "print(\"compare(a, b)\")",
        "let measured = measurement(3)",
        "let text = \"\"\"\nmeasure { }\n\"\"\"",
        "let measure = 3; print(measure)",
    ])
    func notFound(code: String) {
        #expect(ExclusiveRun.measurementCall(in: code) == nil)
    }

    @Test("front matter decides; without it, the blocks that run do")
    func decisions() {
        let measuring = "```{swift}\nlet t = measure { }\n```\n"
        let auto = ExclusiveRun.decide(document("# T\n\n" + measuring))
        #expect(auto.exclusive && auto.reason == "calls measure at line 4" && auto.diagnostics.isEmpty)
        let off = ExclusiveRun.decide(document("---\nexclusive: false\n---\n" + measuring))
        #expect(!off.exclusive && off.diagnostics.isEmpty)
        let on = ExclusiveRun.decide(document("---\nexclusive: true\n---\nNo code.\n"))
        #expect(on.exclusive && on.reason == "front matter 'exclusive: true'")
        let skipped = ExclusiveRun.decide(document("```{swift}\n//| eval: false\nlet t = measure { }\n```\n"))
        #expect(!skipped.exclusive)
        let plain = ExclusiveRun.decide(document("```{swift}\nlet x = 1\n```\n"))
        #expect(!plain.exclusive && plain.reason == nil)
    }

    @Test("a bad exclusive value is an error at the key that quotes it")
    func badValue() {
        let d = ExclusiveRun.decide(document("---\ntitle: T\nexclusive: sometimes\n---\nText.\n"))
        #expect(!d.exclusive)
        #expect(d.diagnostics.map(\.description).first?.hasPrefix(
            "a.md:3:1: error: front matter 'exclusive' must be true or false, got 'sometimes'") == true)
    }
}
