/// SVGText text helpers: fixed-precision numbers, XML escaping, text width estimates.
enum SVGText {
    /// `v` rounded to 2 decimals (half away from zero), trailing zeros trimmed, no
    /// exponent, never "-0": 12.5 → "12.5", 3.14159 → "3.14", -0.001 → "0".
    /// Values are clamped to ±1e7 (far outside any canvas) so the text stays short.
    static func number(_ v: Double) -> String {
        let clamped = v.isNaN ? 0 : Swift.min(Swift.max(v, -1e7), 1e7)
        let scaled = Int((clamped * 100).rounded(.toNearestOrAwayFromZero))
        if scaled == 0 { return "0" }
        let magnitude = scaled.magnitude
        let whole = magnitude / 100, fraction = magnitude % 100
        var s = scaled < 0 ? "-" : ""
        s += String(whole)
        if fraction != 0 {
            s += fraction % 10 == 0 ? "." + String(fraction / 10) : (fraction < 10 ? ".0" : ".") + String(fraction)
        }
        return s
    }

    /// Numbers separated by single spaces.
    static func numbers(_ values: [Double]) -> String {
        values.map(number).joined(separator: " ")
    }

    /// Escapes text for XML character data and attribute values: `&<>"'`; drops
    /// characters XML 1.0 forbids (controls other than tab, newline, carriage return,
    /// lone surrogates cannot occur in Swift strings, U+FFFE/U+FFFF).
    static func escape(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            switch u {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&apos;".unicodeScalars)
            default:
                let v = u.value
                if (v < 0x20 && v != 0x9 && v != 0xA && v != 0xD) || v == 0xFFFE || v == 0xFFFF { continue }
                out.append(u)
            }
        }
        return String(out)
    }

    /// Advance widths of ASCII 32…126 in Helvetica/Arial, in 1/1000 em (Adobe's
    /// Helvetica AFM; Arial is metric-compatible). Used to size margins and the legend.
    private static let asciiWidths: [UInt16] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space … /
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0 … ?
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ … O
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P … _
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // ` … o
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,      // p … ~
    ]

    /// Estimated width in pixels of `text` at `fontSize` px: Helvetica AFM widths for
    /// ASCII, 1 em for CJK and other wide scripts, 0.6 em otherwise, times 1.1 because the
    /// fonts a reader may get instead (DejaVu Sans, San Francisco) are up to ~12% wider.
    static func textWidth(_ text: String, fontSize: Double) -> Double {
        var thousandths = 0
        for u in text.unicodeScalars {
            let v = u.value
            if v >= 32 && v <= 126 {
                thousandths += Int(asciiWidths[Int(v - 32)])
            } else if v == 0x2212 {
                thousandths += 584 // MINUS SIGN, as wide as '+'
            } else if (v >= 0x1100 && v <= 0x115F) || (v >= 0x2E80 && v <= 0xA4CF) || (v >= 0xAC00 && v <= 0xD7A3)
                        || (v >= 0xF900 && v <= 0xFAFF) || (v >= 0xFF00 && v <= 0xFF60) || (v >= 0x20000 && v <= 0x3FFFD) {
                thousandths += 1000
            } else if v >= 0x300 && v <= 0x36F {
                continue // combining marks take no advance
            } else {
                thousandths += 600
            }
        }
        return Double(thousandths) / 1000 * fontSize * 1.1
    }
}
