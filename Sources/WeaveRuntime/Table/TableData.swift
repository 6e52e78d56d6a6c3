/// A finished table: every cell already formatted as a string. This is what travels
/// from an article program to Weave, which renders it with `markdown()` or `html()`.
public struct TableData: Sendable, Equatable, Codable {
    /// Column headers, one per column.
    public var headers: [String]
    /// Column alignments, one per column.
    public var alignments: [TableAlignment]
    /// Rows of formatted cells; each row has one cell per column.
    public var rows: [[String]]
    /// Optional caption (not part of `markdown()`; `<caption>` in `html()`).
    public var caption: String?

    /// Checks the shape: as many alignments as headers, and every row that long.
    public init(headers: [String], alignments: [TableAlignment], rows: [[String]], caption: String? = nil) {
        precondition(!headers.isEmpty, "TableData: at least one column")
        precondition(alignments.count == headers.count, "TableData: \(alignments.count) alignments for \(headers.count) headers")
        for (r, row) in rows.enumerated() {
            precondition(row.count == headers.count, "TableData: row \(r + 1) has \(row.count) cells but there are \(headers.count) headers")
        }
        self.headers = headers
        self.alignments = alignments
        self.rows = rows
        self.caption = caption
    }

    /// A GitHub-flavoured Markdown pipe table, one line per row, each line ending in `\n`:
    /// ```
    /// | method |   error | steps |
    /// | :----- | ------: | ----: |
    /// | RK4    | 2.41e-3 |  1200 |
    /// ```
    /// Separator cells are `:---` (left), `:---:` (center), `---:` (right), widened to
    /// the column. In cells, `|` is escaped as `\|` and line breaks (`\r\n`, `\n`, `\r`)
    /// become spaces; nothing else is escaped, so Markdown inside cells (code, math,
    /// emphasis) renders. Columns are padded with spaces to equal width (counted in
    /// Unicode scalars after escaping; at least 4, or 5 for centered columns) for
    /// readability of the source. The caption is not included: GFM has no table caption,
    /// the page renderer places and numbers it. O(total characters).
    /// Reference: GFM spec §4.10 "Tables (extension)".
    public func markdown() -> String {
        let head = headers.map(Self.markdownCell)
        let body = rows.map { $0.map(Self.markdownCell) }
        var widths = alignments.map { $0 == .center ? 5 : 4 }
        for row in [head] + body {
            for (c, cell) in row.enumerated() { widths[c] = max(widths[c], cell.unicodeScalars.count) }
        }
        func line(_ cells: [String]) -> String {
            var s = "|"
            for (c, cell) in cells.enumerated() {
                s += " " + Self.pad(cell, to: widths[c], alignment: alignments[c]) + " |"
            }
            return s + "\n"
        }
        var out = line(head)
        var separator = "|"
        for (c, alignment) in alignments.enumerated() {
            let w = widths[c]
            switch alignment {
            case .left: separator += " :" + String(repeating: "-", count: w - 1) + " |"
            case .center: separator += " :" + String(repeating: "-", count: w - 2) + ": |"
            case .right: separator += " " + String(repeating: "-", count: w - 1) + ": |"
            }
        }
        out += separator + "\n"
        for row in body { out += line(row) }
        return out
    }

    /// An HTML table, one element per line, ending in `\n`:
    /// ```
    /// <table>
    /// <caption>Errors</caption>
    /// <thead>
    /// <tr><th style="text-align: left">method</th><th style="text-align: right">error</th></tr>
    /// </thead>
    /// <tbody>
    /// <tr><td style="text-align: left">RK4</td><td style="text-align: right">2.41e-3</td></tr>
    /// </tbody>
    /// </table>
    /// ```
    /// Text is escaped for `&`, `<`, `>`, `"`; line breaks in cells become spaces (so the
    /// table never contains a blank line and stays one HTML block inside Markdown).
    /// `<caption>` appears only when `caption` is set. O(total characters).
    public func html() -> String {
        func styled(_ tag: String, _ text: String, _ alignment: TableAlignment) -> String {
            "<\(tag) style=\"text-align: \(alignment.rawValue)\">" + Self.htmlText(text) + "</\(tag)>"
        }
        var out = "<table>\n"
        if let caption { out += "<caption>" + Self.htmlText(caption) + "</caption>\n" }
        out += "<thead>\n<tr>"
        for (c, h) in headers.enumerated() { out += styled("th", h, alignments[c]) }
        out += "</tr>\n</thead>\n<tbody>\n"
        for row in rows {
            out += "<tr>"
            for (c, cell) in row.enumerated() { out += styled("td", cell, alignments[c]) }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table>\n"
        return out
    }

    // MARK: - Helpers

    /// Replaces `\r\n`, `\n`, `\r` by one space each.
    static func oneLine(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var previousCR = false
        for u in s.unicodeScalars {
            if u == "\n" {
                if !previousCR { out.append(" ") }
                previousCR = false
            } else if u == "\r" {
                out.append(" ")
                previousCR = true
            } else {
                out.append(u)
                previousCR = false
            }
        }
        return String(out)
    }

    static func markdownCell(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for u in oneLine(s).unicodeScalars {
            if u == "|" { out.append("\\") }
            out.append(u)
        }
        return String(out)
    }

    static func htmlText(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for u in oneLine(s).unicodeScalars {
            switch u {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            default: out.append(u)
            }
        }
        return String(out)
    }

    static func pad(_ s: String, to width: Int, alignment: TableAlignment) -> String {
        let missing = width - s.unicodeScalars.count
        guard missing > 0 else { return s }
        switch alignment {
        case .left: return s + String(repeating: " ", count: missing)
        case .right: return String(repeating: " ", count: missing) + s
        case .center:
            let left = missing / 2
            return String(repeating: " ", count: left) + s + String(repeating: " ", count: missing - left)
        }
    }
}
