/// A number written into an article by hand rather than produced by a `{swift}`
/// expression, as `weave audit` reports it.
public struct AuditFinding: Sendable, Hashable, CustomStringConvertible {
    /// Where the number stands.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A paragraph (also inside lists, block quotes and callouts).
        case prose
        /// A heading.
        case heading
        /// A pipe table written in Markdown.
        case table
        /// A block's `//| caption:` (or `fig-cap`, `tbl-cap`) option.
        case caption
        /// A string literal that becomes a plot or table title, axis label, series label or caption.
        case label = "plot-label"
        /// The front matter's `title`, `subtitle`, `description`, `summary` or `abstract`.
        case frontMatter = "front-matter"
    }

    /// The article's path as given.
    public var path: String
    /// Where the number starts (1-based line; column in Unicode scalars).
    public var location: SourceLocation
    /// The number as written (`2.93`, `400 000`).
    public var text: String
    /// The line it stands on (trimmed, and cut around the number when long).
    public var context: String
    public var kind: Kind
    /// True when the author marked it as deliberate (`<!-- typed -->` after it, or a
    /// `typed:` list); such numbers are not reported.
    public var marked: Bool
    /// Byte offset in the article (document order).
    public var offset: Int

    public init(path: String, location: SourceLocation, text: String, context: String, kind: Kind, marked: Bool, offset: Int) {
        self.path = path
        self.location = location
        self.text = text
        self.context = context
        self.kind = kind
        self.marked = marked
        self.offset = offset
    }

    /// `path:line:col: warning: typed number '2.93' (not computed)`.
    public var description: String {
        "\(path):\(location.line):\(location.column): warning: typed number '\(text)' (not computed)"
    }

    /// The findings as a JSON array of objects with `path`, `line`, `column`, `text`,
    /// `context` and `kind` (keys in that order; one object per line).
    public static func json(_ findings: [AuditFinding]) -> String {
        if findings.isEmpty { return "[]" }
        let items = findings.map { f in
            "  {\"path\": \(quote(f.path)), \"line\": \(f.location.line), \"column\": \(f.location.column), "
                + "\"text\": \(quote(f.text)), \"context\": \(quote(f.context)), \"kind\": \(quote(f.kind.rawValue))}"
        }
        return "[\n" + items.joined(separator: ",\n") + "\n]"
    }

    /// A JSON string literal (RFC 8259 escapes; everything else as UTF-8).
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
