/// Parses an article into a `Document`. Never fails: malformed input becomes text
/// plus a diagnostic (DESIGN.md §5).
///
/// Phases: front matter (YAML) → source scanner (math, inline expressions and
/// cross-references replaced by placeholders) → cmark → tree conversion with the
/// placeholders restored → executable blocks and their `//|` options.
public enum DocumentParser {
    public static func parse(path: String, bytes: [UInt8]) -> Document {
        parseAudited(path: path, bytes: bytes).document
    }

    /// `parse`, plus where each protected span was put back (for `RenderInvariants`).
    package static func parseAudited(path: String, bytes: [UInt8]) -> (document: Document, audit: PlaceholderAudit) {
        let source = SourceText(path: path, bytes: bytes)
        var diagnostics = validateEncoding(source)
        let (frontMatter, bodyStart, fmDiags) = FrontMatterParser.parse(source)
        diagnostics += fmDiags + FrontMatterParser.checkSettings(frontMatter, source: source)
        let scan = SourceScanner(source: source, bodyStart: bodyStart).scan()
        diagnostics += scan.diagnostics
        let converted = CmarkConverter.convertAudited(scan, source: source)
        var tree = converted.tree
        let audit = converted.audit
        var blocks: [ExecutableBlock] = []
        for i in tree.nodes.indices where tree.nodes[i].kind == .codeBlock && tree.nodes[i].flag {
            let info = tree.string(tree.nodes[i].url)
            guard info.hasPrefix("{swift}") else { continue }
            let (block, diags) = executableBlock(
                tree: tree, node: i, index: blocks.count, info: info, source: source)
            diagnostics += diags
            tree.nodes[i].kind = .executableBlock
            tree.nodes[i].index = Int32(blocks.count)
            blocks.append(block)
        }
        diagnostics += checkLabels(blocks: blocks, math: scan.math, source: source)
        let document = Document(
            source: source, frontMatter: frontMatter, tree: tree, math: scan.math, blocks: blocks,
            inlines: scan.inlines, references: scan.references, diagnostics: diagnostics)
        return (document, audit)
    }

    public static func parse(path: String, text: String) -> Document {
        parse(path: path, bytes: Array(text.utf8))
    }

    // MARK: Executable blocks

    static func executableBlock(tree: NodeTree, node: Int, index: Int, info: String, source: SourceText)
        -> (ExecutableBlock, [Diagnostic])
    {
        var diags: [Diagnostic] = []
        let n = tree.nodes[node]
        let b = source.bytes
        let startLine = source.line(ofByte: Int(n.sourceStart))
        let lineRange = source.lineRange(startLine)
        // The fence: the first run of ``` or ~~~ on the line.
        var f = lineRange.lowerBound
        while f < lineRange.upperBound && !(b[f] == 0x60 || b[f] == 0x7E) { f += 1 }
        var fenceEnd = f
        while fenceEnd < lineRange.upperBound && b[fenceEnd] == b[min(f, b.count - 1)] { fenceEnd += 1 }
        let fence = source.text(f..<fenceEnd)
        var prefixBytes = Array(b[lineRange.lowerBound..<f])
        for k in prefixBytes.indices where prefixBytes[k] != 0x3E && prefixBytes[k] != 0x09 { prefixBytes[k] = 0x20 }
        let prefix = String(decoding: prefixBytes, as: UTF8.self)

        // The literal: content lines with container prefixes removed.
        var code = tree.literal(node)
        if code.contains("\r") { code = code.replacingCRLF() }
        var lines = code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }

        // End: the closing fence line, if present.
        let contentLines = lines.count
        let lastLine = startLine + contentLines + 1
        var unclosed = true
        var end = source.lineRange(startLine + contentLines).upperBound
        if lastLine <= source.lineCount {
            let r = source.lineRange(lastLine)
            let text = source.text(r)
            let stripped = text.drop(while: { $0 == " " || $0 == "\t" || $0 == ">" })
            let fch = fence.first ?? "`"
            let run = stripped.prefix(while: { $0 == fch })
            if run.count >= fence.count && stripped.dropFirst(run.count).allSatisfy({ $0 == " " || $0 == "\t" }) {
                unclosed = false
                end = r.upperBound
            }
        }
        if unclosed {
            let loc = source.location(ofByte: f)
            diags.append(.warning(source.path, loc, "code block is not closed: no '\(fence)' line ends it",
                                  details: Diagnostic.quote(source, loc) + ["the block runs to the end of its container; add a line '\(fence)' after the code"]))
        }

        // Options: leading `//| key: value` lines.
        var options = BlockOptions()
        var optionCount = 0
        for (k, line) in lines.enumerated() {
            let t = line.drop(while: { $0 == " " || $0 == "\t" })
            guard t.hasPrefix("//|") else { break }
            optionCount += 1
            let articleLine = startLine + 1 + k
            let body = t.dropFirst(3)
            guard let colon = body.firstIndex(of: ":") else {
                let loc = SourceLocation(line: articleLine, column: source.lineText(articleLine).count - t.count + 1)
                diags.append(.error(source.path, loc, "block option without ':' — expected '//| key: value'",
                                    details: Diagnostic.quote(source, loc) + ["for example '//| echo: false'"]))
                continue
            }
            let key = String(body[..<colon]).trimmingSpaces()
            var value = String(body[body.index(after: colon)...]).trimmingSpaces()
            if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                value = String(value.dropFirst().dropLast())
            }
            options.raw.append(.init(key: key, value: value, line: articleLine))
            let afterBar = body.prefix(while: { $0 == " " || $0 == "\t" }).count
            let keyColumn = source.lineText(articleLine).count - t.count + 4 + afterBar
            let loc = SourceLocation(line: articleLine, column: max(1, keyColumn))
            func bool() -> Bool? {
                switch value.lowercased() {
                case "true", "yes", "on": return true
                case "false", "no", "off": return false
                default:
                    diags.append(.error(source.path, loc, "option '\(key)' must be true or false, not '\(value)'",
                                        details: Diagnostic.quote(source, loc) + ["write '//| \(key): false' or '//| \(key): true'"]))
                    return nil
                }
            }
            switch key {
            case "label": options.label = value
            case "typed": break  // read by `weave audit` from `raw`
            case "caption", "fig-cap", "tbl-cap": options.caption = value
            case "echo": options.echo = bool()
            case "eval": options.eval = bool()
            case "output": options.output = bool()
            case "timeout":
                if let s = SettingRules.timeout.parse(value) { options.timeout = s } else {
                    diags.append(.error(source.path, loc, SettingRules.timeout.message("option 'timeout'", got: value),
                                        details: Diagnostic.quote(source, loc) + ["for example '//| timeout: 60'"]))
                }
            default:
                var detail = Diagnostic.quote(source, loc)
                if let s = Suggest.closest(key, among: BlockOptions.knownKeys) {
                    detail.append("did you mean '\(s)'?")
                } else {
                    detail.append("known options: " + BlockOptions.knownKeys.joined(separator: ", "))
                }
                diags.append(.warning(source.path, loc, "unknown block option '\(key)' is ignored", details: detail))
            }
        }
        let codeLines = lines.dropFirst(optionCount)
        let infoRest = String(info.dropFirst("{swift}".count)).trimmingSpaces()
        let block = ExecutableBlock(
            index: index, range: f..<end, location: source.location(ofByte: f), infoRest: infoRest,
            options: options, code: codeLines.joined(separator: "\n"), codeFirstLine: startLine + 1 + optionCount,
            fence: fence, containerPrefix: prefix, unclosed: unclosed)
        return (block, diags)
    }

    /// Duplicate labels are errors (cross-references would be ambiguous).
    static func checkLabels(blocks: [ExecutableBlock], math: [MathSpan], source: SourceText) -> [Diagnostic] {
        var seen: [String: SourceLocation] = [:]
        var diags: [Diagnostic] = []
        var labels: [(String, SourceLocation, Int)] = []
        for b in blocks { if let l = b.options.label { labels.append((l, b.location, b.range.lowerBound)) } }
        var cursor = LocationCursor()
        for m in math {
            if let l = m.label { labels.append((l, cursor.location(of: m.range.lowerBound, in: source), m.range.lowerBound)) }
        }
        labels.sort { $0.2 < $1.2 }
        for (label, loc, offset) in labels {
            if let first = seen[label] {
                diags.append(.error(source.path, loc, "duplicate label '\(label)' (first used at line \(first.line))",
                                    details: Diagnostic.quote(source, loc, byteOffset: offset) + ["labels must be unique within an article; rename one of them"]))
            } else {
                seen[label] = loc
            }
        }
        return diags
    }

    // MARK: Encoding

    /// Reports the first invalid UTF-8 sequence and the first NUL byte (cmark replaces
    /// both with U+FFFD; the Markdown output keeps the original bytes).
    static func validateEncoding(_ source: SourceText) -> [Diagnostic] {
        var diags: [Diagnostic] = []
        let invalid: Int? = source.bytes.withUnsafeBufferPointer { p -> Int? in
            let n = p.count
            var i = 0
            while i < n {
                let c = p[i]
                if c < 0x80 { i += 1; continue }
                var len = 0
                var minValue: UInt32 = 0
                var v: UInt32 = 0
                if c & 0xE0 == 0xC0 { len = 2; v = UInt32(c & 0x1F); minValue = 0x80 }
                else if c & 0xF0 == 0xE0 { len = 3; v = UInt32(c & 0x0F); minValue = 0x800 }
                else if c & 0xF8 == 0xF0 { len = 4; v = UInt32(c & 0x07); minValue = 0x10000 }
                else { return i }
                guard i + len <= n else { return i }
                for k in 1..<len {
                    let d = p[i + k]
                    guard d & 0xC0 == 0x80 else { return i }
                    v = (v << 6) | UInt32(d & 0x3F)
                }
                if v < minValue || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) { return i }
                i += len
            }
            return nil
        }
        if let i = invalid {
            let loc = source.location(ofByte: i)
            diags.append(.warning(source.path, loc, "invalid UTF-8 (byte 0x\(String(source.bytes[i], radix: 16, uppercase: true))); shown as U+FFFD in HTML",
                                  details: ["save the file as UTF-8; the Markdown output keeps the original bytes"]))
        }
        if let z = source.bytes.firstIndex(of: 0) {
            let loc = source.location(ofByte: z)
            diags.append(.warning(source.path, loc, "NUL byte in the article; shown as U+FFFD in HTML"))
        }
        return diags
    }
}

extension String {
    func replacingCRLF() -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        var lastCR = false
        for u in unicodeScalars {
            if u == "\r" { out.unicodeScalars.append("\n"); lastCR = true; continue }
            if u == "\n" && lastCR { lastCR = false; continue }
            lastCR = false
            out.unicodeScalars.append(u)
        }
        return out
    }
}

/// "Did you mean …?" suggestions by edit distance.
public enum Suggest {
    public static func closest(_ word: String, among candidates: [String], maxDistance: Int = 2) -> String? {
        var best: (String, Int)? = nil
        let w = Array(word.lowercased())
        for c in candidates {
            let lc = Array(c.lowercased())
            // The distance is at least the difference in length.
            if abs(lc.count - w.count) > maxDistance { continue }
            let d = distance(w, lc)
            if d <= maxDistance, best == nil || d < best!.1 { best = (c, d) }
        }
        return best?.0
    }

    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
