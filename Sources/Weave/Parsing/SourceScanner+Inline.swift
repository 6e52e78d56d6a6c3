// The inline pass of `SourceScanner`: math spans, code spans (inline ``{swift}``
// expressions) and cross-references in one run of paragraph lines.

// Byte constants and classes (as in SourceScanner.swift).
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

extension ScannerState {
    // MARK: Inline scanning of a run of paragraph lines

    /// Every search below is linear in the segment over the whole scan, whatever the
    /// input (Fuzz/README.md, "Bounded time"): a failed search is remembered, so that the
    /// next opener of the same kind does not search the rest of the paragraph again.
    mutating func scanInline(_ s: Int, _ e: Int, quoteDepth: Int) {
        memo = ScanSegmentMemo(start: s)
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
