import Foundation
import Testing
@testable import Weave

/// Malformed input renders (or fails with a clear message) and never crashes.
struct BadInputTests {
    @Test func invalidUTF8IsReportedAndKept() {
        let bytes: [UInt8] = Array("ok line\nbad ".utf8) + [0xC3, 0x28, 0xFF] + Array(" end $x$\n".utf8)
        let doc = DocumentParser.parse(path: "bad.md", bytes: bytes)
        let d = doc.diagnostics.first { $0.message.hasPrefix("invalid UTF-8") }
        #expect(d?.location == SourceLocation(line: 2, column: 5))
        #expect(d?.headline == "bad.md:2:5: warning: invalid UTF-8 (byte 0xC3); shown as U+FFFD in HTML")
        #expect(markdownOutput(bytes) == bytes)
        let html = HTMLRenderer(document: doc).renderBodyString()
        #expect(html.contains("\u{FFFD}"))
        #expect(html.contains("\\(x\\)"))
    }

    @Test func nulBytesAreReplacedInHTMLAndKeptInMarkdown() {
        let bytes: [UInt8] = Array("a".utf8) + [0] + Array("b $y$\n".utf8)
        let doc = DocumentParser.parse(path: "nul.md", bytes: bytes)
        #expect(doc.diagnostics.contains { $0.message.hasPrefix("NUL byte") && $0.location == SourceLocation(line: 1, column: 2) })
        #expect(HTMLRenderer(document: doc).renderBodyString() == "<p>a\u{FFFD}b <span class=\"math inline\">\\(y\\)</span></p>\n")
        #expect(markdownOutput(bytes) == bytes)
    }

    @Test func fiveMegabyteSingleLine() {
        var line = ""
        line.reserveCapacity(5_000_000)
        let chunk = String(repeating: "plain words in a very long line ", count: 30) + "*emph* $x_1$ `code` "
        while line.utf8.count < 5_000_000 { line += chunk }
        let bytes = Array(line.utf8)
        let doc = DocumentParser.parse(path: "long.md", bytes: bytes)
        #expect(doc.math.count > 4_000)
        #expect(markdownOutput(bytes) == bytes)
        let html = HTMLRenderer(document: doc).renderBody()
        #expect(html.count > bytes.count)
    }

    @Test func tenThousandNestedBlockQuotes() {
        let text = String(repeating: ">", count: 10_000) + " deep $x$\n"
        let doc = parse(text)
        #expect(markdownOutput(Array(text.utf8)) == Array(text.utf8))
        let html = HTMLRenderer(document: doc).renderBodyString()
        #expect(html.components(separatedBy: "<blockquote>").count - 1 == 10_000)
        #expect(html.contains("deep <span class=\"math inline\">\\(x\\)</span>"))
    }

    @Test func unterminatedFenceRunsToTheEnd() {
        let text = "Intro $a$\n\n```swift\nlet x = \"$b$\"\n\nmore $c$\n"
        let doc = parse(text)
        #expect(doc.math.map(\.tex) == ["a"])
        #expect(htmlBody(text).contains("<pre><code class=\"language-swift\">let x = &quot;$b$&quot;\n\nmore $c$\n</code></pre>"))
        #expect(markdownOutput(Array(text.utf8)) == Array(text.utf8))
    }

    @Test func unterminatedExecutableFenceIsAWarning() {
        let doc = parse("Text\n\n```{swift}\nlet x = 1\n")
        #expect(doc.blocks.count == 1)
        #expect(doc.blocks[0].unclosed)
        #expect(doc.diagnostics.contains { $0.message.contains("code block is not closed") && $0.location == SourceLocation(line: 3, column: 1) })
    }

    @Test func unterminatedDisplayMathIsAWarning() {
        let doc = parse("Intro\n\n$$ x = 1\n")
        #expect(doc.math.isEmpty)
        let d = doc.diagnostics.first { $0.message.contains("unterminated math") }
        #expect(d?.headline == "t.md:3:1: warning: unterminated math: '$$' has no matching '$$' before the end of the paragraph")
        #expect(htmlBody("Intro\n\n$$ x = 1\n") == "<p>Intro</p>\n<p>$$ x = 1</p>\n")
    }

    @Test func emptyDocument() {
        #expect(htmlBody("") == "")
        #expect(markdownOutput([]) == [])
        #expect(parse("").title == "t")
    }

    @Test func deeplyNestedListsAndEmphasis() {
        var text = ""
        for k in 0..<500 { text += String(repeating: "  ", count: k) + "- item $x_\(k)$\n" }
        text += String(repeating: "*a ", count: 5000) + "\n"
        let doc = parse(text)
        #expect(doc.math.count == 500)
        #expect(markdownOutput(Array(text.utf8)) == Array(text.utf8))
        _ = HTMLRenderer(document: doc).renderBody()
    }
}
