import Foundation

/// An article to render: its path, the output name (path relative to the output
/// folder, without extension) and the tree it was found in.
public struct Article: Sendable, Hashable {
    public var path: String
    public var outputName: String
    /// The folder given on the command line that the article was found under (for a
    /// file given directly: its folder); the article must resolve inside it
    /// (`ArticleInput.read`). Nil: the article's own folder.
    public var tree: String?

    /// An article at `path`, written as `outputName`, found under `tree` (nil: its folder).
    public init(path: String, outputName: String, tree: String? = nil) {
        self.path = path
        self.outputName = outputName
        self.tree = tree
    }
}

public enum OutputFormat: String, Sendable, CaseIterable, Hashable {
    case html, md
}

/// A problem with the command line or the file system (exit code 2).
public struct UsageError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var details: [String]
    public init(_ message: String, details: [String] = []) {
        self.message = message
        self.details = details
    }
    public var description: String { (["error: " + message] + details.map { "    " + $0 }).joined(separator: "\n") }
}

public enum Site {
    /// Expands the command-line paths: a file is itself (output named by its base
    /// name); a directory means every `*.md` below it (output named by the path
    /// relative to the directory), skipping `_`/`.` folders and the folders in
    /// `excluding` (the output and cache folders) wherever they are
    /// (`FileIO.markdownFiles`). Missing paths and name clashes are usage errors; whether
    /// each article may be read is decided when it is read (`ArticleInput`).
    public static func collect(_ paths: [String], excluding: [String] = []) throws -> [Article] {
        var out: [Article] = []
        var byName: [String: String] = [:]
        for raw in paths {
            let p = raw.count > 1 && raw.hasSuffix("/") ? String(raw.dropLast()) : raw
            guard FileIO.exists(p) else {
                var details: [String] = []
                let dir = FileIO.dirname(p)
                let base = FileIO.basename(p)
                let siblings = (try? FileManager.default.contentsOfDirectory(atPath: dir.isEmpty ? "." : dir)) ?? []
                if let s = Suggest.closest(base, among: siblings, maxDistance: 3) {
                    details.append("did you mean '\(FileIO.join(dir, s))'?")
                }
                throw UsageError("no such file or directory: '\(raw)'", details: details)
            }
            var found: [Article] = []
            if FileIO.isDirectory(p) {
                for rel in FileIO.markdownFiles(under: p, excluding: excluding) {
                    found.append(Article(path: FileIO.join(p, rel), outputName: String(rel.dropLast(3)), tree: p))
                }
            } else {
                let base = FileIO.basename(p)
                let name = base.hasSuffix(".md") ? String(base.dropLast(3)) : base
                let dir = FileIO.dirname(p)
                found.append(Article(path: p, outputName: name, tree: dir.isEmpty ? "." : dir))
            }
            for a in found {
                if let other = byName[a.outputName] {
                    if other == a.path { continue }
                    throw UsageError("'\(a.path)' and '\(other)' would both be written as '\(a.outputName)'",
                                     details: ["render them with separate --out folders, or pass their common folder instead"])
                }
                byName[a.outputName] = a.path
                out.append(a)
            }
        }
        return out
    }

    /// Copies KaTeX (Debian's `libjs-katex`) into `DIR/katex/` for offline pages.
    public static func installKatex(into outDir: String, from katexDir: String = "/usr/share/javascript/katex") throws {
        guard FileIO.exists(katexDir + "/katex.min.js") else {
            throw UsageError("KaTeX not found at \(katexDir)",
                             details: ["install it with 'apt-get install libjs-katex', or use '--katex cdn'"])
        }
        let target = FileIO.join(outDir, "katex")
        let files: [(String, String)] = [
            ("katex.min.js", "katex.min.js"), ("katex.min.css", "katex.min.css"),
            ("contrib/auto-render.js", "contrib/auto-render.min.js"),
        ]
        for (src, dst) in files {
            try copyIfChanged(katexDir + "/" + src, FileIO.join(target, dst))
        }
        let fonts = (try? FileManager.default.contentsOfDirectory(atPath: katexDir + "/fonts")) ?? []
        for f in fonts.sorted() where f.hasSuffix(".woff2") || f.hasSuffix(".woff") || f.hasSuffix(".ttf") {
            try copyIfChanged(katexDir + "/fonts/" + f, FileIO.join(target, "fonts/" + f))
        }
    }

    static func copyIfChanged(_ src: String, _ dst: String) throws {
        let bytes = try FileIO.read(src)
        if let old = try? FileIO.read(dst), old == bytes { return }
        try FileIO.writeAtomically(bytes, to: dst)
    }
}

/// Rendering one article to its output files (in memory).
public struct ArticleRenderer: Sendable {
    public var formats: Set<OutputFormat>
    public var mathAssets: HTMLPage.MathAssets
    /// Relative link from a page to the site index, or nil.
    public var indexLink: Bool

    public init(formats: Set<OutputFormat> = [.html, .md], mathAssets: HTMLPage.MathAssets = .cdn, indexLink: Bool = false) {
        self.formats = formats
        self.mathAssets = mathAssets
        self.indexLink = indexLink
    }

    /// The files of one article: (path relative to the output folder, bytes).
    /// `problems`: the article's errors; a failed page shows them at the top and is
    /// marked with `<meta name="weave-status" content="failed">`, a failed Markdown file
    /// starts with the line `<!-- weave-status: failed -->` (`OutputPolicy`).
    public func outputs(for article: Article, document: Document, results: ArticleResults?,
                        problems: [Diagnostic] = []) -> [(String, [UInt8])] {
        var files: [(String, [UInt8])] = []
        let depth = article.outputName.split(separator: "/").count - 1
        let root = String(repeating: "../", count: max(0, depth))
        if formats.contains(.html) {
            let body = HTMLRenderer(document: document, results: results).renderBody()
            let page = HTMLPage(mathAssets: mathAssets, indexLink: indexLink ? root + "index.html" : nil, rootPrefix: root)
            files.append((article.outputName + ".html", page.render(document: document, body: body, problems: problems)))
        }
        if formats.contains(.md) {
            let name = FileIO.basename(article.outputName)
            let md = MarkdownRenderer(document: document, results: results, name: name).render()
            let failed = problems.contains(where: \.isError)
            files.append((article.outputName + ".md", failed ? OutputPolicy.markFailedMarkdown(md.markdown) : md.markdown))
            let dir = FileIO.dirname(article.outputName)
            for f in md.files {
                files.append((dir.isEmpty ? f.path : dir + "/" + f.path, f.bytes))
            }
        }
        return files
    }
}
