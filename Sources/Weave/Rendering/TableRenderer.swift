/// Tables shown by blocks, rendered for each output format.
enum TableRenderer {
    /// An HTML `<table>` (with an optional caption and id).
    static func html(_ t: TableOutput, caption: String?, id: String?, into w: inout ByteWriter) {
        w.put("<div class=\"table-wrap\"><table class=\"cell-table\"")
        if let id { w.put(" id=\""); w.escapeHTML(id); w.put("\"") }
        w.put(">\n")
        if let c = caption { w.put("<caption>"); w.escapeHTML(c); w.put("</caption>\n") }
        func align(_ k: Int) -> TableOutput.Alignment { k < t.alignments.count ? t.alignments[k] : .left }
        func cellOpen(_ tag: StaticString, _ k: Int, _ w: inout ByteWriter) {
            w.put("<"); w.put(tag)
            switch align(k) {
            case .left: break
            case .center: w.put(" class=\"center\"")
            case .right: w.put(" class=\"right\"")
            }
            w.put(">")
        }
        if !t.headers.isEmpty {
            w.put("<thead>\n<tr>")
            for (k, h) in t.headers.enumerated() { cellOpen("th", k, &w); w.escapeHTML(h); w.put("</th>") }
            w.put("</tr>\n</thead>\n")
        }
        w.put("<tbody>\n")
        for row in t.rows {
            w.put("<tr>")
            for (k, c) in row.enumerated() { cellOpen("td", k, &w); w.escapeHTML(c); w.put("</td>") }
            w.put("</tr>\n")
        }
        w.put("</tbody>\n</table></div>\n")
    }

    /// A GFM pipe table; columns padded to equal width (in Unicode scalars); `|` in
    /// cells escaped as `\|`, line breaks replaced by spaces.
    static func markdown(_ t: TableOutput, prefix: String = "") -> String {
        let columns = max(t.headers.count, t.rows.map(\.count).max() ?? 0)
        guard columns > 0 else { return "" }
        func clean(_ s: String) -> String {
            var out = ""
            for ch in s.unicodeScalars {
                switch ch {
                case "|": out += "\\|"
                case "\n", "\r": out += " "
                default: out.unicodeScalars.append(ch)
                }
            }
            return out
        }
        let header = (0..<columns).map { $0 < t.headers.count ? clean(t.headers[$0]) : "" }
        let rows = t.rows.map { r in (0..<columns).map { $0 < r.count ? clean(r[$0]) : "" } }
        var width = header.map { max(3, $0.unicodeScalars.count) }
        for r in rows { for (k, c) in r.enumerated() { width[k] = max(width[k], c.unicodeScalars.count) } }
        func align(_ k: Int) -> TableOutput.Alignment { k < t.alignments.count ? t.alignments[k] : .left }
        func pad(_ s: String, _ k: Int) -> String {
            let fill = String(repeating: " ", count: width[k] - s.unicodeScalars.count)
            switch align(k) {
            case .right: return fill + s
            case .center:
                let left = fill.count / 2
                return String(repeating: " ", count: left) + s + String(repeating: " ", count: fill.count - left)
            case .left: return s + fill
            }
        }
        var lines: [String] = []
        lines.append("| " + header.enumerated().map { pad($0.element, $0.offset) }.joined(separator: " | ") + " |")
        lines.append("|" + (0..<columns).map { k -> String in
            let dashes = String(repeating: "-", count: width[k])
            switch align(k) {
            case .left: return ":" + dashes + " "
            case .center: return ":" + dashes + ":"
            case .right: return " " + dashes + ":"
            }
        }.joined(separator: "|") + "|")
        for r in rows {
            lines.append("| " + r.enumerated().map { pad($0.element, $0.offset) }.joined(separator: " | ") + " |")
        }
        return lines.map { prefix + $0 }.joined(separator: "\n") + "\n"
    }
}
