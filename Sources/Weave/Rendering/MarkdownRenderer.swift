import Foundation

/// Renders a document as Markdown for GitHub, Hugo or any CommonMark site.
///
/// Everything outside executable blocks, inline expressions, cross-references and
/// equation labels is byte-identical to the source (DESIGN.md §2): the output is the
/// source with those ranges spliced. Blocks become their echoed code (```` ```swift ````)
/// followed by their output: text in a plain fence, GFM pipe tables, and images
/// `![caption](NAME_files/fig-N.svg)` whose SVG files are returned alongside.
public struct MarkdownRenderer {
    let document: Document
    let results: ArticleResults?
    let numbering: Numbering
    /// The output's base name (`NAME` in `NAME_files/fig-N.svg`).
    let name: String

    public init(document: Document, results: ArticleResults? = nil, name: String) {
        self.document = document
        self.results = results
        self.numbering = Numbering(document: document)
        self.name = name
    }

    public struct Output: Sendable {
        public var markdown: [UInt8]
        /// Extra files relative to the Markdown file's folder (`NAME_files/fig-1.svg`).
        public var files: [(path: String, bytes: [UInt8])]
    }

    public func render() -> Output {
        var splices: [(Range<Int>, String)] = []
        var files: [(path: String, bytes: [UInt8])] = []
        var figureCounter = 0
        let src = document.source

        for b in document.blocks {
            let newline = lineEnding(at: b.range.upperBound)
            var parts: [String] = []
            if b.options.echo ?? defaultEcho {
                parts.append(fenced(b.code, info: "swift"))
            }
            let result = results.flatMap { b.index < $0.blocks.count ? $0.blocks[b.index] : nil }
            let label = b.options.label
            var figureLabelUsed = false, tableLabelUsed = false
            if let result, b.options.output ?? defaultOutput {
                for item in result.items {
                    switch item {
                    case .text(let t):
                        parts.append(fenced(t.hasSuffix("\n") ? String(t.dropLast()) : t, info: ""))
                    case .table(let t):
                        var caption = t.caption ?? ((label?.hasPrefix("tbl-") ?? false) ? b.options.caption : nil)
                        if let l = label, l.hasPrefix("tbl-"), !tableLabelUsed {
                            tableLabelUsed = true
                            caption = (numbering.text(for: l) ?? "Table") + (caption.map { ": " + $0 } ?? "")
                        }
                        var s = ""
                        if let c = caption { s += c + "\n\n" }
                        s += TableRenderer.markdown(t)
                        parts.append(String(s.dropLast()))
                    case .figure(let f):
                        figureCounter += 1
                        let path = "\(name)_files/fig-\(figureCounter).svg"
                        files.append((path, Array(f.svg.utf8)))
                        var caption = f.caption ?? ((label == nil || label!.hasPrefix("fig-")) ? b.options.caption : nil)
                        if let l = label, l.hasPrefix("fig-"), !figureLabelUsed {
                            figureLabelUsed = true
                            caption = (numbering.text(for: l) ?? "Figure") + (caption.map { ": " + $0 } ?? "")
                        }
                        let alt = caption ?? f.alt ?? "Figure \(figureCounter)"
                        parts.append("![\(escapeAlt(alt))](\(path))")
                    }
                }
            }
            if let result {
                switch result.status {
                case .failed: parts.append(fenced(result.error ?? "failed", info: "text"))
                case .notRun: if let e = result.error { parts.append("*\(e)*") }
                default: break
                }
            }
            let text = parts.joined(separator: "\n\n")
            splices.append((b.range, indent(text, prefix: b.containerPrefix, newline: newline)))
        }

        for e in document.inlines {
            switch e.kind {
            case .approx(let literal), .exact(let literal):
                splices.append((e.range, literal))
            case .value:
                if let res = results, e.index < res.inlines.count, let t = res.inlines[e.index].text {
                    splices.append((e.range, t))
                }
            }
        }

        for r in document.references {
            splices.append((r.range, numbering.text(for: r.label) ?? "?@" + r.label))
        }

        for m in document.math {
            guard let label = m.label else { continue }
            // `$$ … $$ {#eq-x}` → `$$ … \tag{n}$$`; environments number themselves.
            let n = numbering.number(for: label) ?? 0
            switch m.kind {
            case .dollarDisplay:
                splices.append((m.range, "$$" + m.texSource(in: src) + " \\tag{\(n)}$$"))
            case .bracketDisplay:
                splices.append((m.range, "\\[" + m.texSource(in: src) + " \\tag{\(n)}\\]"))
            default:
                splices.append((m.range, m.delimitedSource(in: src)))
            }
        }

        splices.sort { $0.0.lowerBound < $1.0.lowerBound }
        var out: [UInt8] = []
        out.reserveCapacity(src.bytes.count + 1024)
        var pos = 0
        for (range, text) in splices where range.lowerBound >= pos {
            out.append(contentsOf: src.bytes[pos..<range.lowerBound])
            out.append(contentsOf: text.utf8)
            pos = range.upperBound
        }
        out.append(contentsOf: src.bytes[pos...])
        return Output(markdown: out, files: files)
    }

    var defaultEcho: Bool { document.executeFlag("echo", default: true) }
    var defaultOutput: Bool { document.executeFlag("output", default: true) }

    /// The line ending used by the line that contains `offset` ("\r\n" or "\n").
    func lineEnding(at offset: Int) -> String {
        let b = document.source.bytes
        var i = offset
        while i < b.count && b[i] != 0x0A { i += 1 }
        if i > 0 && i < b.count && b[i - 1] == 0x0D { return "\r\n" }
        if i == b.count {
            // Last line: follow the file's first line ending.
            if let lf = b.firstIndex(of: 0x0A), lf > 0, b[lf - 1] == 0x0D { return "\r\n" }
        }
        return "\n"
    }

    /// A fenced block whose fence is longer than any backtick run inside.
    func fenced(_ text: String, info: String) -> String {
        var longest = 0, run = 0
        for u in text.utf8 {
            if u == 0x60 { run += 1; longest = max(longest, run) } else { run = 0 }
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return fence + info + "\n" + text + (text.isEmpty ? "" : "\n") + fence
    }

    func escapeAlt(_ s: String) -> String {
        s.replacingOccurrences(of: "[", with: "\\[").replacingOccurrences(of: "]", with: "\\]")
    }

    /// Puts `prefix` before every line after the first (the first line starts where the
    /// block's fence was), and uses the source's line ending.
    func indent(_ text: String, prefix: String, newline: String) -> String {
        if prefix.isEmpty && newline == "\n" { return text }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var out = ""
        for (k, line) in lines.enumerated() {
            if k > 0 {
                out += newline
                let p = line.isEmpty ? String(prefix.reversed().drop(while: { $0 == " " }).reversed()) : prefix
                out += p
            }
            out += line
        }
        return out
    }
}

extension MathSpan {
    /// The TeX between the delimiters exactly as in the source (block-quote markers kept).
    func texSource(in source: SourceText) -> String {
        let open = (kind == .dollarDisplay || kind == .bracketDisplay) ? 2 : (kind == .environment ? 0 : (kind == .dollarInline ? 1 : 2))
        let close = open
        let end = delimitedEnd(in: source)
        return source.text((range.lowerBound + open)..<(end - close))
    }

    /// The span without a trailing `{#eq-…}` attribute.
    func delimitedSource(in source: SourceText) -> String {
        source.text(range.lowerBound..<delimitedEnd(in: source))
    }

    func delimitedEnd(in source: SourceText) -> Int {
        guard label != nil else { return range.upperBound }
        // Strip the `{#…}` and the spaces before it.
        let b = source.bytes
        var e = range.upperBound
        while e > range.lowerBound && b[e - 1] != 0x7B { e -= 1 }
        e -= 1
        while e > range.lowerBound && (b[e - 1] == 0x20 || b[e - 1] == 0x09) { e -= 1 }
        return e
    }
}
