import CCmark
import Foundation
import Testing
@testable import Weave

/// For every example of the CommonMark spec that contains no `$`, `\(` or `\[`, Weave's
/// HTML body (cmark-compatible mode) equals what cmark itself renders (with
/// CMARK_OPT_UNSAFE: Weave passes raw HTML through, as authors expect).
struct CommonMarkConformanceTests {
    struct Example: Decodable {
        let markdown: String
        let html: String
        let example: Int
        let section: String
    }

    static let examples: [Example] = {
        guard let data = try? Fixtures.data("commonmark-spec-0.31.2.json"),
              let all = try? JSONDecoder().decode([Example].self, from: data) else { return [] }
        return all.filter { !$0.markdown.contains("$") && !$0.markdown.contains("\\(") && !$0.markdown.contains("\\[") }
    }()

    static func cmarkHTML(_ markdown: String) -> String {
        var s = markdown
        return s.withUTF8 { p -> String in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { c in
                guard let out = cmark_markdown_to_html(c, p.count, CMARK_OPT_UNSAFE) else { return "" }
                defer { free(out) }
                return String(cString: out)
            }
        }
    }

    @Test func fixtureHasTheSpecExamples() {
        // 652 examples in spec 0.31.2; 634 of them contain no math delimiters.
        #expect(Self.examples.count == 634)
    }

    @Test(arguments: examples.map(\.example))
    func example(_ number: Int) {
        let e = Self.examples.first { $0.example == number }!
        let ours = htmlBody(e.markdown, compatible: true)
        let theirs = Self.cmarkHTML(e.markdown)
        #expect(ours == theirs, "example \(number) (\(e.section)): \(e.markdown.debugDescription)")
    }

    /// Without Weave syntax the Markdown output is the input, byte for byte.
    @Test(arguments: examples.map(\.example))
    func markdownIsIdentity(_ number: Int) {
        let e = Self.examples.first { $0.example == number }!
        let bytes = Array(e.markdown.utf8)
        #expect(markdownOutput(bytes) == bytes)
    }
}
