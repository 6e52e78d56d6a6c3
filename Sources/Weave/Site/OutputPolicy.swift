import Foundation

/// Which output files a render may write (DESIGN.md §2: a failed run never replaces a
/// good earlier output), decided file by file:
///
/// - a good render writes every file;
/// - a failed render writes a page or Markdown file only where the file on disk is
///   missing or itself holds a failed render (so the errors shown are current), and
///   keeps a file that holds a good render;
/// - the Markdown's figures (`NAME_files/…`) follow the decision for the Markdown file.
///
/// A failed page carries `<meta name="weave-status" content="failed">` in its head; a
/// failed Markdown file starts with the line `<!-- weave-status: failed -->`. Good
/// renders carry neither, so a good Markdown output stays byte-identical to its source
/// outside executable code.
public enum OutputPolicy {
    /// The marker of a page rendered from a failing article (in its `<head>`).
    public static let failedHTMLMarker = "<meta name=\"weave-status\" content=\"failed\">"

    /// The first line of a Markdown file rendered from a failing article.
    public static let failedMarkdownMarker = "<!-- weave-status: failed -->"

    /// How many leading bytes of an existing page are searched for the marker.
    static let headBytes = 4096

    /// `markdown` with the failure marker line in front.
    public static func markFailedMarkdown(_ markdown: [UInt8]) -> [UInt8] {
        Array((failedMarkdownMarker + "\n").utf8) + markdown
    }

    /// Whether `bytes`, the content of output file `path`, hold a failed render: a page
    /// whose head has the failure marker, or Markdown whose first line is the marker.
    /// Other files (figures) are never failures by themselves.
    public static func holdsFailure(_ bytes: [UInt8], path: String) -> Bool {
        if path.hasSuffix(".html") {
            return String(decoding: bytes.prefix(headBytes), as: UTF8.self).contains(failedHTMLMarker)
        }
        if path.hasSuffix(".md") {
            let marker = Array(failedMarkdownMarker.utf8)
            guard bytes.count >= marker.count, Array(bytes.prefix(marker.count)) == marker else { return false }
            let rest = bytes.dropFirst(marker.count)
            return rest.isEmpty || rest.first == 0x0A || (rest.first == 0x0D && rest.dropFirst().first == 0x0A)
        }
        return false
    }

    /// The decision for one article's rendered `files` (paths relative to `outDir`).
    public struct Decision: Sendable {
        /// Files to write.
        public var write: [(String, [UInt8])]
        /// Files not written because the file on disk holds a good render (relative paths).
        public var kept: [String]
    }

    /// Splits `files` into those to write and those kept, for a render that `failed` or
    /// not. `existing(path)` returns the first bytes of the file on disk, or nil when there
    /// is none (by default read from `outDir`).
    public static func decide(_ files: [(String, [UInt8])], failed: Bool, outDir: String,
                              existing: ((String) -> [UInt8]?)? = nil) -> Decision {
        guard failed else { return Decision(write: files, kept: []) }
        let read = existing ?? { rel in readHead(FileIO.join(outDir, rel)) }
        var decision = Decision(write: [], kept: [])
        // The Markdown file decides for its figures: find it first.
        var markdownWritten: Bool? = nil
        for (rel, _) in files where rel.hasSuffix(".md") {
            markdownWritten = mayReplace(rel, read(rel))
        }
        for (rel, bytes) in files {
            let ok: Bool
            if rel.hasSuffix(".html") || rel.hasSuffix(".md") {
                ok = rel.hasSuffix(".md") ? (markdownWritten ?? true) : mayReplace(rel, read(rel))
            } else {
                ok = markdownWritten ?? (read(rel) == nil)
            }
            if ok { decision.write.append((rel, bytes)) } else { decision.kept.append(rel) }
        }
        return decision
    }

    /// A failed render may replace a missing file or one that holds a failure.
    static func mayReplace(_ path: String, _ old: [UInt8]?) -> Bool {
        guard let old else { return true }
        return holdsFailure(old, path: path)
    }

    /// The first `headBytes` bytes of a file, or nil when it cannot be opened.
    static func readHead(_ path: String) -> [UInt8]? {
        guard let h = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? h.close() }
        // nil from read: an empty file (or a read error): nothing good to keep.
        guard let data = try? h.read(upToCount: headBytes) else { return [] }
        return Array(data)
    }
}

extension ArticleRenderer {
    /// The marker of a page rendered from a failing article (`OutputPolicy.failedHTMLMarker`).
    public static let failedMarker = OutputPolicy.failedHTMLMarker
}
