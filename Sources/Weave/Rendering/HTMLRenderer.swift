/// Renders a document as HTML: the body (CommonMark as cmark renders it, plus math,
/// executable blocks with their outputs, inline values, numbered figures, tables and
/// equations), and the standalone page around it (`HTMLPage`).
///
/// With `Options.cmarkCompatible` the body is byte-for-byte what `cmark --unsafe`
/// produces for documents without Weave syntax (the conformance tests check this);
/// the default adds heading anchors.
public struct HTMLRenderer {
    public struct Options: Sendable {
        /// No heading ids/anchors: the body equals cmark's for plain CommonMark.
        public var cmarkCompatible: Bool = false
        public init(cmarkCompatible: Bool = false) { self.cmarkCompatible = cmarkCompatible }
    }

    let document: Document
    let results: ArticleResults?
    let options: Options
    let numbering: Numbering

    public init(document: Document, results: ArticleResults? = nil, options: Options = Options()) {
        self.document = document
        self.results = results
        self.options = options
        self.numbering = Numbering(document: document)
    }

    /// The HTML body.
    public func renderBody() -> [UInt8] {
        var state = State(renderer: self)
        state.w.bytes.reserveCapacity(document.source.bytes.count + document.source.bytes.count / 4 + 256)
        state.run()
        return state.w.bytes
    }

    public func renderBodyString() -> String { String(decoding: renderBody(), as: UTF8.self) }

    // MARK: - Walk

    struct State {
        let r: HTMLRenderer
        let tree: NodeTree
        var w = ByteWriter()
        /// While rendering an image's alt text: the image node.
        var plain: Int = -1
        var slugs: [String: Int] = [:]
        var figureCounter = 0

        init(renderer: HTMLRenderer) {
            r = renderer
            tree = renderer.document.tree
        }

        mutating func run() {
            guard !tree.nodes.isEmpty else { return }
            let arenaBytes = tree.arena
            arenaBytes.withUnsafeBufferPointer { arena in
                var cur = 0
                var entering = true
                while true {
                    if entering {
                        let descend = enter(cur, arena)
                        let first = Int(tree.nodes[cur].firstChild)
                        if descend && first >= 0 {
                            cur = first
                            continue
                        }
                        if descend { exit(cur, arena) }
                    } else {
                        exit(cur, arena)
                    }
                    if cur == 0 { break }
                    let next = Int(tree.nodes[cur].nextSibling)
                    if next >= 0 {
                        cur = next
                        entering = true
                    } else {
                        cur = Int(tree.nodes[cur].parent)
                        entering = false
                    }
                }
            }
        }

        @inline(__always)
        func lit(_ r: NodeTree.ArenaRange, _ arena: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: arena[Int(r.start)..<Int(r.start + r.count)])
        }

        /// Renders the opening of node `i`; returns whether to visit its children
        /// (and later call `exit`).
        mutating func enter(_ i: Int, _ arena: UnsafeBufferPointer<UInt8>) -> Bool {
            let n = tree.nodes[i]
            if plain >= 0 {
                switch n.kind {
                case .text, .code, .htmlInline: w.escapeHTML(lit(n.literal, arena))
                case .softBreak, .lineBreak: w.put(0x20)
                case .math: w.escapeHTML(r.document.math[Int(n.index)].tex)
                case .inlineExpression: w.escapeHTML(r.inlineText(Int(n.index)))
                case .crossReference: w.escapeHTML(r.referenceText(Int(n.index)))
                default: break
                }
                return true
            }
            switch n.kind {
            case .document: return true
            case .blockQuote:
                w.cr(); w.put("<blockquote>\n")
                return true
            case .list:
                w.cr()
                if n.index == 1 { w.put("<ul>\n") } else if n.start == 1 { w.put("<ol>\n") } else {
                    w.put("<ol start=\""); w.put(String(n.start)); w.put("\">\n")
                }
                return true
            case .item:
                w.cr(); w.put("<li>")
                return true
            case .heading:
                w.cr()
                w.put("<h"); w.put(UInt8(0x30 + n.index))
                if !r.options.cmarkCompatible {
                    let slug = uniqueSlug(Slug.make(tree.plainText(i, math: r.document.math)))
                    w.put(" id=\""); w.escapeHTML(slug); w.put("\"")
                    pendingAnchor = slug
                }
                w.put(">")
                return true
            case .thematicBreak:
                w.cr(); w.put("<hr />\n")
                return false
            case .codeBlock:
                w.cr()
                let info = lit(n.url, arena)
                if !n.flag || info.isEmpty {
                    w.put("<pre><code>")
                } else {
                    var first = 0
                    while first < info.count && !(info[first] == 0x20 || info[first] == 0x09 || info[first] == 0x0A || info[first] == 0x0D || info[first] == 0x0B || info[first] == 0x0C) { first += 1 }
                    w.put("<pre><code class=\"language-")
                    w.escapeHTML(UnsafeBufferPointer(rebasing: info[0..<first]))
                    w.put("\">")
                }
                w.escapeHTML(lit(n.literal, arena))
                w.put("</code></pre>\n")
                return false
            case .htmlBlock:
                w.cr(); w.put(bytes: lit(n.literal, arena)); w.cr()
                return false
            case .paragraph:
                if !isTight(i) { w.cr(); w.put("<p>") }
                return true
            case .text:
                w.escapeHTML(lit(n.literal, arena))
                return false
            case .softBreak:
                w.put(0x0A)
                return false
            case .lineBreak:
                w.put("<br />\n")
                return false
            case .code:
                w.put("<code>"); w.escapeHTML(lit(n.literal, arena)); w.put("</code>")
                return false
            case .htmlInline:
                w.put(bytes: lit(n.literal, arena))
                return false
            case .emph:
                w.put("<em>")
                return true
            case .strong:
                w.put("<strong>")
                return true
            case .link:
                w.put("<a href=\"")
                w.escapeHref(lit(n.url, arena))
                if n.flag || !n.title.isEmpty {
                    w.put("\" title=\""); w.escapeHTML(lit(n.title, arena))
                }
                w.put("\">")
                return true
            case .image:
                w.put("<img src=\"")
                w.escapeHref(lit(n.url, arena))
                w.put("\" alt=\"")
                plain = i
                return true
            case .math:
                renderMath(Int(n.index))
                return false
            case .inlineExpression:
                renderInline(Int(n.index))
                return false
            case .crossReference:
                let ref = r.document.references[Int(n.index)]
                if let t = r.numbering.text(for: ref.label) {
                    w.put("<a class=\"xref\" href=\"#"); w.escapeHTML(ref.label); w.put("\">"); w.escapeHTML(t); w.put("</a>")
                } else {
                    w.put("<strong class=\"xref-unknown\">?@"); w.escapeHTML(ref.label); w.put("</strong>")
                }
                return false
            case .executableBlock:
                renderCell(Int(n.index))
                return false
            }
        }

        var pendingAnchor: String? = nil

        mutating func exit(_ i: Int, _ arena: UnsafeBufferPointer<UInt8>) {
            let n = tree.nodes[i]
            if plain >= 0 {
                if plain == i {
                    plain = -1
                    if n.flag || !n.title.isEmpty { w.put("\" title=\""); w.escapeHTML(lit(n.title, arena)) }
                    w.put("\" />")
                }
                return
            }
            switch n.kind {
            case .blockQuote: w.cr(); w.put("</blockquote>\n")
            case .list: w.put(n.index == 1 ? "</ul>\n" : "</ol>\n")
            case .item: w.put("</li>\n")
            case .heading:
                if let a = pendingAnchor {
                    w.put("<a class=\"anchor\" href=\"#"); w.escapeHTML(a); w.put("\" aria-hidden=\"true\">#</a>")
                    pendingAnchor = nil
                }
                w.put("</h"); w.put(UInt8(0x30 + n.index)); w.put(">\n")
            case .paragraph: if !isTight(i) { w.put("</p>\n") }
            case .emph: w.put("</em>")
            case .strong: w.put("</strong>")
            case .link: w.put("</a>")
            default: break
            }
        }

        func isTight(_ i: Int) -> Bool {
            let parent = Int(tree.nodes[i].parent)
            guard parent >= 0 else { return false }
            let gp = Int(tree.nodes[parent].parent)
            guard gp >= 0, tree.nodes[gp].kind == .list else { return false }
            return tree.nodes[gp].flag
        }

        mutating func uniqueSlug(_ base: String) -> String {
            let b = base.isEmpty ? "section" : base
            if let k = slugs[b] {
                slugs[b] = k + 1
                return "\(b)-\(k)"
            }
            slugs[b] = 1
            return b
        }

        // MARK: Math, inline values, cells

        mutating func renderMath(_ index: Int) {
            HTMLRenderer.writeMath(r.document.math[index], tag: r.numbering.taggedDisplay[index], into: &w)
        }

        mutating func renderInline(_ index: Int) {
            let e = r.document.inlines[index]
            switch e.kind {
            case .approx(let literal), .exact(let literal):
                let claim = r.claimStatus(inline: index)
                w.put("<span class=\"claim")
                switch claim {
                case .passed?: w.put(" claim-ok")
                case .failed?: w.put(" claim-failed")
                default: break
                }
                w.put("\" title=\"")
                w.escapeHTML("checked: " + e.expression + (e.kind == .exact(literal: literal) ? " == " : " ≈ ") + literal
                             + (claim == .passed ? " (holds)" : claim == .failed ? " (FAILED)" : " (not run)"))
                w.put("\">")
                w.escapeHTML(literal)
                w.put("</span>")
            case .value:
                if let res = r.results, index < res.inlines.count, let t = res.inlines[index].text {
                    w.put("<span class=\"inline-value\">"); w.escapeHTML(t); w.put("</span>")
                } else if let res = r.results, index < res.inlines.count, let err = res.inlines[index].error {
                    w.put("<code class=\"inline-error\" title=\""); w.escapeHTML(err); w.put("\">")
                    w.escapeHTML(e.expression); w.put("</code>")
                } else {
                    w.put("<code>{swift} "); w.escapeHTML(e.expression); w.put("</code>")
                }
            }
        }

        mutating func renderCell(_ index: Int) {
            let b = r.document.blocks[index]
            let result = r.results.flatMap { index < $0.blocks.count ? $0.blocks[index] : nil }
            let label = b.options.label
            let isFigLabel = label?.hasPrefix("fig-") ?? false
            let isTblLabel = label?.hasPrefix("tbl-") ?? false
            w.cr()
            w.put("<div class=\"cell\"")
            if let l = label, !isFigLabel && !isTblLabel { w.put(" id=\""); w.escapeHTML(l); w.put("\"") }
            w.put(">\n")
            if b.options.echo ?? r.defaultEcho {
                w.put("<pre class=\"cell-code\"><code class=\"language-swift\">")
                w.escapeHTML(b.code)
                if !b.code.isEmpty { w.put("\n") }
                w.put("</code></pre>\n")
            }
            var figureLabelUsed = false, tableLabelUsed = false
            if let result, b.options.output ?? r.defaultOutput {
                for item in result.items {
                    switch item {
                    case .text(let t):
                        w.put("<pre class=\"cell-output\"><code>"); w.escapeHTML(t); w.put("</code></pre>\n")
                    case .table(let t):
                        var id: String? = nil
                        var caption = t.caption ?? (isTblLabel ? b.options.caption : nil)
                        if isTblLabel && !tableLabelUsed, let l = label {
                            tableLabelUsed = true
                            id = l
                            let prefix = r.numbering.text(for: l) ?? "Table"
                            caption = prefix + (caption.map { ": " + $0 } ?? "")
                        }
                        TableRenderer.html(t, caption: caption, id: id, into: &w)
                    case .figure(let f):
                        figureCounter += 1
                        var caption = f.caption ?? (isFigLabel || label == nil ? b.options.caption : nil)
                        w.put("<figure class=\"cell-figure\"")
                        if isFigLabel && !figureLabelUsed, let l = label {
                            figureLabelUsed = true
                            w.put(" id=\""); w.escapeHTML(l); w.put("\"")
                            let prefix = r.numbering.text(for: l) ?? "Figure"
                            caption = prefix + (caption.map { ": " + $0 } ?? "")
                        }
                        w.put(">\n<div class=\"figure-body\">")
                        w.put(f.svg)
                        w.put("</div>\n")
                        if let c = caption { w.put("<figcaption>"); w.escapeHTML(c); w.put("</figcaption>\n") }
                        w.put("</figure>\n")
                    }
                }
            }
            if let result {
                switch result.status {
                case .failed:
                    w.put("<pre class=\"cell-error\"><code>"); w.escapeHTML(result.error ?? "failed"); w.put("</code></pre>\n")
                case .notRun:
                    if let e = result.error {
                        w.put("<p class=\"cell-note\">"); w.escapeHTML(e); w.put("</p>\n")
                    }
                default: break
                }
            }
            w.put("</div>\n")
        }
    }

    var defaultEcho: Bool { document.executeFlag("echo", default: true) }
    var defaultOutput: Bool { document.executeFlag("output", default: true) }

    func inlineText(_ index: Int) -> String {
        let e = document.inlines[index]
        if let l = e.literal { return l }
        if let res = results, index < res.inlines.count, let t = res.inlines[index].text { return t }
        return "{swift} " + e.expression
    }

    func referenceText(_ index: Int) -> String {
        let ref = document.references[index]
        return numbering.text(for: ref.label) ?? "?@" + ref.label
    }

    /// The status of the prose claim of inline expression `index`, if it ran.
    func claimStatus(inline index: Int) -> ClaimResult.Status? {
        guard let res = results else { return nil }
        let e = document.inlines[index]
        return res.claims.first { ($0.kind == .approx || $0.kind == .exact) && $0.line == e.location.line && $0.column == e.location.column }?.status
    }
}

/// Heading ids like GitHub's: lower-case, letters/digits/`-`/`_` kept, spaces to `-`.
enum Slug {
    static func make(_ text: String) -> String {
        var out = ""
        for ch in text.lowercased().unicodeScalars {
            if ch == " " || ch == "\t" { out.append("-") }
            else if ch == "-" || ch == "_" { out.unicodeScalars.append(ch) }
            else if ch.properties.isAlphabetic || ch.properties.numericType != nil { out.unicodeScalars.append(ch) }
        }
        return out
    }
}

extension HTMLRenderer {
    /// Writes a math span in pandoc's HTML form (DESIGN.md §2): `\(…\)` / `\[…\]` inside
    /// `span.math.inline` / `span.math.display`, environments verbatim, the TeX escaped only
    /// for `&<>`; a numbered display (`tag`) gets the `numbered` class and `\tag{n}`, a
    /// `{#eq-…}` label becomes the span's id (a `\label{…}` inside the TeX becomes its id in
    /// the page script; the TeX stays as written).
    static func writeMath(_ m: MathSpan, tag: Int?, into w: inout ByteWriter) {
        switch m.kind {
        case .dollarInline, .parenInline:
            w.put("<span class=\"math inline\">\\("); w.escapeMath(m.tex); w.put("\\)</span>")
        case .dollarDisplay, .bracketDisplay:
            w.put(tag == nil ? "<span class=\"math display\"" : "<span class=\"math display numbered\"")
            if let l = m.label { w.put(" id=\""); w.escapeHTML(l); w.put("\"") }
            w.put(">\\[")
            w.escapeMath(m.tex)
            if let n = tag { w.put("\\tag{\(n)}") }
            w.put("\\]</span>")
        case .environment:
            w.put(m.isDisplay ? "<span class=\"math display\"" : "<span class=\"math inline\"")
            if let l = m.label { w.put(" id=\""); w.escapeHTML(l); w.put("\"") }
            w.put(">")
            w.escapeMath(m.tex)
            w.put("</span>")
        }
    }
}
