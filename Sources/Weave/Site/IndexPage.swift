/// `index.html` of a rendered site: every article with its title, date, a one-line
/// summary and its claim status, newest first, linking to each page.
public struct IndexPage {
    public struct Entry: Sendable {
        public var outputName: String
        public var title: String
        public var date: String?
        public var summary: String?
        public var status: Status

        public enum Status: Sendable, Equatable {
            /// Every claim holds (`claims` of them).
            case holds(claims: Int)
            /// `failed` claims failed, or the article failed to build.
            case failed(claims: Int, failedClaims: Int)
            /// The article's code was not run (`--no-execute`), or it has none.
            case notRun
        }

        public init(outputName: String, title: String, date: String?, summary: String?, status: Status) {
            self.outputName = outputName
            self.title = title
            self.date = date
            self.summary = summary
            self.status = status
        }

        /// The entry for a processed article.
        public init(report: Build.Report) {
            let doc = report.document
            outputName = report.article.outputName
            title = doc?.title ?? report.article.outputName
            date = doc?.frontMatter.date
            summary = doc.flatMap(IndexPage.summary)
            if let r = report.results {
                let failedClaims = r.claims.filter { $0.status != .passed }.count
                status = report.failed ? .failed(claims: r.claims.count, failedClaims: failedClaims) : .holds(claims: r.claims.count)
            } else {
                status = report.failed ? .failed(claims: 0, failedClaims: 0) : .notRun
            }
        }
    }

    public var title: String
    public var entries: [Entry]

    public init(title: String = "Articles", entries: [Entry]) {
        self.title = title
        // Newest first; undated last; then by title and name (deterministic).
        self.entries = entries.sorted { a, b in
            switch (a.date, b.date) {
            case let (x?, y?) where x != y: return x > y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return (a.title, a.outputName) < (b.title, b.outputName)
            }
        }
    }

    /// Front matter `description`/`summary`, else the first paragraph's text (cut to ~180 characters).
    static func summary(_ doc: Document) -> String? {
        if let s = doc.frontMatter["description"] ?? doc.frontMatter["summary"] { return s }
        guard let p = doc.tree.nodes.firstIndex(where: { $0.kind == .paragraph }) else { return nil }
        var text = doc.tree.plainText(p, math: doc.math).trimmingSpaces()
        text = text.split(whereSeparator: { $0 == "\n" || $0 == " " }).joined(separator: " ")
        if text.count > 180 {
            let cut = text.prefix(177)
            text = (cut.lastIndex(of: " ").map { String(cut[..<$0]) } ?? String(cut)) + "…"
        }
        return text.isEmpty ? nil : text
    }

    public func render() -> [UInt8] {
        var w = ByteWriter(capacity: 4096)
        w.put("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        w.put("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"Weave\">\n")
        w.put("<title>"); w.escapeHTML(title); w.put("</title>\n<style>\n"); w.put(HTMLPage.css); w.put(IndexPage.css); w.put("</style>\n</head>\n<body>\n<main>\n")
        w.put("<h1 class=\"title\">"); w.escapeHTML(title); w.put("</h1>\n<ul class=\"articles\">\n")
        for e in entries {
            w.put("<li>\n<a class=\"article-title\" href=\""); w.escapeHTML(e.outputName + ".html"); w.put("\">"); w.escapeHTML(e.title); w.put("</a>\n")
            w.put("<div class=\"article-meta\">")
            if let d = e.date { w.put("<time>"); w.escapeHTML(d); w.put("</time> · ") }
            switch e.status {
            case .holds(let n):
                w.put("<span class=\"status ok\">"); w.put(n == 0 ? "ran; no claims" : n == 1 ? "1 claim holds" : "all \(n) claims hold"); w.put("</span>")
            case .failed(let n, let f):
                w.put("<span class=\"status failed\">")
                w.put(f > 0 ? "\(f) of \(n) claim\(n == 1 ? "" : "s") failed" : "failed to build")
                w.put("</span>")
            case .notRun:
                w.put("<span class=\"status not-run\">not run</span>")
            }
            w.put("</div>\n")
            if let s = e.summary { w.put("<p class=\"summary\">"); w.escapeHTML(s); w.put("</p>\n") }
            w.put("</li>\n")
        }
        w.put("</ul>\n</main>\n</body>\n</html>\n")
        return w.bytes
    }

    static let css: StaticString = """
    ul.articles { list-style: none; padding: 0; }
    ul.articles li { margin: 0 0 1.6rem; }
    a.article-title { font-size: 1.2rem; font-weight: 600; text-decoration: none; }
    .article-meta { color: var(--muted); font-size: 0.9rem; }
    .status.ok { color: var(--ok); }
    .status.failed { color: var(--bad); font-weight: 600; }
    p.summary { margin: 0.3rem 0 0; }

    """
}
