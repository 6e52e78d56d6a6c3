/// Finds the numbers typed into a piece of article text, by the rules of `weave audit`
/// (README, "Provenance: weave audit"): digits that are not part of an identifier, a
/// date, a version, a label ("Figure 2"), an ordinal, a citation, a URL, an HTML tag or
/// entity, a code span or math.
///
/// It works on the article's bytes so that every number keeps its exact source offset.
/// What the parser already knows (math spans, inline ``{swift} …`` spans, cross-references)
/// is passed in as `excluded` ranges; the Markdown constructs that cmark resolves inside a
/// paragraph (code spans, autolinks, raw HTML, link destinations) are skipped here.
struct NumberScanner {
    /// How the text is written.
    enum Mode {
        /// A paragraph or heading: CommonMark inline syntax is honoured.
        case markdown
        /// A caption, a string literal or a front matter value: plain text.
        case plain
    }

    /// A typed number.
    struct Token: Equatable {
        /// Its bytes in the article.
        var range: Range<Int>
        /// The number as written (`2.93`, `400 000`, `1,024`, `2.41e-3`).
        var text: String
        /// True when `<!-- typed -->` follows it (only spaces between).
        var marked: Bool
    }

    /// What a scan found.
    struct Result {
        var tokens: [Token] = []
        /// The numbers listed by `<!-- typed: a, b -->` comments in the text, as written.
        var typedLists: [String] = []
    }

    let bytes: [UInt8]
    /// Byte ranges never scanned (math, inline expressions, cross-references), sorted.
    let excluded: [Range<Int>]

    init(bytes: [UInt8], excluded: [Range<Int>] = []) {
        self.bytes = bytes
        self.excluded = excluded.sorted { $0.lowerBound < $1.lowerBound }
    }

    // MARK: Word lists (README documents them)

    /// Nouns that make the number after them a label: "Figure 2", "eq. (4)", "section 3",
    /// "arXiv 2309.16354".
    static let labelNouns: Set<String> = [
        "figure", "figures", "fig", "figs", "table", "tables", "tab", "section", "sections", "sec", "secs",
        "chapter", "chapters", "ch", "chap", "equation", "equations", "eq", "eqs", "eqn", "theorem", "theorems",
        "lemma", "proposition", "corollary", "definition", "example", "examples", "exercise", "exercises",
        "appendix", "algorithm", "step", "steps", "part", "parts", "line", "lines", "page", "pages", "p", "pp",
        "article", "articles", "issue", "issues", "notebook", "listing", "remark", "note", "footnote", "item",
        "items", "row", "rows", "column", "columns", "col", "block", "blocks", "case", "cases", "version",
        "release", "volume", "vol", "no", "arxiv", "doi", "isbn",
    ]

    /// Names whose following number is a version: "Swift 6.3", "Python 3".
    static let versionedNames: Set<String> = [
        "swift", "python", "numpy", "scipy", "mpmath", "sympy", "cmark", "ubuntu", "debian", "macos", "ios",
        "xcode", "linux", "katex", "mathjax", "openblas", "chrome", "chromium", "llvm", "clang", "gcc", "cuda",
        "pytorch", "tensorflow", "jax", "julia", "node", "java", "windows", "android", "unicode", "commonmark",
        "html", "gpt", "llama", "zen", "avx",
    ]

    /// Month names and abbreviations: "August 9", "9 Aug" are dates.
    static let months: Set<String> = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    ]

    // MARK: Scanning

    /// The typed numbers in `range`. `skipLeadingNumber` drops a section number at its
    /// start (`## 3. Results`, `## 2.1 Setup`).
    func scan(_ range: Range<Int>, mode: Mode, skipLeadingNumber: Bool = false) -> Result {
        var result = Result()
        var i = range.lowerBound
        let end = min(range.upperBound, bytes.count)
        var ex = 0
        if skipLeadingNumber {
            var j = i
            while j < end && (isDigit(bytes[j]) || (bytes[j] == 0x2E && j > i && j + 1 < end && isDigit(bytes[j + 1]))) { j += 1 }
            if j > i && j < end && bytes[j] == 0x2E { j += 1 }
            if j > i && (j == end || bytes[j] == 0x20 || bytes[j] == 0x09) { i = j }
        }
        while i < end {
            while ex < excluded.count && excluded[ex].upperBound <= i { ex += 1 }
            if ex < excluded.count && excluded[ex].lowerBound <= i {
                i = excluded[ex].upperBound
                continue
            }
            let c = bytes[i]
            switch c {
            case 0x5C:  // backslash: an escape; \u{…} in a Swift literal
                if mode == .plain && i + 2 < end && bytes[i + 1] == 0x75 && bytes[i + 2] == 0x7B {
                    i = (find(0x7D, from: i + 3, to: end) ?? end - 1) + 1
                } else {
                    i += 2
                }
            case 0x60 where mode == .markdown:  // code span
                var j = i
                while j < end && bytes[j] == 0x60 { j += 1 }
                i = closingBackticks(j - i, from: j, to: end).map { $0 + (j - i) } ?? j
            case 0x3C where mode == .markdown:  // comment, raw HTML, autolink
                if let (after, comment) = htmlComment(at: i, end: end) {
                    if let list = typedList(comment) { result.typedLists += list }
                    i = after
                } else if i + 1 < end, isASCIILetter(bytes[i + 1]) || bytes[i + 1] == 0x2F || bytes[i + 1] == 0x3F || bytes[i + 1] == 0x21,
                          let close = find(0x3E, from: i + 1, to: end) {
                    i = close + 1
                } else {
                    i += 1
                }
            case 0x5D where mode == .markdown:  // ](destination) or ][label]
                if i + 1 < end && bytes[i + 1] == 0x28 {
                    i = balancedClose(from: i + 1, to: end)
                } else if i + 1 < end && bytes[i + 1] == 0x5B {
                    i = (find(0x5D, from: i + 2, to: end) ?? i + 1) + 1
                } else {
                    i += 1
                }
            case 0x5B:  // [^note], [1], [2,3], [4–6]; a link reference definition
                if let after = citationEnd(at: i, end: end) {
                    i = after
                } else if mode == .markdown && atLineStart(i), let close = find(0x5D, from: i + 1, to: end),
                          close + 1 < end && bytes[close + 1] == 0x3A {
                    i = lineEnd(close, end)
                } else {
                    i += 1
                }
            case 0x40:  // @fig-x, @knuth1984
                i += 1
                while i < end && (isAlnum(bytes[i]) || bytes[i] == 0x5F || bytes[i] == 0x2D || bytes[i] == 0x3A
                                  || (bytes[i] == 0x2E && i + 1 < end && isAlnum(bytes[i + 1]))) { i += 1 }
            case 0x26:  // &#123; &#x1F;
                if i + 2 < end && bytes[i + 1] == 0x23, let semi = find(0x3B, from: i + 2, to: min(end, i + 12)) {
                    i = semi + 1
                } else {
                    i += 1
                }
            case 0x7B where mode == .markdown && i + 1 < end && (bytes[i + 1] == 0x23 || bytes[i + 1] == 0x2E):
                i = (find(0x7D, from: i + 1, to: end) ?? i) + 1  // {#sec-x} {.class}
            case 0x68, 0x77:  // http://, https://, www.
                if let after = bareURLEnd(at: i, end: end) { i = after } else { i += 1 }
            case 0x30...0x39:
                i = number(at: i, end: end, into: &result)
            default:
                i += 1
            }
        }
        return result
    }

    /// Lexes the number starting at `start` and applies the rules; returns where to go on.
    private func number(at start: Int, end: Int, into result: inout Result) -> Int {
        let before = scalarBefore(start)
        // Part of an identifier or a name: x2, H100, float64, GPT-4, v1.2, #3, §4, 0x1F.
        if let b = before {
            let s = b.scalar
            if s.properties.isAlphabetic || s == "_" || s == "#" || s == "§" { return skipIdentifier(start, end) }
            if s == "-" || s == ".", let bb = scalarBefore(b.start), bb.scalar.properties.isAlphabetic {
                return skipIdentifier(start, end)
            }
        }
        if bytes[start] == 0x30 && start + 2 < end && (bytes[start + 1] == 0x78 || bytes[start + 1] == 0x62) && isHexDigit(bytes[start + 2]) {
            return skipIdentifier(start, end)
        }
        var j = start
        while j < end && isDigit(bytes[j]) { j += 1 }
        let intDigits = j - start
        // ISO dates: 2021-08-09, 2021-08, 2021/08/09.
        if intDigits == 4 && j + 2 < end && (bytes[j] == 0x2D || bytes[j] == 0x2F) && isDigit(bytes[j + 1]) && isDigit(bytes[j + 2])
            && (j + 3 == end || !isDigit(bytes[j + 3])) {
            var k = j + 3
            if k + 2 < end && bytes[k] == bytes[j] && isDigit(bytes[k + 1]) && isDigit(bytes[k + 2]) { k += 3 }
            return k
        }
        var grouped = false
        // Thousands: 1,024 and 1,000,000; 400 000 (space, no-break or thin space).
        while j + 3 < end && bytes[j] == 0x2C && isDigit(bytes[j + 1]) && isDigit(bytes[j + 2]) && isDigit(bytes[j + 3])
                && (j + 4 == end || !isDigit(bytes[j + 4])) {
            j += 4
            grouped = true
        }
        if !grouped && intDigits <= 3 {
            while let w = groupSpaceWidth(at: j, end: end), j + w + 2 < end,
                  isDigit(bytes[j + w]) && isDigit(bytes[j + w + 1]) && isDigit(bytes[j + w + 2]),
                  j + w + 3 == end || !(isDigit(bytes[j + w + 3]) || bytes[j + w + 3] == 0x2E && j + w + 4 < end && isDigit(bytes[j + w + 4])) {
                j += w + 3
                grouped = true
            }
        }
        var fraction = false
        if j + 1 < end && bytes[j] == 0x2E && isDigit(bytes[j + 1]) {
            fraction = true
            j += 1
            while j < end && isDigit(bytes[j]) { j += 1 }
            // 1.2.3: a version.
            if j + 1 < end && bytes[j] == 0x2E && isDigit(bytes[j + 1]) { return skipIdentifier(start, end) }
        }
        var exponent = false
        if j + 1 < end && (bytes[j] == 0x65 || bytes[j] == 0x45) {
            var k = j + 1
            if k < end && (bytes[k] == 0x2D || bytes[k] == 0x2B) { k += 1 }
            else if k + 2 < end && bytes[k] == 0xE2 && bytes[k + 1] == 0x88 && bytes[k + 2] == 0x92 { k += 3 }  // −
            if k < end && isDigit(bytes[k]) {
                while k < end && isDigit(bytes[k]) { k += 1 }
                j = k
                exponent = true
            }
        }
        let numberEnd = j
        // Letters right after: an ordinal (1st, 2nd), a dimension (2D, 3-D) or a unit (10ms).
        var k = j
        while k < end && isASCIILetter(bytes[k]) { k += 1 }
        let suffix = String(decoding: bytes[j..<k], as: UTF8.self).lowercased()
        if ["st", "nd", "rd", "th", "d"].contains(suffix) { return k }
        if k < end && bytes[k] == 0x5F { return skipIdentifier(start, end) }
        if suffix.isEmpty && j + 1 < end && bytes[j] == 0x2D && (bytes[j + 1] == 0x44 || bytes[j + 1] == 0x64)
            && (j + 2 == end || !isAlnum(bytes[j + 2])) {
            return j + 2
        }
        let text = String(decoding: bytes[start..<numberEnd], as: UTF8.self)
        let integer = !fraction && !exponent
        let value = integer && !grouped ? Int(text) : nil
        let wordBefore = self.wordBefore(start)
        // Years: a 4-digit integer from 1900 to 2100, unless an operator precedes it.
        if let v = value, intDigits == 4, (1900...2100).contains(v), !operatorBefore(start) { return numberEnd }
        // Month-day dates.
        if let v = value, (1...31).contains(v), Self.months.contains(wordBefore) || Self.months.contains(wordAfter(numberEnd, end)) {
            return numberEnd
        }
        // Labels and versions: "Figure 2", "Sections 3–5", "eq. (4)", "Swift 6.3".
        if Self.labelNouns.contains(wordBefore) || Self.versionedNames.contains(wordBefore) {
            return skipRangeTail(numberEnd, end)
        }
        result.tokens.append(Token(range: start..<numberEnd, text: text, marked: markerFollows(numberEnd, end)))
        return numberEnd
    }

    // MARK: Rule helpers

    /// After a label's number, the end of a range tail ("–5" in "Sections 3–5").
    private func skipRangeTail(_ i: Int, _ end: Int) -> Int {
        var k = i
        if k < end && bytes[k] == 0x2D { k += 1 }
        else if k + 2 < end && bytes[k] == 0xE2 && bytes[k + 1] == 0x80 && (bytes[k + 2] == 0x93 || bytes[k + 2] == 0x94) { k += 3 }
        else { return i }
        guard k < end && isDigit(bytes[k]) else { return i }
        while k < end && (isDigit(bytes[k]) || bytes[k] == 0x2E && k + 1 < end && isDigit(bytes[k + 1])) { k += 1 }
        return k
    }

    /// Skips letters, digits, `_`, and `.`/`-` between them.
    private func skipIdentifier(_ i: Int, _ end: Int) -> Int {
        var k = i
        while k < end {
            let c = bytes[k]
            if isAlnum(c) || c == 0x5F { k += 1; continue }
            if (c == 0x2E || c == 0x2D) && k + 1 < end && isAlnum(bytes[k + 1]) { k += 1; continue }
            break
        }
        return max(k, i + 1)
    }

    /// `<!-- typed -->` after `i`, with only spaces or tabs between.
    private func markerFollows(_ i: Int, _ end: Int) -> Bool {
        var k = i
        while k < end && (bytes[k] == 0x20 || bytes[k] == 0x09) { k += 1 }
        guard let (_, comment) = htmlComment(at: k, end: end) else { return false }
        return comment == "typed"
    }

    /// The comment at `i` (`<!-- … -->`): the index after it and its trimmed text.
    func htmlComment(at i: Int, end: Int) -> (Int, String)? {
        guard i + 3 < end, bytes[i] == 0x3C, bytes[i + 1] == 0x21, bytes[i + 2] == 0x2D, bytes[i + 3] == 0x2D else { return nil }
        var k = i + 4
        while k + 2 < end {
            if bytes[k] == 0x2D && bytes[k + 1] == 0x2D && bytes[k + 2] == 0x3E {
                return (k + 3, String(decoding: bytes[(i + 4)..<k], as: UTF8.self).trimmingSpaces())
            }
            k += 1
        }
        return nil
    }

    /// The numbers of a `typed: a, b` comment, or nil for any other comment.
    func typedList(_ comment: String) -> [String]? {
        guard comment.hasPrefix("typed:") else { return nil }
        return NumberScanner.list(String(comment.dropFirst(6)))
    }

    /// The items of a comma-separated list of numbers (`13, 2000, 400 000`).
    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
    }

    /// A number as compared with `typed` lists: without grouping spaces or commas.
    static func normalized(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0 != "," && $0 != " " && $0 != "\u{A0}" && $0 != "\u{2009}" && $0 != "\u{202F}" }
            .map(Character.init))
    }

    /// `[^note]`, `[1]`, `[2,3]`, `[4-6]`, `[4–6]`: a footnote or a citation marker (a
    /// comma followed by a space makes it an interval, `[0, 2]`, whose numbers count).
    private func citationEnd(at i: Int, end: Int) -> Int? {
        guard i + 2 < end else { return nil }
        if bytes[i + 1] == 0x5E { return find(0x5D, from: i + 2, to: end).map { $0 + 1 } }
        var k = i + 1
        var digits = 0
        while k < end {
            let c = bytes[k]
            if isDigit(c) { digits += 1; k += 1 }
            else if c == 0x2C || c == 0x2D { k += 1 }
            else if k + 2 < end && c == 0xE2 && bytes[k + 1] == 0x80 && bytes[k + 2] == 0x93 { k += 3 }
            else { break }
        }
        guard digits > 0, k < end, bytes[k] == 0x5D, isDigit(bytes[i + 1]) else { return nil }
        return k + 1
    }

    private func bareURLEnd(at i: Int, end: Int) -> Int? {
        if let b = scalarBefore(i), b.scalar.properties.isAlphabetic || b.scalar.properties.numericType != nil { return nil }
        for prefix in ["http://", "https://", "www."] {
            let p = Array(prefix.utf8)
            guard i + p.count <= end, Array(bytes[i..<(i + p.count)]) == p else { continue }
            var k = i + p.count
            while k < end && bytes[k] > 0x20 && bytes[k] != 0x3C { k += 1 }
            return k
        }
        return nil
    }

    /// True when the last non-space character before `i` is `=`, `≈`, `×`, `<`, `>`,
    /// `≤`, `≥` or `~` (then `n = 2048` is a number, not a year).
    private func operatorBefore(_ i: Int) -> Bool {
        var k = i
        while let b = scalarBefore(k), b.scalar == " " || b.scalar == "\u{A0}" || b.scalar == "\u{202F}" { k = b.start }
        guard let b = scalarBefore(k) else { return false }
        return ["=", "≈", "×", "<", ">", "≤", "≥", "~", "*"].contains(b.scalar)
    }

    /// The word before `i` (lower case), skipping spaces, one `(` and an abbreviation's
    /// `.`: "Figure" in "Figure 2", "eq" in "eq. (4)". Empty when something else is there.
    func wordBefore(_ i: Int) -> String {
        var k = i
        var skippedParen = false
        while let b = scalarBefore(k) {
            if b.scalar == " " || b.scalar == "\u{A0}" || b.scalar == "\u{202F}" || b.scalar == "~" || b.scalar == "\n" { k = b.start; continue }
            if b.scalar == "(" && !skippedParen { skippedParen = true; k = b.start; continue }
            break
        }
        if let b = scalarBefore(k), b.scalar == "." { k = b.start }
        var word: [Unicode.Scalar] = []
        while let b = scalarBefore(k), b.scalar.properties.isAlphabetic {
            word.append(b.scalar)
            k = b.start
        }
        return String(String.UnicodeScalarView(word.reversed())).lowercased()
    }

    /// The word after `i` (lower case), after spaces.
    private func wordAfter(_ i: Int, _ end: Int) -> String {
        var k = i
        while k < end && (bytes[k] == 0x20 || bytes[k] == 0x2C) { k += 1 }
        let s = k
        while k < end && isASCIILetter(bytes[k]) { k += 1 }
        return String(decoding: bytes[s..<k], as: UTF8.self).lowercased()
    }

    // MARK: Byte helpers

    private func groupSpaceWidth(at i: Int, end: Int) -> Int? {
        if i < end && bytes[i] == 0x20 { return 1 }
        if i + 1 < end && bytes[i] == 0xC2 && bytes[i + 1] == 0xA0 { return 2 }
        if i + 2 < end && bytes[i] == 0xE2 && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xAF || bytes[i + 2] == 0x89) { return 3 }
        return nil
    }

    private func closingBackticks(_ len: Int, from: Int, to: Int) -> Int? {
        var i = from
        while i < to {
            if bytes[i] == 0x60 {
                var j = i
                while j < to && bytes[j] == 0x60 { j += 1 }
                if j - i == len { return i }
                i = j
            } else {
                i += 1
            }
        }
        return nil
    }

    /// From `(` at `i`, the index after its matching `)` (or the end of the line).
    private func balancedClose(from i: Int, to end: Int) -> Int {
        var depth = 0
        var k = i
        while k < end {
            switch bytes[k] {
            case 0x5C: k += 1
            case 0x28: depth += 1
            case 0x29:
                depth -= 1
                if depth == 0 { return k + 1 }
            case 0x0A, 0x0D: if depth > 0 && k > i + 1 && bytes[k - 1] == bytes[k] { return k }
            default: break
            }
            k += 1
        }
        return end
    }

    private func atLineStart(_ i: Int) -> Bool {
        var k = i
        while k > 0 && (bytes[k - 1] == 0x20 || bytes[k - 1] == 0x3E || bytes[k - 1] == 0x09) { k -= 1 }
        return k == 0 || bytes[k - 1] == 0x0A || bytes[k - 1] == 0x0D
    }

    private func lineEnd(_ i: Int, _ end: Int) -> Int {
        var k = i
        while k < end && bytes[k] != 0x0A && bytes[k] != 0x0D { k += 1 }
        return k
    }

    private func find(_ byte: UInt8, from: Int, to: Int) -> Int? {
        var k = from
        while k < to {
            if bytes[k] == byte { return k }
            k += 1
        }
        return nil
    }

    /// The scalar ending right before byte `i`, and where it starts.
    func scalarBefore(_ i: Int) -> (scalar: Unicode.Scalar, start: Int)? {
        guard i > 0 else { return nil }
        var s = i - 1
        while s > 0 && bytes[s] & 0xC0 == 0x80 && i - s < 4 { s -= 1 }
        let decoded = String(decoding: bytes[s..<i], as: UTF8.self).unicodeScalars
        guard decoded.count == 1, let u = decoded.first else { return (Unicode.Scalar(0xFFFD)!, i - 1) }
        return (u, s)
    }
}

@inline(__always) private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
@inline(__always) private func isASCIILetter(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
@inline(__always) private func isAlnum(_ c: UInt8) -> Bool { isDigit(c) || isASCIILetter(c) }
@inline(__always) private func isHexDigit(_ c: UInt8) -> Bool { isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66) }
