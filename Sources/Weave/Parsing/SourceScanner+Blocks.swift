// The block pass of `SourceScanner`: follows cmark's block structure line by line
// (block quotes, list items, fences, indented code, HTML blocks) and hands each run of
// paragraph lines to the inline pass.

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
    // MARK: Lines

    func lineInfo(_ start: Int) -> ScanLine {
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
        return ScanLine(start: start, end: end, next: next, quoteDepth: depth, contentStart: q, indent: indent, firstNonSpace: f)
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
    func htmlBlockStart(_ i: Int, _ end: Int) -> ScanHTMLEnd? {
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

    func lineContains(_ line: ScanLine, _ needle: [UInt8], caseInsensitive: Bool) -> Bool {
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
        var fence: ScanFence? = nil
        var htmlEnd: ScanHTMLEnd? = nil
        var inIndentedCode = false

        func flush(_ s: inout ScannerState) {
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

            // ScanFence opening.
            if relIndent < 4 || listIndent > 0 {
                let (c, len) = fenceRun(line.firstNonSpace, line.end)
                if len > 0 {
                    flush(&self)
                    listIndents.removeLast(listIndents.count - matchedItems)
                    listIndent = listIndents.last ?? 0
                    fence = ScanFence(char: c, length: len, quoteDepth: line.quoteDepth, indent: line.indent,
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
                        let afterOpen = ScanLine(start: line.firstNonSpace + 2, end: line.end, next: line.next,
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
                    fence = ScanFence(char: c, length: len, quoteDepth: line.quoteDepth, indent: listIndent, inList: true)
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
}
