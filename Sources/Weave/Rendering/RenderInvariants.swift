/// The properties of the parse-and-render path that must hold for every input, however
/// malformed. The fuzzer (`Fuzz/WeaveFuzz`) checks them on every input it generates, and
/// `FuzzRegressionTests` on every input the fuzzer ever failed on. Besides these, every
/// input must parse and render without crashing and in bounded time (the fuzzer runs
/// under AddressSanitizer with a per-input timeout).
///
/// 1. `markdown-identity`: a document without executable blocks, inline expressions,
///    cross-references and equation labels (the only things the Markdown renderer
///    splices) renders to Markdown byte for byte equal to its input; any document's
///    Markdown keeps the bytes before its first and after its last spliced range.
/// 2. `placeholder-once`: every span the source scanner protected (math, inline
///    expression, cross-reference) is put back exactly once: either as one node of the
///    tree, or literally (its source bytes) in exactly one code span, code block, info
///    string or raw HTML literal. The exceptions are link reference definitions: cmark
///    copies a definition's destination and title to every link that uses it, and drops
///    it (and its label) when unused, so a span there may be restored into link
///    destinations any number of times, including zero, and then never otherwise. Link
///    titles are not counted at all: cmark 0.30.2 keeps a title written on the line
///    after a definition even when that line turns out to be paragraph text
///    (`[f]: /u` + `"$b$" [f]` gives the link the title `$b$` and the paragraph `"$b$"`).
///    The tree's math/inline/reference nodes agree with the node counts.
/// 3. `math-in-html`: every math node outside image alt text appears in the HTML in
///    pandoc's form (DESIGN.md §2: `<span class="math inline">\(TeX\)</span>`,
///    `<span class="math display">\[TeX\]</span>`, environments verbatim; the `numbered`
///    class and `\tag{n}` of a numbered display, the `id` of a `{#eq-…}` label; the `math`
///    environment inline), TeX escaped for `&<>` only, in document
///    order; and the HTML contains no other `<span class="math ` than those and the ones
///    written in the article's own raw HTML. (Math in alt text is plain text there.)
/// 4. `tex-verbatim`: the TeX of a math span on one line is exactly the source bytes
///    between its delimiters.
/// 5. `no-placeholder-leak`: the placeholder marker never reaches the HTML or Markdown.
/// 6. `cmark-equivalence`: a document without Weave syntax (no front matter, math,
///    inline expressions, cross-references or executable blocks) renders, in
///    cmark-compatible mode, to exactly what cmark itself renders with
///    `CMARK_OPT_UNSAFE | CMARK_OPT_VALIDATE_UTF8`.
package enum RenderInvariants {
    package struct Violation: Sendable, CustomStringConvertible {
        package var invariant: String
        package var detail: String
        package var description: String { "\(invariant): \(detail)" }
    }

    /// Every violated invariant for the article `bytes` (empty when all hold).
    package static func check(_ bytes: [UInt8]) -> [Violation] {
        let (doc, audit) = DocumentParser.parseAudited(path: "fuzz.md", bytes: bytes)
        var out: [Violation] = []
        func fail(_ invariant: String, _ detail: String) { out.append(Violation(invariant: invariant, detail: detail)) }

        let html = HTMLRenderer(document: doc).renderBody()
        let markdown = MarkdownRenderer(document: doc, name: "fuzz").render().markdown

        // 1. Markdown identity.
        var spliced: [Range<Int>] = doc.blocks.map(\.range) + doc.inlines.map(\.range) + doc.references.map(\.range)
        spliced += doc.math.filter { $0.label != nil }.map(\.range)
        if spliced.isEmpty {
            if markdown != bytes {
                fail("markdown-identity", "Markdown differs from the input " + firstDifference(markdown, bytes))
            }
        } else {
            let first = spliced.map(\.lowerBound).min()!, last = spliced.map(\.upperBound).max()!
            if markdown.count < first || markdown[0..<first] != bytes[0..<first] {
                fail("markdown-identity", "Markdown changed bytes before the first spliced range (offset \(first))")
            }
            let tail = bytes.count - last
            if markdown.count < tail || markdown[(markdown.count - tail)...] != bytes[last...] {
                fail("markdown-identity", "Markdown changed bytes after the last spliced range (offset \(last))")
            }
        }

        // 2. Every protected span comes back exactly once.
        var nodeCounts: [PlaceholderAudit.TokenKind: [Int: Int]] = [.math: [:], .inline: [:], .reference: [:]]
        for node in doc.tree.nodes {
            switch node.kind {
            case .math: nodeCounts[.math]![Int(node.index), default: 0] += 1
            case .inlineExpression: nodeCounts[.inline]![Int(node.index), default: 0] += 1
            case .crossReference: nodeCounts[.reference]![Int(node.index), default: 0] += 1
            default: break
            }
        }
        var tokenFor: [PlaceholderAudit.TokenKind: [Int: Int]] = [.math: [:], .inline: [:], .reference: [:]]
        for (t, token) in audit.tokens.enumerated() {
            let c = audit.counts[t]
            let what = "\(token.kind) \(token.index) (source bytes \(audit.ranges[t]): \(quote(bytes, audit.ranges[t])))"
            if tokenFor[token.kind]![token.index] != nil { fail("placeholder-once", "\(what) has two placeholders") }
            tokenFor[token.kind]![token.index] = t
            if c.node > 1 {
                fail("placeholder-once", "\(what) restored as a node \(c.node) times")
            } else if c.node == 1 && c.literal + c.destination > 0 {
                fail("placeholder-once", "\(what) restored as a node and also literally (\(c.literal) times in code/HTML, \(c.destination) in link destinations)")
            } else if c.node == 0 && c.literal > 1 {
                fail("placeholder-once", "\(what) restored literally \(c.literal) times")
            } else if c.node == 0 && c.literal == 1 && c.destination > 0 {
                fail("placeholder-once", "\(what) restored literally in code/HTML and in \(c.destination) link destination(s)")
            }
            if Int(c.node) != nodeCounts[token.kind]![token.index, default: 0] {
                fail("placeholder-once", "\(what): \(c.node) restorations as a node but \(nodeCounts[token.kind]![token.index, default: 0]) nodes in the tree")
            }
        }
        for (kind, count) in [(PlaceholderAudit.TokenKind.math, doc.math.count), (.inline, doc.inlines.count), (.reference, doc.references.count)] {
            for i in 0..<count where tokenFor[kind]![i] == nil {
                fail("placeholder-once", "\(kind) \(i) has no placeholder")
            }
        }

        // 3. Math nodes in the HTML, in order, and no other math spans.
        let spanNeedle = Array("<span class=\"math ".utf8)
        let numbering = Numbering(document: doc)
        var expectedSpans = 0
        var searchFrom = 0
        var insideImage: [Bool] = Array(repeating: false, count: doc.tree.nodes.count)
        for (i, node) in doc.tree.nodes.enumerated() {
            let parent = Int(node.parent)
            let inImage = parent >= 0 && (insideImage[parent] || doc.tree.nodes[parent].kind == .image)
            insideImage[i] = inImage
            if inImage { continue }
            switch node.kind {
            case .htmlBlock, .htmlInline:
                expectedSpans += count(spanNeedle, in: Array(doc.tree.string(node.literal).utf8))
            case .math:
                let index = Int(node.index)
                guard index >= 0 && index < doc.math.count else {
                    fail("math-in-html", "math node \(i) has index \(index) out of range")
                    continue
                }
                expectedSpans += 1
                let form = pandocForm(doc.math[index], index: index, numbering: numbering)
                if let at = find(form, in: html, from: searchFrom) {
                    searchFrom = at + form.count
                } else {
                    fail("math-in-html", "math \(index) \(quote(doc.math[index].tex)) is not in the HTML (in order) as \(quote(form, 0..<form.count))")
                }
            default: break
            }
        }
        let found = count(spanNeedle, in: html)
        if found != expectedSpans {
            fail("math-in-html", "the HTML has \(found) '<span class=\"math ' but \(expectedSpans) are expected")
        }

        // Diagnostics for unknown references are part of every render (crash/time only).
        _ = numbering.unknownReferences(in: doc)

        // 4. TeX verbatim.
        for (i, m) in doc.math.enumerated() {
            let raw = bytes[m.range]
            guard !raw.contains(0x0A) && !raw.contains(0x0D) else { continue }
            if m.tex != m.texSource(in: doc.source) {
                fail("tex-verbatim", "math \(i): TeX \(quote(m.tex)) is not the source \(quote(m.texSource(in: doc.source)))")
            }
        }

        // 5. No placeholder leaks.
        if find(audit.markerStart, in: bytes, from: 0) == nil {
            if find(audit.markerStart, in: html, from: 0) != nil { fail("no-placeholder-leak", "a placeholder marker is in the HTML") }
            if find(audit.markerStart, in: markdown, from: 0) != nil { fail("no-placeholder-leak", "a placeholder marker is in the Markdown") }
        }

        // 6. Plain CommonMark renders as cmark renders it.
        if doc.math.isEmpty && doc.inlines.isEmpty && doc.references.isEmpty && doc.blocks.isEmpty && doc.frontMatter.range == nil {
            let ours = HTMLRenderer(document: doc, options: .init(cmarkCompatible: true)).renderBody()
            let theirs = CmarkConverter.referenceHTML(bytes)
            if ours != theirs {
                fail("cmark-equivalence", "HTML differs from cmark's " + firstDifference(ours, theirs))
            }
        }
        return out
    }

    /// The HTML of math span `index` as `HTMLRenderer.writeMath` writes it (the form itself
    /// is pinned literally by MathProtectionTests); the invariant is that it appears exactly
    /// once in the page.
    static func pandocForm(_ m: MathSpan, index: Int, numbering: Numbering) -> [UInt8] {
        var w = ByteWriter()
        HTMLRenderer.writeMath(m, tag: numbering.taggedDisplay[index], into: &w)
        return w.bytes
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count else { return needle.isEmpty ? from : nil }
        var i = from
        let first = needle[0]
        while i + needle.count <= hay.count {
            if hay[i] == first && hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    static func count(_ needle: [UInt8], in hay: [UInt8]) -> Int {
        var n = 0, i = 0
        while let at = find(needle, in: hay, from: i) { n += 1; i = at + needle.count }
        return n
    }

    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> String {
        var i = 0
        while i < a.count && i < b.count && a[i] == b[i] { i += 1 }
        let lo = max(0, i - 40)
        return "at byte \(i): ours …\(quote(a, lo..<min(a.count, i + 40))) expected …\(quote(b, lo..<min(b.count, i + 40)))"
    }

    static func quote(_ bytes: [UInt8], _ r: Range<Int>) -> String {
        let r = r.clamped(to: 0..<bytes.count)
        let cut = r.count > 120 ? r.lowerBound..<(r.lowerBound + 120) : r
        return quote(String(decoding: bytes[cut], as: UTF8.self)) + (cut.count < r.count ? "…" : "")
    }

    static func quote(_ s: String) -> String { s.debugDescription }
}
