/// Numbers of labelled figures, tables and equations, in document order (Quarto's
/// convention: `fig-…` and `tbl-…` labels on blocks, `{#eq-…}` after display math or
/// `\label{eq-…}` inside it).
///
/// Equations share one sequence with the equations KaTeX numbers by itself, so that a
/// reference shows the number the reader sees: an unstarred `equation` or `multline`
/// takes one number, an unstarred `align`, `gather`, `alignat`, `flalign` or `eqnarray`
/// one per row (rows with `\notag`, `\nonumber` or `\tag` take none), and a labelled
/// `$$…$$` or `\[…\]` takes one (written as `\tag{n}`; the page's CSS advances KaTeX's
/// counter for it).
public struct Numbering: Sendable {
    public enum Kind: String, Sendable { case figure, table, equation }

    public private(set) var entries: [String: (kind: Kind, number: Int)] = [:]
    /// For each math span (by index): the equation number its labelled `$$`/`\[` gets.
    public private(set) var taggedDisplay: [Int: Int] = [:]

    static let singleNumber: Set<String> = ["equation", "multline"]
    static let numberPerRow: Set<String> = ["align", "gather", "alignat", "flalign", "eqnarray"]

    public init(document: Document) {
        var fig = 0, tbl = 0, eq = 0
        for b in document.blocks {
            guard let label = b.options.label else { continue }
            if label.hasPrefix("fig-") { fig += 1; entries[label] = (.figure, fig) }
            else if label.hasPrefix("tbl-") { tbl += 1; entries[label] = (.table, tbl) }
        }
        for (index, m) in document.math.enumerated() {
            switch m.kind {
            case .dollarDisplay, .bracketDisplay:
                guard let label = m.label ?? Numbering.texLabel(m.tex) else { continue }
                eq += 1
                entries[label] = (.equation, eq)
                taggedDisplay[index] = eq
            case .environment:
                guard let env = m.environment else { continue }
                let rows: [String]
                if Numbering.singleNumber.contains(env) { rows = [m.tex] }
                else if Numbering.numberPerRow.contains(env) { rows = Numbering.rows(m.tex) }
                else { rows = [] }
                var first: Int? = nil
                var labelled: [String: Int] = [:]
                for row in rows where !(row.contains("\\notag") || row.contains("\\nonumber") || row.contains("\\tag{")) {
                    eq += 1
                    if first == nil { first = eq }
                    if let l = Numbering.texLabel(row) { labelled[l] = eq }
                }
                for (l, n) in labelled { entries[l] = (.equation, n) }
                if let l = m.label, let n = first, entries[l] == nil { entries[l] = (.equation, n) }
            default:
                continue
            }
        }
    }

    /// `\label{NAME}` inside TeX.
    static func texLabel(_ tex: String) -> String? {
        guard let r = tex.range(of: "\\label{") else { return nil }
        let rest = tex[r.upperBound...]
        guard let close = rest.firstIndex(of: "}") else { return nil }
        let name = String(rest[..<close]).trimmingSpaces()
        return name.isEmpty ? nil : name
    }

    /// The top-level rows of an environment (split at `\\` outside braces and inner
    /// environments such as `aligned` or `cases`); a trailing empty row is dropped.
    static func rows(_ tex: String) -> [String] {
        let chars = Array(tex)
        var rows: [String] = []
        var current = ""
        var braces = 0, envs = -1  // the environment's own \begin makes it 0
        var i = 0
        func starts(_ s: String, at k: Int) -> Bool {
            let t = Array(s)
            guard k + t.count <= chars.count else { return false }
            return Array(chars[k..<(k + t.count)]) == t
        }
        while i < chars.count {
            if starts("\\begin{", at: i) { envs += 1 }
            if starts("\\end{", at: i) { envs -= 1 }
            let c = chars[i]
            if c == "\\" && i + 1 < chars.count {
                if chars[i + 1] == "\\" && braces == 0 && envs == 0 {
                    rows.append(current)
                    current = ""
                    i += 2
                    continue
                }
                current.append(c)
                current.append(chars[i + 1])
                i += 2
                continue
            }
            if c == "{" { braces += 1 } else if c == "}" { braces -= 1 }
            current.append(c)
            i += 1
        }
        // The last row runs up to \end{ENV}.
        if let r = current.range(of: "\\end{", options: .backwards) { current = String(current[..<r.lowerBound]) }
        if !current.trimmingSpaces().isEmpty { rows.append(current) }
        return rows
    }

    /// "Figure 2", "Table 1", "(3)"; nil for an unknown label.
    public func text(for label: String) -> String? {
        guard let e = entries[label] else { return nil }
        switch e.kind {
        case .figure: return "Figure \(e.number)"
        case .table: return "Table \(e.number)"
        case .equation: return "(\(e.number))"
        }
    }

    public func number(for label: String) -> Int? { entries[label]?.number }

    /// Diagnostics for references to labels that do not exist.
    ///
    /// Linear in the number of references: the known labels are sorted once, the
    /// "did you mean" search runs for the first 20 distinct unknown labels only (it costs
    /// one edit distance per known label), and the list of known labels is cut at 20.
    public func unknownReferences(in document: Document) -> [Diagnostic] {
        var known: [String]? = nil
        var suggestions: [String: String?] = [:]
        return document.references.compactMap { ref in
            guard entries[ref.label] == nil else { return nil }
            if known == nil { known = entries.keys.sorted() }
            let known = known!
            var details = Diagnostic.quote(document.source, ref.location, byteOffset: ref.range.lowerBound)
            var suggestion: String? = nil
            if let cached = suggestions[ref.label] {
                suggestion = cached
            } else if suggestions.count < 20 {
                suggestion = Suggest.closest(ref.label, among: known, maxDistance: 3)
                suggestions[ref.label] = .some(suggestion)
            }
            if let s = suggestion {
                details.append("did you mean '@\(s)'?")
            } else if known.isEmpty {
                details.append("no figure, table or equation in this article has a label; add '//| label: \(ref.label)' to a block or '{#\(ref.label)}' after display math")
            } else {
                let shown = known.prefix(20).map { "@" + $0 }.joined(separator: ", ")
                details.append("labels in this article: " + shown + (known.count > 20 ? ", … (\(known.count) in all)" : ""))
            }
            return .error(document.path, ref.location, "unknown reference '@\(ref.label)'", details: details)
        }
    }
}
