/// A parsed article: the source, its front matter, the CommonMark tree (with math
/// and executable parts recognised), and the diagnostics found while parsing.
///
/// Parsing never fails: malformed input becomes text plus a diagnostic. All ranges
/// are byte ranges into `source.bytes` (the original file).
public struct Document: Sendable {
    public let source: SourceText
    public var frontMatter: FrontMatter
    /// The CommonMark tree, flat: `tree.nodes[0]` is the document node.
    public var tree: NodeTree
    /// Math spans in document order; `Node.kind == .math` nodes refer to them.
    public var math: [MathSpan]
    /// Executable ```` ```{swift} ```` blocks in document order.
    public var blocks: [ExecutableBlock]
    /// Inline ``{swift} …`` spans (values and prose claims) in document order.
    public var inlines: [InlineExpression]
    /// Cross-reference uses (`@fig-x`, `@tbl-x`, `@eq-x`) in document order.
    public var references: [CrossReference]
    /// Problems found while parsing (never fatal).
    public var diagnostics: [Diagnostic]

    public var path: String { source.path }

    /// The page title: front matter `title`, else the text of the first heading,
    /// else the file name without extension.
    public var title: String {
        if let t = frontMatter.title, !t.isEmpty { return t }
        if let h = tree.firstHeadingText(), !h.isEmpty { return h }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if let dot = name.lastIndex(of: "."), dot != name.startIndex { return String(name[..<dot]) }
        return name
    }

    /// The location of a byte offset.
    public func location(_ offset: Int) -> SourceLocation { source.location(ofByte: offset) }
}

/// The front matter block (`---` YAML `---` at the very top).
public struct FrontMatter: Sendable {
    /// Byte range of the whole block including both delimiter lines, or nil.
    public var range: Range<Int>?
    /// Top-level keys with scalar values, as strings (`title`, `date`, `author`, …).
    public var values: [String: String]
    /// Top-level keys in the order written, with their locations (for "unknown key" messages).
    public var keys: [(key: String, location: SourceLocation)]
    /// Nested values kept as YAML-decoded Swift values (`[String: Any]` is not Sendable,
    /// so nested maps are flattened to dotted keys: `execute.timeout`).
    public init(range: Range<Int>? = nil, values: [String: String] = [:], keys: [(key: String, location: SourceLocation)] = []) {
        self.range = range
        self.values = values
        self.keys = keys
    }

    public var title: String? { values["title"] }
    public var date: String? { values["date"] }
    public var author: String? { values["author"] }
    public subscript(key: String) -> String? { values[key] }
}

/// Math recognised in the source (DESIGN.md §1), passed through untouched.
public struct MathSpan: Sendable, Hashable {
    public enum Kind: UInt8, Sendable, Hashable {
        /// `$…$`
        case dollarInline
        /// `$$…$$`
        case dollarDisplay
        /// `\(…\)`
        case parenInline
        /// `\[…\]`
        case bracketDisplay
        /// `\begin{ENV}…\end{ENV}`
        case environment
    }

    public var kind: Kind
    /// The whole span in the source, delimiters included (and a trailing
    /// `{#eq-label}` attribute, if any).
    public var range: Range<Int>
    /// The TeX as written between the delimiters (for environments: the whole
    /// `\begin…\end` text). Continuation lines inside a block quote have their `>`
    /// markers removed.
    public var tex: String
    /// `eq-name` from a trailing `{#eq-name}`.
    public var label: String?

    /// For `.environment`: its name (`align*`, …).
    public var environment: String? {
        guard kind == .environment, tex.hasPrefix("\\begin{"), let close = tex.firstIndex(of: "}") else { return nil }
        return String(tex[tex.index(tex.startIndex, offsetBy: 7)..<close])
    }

    /// Inline: `$…$`, `\(…\)` and the `math` environment; everything else is display.
    public var isDisplay: Bool {
        switch kind {
        case .dollarInline, .parenInline: return false
        case .environment: return environment != "math"
        default: return true
        }
    }
}

/// An executable ```` ```{swift} ```` block.
public struct ExecutableBlock: Sendable, Hashable {
    /// Index in `Document.blocks`.
    public var index: Int
    /// Byte range from the opening fence's first backtick to the end of the closing
    /// fence line (excluding its line break), or to the end of the last content line
    /// when the fence is not closed.
    public var range: Range<Int>
    /// Location of the opening fence.
    public var location: SourceLocation
    /// The info string after `{swift}` (usually empty).
    public var infoRest: String
    /// Options from leading `//| key: value` lines.
    public var options: BlockOptions
    /// The code after the option lines, exactly as written (lines joined with `\n`).
    public var code: String
    /// 1-based article line of the first line of `code`.
    public var codeFirstLine: Int
    /// The fence (e.g. "```" or "~~~~") used to open the block.
    public var fence: String
    /// Prefix to put before each generated line so that output stays inside the same
    /// container (block quote markers, list indentation); empty at top level.
    public var containerPrefix: String
    /// True when the closing fence is missing (the block runs to the end of its container).
    public var unclosed: Bool
}

/// `//| key: value` options of an executable block (Quarto's convention).
public struct BlockOptions: Sendable, Hashable {
    public var label: String?
    public var caption: String?
    public var echo: Bool?
    public var eval: Bool?
    public var output: Bool?
    /// Seconds.
    public var timeout: Double?
    /// Every option as written, in order, with the 1-based article line.
    public var raw: [Entry]

    public struct Entry: Sendable, Hashable {
        public var key: String
        public var value: String
        public var line: Int
    }

    public init() { raw = [] }

    /// `typed` lists the numbers of the caption and labels that are deliberate (`weave audit`).
    public static let knownKeys = ["label", "caption", "echo", "eval", "output", "timeout", "fig-cap", "tbl-cap", "typed"]
}

/// An inline ``{swift} EXPR`` span, or a prose claim ``{swift} EXPR ≈ LITERAL`` /
/// ``{swift} EXPR == LITERAL``.
public struct InlineExpression: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Replaced by the formatted value of the expression.
        case value
        /// Renders `literal` as written; claims `expr ≈ literal` to the literal's precision.
        case approx(literal: String)
        /// Renders `literal` as written; claims `expr == literal` exactly.
        case exact(literal: String)
    }

    /// Index in `Document.inlines`.
    public var index: Int
    public var kind: Kind
    /// The whole code span in the source (backticks included).
    public var range: Range<Int>
    /// The Swift expression.
    public var expression: String
    /// Byte offset of the expression's first byte in the source.
    public var expressionOffset: Int
    /// Location of the expression's first character.
    public var location: SourceLocation
    /// 1-based byte column of the expression on its line (for generated code).
    public var byteColumn: Int
    /// For a claim: line and 1-based byte column of the literal on the right (for generated
    /// code, so that an error in `expr == 1/6`'s right side names the article's column).
    public var literalLine: Int = 0
    public var literalByteColumn: Int = 0

    /// The text the reader sees for a claim (the literal as written).
    public var literal: String? {
        switch kind {
        case .value: return nil
        case .approx(let l), .exact(let l): return l
        }
    }
}

/// A use of `@fig-…`, `@tbl-…` or `@eq-…` in prose.
public struct CrossReference: Sendable, Hashable {
    public var label: String
    /// The `@label` text in the source.
    public var range: Range<Int>
    public var location: SourceLocation
}

extension Document {
    /// An execution option from the front matter, written either at the top level
    /// (`echo: false`) or under `execute:` (`execute: {echo: false}`), as in Quarto.
    public func executeOption(_ key: String) -> String? {
        frontMatter[key] ?? frontMatter["execute." + key]
    }

    /// A boolean execution option (`true`/`yes`, `false`/`no`), or `fallback`.
    public func executeFlag(_ key: String, default fallback: Bool) -> Bool {
        switch executeOption(key)?.lowercased() {
        case "true"?, "yes"?, "on"?: return true
        case "false"?, "no"?, "off"?: return false
        default: return fallback
        }
    }
}
