/// The default text of a number in prose (inline `{swift} EXPR` values) and of
/// `NumberFormat.automatic`.
///
/// Rule, for a double `x`:
/// - NaN → `"nan"`, +∞ → `"inf"`, −∞ → `"-inf"`; `-0.0` → `"0"`.
/// - An integral `x` with |x| < 1e15 prints as an integer: `4608.0 → "4608"`,
///   `-3.0 → "-3"`, `123456789012345.0 → "123456789012345"`.
/// - Otherwise `x` is rounded to 6 significant digits (exact binary value, ties to even,
///   see `NumberFormat`) and trailing zeros are trimmed. If the *rounded* value `v`
///   satisfies 1e-4 ≤ |v| < 1e15 it is written in fixed notation (`0.1 → "0.1"`,
///   `3.14159265 → "3.14159"`, `1234567.89 → "1234570"`, `0.000123456789 → "0.000123457"`),
///   else as mantissa `e` exponent without `+` or leading zeros (`1.5e-7 → "1.5e-7"`,
///   `2.3e20 → "2.3e20"`, `1e15 → "1e15"`, `5e-324 → "4.94066e-324"`). Deciding on the
///   rounded value means `9.99999e-5 … 0.0000999999999` that rounds to 1e-4 prints
///   `"0.0001"`, and 999999999999999.9 (rounds to 1e15) prints `"1e15"`.
///
/// Complexity: O(1) (at most 6 digits plus exponent; integers up to 15 digits).
/// Reference: the expected strings in the tests come from an independent Python
/// implementation (`Tests/WeaveRuntimeTests/Format/reference/format_refs.py`).
public func formatValue(_ x: Double) -> String {
    guard x.isFinite else { return NumberFormatting.nonFinite(x) }
    if x == 0 { return "0" }
    if x.rounded(.towardZero) == x && x.magnitude < 1e15 {
        return CDigits.string(CDigits.fixed(x, decimals: 0).integer.withSign(x < 0))
    }
    let s = CDigits.scientific(x, significant: 6)
    let digits = NumberFormatting.trimmed(s.digits)
    if s.exponent >= -4 && s.exponent < 15 {
        return NumberFormatting.fixedNotation(digits, exponent: s.exponent, negative: s.negative)
    }
    return NumberFormatting.scientificNotation(digits, exponent: s.exponent, negative: s.negative)
}

/// `formatValue` of a `Float`: the float is widened exactly to `Double`, then the double
/// rule applies (6 significant digits hide the binary noise: `Float(0.1) → "0.1"`).
public func formatValue(_ x: Float) -> String {
    formatValue(Double(x))
}

/// An integer prints exactly, in base 10, with a leading `-` when negative
/// (`Int.min → "-9223372036854775808"`). Any `BinaryInteger` width.
public func formatValue<T: BinaryInteger>(_ x: T) -> String {
    String(x)
}

/// `true` → `"true"`, `false` → `"false"`.
public func formatValue(_ x: Bool) -> String {
    x ? "true" : "false"
}

/// A string prints as is.
public func formatValue(_ x: String) -> String {
    x
}

/// A substring prints as is.
public func formatValue(_ x: Substring) -> String {
    String(x)
}

extension Array where Element == UInt8 {
    /// Prepends an ASCII minus sign when `negative`.
    fileprivate func withSign(_ negative: Bool) -> [UInt8] {
        negative ? [UInt8(ascii: "-")] + self : self
    }
}
