/// Splits the text of an inline ``{swift} …`` span into a value expression or a
/// prose claim: `EXPR ≈ LITERAL` (claim to the literal's precision) or
/// `EXPR == LITERAL` (exact claim). The operator is the last one at the top level
/// (outside string literals, parentheses, brackets and braces).
enum InlineExpressionParser {
    enum Parsed: Equatable {
        case value
        /// `literalOffset` is the byte offset of the literal within the text.
        case claim(expression: String, op: String, literal: String, literalOffset: Int)
    }

    static func parse(_ text: String) -> Parsed {
        let bytes = Array(text.utf8)
        var depth = 0
        var inString = false
        var i = 0
        var found: (start: Int, end: Int, op: String)? = nil
        let approx = Array("≈".utf8)
        while i < bytes.count {
            let c = bytes[i]
            if inString {
                if c == 0x5C { i += 2; continue }
                if c == 0x22 { inString = false }
                i += 1
                continue
            }
            switch c {
            case 0x22: inString = true
            case 0x28, 0x5B, 0x7B: depth += 1
            case 0x29, 0x5D, 0x7D: depth -= 1
            case 0x3D where depth == 0:
                // "==" not part of "===", "!==", "<==", ">==", "==="
                if i + 1 < bytes.count && bytes[i + 1] == 0x3D {
                    let before: UInt8 = i > 0 ? bytes[i - 1] : 0x20
                    let after: UInt8 = i + 2 < bytes.count ? bytes[i + 2] : 0x20
                    if before != 0x3D && before != 0x21 && before != 0x3C && before != 0x3E && after != 0x3D {
                        found = (i, i + 2, "==")
                    }
                    i += 2
                    continue
                }
            default:
                if depth == 0 && c == approx[0] && i + 2 < bytes.count && bytes[i + 1] == approx[1] && bytes[i + 2] == approx[2] {
                    found = (i, i + 3, "≈")
                    i += 3
                    continue
                }
            }
            i += 1
        }
        guard let f = found else { return .value }
        let lhs = String(decoding: bytes[0..<f.start], as: UTF8.self).trimmingSpaces()
        var litStart = f.end
        while litStart < bytes.count && (bytes[litStart] == 0x20 || bytes[litStart] == 0x09) { litStart += 1 }
        let literal = String(decoding: bytes[litStart...], as: UTF8.self).trimmingSpaces()
        guard !lhs.isEmpty, !literal.isEmpty else { return .value }
        return .claim(expression: lhs, op: f.op, literal: literal, literalOffset: litStart)
    }
}

/// A decimal literal as written in prose (`4608`, `-0.10`, `2.41e-3`, `1.5E6`), with
/// the tolerance its precision implies: half a unit in the last written digit.
/// `4608` means ±0.5, `0.10` means ±0.005, `2.41e-3` means ±0.005e-3.
public struct NumericLiteral: Sendable, Hashable {
    public let text: String
    public let value: Double
    public let tolerance: Double

    public init?(_ text: String) {
        let b = Array(text.utf8)
        var i = 0
        if i < b.count && (b[i] == 0x2D || b[i] == 0x2B) { i += 1 }
        // U+2212 MINUS SIGN is accepted as a sign too.
        var minusSign = false
        if i == 0 && b.count >= 3 && b[0] == 0xE2 && b[1] == 0x88 && b[2] == 0x92 { i = 3; minusSign = true }
        var intDigits = 0, fracDigits = 0
        while i < b.count && b[i] >= 0x30 && b[i] <= 0x39 { i += 1; intDigits += 1 }
        if i < b.count && b[i] == 0x2E {
            i += 1
            while i < b.count && b[i] >= 0x30 && b[i] <= 0x39 { i += 1; fracDigits += 1 }
        }
        guard intDigits + fracDigits > 0 else { return nil }
        var exponent = 0
        if i < b.count && (b[i] == 0x65 || b[i] == 0x45) {
            i += 1
            var sign = 1
            if i < b.count && (b[i] == 0x2D || b[i] == 0x2B) { sign = b[i] == 0x2D ? -1 : 1; i += 1 }
            var digits = 0
            var e = 0
            while i < b.count && b[i] >= 0x30 && b[i] <= 0x39 && digits < 4 { e = e * 10 + Int(b[i] - 0x30); i += 1; digits += 1 }
            guard digits > 0 else { return nil }
            exponent = sign * e
        }
        guard i == b.count else { return nil }
        let normalized = minusSign ? "-" + String(decoding: b[3...], as: UTF8.self) : text
        guard let v = Double(normalized) else { return nil }
        self.text = text
        self.value = v
        // 0.5 × 10^(exponent − fracDigits), computed from a decimal string to avoid drift.
        self.tolerance = Double("5e\(exponent - fracDigits - 1)") ?? 0
    }

    /// Whether `actual` agrees with the literal to its precision (inclusive, with a
    /// relative slack of 1e-12 for the binary representation of the bounds).
    public func accepts(_ actual: Double) -> Bool {
        guard actual.isFinite else { return false }
        let slack = 1e-12 * max(abs(value), tolerance)
        return abs(actual - value) <= tolerance + slack
    }
}
