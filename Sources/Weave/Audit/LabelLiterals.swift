/// Finds the string literals of a block's Swift code that become text in a figure or a
/// table: the arguments `title:`, `xLabel:`, `yLabel:`, `label:` and `caption:` of any
/// call, the first argument of `.text(…)`, and assignments to `.title`, `.xLabel`,
/// `.yLabel` and `.caption`. Only the literal parts count; interpolations `\(…)` are
/// computed. Multi-line (`"""`) and raw (`#"…"#`) strings are not scanned.
enum LabelLiterals {
    /// A piece of literal text: 0-based line in the code and byte columns on that line.
    struct Segment: Equatable {
        var line: Int
        var start: Int
        var end: Int
    }

    static let argumentLabels: Set<String> = ["title", "xLabel", "yLabel", "label", "caption"]
    static let assignedProperties: Set<String> = ["title", "xLabel", "yLabel", "caption"]

    /// The literal segments of label strings in `code`, in order.
    static func segments(in code: String) -> [Segment] {
        let b = Array(code.utf8)
        let n = b.count
        var out: [Segment] = []
        var i = 0, line = 0, lineStart = 0
        func newline(_ k: Int) { line += 1; lineStart = k + 1 }
        while i < n {
            let c = b[i]
            if c == 0x0A { newline(i); i += 1; continue }
            if c == 0x2F && i + 1 < n && b[i + 1] == 0x2F {  // // comment
                while i < n && b[i] != 0x0A { i += 1 }
                continue
            }
            if c == 0x2F && i + 1 < n && b[i + 1] == 0x2A {  // /* comment */
                i += 2
                while i + 1 < n && !(b[i] == 0x2A && b[i + 1] == 0x2F) { if b[i] == 0x0A { newline(i) }; i += 1 }
                i += 2
                continue
            }
            if c == 0x22 && i + 2 < n && b[i + 1] == 0x22 && b[i + 2] == 0x22 {  // """ … """
                i += 3
                while i + 2 < n && !(b[i] == 0x22 && b[i + 1] == 0x22 && b[i + 2] == 0x22) { if b[i] == 0x0A { newline(i) }; i += 1 }
                i += 3
                continue
            }
            if c == 0x23 && i + 1 < n && b[i + 1] == 0x22 {  // #" … "#
                i += 2
                while i + 1 < n && !(b[i] == 0x22 && b[i + 1] == 0x23) && b[i] != 0x0A { i += 1 }
                i += 2
                continue
            }
            if c == 0x22 {
                let label = isLabel(b, quote: i)
                var k = i + 1
                var segStart = k
                var pieces: [Segment] = []
                while k < n && b[k] != 0x22 && b[k] != 0x0A {
                    if b[k] == 0x5C && k + 1 < n && b[k + 1] == 0x28 {
                        pieces.append(Segment(line: line, start: segStart - lineStart, end: k - lineStart))
                        k = interpolationEnd(b, open: k + 1)
                        segStart = k
                    } else if b[k] == 0x5C {
                        k += 2
                    } else {
                        k += 1
                    }
                }
                let close = min(k, n)
                pieces.append(Segment(line: line, start: segStart - lineStart, end: close - lineStart))
                if label { out += pieces.filter { $0.end > $0.start } }
                i = close + 1
                continue
            }
            i += 1
        }
        return out
    }

    /// The index after the `)` that closes the interpolation opened at `open` (`(`).
    private static func interpolationEnd(_ b: [UInt8], open: Int) -> Int {
        var depth = 0
        var k = open
        var inString = false
        while k < b.count && b[k] != 0x0A {
            let c = b[k]
            if inString {
                if c == 0x5C { k += 2; continue }
                if c == 0x22 { inString = false }
            } else if c == 0x22 {
                inString = true
            } else if c == 0x28 {
                depth += 1
            } else if c == 0x29 {
                depth -= 1
                if depth == 0 { return k + 1 }
            }
            k += 1
        }
        return k
    }

    /// True when the literal opening at `quote` is a label argument or assignment.
    private static func isLabel(_ b: [UInt8], quote: Int) -> Bool {
        var k = quote
        while k > 0 && (b[k - 1] == 0x20 || b[k - 1] == 0x09) { k -= 1 }
        guard k > 0 else { return false }
        let punct = b[k - 1]
        guard punct == 0x3A || punct == 0x3D || punct == 0x28 else { return false }
        var e = k - 1
        while e > 0 && (b[e - 1] == 0x20 || b[e - 1] == 0x09) { e -= 1 }
        var s = e
        while s > 0 && (isWordByte(b[s - 1])) { s -= 1 }
        let word = String(decoding: b[s..<e], as: UTF8.self)
        let dotted = s > 0 && b[s - 1] == 0x2E
        switch punct {
        case 0x3A: return argumentLabels.contains(word)                          // title: "…"
        case 0x3D: return dotted && assignedProperties.contains(word)              // p.title = "…"
        default: return dotted && word == "text"                                 // .text("…")
        }
    }

    private static func isWordByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
    }
}
