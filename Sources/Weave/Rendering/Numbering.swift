/// Numbers of labelled figures, tables and equations, in document order (Quarto's
/// convention: `fig-…` and `tbl-…` labels on blocks, `{#eq-…}` after display math).
public struct Numbering: Sendable {
    public enum Kind: String, Sendable { case figure, table, equation }

    public private(set) var entries: [String: (kind: Kind, number: Int)] = [:]

    public init(document: Document) {
        var fig = 0, tbl = 0, eq = 0
        // Blocks and equations interleave in document order; numbering is per kind,
        // so each kind can be counted on its own.
        for b in document.blocks {
            guard let label = b.options.label else { continue }
            if label.hasPrefix("fig-") { fig += 1; entries[label] = (.figure, fig) }
            else if label.hasPrefix("tbl-") { tbl += 1; entries[label] = (.table, tbl) }
        }
        for m in document.math {
            guard let label = m.label else { continue }
            eq += 1
            entries[label] = (.equation, eq)
        }
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
    public func unknownReferences(in document: Document) -> [Diagnostic] {
        document.references.compactMap { ref in
            guard entries[ref.label] == nil else { return nil }
            let known = entries.keys.sorted()
            var details = Diagnostic.quote(document.source, ref.location)
            if let s = Suggest.closest(ref.label, among: known, maxDistance: 3) {
                details.append("did you mean '@\(s)'?")
            } else if known.isEmpty {
                details.append("no figure, table or equation in this article has a label; add '//| label: \(ref.label)' to a block or '{#\(ref.label)}' after display math")
            } else {
                details.append("labels in this article: " + known.map { "@" + $0 }.joined(separator: ", "))
            }
            return .error(document.path, ref.location, "unknown reference '@\(ref.label)'", details: details)
        }
    }
}
