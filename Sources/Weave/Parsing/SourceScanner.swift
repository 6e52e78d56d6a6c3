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
    /// (see `State.hidesAutolinkBreak`), where START and END are two
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
            var state = State(p: p, source: source, marker: SourceScanner.chooseMarker(source.bytes))
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

private struct LineInfo {
    var start: Int        // first byte of the line
    var end: Int          // end of content (before \r\n / \n)
    var next: Int         // first byte of the next line
    var quoteDepth: Int
    var contentStart: Int // after block quote markers
    var indent: Int       // columns of indentation after the markers
    var firstNonSpace: Int
    var isBlank: Bool { firstNonSpace >= end }
}

private struct Fence {
    var char: UInt8
    var length: Int
    var quoteDepth: Int
    var indent: Int
    var inList: Bool
}

private enum HTMLEnd {
    case tag([UInt8])      // </script> etc. (lower-cased)
    case literal([UInt8])  // -->, ?>, >, ]]>
    case blankLine
}

/// What the inline searches of one paragraph segment learnt (reset per segment).
private struct SegmentMemo {
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

private struct State {
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
    /// What the searches of the current paragraph segment learnt (see `SegmentMemo`).
    var memo = SegmentMemo()
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

    // MARK: Lines

    func lineInfo(_ start: Int) -> LineInfo {
        var end = start
        while end < n && p[end] != LF && p[end] != CR { end += 1 }
        var next = end
        if next < n {
            if p[next] == CR && next + 1 < n && p[next + 1] == LF { next += 2 } else { next += 1 }
        }
        // Block quote markers: up to 3 spaces, '>', optional space; repeated.
        var q = start
        var depth = 0
        while true {
            var s = q
            var spaces = 0
            while s < end && p[s] == SPACE && spaces < 3 { s += 1; spaces += 1 }
            if s < end && p[s] == GT {
                depth += 1
                s += 1
                if s < end && isSpaceOrTab(p[s]) { s += 1 }
                q = s
            } else {
                break
            }
        }
        var indent = 0
        var f = q
        while f < end && isSpaceOrTab(p[f]) {
            indent += p[f] == TAB ? 4 - (indent % 4) : 1
            f += 1
        }
        return LineInfo(start: start, end: end, next: next, quoteDepth: depth, contentStart: q, indent: indent, firstNonSpace: f)
    }

    /// Length of a fence run (``` or ~~~, at least 3) starting at `i`, or 0.
    func fenceRun(_ i: Int, _ end: Int) -> (UInt8, Int) {
        guard i < end, p[i] == BACKTICK || p[i] == TILDE else { return (0, 0) }
        let c = p[i]
        var j = i
        while j < end && p[j] == c { j += 1 }
        let len = j - i
        guard len >= 3 else { return (0, 0) }
        if c == BACKTICK {
            var k = j
            while k < end {
                if p[k] == BACKTICK { return (0, 0) }
                k += 1
            }
        }
        return (c, len)
    }

    /// Width of a list marker plus following spaces at `i` (content indent offset), or 0.
    func listMarkerWidth(_ i: Int, _ end: Int) -> Int {
        guard i < end else { return 0 }
        var j = i
        let c = p[i]
        if c == 0x2D || c == 0x2B || c == 0x2A {  // - + *
            j += 1
        } else if isDigit(c) {
            while j < end && isDigit(p[j]) && j - i < 9 { j += 1 }
            guard j < end, p[j] == 0x2E || p[j] == 0x29 else { return 0 }  // . )
            j += 1
        } else {
            return 0
        }
        if j == end { return j - i + 1 }
        guard isSpaceOrTab(p[j]) else { return 0 }
        var k = j
        while k < end && p[k] == SPACE && k - j < 4 { k += 1 }
        if k - j >= 4 { k = j + 1 }  // 5+ spaces: content indent is marker + 1
        // A thematic break like "* * *" or "- - -" is not a list item.
        if c == 0x2D || c == 0x2A {
            var count = 0
            var m = i
            var onlyBreak = true
            while m < end {
                if p[m] == c { count += 1 } else if !isSpaceOrTab(p[m]) { onlyBreak = false; break }
                m += 1
            }
            if onlyBreak && count >= 3 { return 0 }
        }
        return k - i
    }

    /// Whether the list marker at `i` (one `listMarkerWidth` accepts) may interrupt a
    /// paragraph (CommonMark 0.30 §5.2): its item is not empty and, when ordered, the
    /// list starts at 1.
    func listItemInterruptsParagraph(_ i: Int, _ end: Int) -> Bool {
        var j = i
        if isDigit(p[i]) {
            var value = 0
            while j < end && isDigit(p[j]) { value = value * 10 + Int(p[j] - 0x30); j += 1 }
            guard value == 1 else { return false }
        }
        j += 1  // the bullet, `.` or `)`
        while j < end && isSpaceOrTab(p[j]) { j += 1 }
        return j < end
    }

    func isATXHeading(_ i: Int, _ end: Int) -> Bool {
        var j = i
        while j < end && p[j] == HASH { j += 1 }
        let level = j - i
        return level >= 1 && level <= 6 && (j == end || isSpaceOrTab(p[j]))
    }

    /// HTML block start (CommonMark types 1–6) at `i`; returns how it ends.
    func htmlBlockStart(_ i: Int, _ end: Int) -> HTMLEnd? {
        guard i < end, p[i] == LT else { return nil }
        func lower(_ k: Int) -> UInt8 { let c = p[k]; return (c >= 0x41 && c <= 0x5A) ? c + 32 : c }
        func matches(_ s: String, at k: Int) -> Bool {
            var k = k
            for b in s.utf8 {
                guard k < end, lower(k) == b else { return false }
                k += 1
            }
            return true
        }
        for tag in ["script", "pre", "style", "textarea"] where matches(tag, at: i + 1) {
            let k = i + 1 + tag.utf8.count
            if k == end || isSpaceOrTab(p[k]) || p[k] == GT {
                return .tag(Array("</\(tag)>".utf8))
            }
        }
        if matches("!--", at: i + 1) { return .literal(Array("-->".utf8)) }
        if matches("?", at: i + 1) { return .literal(Array("?>".utf8)) }
        if matches("![cdata[", at: i + 1) { return .literal(Array("]]>".utf8)) }
        if i + 2 < end, p[i + 1] == 0x21, (lower(i + 2) >= 0x61 && lower(i + 2) <= 0x7A) { return .literal([GT]) }
        // Type 6: a known block tag.
        var k = i + 1
        if k < end && p[k] == 0x2F { k += 1 }
        let nameStart = k
        while k < end && (isAlnum(p[k])) { k += 1 }
        if k > nameStart {
            var name = ""
            for m in nameStart..<k { name.unicodeScalars.append(Unicode.Scalar(lower(m))) }
            if SourceScanner.htmlBlockTags.contains(name) {
                if k == end || isSpaceOrTab(p[k]) || p[k] == GT || (p[k] == 0x2F && k + 1 < end && p[k + 1] == GT) {
                    return .blankLine
                }
            }
        }
        return nil
    }

    func lineContains(_ line: LineInfo, _ needle: [UInt8], caseInsensitive: Bool) -> Bool {
        let m = needle.count
        guard line.end - line.start >= m else { return false }
        var i = line.start
        while i + m <= line.end {
            var ok = true
            for k in 0..<m {
                var c = p[i + k]
                if caseInsensitive && c >= 0x41 && c <= 0x5A { c += 32 }
                if c != needle[k] { ok = false; break }
            }
            if ok { return true }
            i += 1
        }
        return false
    }

    mutating func scanLines(from start: Int) {
        var i = start
        var segStart = -1          // first byte of the current run of paragraph lines
        var segEnd = -1
        var segQuote = 0
        var paragraphOpen = false  // the previous line continues a paragraph
        var previousBlank = true
        // Content indents of the open list items, outermost first (cmark's containers:
        // marker width plus 1–4 following spaces, from the line's indentation).
        var listIndents: [Int] = []
        var fence: Fence? = nil
        var htmlEnd: HTMLEnd? = nil
        var inIndentedCode = false

        func flush(_ s: inout State) {
            if segStart >= 0 { s.scanInline(segStart, segEnd, quoteDepth: segQuote) }
            segStart = -1
        }

        while i < n {
            let line = lineInfo(i)
            defer { i = line.next }

            // Inside a raw HTML block (types 1–6): skip until its end condition.
            if let h = htmlEnd {
                switch h {
                case .blankLine:
                    if line.isBlank { htmlEnd = nil; previousBlank = true; paragraphOpen = false }
                case .tag(let t):
                    if lineContains(line, t, caseInsensitive: true) { htmlEnd = nil }
                case .literal(let t):
                    if lineContains(line, t, caseInsensitive: false) { htmlEnd = nil }
                }
                continue
            }

            // Inside a fenced code block: skip until the closing fence.
            if let f = fence {
                var ended = false
                if !line.isBlank {
                    if line.quoteDepth < f.quoteDepth { ended = true }  // container closed
                    else if f.inList && line.indent < f.indent { ended = true }
                }
                if !ended {
                    let (c, len) = fenceRun(line.firstNonSpace, line.end)
                    if c == f.char && len >= f.length {
                        var k = line.firstNonSpace + len
                        while k < line.end && isSpaceOrTab(p[k]) { k += 1 }
                        if k == line.end {
                            fence = nil
                            previousBlank = false
                            paragraphOpen = false
                        }
                    }
                    continue
                }
                fence = nil  // fall through: this line is ordinary again
            }

            if line.isBlank {
                flush(&self)
                previousBlank = true
                paragraphOpen = false
                continue
            }

            // The open list items this line continues: those whose content indent it
            // reaches. A paragraph line may also continue the others lazily, so they
            // close only when no paragraph is open or when the line starts a block.
            var matchedItems = listIndents.count
            while matchedItems > 0 && line.indent < listIndents[matchedItems - 1] { matchedItems -= 1 }
            if !paragraphOpen { listIndents.removeLast(listIndents.count - matchedItems) }
            let containerIndent = matchedItems > 0 ? listIndents[matchedItems - 1] : 0
            let relIndent = line.indent - containerIndent
            var listIndent = listIndents.last ?? 0

            // Indented code: cannot interrupt a paragraph.
            if !paragraphOpen && (inIndentedCode || previousBlank) && line.indent - listIndent >= 4 {
                flush(&self)
                inIndentedCode = true
                previousBlank = false
                continue
            }
            inIndentedCode = false

            // Fence opening.
            if relIndent < 4 || listIndent > 0 {
                let (c, len) = fenceRun(line.firstNonSpace, line.end)
                if len > 0 {
                    flush(&self)
                    listIndents.removeLast(listIndents.count - matchedItems)
                    listIndent = listIndents.last ?? 0
                    fence = Fence(char: c, length: len, quoteDepth: line.quoteDepth, indent: line.indent,
                                  inList: listIndent > 0 && line.indent >= listIndent)
                    previousBlank = false
                    paragraphOpen = false
                    continue
                }
                if let h = htmlBlockStart(line.firstNonSpace, line.end) {
                    flush(&self)
                    listIndents.removeLast(listIndents.count - matchedItems)
                    // The end condition may be on the same line.
                    switch h {
                    case .blankLine: htmlEnd = .blankLine
                    case .tag(let t): if !lineContains(line, t, caseInsensitive: true) { htmlEnd = h }
                    case .literal(let t):
                        // Search after the opening `<…` so that e.g. `<!--` is not its own end.
                        let afterOpen = LineInfo(start: line.firstNonSpace + 2, end: line.end, next: line.next,
                                                 quoteDepth: 0, contentStart: 0, indent: 0, firstNonSpace: 0)
                        if !lineContains(afterOpen, t, caseInsensitive: false) { htmlEnd = h }
                    }
                    previousBlank = false
                    paragraphOpen = false
                    continue
                }
            }

            // Block starts that begin a new segment.
            var markerWidth = relIndent < 4 ? listMarkerWidth(line.firstNonSpace, line.end) : 0
            // A line that the open paragraph's container continues is paragraph text unless
            // its list item may interrupt a paragraph (`2. z`, `0) a`, a lone `*` may not).
            if markerWidth > 0 && paragraphOpen && matchedItems == listIndents.count && line.quoteDepth == segQuote
                && !listItemInterruptsParagraph(line.firstNonSpace, line.end) {
                markerWidth = 0
            }
            let heading = relIndent < 4 && isATXHeading(line.firstNonSpace, line.end)
            if markerWidth > 0 || heading || (segStart >= 0 && line.quoteDepth > segQuote) {
                flush(&self)
            }
            if markerWidth > 0 {
                listIndents.removeLast(listIndents.count - matchedItems)
                listIndent = line.indent + markerWidth
                listIndents.append(listIndent)
                // The item's first line may itself open a fence: "- ```".
                let contentAt = line.firstNonSpace + markerWidth
                let (c, len) = fenceRun(contentAt, line.end)
                if len > 0 {
                    fence = Fence(char: c, length: len, quoteDepth: line.quoteDepth, indent: listIndent, inList: true)
                    previousBlank = false
                    paragraphOpen = false
                    continue
                }
            }
            if segStart < 0 {
                segStart = line.firstNonSpace
                segQuote = line.quoteDepth
            }
            segEnd = line.end
            if heading {
                flush(&self)
                paragraphOpen = false
            } else {
                paragraphOpen = true
            }
            previousBlank = false
        }
        flush(&self)
    }

    // MARK: Inline scanning of a run of paragraph lines

    /// Every search below is linear in the segment over the whole scan, whatever the
    /// input (Fuzz/README.md, "Bounded time"): a failed search is remembered, so that the
    /// next opener of the same kind does not search the rest of the paragraph again.
    mutating func scanInline(_ s: Int, _ e: Int, quoteDepth: Int) {
        memo = SegmentMemo(start: s)
        autolinkCandidate = -1
        var i = s
        while i < e {
            let c = p[i]
            switch c {
            case BACKSLASH:
                guard i + 1 < e else { i += 1; continue }
                let d = p[i + 1]
                if d == 0x28 {  // \(
                    if let end = scanParenInline(i, e) {
                        addMath(.parenInline, i..<end, contentStart: i + 2, contentEnd: end - 2, quoteDepth: quoteDepth, e: e)
                        i = copyFrom
                        continue
                    }
                    i += 2
                    continue
                }
                if d == 0x5B {  // \[
                    if let end = scanBracketDisplay(i, e) {
                        addMath(.bracketDisplay, i..<end, contentStart: i + 2, contentEnd: end - 2, quoteDepth: quoteDepth, e: e)
                        i = copyFrom
                        continue
                    }
                    i += 2
                    continue
                }
                if d == 0x62, let (name, openEnd) = environmentName(i, e) {  // \begin{
                    let closer = Array("\\end{\(name)}".utf8)
                    // No closer after an earlier opener of this environment: none after this one.
                    if let failed = memo.environmentFailedFrom[name], failed <= openEnd {
                        warnUnterminated(i, "\\begin{\(name)}", "\\end{\(name)}")
                        i = openEnd
                        continue
                    }
                    if let at = find(closer, from: openEnd, to: e) {
                        addMath(.environment, i..<(at + closer.count), contentStart: i, contentEnd: at + closer.count,
                                quoteDepth: quoteDepth, e: e)
                        i = copyFrom
                        continue
                    }
                    memo.environmentFailedFrom[name] = openEnd
                    warnUnterminated(i, "\\begin{\(name)}", "\\end{\(name)}")
                    i = openEnd
                    continue
                }
                i += isASCIIPunct(d) ? 2 : 1
            case BACKTICK:
                var j = i
                while j < e && p[j] == BACKTICK { j += 1 }
                let len = j - i
                if let close = findBacktickRun(len, from: j, to: e) {
                    codeSpan(i..<(close + len), contentStart: j, contentEnd: close)
                    i = close + len
                } else {
                    i = j
                }
            case DOLLAR:
                if i + 1 < e && p[i + 1] == DOLLAR {
                    if let end = scanDisplayDollar(i, e) {
                        addMath(.dollarDisplay, i..<end, contentStart: i + 2, contentEnd: end - 2, quoteDepth: quoteDepth, e: e)
                        i = copyFrom
                    } else {
                        i += 2
                    }
                } else if let end = scanInlineDollar(i, e) {
                    addMath(.dollarInline, i..<end, contentStart: i + 1, contentEnd: end - 1, quoteDepth: quoteDepth, e: e)
                    i = copyFrom
                } else {
                    i += 1
                }
            case LT:
                // An autolink is a URL or an e-mail address, never math (cmark would put a
                // placeholder both into its destination and into its text).
                if let end = autolinkEnd(i, e) {
                    i = end
                } else {
                    if let after = uriSchemeEnd(i, e) { autolinkCandidate = after; autolinkCheckedTo = after }
                    i += 1
                }
            case AT:
                if let end = scanReference(i, e, segmentStart: s) {
                    let label = String(decoding: UnsafeBufferPointer(rebasing: p[(i + 1)..<end]), as: UTF8.self)
                    references.append(CrossReference(label: label, range: i..<end, location: location(i)))
                    substitute(i..<end, .reference(references.count - 1))
                    i = end
                } else {
                    i += 1
                }
            default:
                i += 1
            }
        }
    }

    func find(_ needle: [UInt8], from: Int, to: Int) -> Int? {
        let m = needle.count
        var i = from
        let first = needle[0]
        while i + m <= to {
            if p[i] == first {
                var ok = true
                for k in 1..<m where p[i + k] != needle[k] { ok = false; break }
                if ok { return i }
            }
            i += 1
        }
        return nil
    }

    /// The index after `<scheme:` at `i` (the start of a URI autolink: a letter, then 1–31
    /// letters, digits, `+`, `.` or `-`, then `:`), or nil.
    func uriSchemeEnd(_ i: Int, _ e: Int) -> Int? {
        var j = i + 1
        guard j < e, (p[j] >= 0x41 && p[j] <= 0x5A) || (p[j] >= 0x61 && p[j] <= 0x7A) else { return nil }
        j += 1
        while j < e && j - (i + 1) < 32 && (isAlnum(p[j]) || p[j] == 0x2B || p[j] == 0x2E || p[j] == 0x2D) { j += 1 }
        let length = j - (i + 1)
        guard length >= 2 && length <= 32 && j < e && p[j] == 0x3A else { return nil }
        return j + 1
    }

    /// The index after a CommonMark autolink starting at `i` (`<scheme:…>` or
    /// `<local@domain>`, spec 0.30 §6.5), or nil.
    func autolinkEnd(_ i: Int, _ e: Int) -> Int? {
        guard i + 1 < e, p[i] == LT else { return nil }
        // URI: `<scheme:` (uriSchemeEnd), then no byte 0x01–0x20, '<' or '>' up to '>'
        // (cmark reads NUL as U+FFFD, which is allowed).
        if var j = uriSchemeEnd(i, e) {
            while j < e && (p[j] > 0x20 || p[j] == 0) && p[j] != LT && p[j] != GT { j += 1 }
            if j < e && p[j] == GT { return j + 1 }
        }
        // E-mail: [a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+ @ labels of [a-zA-Z0-9-] (1–63, no
        // leading or trailing '-') separated by '.', then '>'.
        var j = i + 1
        let localStart = j
        while j < e {
            let c = p[j]
            if isAlnum(c) || (c != 0x22 && c != 0x28 && c != 0x29 && c != 0x2C && c != 0x3A && c != 0x3B
                              && c != LT && c != GT && c != AT && c != 0x5B && c != BACKSLASH && c != 0x5D
                              && c >= 0x21 && c <= 0x7E) {
                j += 1
            } else {
                break
            }
        }
        guard j > localStart, j < e, p[j] == AT else { return nil }
        j += 1
        while true {
            let labelStart = j
            while j < e && (isAlnum(p[j]) || p[j] == 0x2D) && j - labelStart < 63 { j += 1 }
            guard j > labelStart, p[labelStart] != 0x2D, p[j - 1] != 0x2D else { return nil }
            guard j < e else { return nil }
            if p[j] == GT { return j + 1 }
            guard p[j] == 0x2E else { return nil }
            j += 1
        }
    }

    /// A run of exactly `len` backticks in `from..<to` (not part of a longer run).
    ///
    /// cmark's memo (`scan_to_closing_backticks`): the first search that reaches the end
    /// of the segment records where the last run of each length starts, so every later
    /// search for a length without a run after `from` fails at once. Searches start at
    /// increasing offsets and a successful one is skipped over by the caller, so the
    /// segment is walked about once in all (not once per unmatched opener).
    mutating func findBacktickRun(_ len: Int, from: Int, to: Int) -> Int? {
        if memo.backticksScannedToEnd && (memo.lastBacktickRun[len] ?? -1) < from { return nil }
        var i = from
        while i < to {
            if p[i] == BACKTICK {
                var j = i
                while j < to && p[j] == BACKTICK { j += 1 }
                // A later search may pass runs the full search saw: keep the last one.
                if !memo.backticksScannedToEnd { memo.lastBacktickRun[j - i] = i }
                if j - i == len { return i }
                i = j
            } else {
                i += 1
            }
        }
        memo.backticksScannedToEnd = true
        return nil
    }

    /// `\begin{NAME}` at `i` for a math environment: (NAME, index after the brace).
    func environmentName(_ i: Int, _ e: Int) -> (String, Int)? {
        let begin = Array("\\begin{".utf8)
        guard i + begin.count < e else { return nil }
        for k in 0..<begin.count where p[i + k] != begin[k] { return nil }
        var j = i + begin.count
        let nameStart = j
        while j < e && p[j] != RBRACE && j - nameStart < 20 { j += 1 }
        guard j < e, p[j] == RBRACE else { return nil }
        let name = String(decoding: UnsafeBufferPointer(rebasing: p[nameStart..<j]), as: UTF8.self)
        guard SourceScanner.mathEnvironments.contains(name) else { return nil }
        return (name, j + 1)
    }

    /// pandoc's inline-math content rule for `$…$`; returns the index after the closing
    /// delimiter.
    ///
    /// The search is a walk whose next step depends only on the current position, so two
    /// searches that reach the same position end the same way. A search that ends in a
    /// closing `$` is skipped over by the caller; so when a search reaches a position an
    /// earlier one walked, that one failed, and this one fails too. Every position is
    /// walked at most once per document: linear time for any number of `$` (pandoc's own
    /// parser is quadratic here, e.g. for `$\text{` repeated).
    mutating func scanInlineDollar(_ i: Int, _ e: Int) -> Int? {
        guard i + 1 < e, !isWhite(p[i + 1]) else { return nil }
        if dollarWalked.isEmpty { dollarWalked = [UInt64](repeating: 0, count: n / 64 + 1) }
        var j = i + 1
        while j < e {
            let (word, bit) = (j >> 6, UInt64(1) << UInt64(j & 63))
            if dollarWalked[word] & bit != 0 { return nil }
            dollarWalked[word] |= bit
            let c = p[j]
            if c == DOLLAR {
                if j + 1 < e && isDigit(p[j + 1]) { return nil }
                return j + 1
            }
            if c == BACKSLASH {
                if let k = skipTextCommand(j, e) { j = k; continue }
                j += 2
                continue
            }
            if isWhite(c) {
                while j < e && isWhite(p[j]) { j += 1 }
                if j < e && p[j] == DOLLAR { return nil }
                continue
            }
            j += 1
        }
        return nil
    }

    /// `\text{…}` with balanced braces starting at `j` (a backslash); returns the index
    /// after it. Braces are counted with `\x` pairs skipped; the matching brace comes
    /// from a table of the whole segment, made once (a walk from any `{` meets every
    /// later position the table's walk meets, since a `{` never starts a `\x` pair).
    mutating func skipTextCommand(_ j: Int, _ e: Int) -> Int? {
        guard j + 6 <= e, p[j] == BACKSLASH, p[j + 1] == 0x74, p[j + 2] == 0x65, p[j + 3] == 0x78,
              p[j + 4] == 0x74, p[j + 5] == LBRACE else { return nil }
        if memo.braceMatch == nil {
            var match: [Int: Int] = [:]
            var open: [Int] = []
            var k = memo.start
            while k < e {
                let c = p[k]
                if c == BACKSLASH { k += 2; continue }
                if c == LBRACE { open.append(k) } else if c == RBRACE, let o = open.popLast() { match[o] = k }
                k += 1
            }
            memo.braceMatch = match
        }
        return memo.braceMatch![j + 5].map { $0 + 1 }
    }

    /// `$$…$$`: the first `$$` after at least one byte (warns when there is none). When
    /// there is none, there is none after any later opener either.
    mutating func scanDisplayDollar(_ i: Int, _ e: Int) -> Int? {
        var j = i + 3
        if j >= memo.displayDollarFailedFrom {
            warnUnterminated(i, "$$", "$$")
            return nil
        }
        while j + 1 < e {
            if p[j] == DOLLAR && p[j + 1] == DOLLAR { return j + 2 }
            j += 1
        }
        memo.displayDollarFailedFrom = i + 3
        warnUnterminated(i, "$$", "$$")
        return nil
    }

    /// `\[…\]` at `i`; returns the index after `\]` (warns when there is none). When a
    /// search finds no `\]`, no later one does.
    mutating func scanBracketDisplay(_ i: Int, _ e: Int) -> Int? {
        var j = i + 2
        guard j < e else { warnUnterminated(i, "\\[", "\\]"); return nil }
        if j >= memo.bracketFailedFrom {
            warnUnterminated(i, "\\[", "\\]")
            return nil
        }
        while j + 1 < e {
            if p[j] == BACKSLASH && p[j + 1] == 0x5D {
                if j > i + 2 { return j + 2 }
                warnUnterminated(i, "\\[", "\\]")
                return nil
            }
            j += 1
        }
        memo.bracketFailedFrom = i + 2
        warnUnterminated(i, "\\[", "\\]")
        return nil
    }

    /// `\(…\)` at `i` (the `$…$` rules: `\x` pairs skipped, no `$` after white space);
    /// returns the index after `\)`. A search that fails walked `a..<t`; a later one
    /// starting in there meets the same positions (a `(` never starts a `\x` pair) and
    /// fails the same way, at once.
    mutating func scanParenInline(_ i: Int, _ e: Int) -> Int? {
        var j = i + 2
        guard j < e else { return nil }
        if memo.parenFailed.contains(j) { return nil }
        while j + 1 < e {
            if p[j] == BACKSLASH && p[j + 1] == 0x29 {
                return j > i + 2 ? j + 2 : nil
            }
            if p[j] == BACKSLASH { j += 2; continue }
            if isWhite(p[j]) {
                while j < e && isWhite(p[j]) { j += 1 }
                if j < e && p[j] == DOLLAR { break }
                continue
            }
            j += 1
        }
        memo.parenFailed = (i + 2)...max(i + 2, j)
        return nil
    }

    /// `@fig-x`, `@tbl-x`, `@eq-x` (not preceded by a letter or digit); index after the label.
    func scanReference(_ i: Int, _ e: Int, segmentStart: Int) -> Int? {
        if i > segmentStart && (isAlnum(p[i - 1]) || p[i - 1] == 0x5F) { return nil }
        var j = i + 1
        let prefixes = ["fig-", "tbl-", "eq-"]
        var ok = false
        for pre in prefixes {
            let b = Array(pre.utf8)
            if j + b.count < e {
                var m = true
                for k in 0..<b.count where p[j + k] != b[k] { m = false; break }
                if m && isAlnum(p[j + b.count]) { ok = true; break }
            }
        }
        guard ok else { return nil }
        while j < e && (isAlnum(p[j]) || p[j] == 0x2D || p[j] == 0x5F) { j += 1 }
        while j > i + 1 && (p[j - 1] == 0x2D || p[j - 1] == 0x5F) { j -= 1 }
        return j
    }

    /// Warns about an unterminated math opener at `i`. At most
    /// `SourceScanner.mathWarningLimit` are written per file; `finish` adds one line
    /// counting the rest (200,000 unmatched `\[` once printed 85 MB of warnings).
    mutating func warnUnterminated(_ i: Int, _ open: String, _ close: String) {
        mathWarnings += 1
        if mathWarnings > SourceScanner.mathWarningLimit {
            if mathWarnings == SourceScanner.mathWarningLimit + 1 { firstUnshownMathWarning = i }
            return
        }
        let loc = location(i)
        diagnostics.append(.warning(
            source.path, loc, "unterminated math: '\(open)' has no matching '\(close)' before the end of the paragraph",
            details: Diagnostic.quote(source, loc, byteOffset: i) + ["it is rendered as text; close it with '\(close)' (a blank line ends math), or write '\\\(open.first!)' for a literal character"]))
    }

    /// Records a math span (plus a trailing `{#eq-label}` for display math) and replaces it.
    mutating func addMath(_ kind: MathSpan.Kind, _ range: Range<Int>, contentStart: Int, contentEnd: Int,
                          quoteDepth: Int, e: Int) {
        var whole = range
        var label: String? = nil
        if kind != .dollarInline && kind != .parenInline {
            var k = range.upperBound
            while k < e && isSpaceOrTab(p[k]) { k += 1 }
            if k + 5 < e && p[k] == LBRACE && p[k + 1] == HASH && p[k + 2] == 0x65 && p[k + 3] == 0x71 && p[k + 4] == 0x2D {
                var m = k + 5
                while m < e && (isAlnum(p[m]) || p[m] == 0x2D || p[m] == 0x5F) { m += 1 }
                if m < e && p[m] == RBRACE && m > k + 5 {
                    label = String(decoding: UnsafeBufferPointer(rebasing: p[(k + 2)..<m]), as: UTF8.self)
                    whole = range.lowerBound..<(m + 1)
                }
            }
        }
        let tex = stripQuoteMarkers(contentStart, contentEnd, quoteDepth: quoteDepth)
        math.append(MathSpan(kind: kind, range: whole, tex: tex, label: label))
        substitute(whole, .math(math.count - 1))
    }

    /// The bytes of `s..<e` as a string, with block quote markers removed after each line break.
    func stripQuoteMarkers(_ s: Int, _ e: Int, quoteDepth: Int) -> String {
        if quoteDepth == 0 {
            return String(decoding: UnsafeBufferPointer(rebasing: p[s..<e]), as: UTF8.self)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(e - s)
        var i = s
        while i < e {
            let c = p[i]
            bytes.append(c)
            i += 1
            if c == LF || (c == CR && !(i < e && p[i] == LF)) {
                for _ in 0..<quoteDepth {
                    var k = i
                    var spaces = 0
                    while k < e && p[k] == SPACE && spaces < 3 { k += 1; spaces += 1 }
                    if k < e && p[k] == GT {
                        k += 1
                        if k < e && p[k] == SPACE { k += 1 }
                        i = k
                    } else {
                        break
                    }
                }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A code span `range`; records it when it is an inline ``{swift} …`` expression.
    mutating func codeSpan(_ range: Range<Int>, contentStart: Int, contentEnd: Int) {
        var k = contentStart
        while k < contentEnd && isWhite(p[k]) { k += 1 }
        let tag = Array("{swift}".utf8)
        guard contentEnd - k >= tag.count else { return }
        for m in 0..<tag.count where p[k + m] != tag[m] { return }
        k += tag.count
        // The expression must be separated from the tag.
        guard k == contentEnd || isWhite(p[k]) else { return }
        while k < contentEnd && isWhite(p[k]) { k += 1 }
        var end = contentEnd
        while end > k && isWhite(p[end - 1]) { end -= 1 }
        let exprStart = k
        var raw = Array(UnsafeBufferPointer(rebasing: p[exprStart..<end]))
        for idx in raw.indices where raw[idx] == LF || raw[idx] == CR { raw[idx] = SPACE }
        let text = String(decoding: raw, as: UTF8.self)
        let loc = location(exprStart)
        let lineStart = source.lineStarts[loc.line - 1]
        let index = inlines.count
        if text.isEmpty {
            let l = location(range.lowerBound)
            diagnostics.append(.error(source.path, l, "empty inline expression: write an expression after '{swift}'",
                                      details: Diagnostic.quote(source, l, byteOffset: range.lowerBound) + ["for example `{swift} 2 * h * d`"]))
            return
        }
        let parsed = InlineExpressionParser.parse(text)
        var kind = InlineExpression.Kind.value
        var expression = text
        var literalLine = 0, literalByteColumn = 0
        switch parsed {
        case .value: break
        case .claim(let expr, let op, let literal, let literalOffset):
            expression = expr
            let ll = location(exprStart + literalOffset)
            literalLine = ll.line
            literalByteColumn = exprStart + literalOffset - source.lineStarts[ll.line - 1] + 1
            if op == "≈" {
                if NumericLiteral(literal) == nil {
                    let l = location(exprStart + literalOffset)
                    diagnostics.append(.error(
                        source.path, l, "the right side of '≈' must be a decimal number, not '\(literal)'",
                        details: Diagnostic.quote(source, l, byteOffset: exprStart + literalOffset) + ["write the value as you want it printed, e.g. 4608, 0.10 or 2.41e-3; its last digit sets the tolerance"]))
                }
                kind = .approx(literal: literal)
            } else {
                kind = .exact(literal: literal)
            }
        }
        inlines.append(InlineExpression(
            index: index, kind: kind, range: range, expression: expression, expressionOffset: exprStart,
            location: loc, byteColumn: exprStart - lineStart + 1,
            literalLine: literalLine, literalByteColumn: literalByteColumn))
        substitute(range, .inline(index))
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
