/// The pass that runs before cmark: finds math spans, inline ``{swift} …`` spans and
/// cross-references in the source and replaces each by a placeholder token that cmark
/// leaves alone, so that cmark cannot mangle math (`\{`→`{`, `a*b*c`→emphasis, …).
/// The converter puts the original bytes back after parsing (DESIGN.md §1).
///
/// Math rules follow pandoc's `tex_math_dollars` (and `tex_math_single_backslash` for
/// `\(…\)`, `\[…\]`) and raw-TeX environments:
/// - `$…$`: the opening `$` has a non-space right after it; the closing `$` has a
///   non-space right before it and no digit right after it (otherwise the `$` is text:
///   `$5 and $10` has no math). `\$` is a literal dollar; inside math, `\x` pairs are
///   skipped, so `\$` does not close; `\text{…}` may contain `$`.
/// - `$$…$$`: anything up to the next `$$`, across lines but not across a blank line.
/// - `\(…\)` and `\[…\]` likewise; `\begin{ENV}…\end{ENV}` for the math environments
///   (equation, align, gather, multline, flalign, alignat, eqnarray, math, displaymath
///   and their starred forms).
/// - Math never starts inside a code span, a fenced or indented code block, or a raw
///   HTML block, and never crosses a blank line or a block boundary.
///
/// Block structure is approximated line by line (block quote markers, list items,
/// fences, indented code, HTML blocks). Where the approximation and cmark disagree,
/// a placeholder that ends up inside code or raw HTML is restored literally, so no
/// byte is lost either way.
struct SourceScanner {
    /// What a placeholder stands for.
    enum Token: Sendable {
        case math(Int)
        case inline(Int)
        case reference(Int)
    }

    /// One substitution: `orig` bytes of the source became `prot` bytes of the text
    /// given to cmark.
    struct Substitution: Sendable {
        var prot: Range<Int>
        var orig: Range<Int>
    }

    struct Result: Sendable {
        var protected: [UInt8]
        var substitutions: [Substitution]
        var tokens: [Token]
        var tokenRanges: [Range<Int>]
        var math: [MathSpan]
        var inlines: [InlineExpression]
        var references: [CrossReference]
        var diagnostics: [Diagnostic]
        /// First byte of the placeholder start marker (UTF-8 of a private-use scalar).
        var marker: Marker
    }

    /// Placeholder format: START decimal-index END, or START decimal-index SPACE END
    /// (see `ScannerState.hidesAutolinkBreak`), where START and END are two
    /// private-use scalars that occur nowhere in what cmark can output for this source:
    /// neither as UTF-8 in the source nor as a numeric character reference (`&#xE000;`,
    /// `&#57344;`), which cmark decodes in text, link destinations, titles and info
    /// strings (a reference to the marker would otherwise forge a placeholder there).
    struct Marker: Sendable {
        var start: [UInt8]
        var end: [UInt8]
    }

    /// The most unterminated-math warnings reported per file; the rest are counted in
    /// one further warning.
    static let mathWarningLimit = 20

    static let mathEnvironments: Set<String> = [
        "equation", "equation*", "align", "align*", "gather", "gather*", "multline", "multline*",
        "flalign", "flalign*", "alignat", "alignat*", "eqnarray", "eqnarray*", "math", "displaymath",
    ]

    static let htmlBlockTags: Set<String> = [
        "address", "article", "aside", "base", "basefont", "blockquote", "body", "caption", "center",
        "col", "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption",
        "figure", "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head",
        "header", "hr", "html", "iframe", "legend", "li", "link", "main", "menu", "menuitem", "nav",
        "noframes", "ol", "optgroup", "option", "p", "param", "search", "section", "summary", "table",
        "tbody", "td", "tfoot", "th", "thead", "title", "tr", "track", "ul",
    ]

    let source: SourceText
    let bodyStart: Int

    init(source: SourceText, bodyStart: Int) {
        self.source = source
        self.bodyStart = bodyStart
    }

    /// Private-use scalars, in the order they are tried as markers: U+E000…U+F8FF, then
    /// planes 15 and 16 (U+F0000…U+FFFFD, U+100000…U+10FFFD). Only a source holding every
    /// one of these 137,468 scalars (over 540 KB of them) leaves no choice; then the last
    /// two are used and such text may be taken for a placeholder.
    static func markerCandidate(_ k: Int) -> UInt32 {
        k < 6400 ? 0xE000 + UInt32(k) : (k < 6400 + 65534 ? 0xF0000 + UInt32(k - 6400) : 0x100000 + UInt32(k - 6400 - 65534))
    }

    static func markerIndex(_ v: UInt32) -> Int? {
        if v >= 0xE000 && v <= 0xF8FF { return Int(v - 0xE000) }
        if v >= 0xF0000 && v <= 0xFFFFD { return 6400 + Int(v - 0xF0000) }
        if v >= 0x100000 && v <= 0x10FFFD { return 6400 + 65534 + Int(v - 0x100000) }
        return nil
    }

    static let markerCandidateCount = 6400 + 2 * 65534

    static func chooseMarker(_ bytes: [UInt8]) -> Marker {
        var used = [UInt64](repeating: 0, count: (markerCandidateCount + 63) / 64)
        func mark(_ v: UInt32) {
            if let k = markerIndex(v) { used[k >> 6] |= 1 << UInt64(k & 63) }
        }
        bytes.withUnsafeBufferPointer { p in
            let n = p.count
            var i = 0
            while i < n {
                let c = p[i]
                if (c == 0xEE || c == 0xEF) && i + 2 < n {
                    // U+E000…U+FFFF: 1110xxxx 10xxxxxx 10xxxxxx
                    mark((UInt32(c & 0x0F) << 12) | (UInt32(p[i + 1] & 0x3F) << 6) | UInt32(p[i + 2] & 0x3F))
                } else if (c == 0xF3 || c == 0xF4) && i + 3 < n {
                    mark((UInt32(c & 0x07) << 18) | (UInt32(p[i + 1] & 0x3F) << 12) | (UInt32(p[i + 2] & 0x3F) << 6) | UInt32(p[i + 3] & 0x3F))
                } else if c == 0x26 && i + 3 < n && p[i + 1] == 0x23 {
                    // A numeric character reference as cmark 0.30 decodes it: `&#` and 1–8
                    // decimal digits, or `&#x` and 1–8 hex digits, then `;`.
                    var j = i + 2
                    var v: UInt32 = 0
                    var digits = 0
                    if p[j] == 0x78 || p[j] == 0x58 {
                        j += 1
                        while j < n, let d = hexValue(p[j]) { v = min(v * 16 + d, 0x110000); j += 1; digits += 1 }
                    } else {
                        while j < n && p[j] >= 0x30 && p[j] <= 0x39 { v = min(v * 10 + UInt32(p[j] - 0x30), 0x110000); j += 1; digits += 1 }
                    }
                    if digits > 0 && digits <= 8 && j < n && p[j] == 0x3B { mark(v) }
                }
                i += 1
            }
        }
        func isUsed(_ k: Int) -> Bool { used[k >> 6] & (1 << UInt64(k & 63)) != 0 }
        var chosen: [Int] = []
        var k = 0
        while chosen.count < 2 && k < markerCandidateCount {
            if !isUsed(k) { chosen.append(k) }
            k += 1
        }
        if chosen.count < 2 { chosen = [markerCandidateCount - 2, markerCandidateCount - 1] }
        return Marker(start: utf8(markerCandidate(chosen[0])), end: utf8(markerCandidate(chosen[1])))
    }

    private static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: return UInt32(c - 0x30)
        case 0x41...0x46: return UInt32(c - 0x41 + 10)
        case 0x61...0x66: return UInt32(c - 0x61 + 10)
        default: return nil
        }
    }

    private static func utf8(_ v: UInt32) -> [UInt8] {
        if v < 0x10000 {
            return [UInt8(0xE0 | (v >> 12)), UInt8(0x80 | ((v >> 6) & 0x3F)), UInt8(0x80 | (v & 0x3F))]
        }
        return [UInt8(0xF0 | (v >> 18)), UInt8(0x80 | ((v >> 12) & 0x3F)), UInt8(0x80 | ((v >> 6) & 0x3F)), UInt8(0x80 | (v & 0x3F))]
    }

    func scan() -> Result {
        source.bytes.withUnsafeBufferPointer { p in
            var state = ScannerState(p: p, source: source, marker: SourceScanner.chooseMarker(source.bytes))
            state.copyFrom = bodyStart
            if bodyStart > 0 {
                state.subs.append(Substitution(prot: 0..<0, orig: 0..<bodyStart))
            }
            state.scanLines(from: bodyStart)
            return state.finish()
        }
    }
}

// MARK: - Scanner state

private let BACKTICK: UInt8 = 0x60, TILDE: UInt8 = 0x7E, DOLLAR: UInt8 = 0x24, BACKSLASH: UInt8 = 0x5C
private let SPACE: UInt8 = 0x20, TAB: UInt8 = 0x09, LF: UInt8 = 0x0A, CR: UInt8 = 0x0D, GT: UInt8 = 0x3E
private let LT: UInt8 = 0x3C, AT: UInt8 = 0x40, LBRACE: UInt8 = 0x7B, RBRACE: UInt8 = 0x7D, HASH: UInt8 = 0x23

@inline(__always) private func isSpaceOrTab(_ c: UInt8) -> Bool { c == SPACE || c == TAB }
@inline(__always) private func isWhite(_ c: UInt8) -> Bool { c == SPACE || c == TAB || c == LF || c == CR }
@inline(__always) private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
@inline(__always) private func isAlnum(_ c: UInt8) -> Bool {
    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
}
@inline(__always) private func isASCIIPunct(_ c: UInt8) -> Bool {
    (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E)
}

/// One source line as the block pass sees it.
struct ScanLine {
    var start: Int        // first byte of the line
    var end: Int          // end of content (before \r\n / \n)
    var next: Int         // first byte of the next line
    var quoteDepth: Int
    var contentStart: Int // after block quote markers
    var indent: Int       // columns of indentation after the markers
    var firstNonSpace: Int
    var isBlank: Bool { firstNonSpace >= end }
}

/// An open fenced code block.
struct ScanFence {
    var char: UInt8
    var length: Int
    var quoteDepth: Int
    var indent: Int
    var inList: Bool
}

/// How an open raw HTML block ends.
enum ScanHTMLEnd {
    case tag([UInt8])      // </script> etc. (lower-cased)
    case literal([UInt8])  // -->, ?>, >, ]]>
    case blankLine
}

/// What the inline searches of one paragraph segment learnt (reset per segment).
struct ScanSegmentMemo {
    var start = 0
    /// `findBacktickRun`: whether a search reached the segment end, and where the last
    /// run of each length starts.
    var backticksScannedToEnd = false
    var lastBacktickRun: [Int: Int] = [:]
    /// No `$$` / `\]` at or after these offsets.
    var displayDollarFailedFrom = Int.max
    var bracketFailedFrom = Int.max
    /// A `\(` search starting in here fails.
    var parenFailed: ClosedRange<Int> = Int.max...Int.max
    /// No `\end{NAME}` at or after these offsets.
    var environmentFailedFrom: [String: Int] = [:]
    /// `{` offset → matching `}` offset, for `\text{…}` (made on first use).
    var braceMatch: [Int: Int]? = nil

    init(start: Int = 0) { self.start = start }
}

/// The scan in progress: the output built so far and what was found. The block pass
/// (SourceScanner+Blocks.swift) splits the source into paragraph segments; the inline
/// pass (SourceScanner+Inline.swift) finds math, code spans and references in them.
struct ScannerState {
    let p: UnsafeBufferPointer<UInt8>
    let source: SourceText
    let marker: SourceScanner.Marker
    var n: Int { p.count }

    var out: [UInt8] = []
    var copyFrom = 0
    var subs: [SourceScanner.Substitution] = []
    var tokens: [SourceScanner.Token] = []
    var tokenRanges: [Range<Int>] = []
    var math: [MathSpan] = []
    var inlines: [InlineExpression] = []
    var references: [CrossReference] = []
    var diagnostics: [Diagnostic] = []
    /// Math warnings counted so far (only the first `mathWarningLimit` are kept), and
    /// the offset of the first one not kept.
    var mathWarnings = 0
    var firstUnshownMathWarning = 0
    /// What the searches of the current paragraph segment learnt (see `ScanSegmentMemo`).
    var memo = ScanSegmentMemo()
    /// Loop positions of `$…$` searches already walked (one bit per source byte, made on
    /// first use; segments never overlap, so it is never cleared).
    var dollarWalked: [UInt64] = []
    var cursor = LocationCursor()
    /// `<scheme:` seen in this segment that is not an autolink in the source: the offset
    /// after its ':' (or -1), and how far its bytes are known to be autolink bytes.
    var autolinkCandidate = -1
    var autolinkCheckedTo = -1

    init(p: UnsafeBufferPointer<UInt8>, source: SourceText, marker: SourceScanner.Marker) {
        self.p = p
        self.source = source
        self.marker = marker
        out.reserveCapacity(p.count + 1024)
    }

    mutating func finish() -> SourceScanner.Result {
        if copyFrom < n { out.append(contentsOf: UnsafeBufferPointer(rebasing: p[copyFrom..<n])) }
        let unshown = mathWarnings - SourceScanner.mathWarningLimit
        if unshown > 0 {
            let loc = location(firstUnshownMathWarning)
            diagnostics.append(.warning(
                source.path, loc, "\(unshown) more unterminated math \(unshown == 1 ? "opener is" : "openers are") not shown (the first is here)",
                details: ["only the first \(SourceScanner.mathWarningLimit) math warnings of a file are shown; each such opener is rendered as text"]))
        }
        return SourceScanner.Result(
            protected: out, substitutions: subs, tokens: tokens, tokenRanges: tokenRanges, math: math,
            inlines: inlines, references: references, diagnostics: diagnostics, marker: marker)
    }

    /// Whether the placeholder for `range` must hold a space: when `range` lies in what
    /// follows an earlier `<scheme:` and holds a byte an autolink cannot (space, control,
    /// `<`, `>`), a placeholder without one would turn `<scheme:…$<$…>` into an autolink
    /// for cmark, with the placeholder in both its destination and its text. (pandoc and
    /// cmark read the source as text and math.) cmark keeps the space inside the text.
    mutating func hidesAutolinkBreak(_ range: Range<Int>) -> Bool {
        guard autolinkCandidate >= 0 else { return false }
        @inline(__always) func allowed(_ c: UInt8) -> Bool { (c > 0x20 || c == 0) && c != LT && c != GT }
        var k = max(autolinkCheckedTo, autolinkCandidate)
        while k < range.lowerBound {
            if !allowed(p[k]) { autolinkCandidate = -1; return false }
            k += 1
        }
        autolinkCheckedTo = range.upperBound
        for k in range where !allowed(p[k]) {
            autolinkCandidate = -1
            return true
        }
        return false
    }

    /// The location of byte `offset`, in amortised constant time for increasing offsets.
    mutating func location(_ offset: Int) -> SourceLocation { cursor.location(of: offset, in: source) }

    /// Replaces `range` of the source by a placeholder for `token`.
    mutating func substitute(_ range: Range<Int>, _ token: SourceScanner.Token) {
        if range.lowerBound > copyFrom {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: p[copyFrom..<range.lowerBound]))
        }
        let protStart = out.count
        // A span with white space gets a placeholder with a space, so that cmark reads
        // the constructs around it as in the source: `[a]: $x y$` is no link reference
        // definition, `[a](u/$x y$)` no link, `<a title=$x y$>` no HTML tag.
        var space = hidesAutolinkBreak(range)
        if !space { for k in range where isWhite(p[k]) { space = true; break } }
        out.append(contentsOf: marker.start)
        // The digits are the token's position in `tokens`.
        out.append(contentsOf: Array(String(tokens.count).utf8))
        if space { out.append(SPACE) }
        out.append(contentsOf: marker.end)
        subs.append(SourceScanner.Substitution(prot: protStart..<out.count, orig: range))
        tokens.append(token)
        tokenRanges.append(range)
        copyFrom = range.upperBound
    }
}

/// Locations of byte offsets for a caller that asks mostly in increasing order: an offset
/// on the line of the previous one costs only the bytes in between. (`SourceText.location`
/// counts scalars from the line start, which is quadratic for many spans on one long line.)
struct LocationCursor {
    private var offset = 0
    private var line = 1
    private var column = 1

    mutating func location(of byte: Int, in source: SourceText) -> SourceLocation {
        let o = max(0, min(byte, source.bytes.count))
        let l = source.line(ofByte: o)
        if l == line && o >= offset {
            column += SourceText.scalarCount(source.bytes, from: offset, to: o)
        } else if l == line && offset - o < o - source.lineStarts[l - 1] {
            column -= SourceText.scalarCount(source.bytes, from: o, to: offset)
        } else {
            column = source.location(ofByte: o).column
        }
        offset = o
        line = l
        return SourceLocation(line: line, column: column)
    }
}
