import Foundation
@testable import Weave

/// Paths of the test fixtures (read from the source tree, no bundle needed).
enum Fixtures {
    static let root: String = {
        // .../Tests/WeaveTests/Support/Fixtures.swift → .../Tests/WeaveTests/Fixtures
        let here = #filePath
        var parts = here.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)
        return parts.joined(separator: "/") + "/Fixtures"
    }()

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: root + "/" + name))
    }
}

/// Parses `text` as an article named `t.md`.
func parse(_ text: String, path: String = "t.md") -> Document {
    DocumentParser.parse(path: path, text: text)
}

/// The HTML body of `text`.
func htmlBody(_ text: String, compatible: Bool = false, results: ArticleResults? = nil) -> String {
    HTMLRenderer(document: parse(text), results: results, options: .init(cmarkCompatible: compatible)).renderBodyString()
}

/// The Markdown output of `bytes`.
func markdownOutput(_ bytes: [UInt8], results: ArticleResults? = nil) -> [UInt8] {
    MarkdownRenderer(document: DocumentParser.parse(path: "t.md", bytes: bytes), results: results, name: "t").render().markdown
}
