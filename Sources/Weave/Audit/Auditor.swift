/// `weave audit`: the numbers of an article that no `{swift}` expression produced.
///
/// Walks the parsed `Document`: every paragraph and heading of the CommonMark tree (with
/// the math spans, inline expressions and cross-references the parser found left out),
/// the caption options and label string literals of the executable blocks, and the
/// front matter's descriptive values. `NumberScanner` applies the rules to each piece.
public enum Auditor {
    /// Front matter keys whose values are shown to readers.
    public static let frontMatterKeys = ["title", "subtitle", "description", "summary", "abstract"]

    /// Every typed number of `document`, marked or not, in document order.
    public static func audit(_ document: Document) -> [AuditFinding] {
        let source = document.source
        let bytes = source.bytes
        let excluded = document.math.map(\.range) + document.inlines.map(\.range) + document.references.map(\.range)
        let scanner = NumberScanner(bytes: bytes, excluded: excluded)
        var findings: [AuditFinding] = []

        func add(_ result: NumberScanner.Result, kind: AuditFinding.Kind, typed: [String]) {
            let deliberate = Set((typed + result.typedLists).map(NumberScanner.normalized))
            for t in result.tokens {
                let loc = source.location(ofByte: t.range.lowerBound)
                findings.append(AuditFinding(
                    path: source.path, location: loc, text: t.text, context: context(source, loc.line, t.range),
                    kind: kind, marked: t.marked || deliberate.contains(NumberScanner.normalized(t.text)),
                    offset: t.range.lowerBound))
            }
        }

        // Front matter.
        if let fm = document.frontMatter.range {
            let typed = NumberScanner.list(document.frontMatter["typed"] ?? "")
            for (key, location) in document.frontMatter.keys where frontMatterKeys.contains(key) {
                guard let value = frontMatterValue(source, key: key, line: location.line, within: fm) else { continue }
                add(scanner.scan(value, mode: .plain), kind: .frontMatter, typed: typed)
            }
        }

        // Paragraphs and headings.
        let tree = document.tree
        for node in tree.nodes where (node.kind == .paragraph || node.kind == .heading) && node.sourceStart >= 0 {
            var range = Int(node.sourceStart)..<max(Int(node.sourceStart), Int(node.sourceEnd))
            var kind = AuditFinding.Kind.prose
            if node.kind == .heading {
                kind = .heading
                var k = range.lowerBound
                while k < range.upperBound && bytes[k] == 0x23 { k += 1 }
                while k < range.upperBound && (bytes[k] == 0x20 || bytes[k] == 0x09) { k += 1 }
                range = k..<range.upperBound
            } else if isPipeTable(source, range) {
                kind = .table
            }
            add(scanner.scan(range, mode: .markdown, skipLeadingNumber: node.kind == .heading), kind: kind, typed: [])
        }

        // Executable blocks: captions and label literals.
        for block in document.blocks {
            let typed = block.options.raw.filter { $0.key == "typed" }.flatMap { NumberScanner.list($0.value) }
            for entry in block.options.raw where ["caption", "fig-cap", "tbl-cap"].contains(entry.key) {
                let line = source.lineRange(entry.line)
                guard let bar = find(Array("//|".utf8), in: bytes, line),
                      let colon = bytes[bar..<line.upperBound].firstIndex(of: 0x3A) else { continue }
                add(scanner.scan((colon + 1)..<line.upperBound, mode: .plain), kind: .caption, typed: typed)
            }
            let codeLines = block.code.split(separator: "\n", omittingEmptySubsequences: false)
            for seg in LabelLiterals.segments(in: block.code) where seg.line < codeLines.count {
                let line = source.lineRange(block.codeFirstLine + seg.line)
                let lineStart = max(line.lowerBound, line.upperBound - codeLines[seg.line].utf8.count)
                let r = min(line.upperBound, lineStart + seg.start)..<min(line.upperBound, lineStart + seg.end)
                add(scanner.scan(r, mode: .plain), kind: .label, typed: typed)
            }
        }
        return findings.enumerated().sorted { ($0.element.offset, $0.offset) < ($1.element.offset, $1.offset) }.map(\.element)
    }

    /// The findings that are not marked as deliberate.
    public static func unmarked(_ document: Document) -> [AuditFinding] {
        audit(document).filter { !$0.marked }
    }

    // MARK: Helpers

    /// The bytes of a top-level front matter value: after `key:` on its line, plus the
    /// indented continuation lines (folded and block scalars).
    static func frontMatterValue(_ source: SourceText, key: String, line: Int, within fm: Range<Int>) -> Range<Int>? {
        let first = source.lineRange(line)
        guard let at = find(Array((key + ":").utf8), in: source.bytes, first) else { return nil }
        var end = first.upperBound
        var next = line + 1
        while next <= source.lineCount {
            let r = source.lineRange(next)
            guard r.upperBound <= fm.upperBound, r.lowerBound < r.upperBound,
                  source.bytes[r.lowerBound] == 0x20 || source.bytes[r.lowerBound] == 0x09 else { break }
            end = r.upperBound
            next += 1
        }
        return (at + key.utf8.count + 1)..<end
    }

    /// A paragraph that is a GFM pipe table: one of its lines is a delimiter row (`|---|:--:|`).
    static func isPipeTable(_ source: SourceText, _ range: Range<Int>) -> Bool {
        let first = source.line(ofByte: range.lowerBound), last = source.line(ofByte: max(range.lowerBound, range.upperBound - 1))
        guard last > first else { return false }
        for l in first...last {
            let text = source.lineText(l).drop(while: { $0 == " " || $0 == ">" || $0 == "\t" })
            if text.contains("|") && text.contains("-") && text.allSatisfy({ "|-: \t".contains($0) }) { return true }
        }
        return false
    }

    /// The line of a finding, trimmed; a long line is cut to about 100 characters around the number.
    static func context(_ source: SourceText, _ line: Int, _ number: Range<Int>) -> String {
        let r = source.lineRange(line)
        let text = Array(source.text(r).unicodeScalars)
        let startCol = SourceText.scalarCount(source.bytes, from: r.lowerBound, to: max(r.lowerBound, number.lowerBound))
        var lo = 0, hi = text.count
        while lo < hi && (text[lo] == " " || text[lo] == "\t") { lo += 1 }
        while hi > lo && (text[hi - 1] == " " || text[hi - 1] == "\t") { hi -= 1 }
        var prefix = "", suffix = ""
        if hi - lo > 100 {
            let from = max(lo, startCol - 45), to = min(hi, from + 100)
            if from > lo { prefix = "…" }
            if to < hi { suffix = "…" }
            lo = from
            hi = to
        }
        return prefix + String(String.UnicodeScalarView(text[lo..<hi])) + suffix
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], _ range: Range<Int>) -> Int? {
        guard !needle.isEmpty, range.count >= needle.count else { return nil }
        var i = range.lowerBound
        while i + needle.count <= range.upperBound {
            if bytes[i] == needle[0] && Array(bytes[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}
