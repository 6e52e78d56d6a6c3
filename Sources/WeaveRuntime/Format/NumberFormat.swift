/// How a number is turned into text in tables, plots and prose.
///
/// Every case is deterministic: the digits come from the exact binary value of the
/// double, correctly rounded by the C library (`vsnprintf`, see `CDigits`).
///
/// **Rounding rule (all cases):** the exact binary value is rounded to the requested
/// number of digits with ties to even (IEEE 754 roundTiesToEven, what C `printf` and
/// Python's `'%.2f' % x` do). Exact ties are rare because few decimals are exact in
/// binary: `0.5 → "0"`, `1.5 → "2"`, `2.5 → "2"` with `.integer`, `0.125 → "0.12"` with
/// `.fixed(2)`; but `2.675` is stored as 2.67499999999999982236431605997495353221893310546875
/// and prints `"2.67"` with `.fixed(2)` — the stored value is below the tie.
///
/// **Common conventions:** a result whose digits are all zero never carries a minus
/// sign (`-0.001` with `.fixed(2)` is `"0.00"`, `-0.0` is `"0"`); NaN prints `"nan"` and
/// ±infinity `"inf"` / `"-inf"` in every format; exponents are written without `+` and
/// without leading zeros (`"2.41e-3"`, `"6.02e23"`).
///
/// Reference: C11 §7.21.6.1 (`%e`, `%f` conversions); the digits equal Python's
/// `'%.*e'`/`'%.*f'` output (`Tests/WeaveRuntimeTests/Format/reference/format_refs.py`).
public enum NumberFormat: Sendable, Hashable {
    /// The default prose rule of `formatValue(_:)`: integral values below 1e15 as
    /// integers, otherwise 6 significant digits with trailing zeros trimmed.
    case automatic
    /// `decimals` digits after the point, trailing zeros kept: `.fixed(2)`: `3.14159 → "3.14"`,
    /// `2 → "2.00"`, `1e20 → "100000000000000000000.00"`. `decimals` in 0...100.
    case fixed(Int)
    /// `digits` significant digits, trailing zeros kept: `.significant(3)`: `0.1 → "0.100"`,
    /// `1234567 → "1230000"`, `0.0000123456 → "1.23e-5"`. Fixed notation when the rounded
    /// value satisfies 1e-4 ≤ |v| < 1e15, scientific otherwise (as `.scientific`). Zero
    /// prints `"0"` followed by `digits - 1` zero decimals. `digits` in 1...60.
    case significant(Int)
    /// Scientific notation with `digits` significant digits in the mantissa, trailing zeros
    /// kept: `.scientific(3)`: `0.0024137 → "2.41e-3"`, `6.022e23 → "6.02e23"`,
    /// `1 → "1.00e0"`, `0 → "0.00e0"`. `digits` in 1...60.
    case scientific(Int)
    /// The value times 100 with `decimals` digits after the point and a `%` sign:
    /// `.percent(2)`: `0.1234 → "12.34%"`, `.percent(0)`: `1.5 → "150%"`. The scaling is
    /// exact (digits of `x` shifted by two places, no multiplication). `decimals` in 0...98.
    case percent(Int)
    /// Rounded to an integer (ties to even: `2.5 → "2"`, `3.5 → "4"`), with `,` between
    /// groups of three digits when `grouping` is true: `1234567.8 → "1,234,568"`.
    /// Doubles of any magnitude print all their digits (`1e20 → "100000000000000000000"`).
    case integer(grouping: Bool)

    /// Formats a double. Complexity O(number of digits printed).
    public func format(_ x: Double) -> String {
        guard x.isFinite else { return NumberFormatting.nonFinite(x) }
        switch self {
        case .automatic:
            return formatValue(x)
        case .fixed(let decimals):
            precondition(decimals >= 0 && decimals <= 100, "NumberFormat.fixed: decimals must be in 0...100, got \(decimals)")
            return NumberFormatting.fixed(x, decimals: decimals)
        case .significant(let digits):
            precondition(digits >= 1 && digits <= 60, "NumberFormat.significant: digits must be in 1...60, got \(digits)")
            let s = CDigits.scientific(x, significant: digits)
            if x == 0 { return NumberFormatting.fixed(0, decimals: digits - 1) }
            if s.exponent >= -4 && s.exponent < 15 {
                return NumberFormatting.fixedNotation(s.digits, exponent: s.exponent, negative: s.negative)
            }
            return NumberFormatting.scientificNotation(s.digits, exponent: s.exponent, negative: s.negative)
        case .scientific(let digits):
            precondition(digits >= 1 && digits <= 60, "NumberFormat.scientific: digits must be in 1...60, got \(digits)")
            let s = CDigits.scientific(x, significant: digits)
            return NumberFormatting.scientificNotation(s.digits, exponent: s.exponent, negative: s.negative && x != 0)
        case .percent(let decimals):
            precondition(decimals >= 0 && decimals <= 98, "NumberFormat.percent: decimals must be in 0...98, got \(decimals)")
            return NumberFormatting.percent(x, decimals: decimals)
        case .integer(let grouping):
            let f = CDigits.fixed(x, decimals: 0)
            let negative = f.negative && !f.isZero
            let digits = CDigits.string(f.integer)
            return (negative ? "-" : "") + (grouping ? NumberFormatting.group(digits) : digits)
        }
    }

    /// Formats an integer. `.automatic` and `.integer` print it exactly (any width);
    /// the other formats convert it to `Double` first (exact for |x| ≤ 2⁵³).
    public func format<T: BinaryInteger>(_ x: T) -> String {
        switch self {
        case .automatic:
            return String(x)
        case .integer(let grouping):
            let magnitude = String(x.magnitude)
            let body = grouping ? NumberFormatting.group(magnitude) : magnitude
            return (x < 0 ? "-" : "") + body
        default:
            return format(Double(x))
        }
    }

    /// Formats a float (converted exactly to `Double`).
    public func format(_ x: Float) -> String {
        format(Double(x))
    }
}

/// Shared digit-string helpers of `NumberFormat` and `formatValue`.
enum NumberFormatting {
    static func nonFinite(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        return x < 0 ? "-inf" : "inf"
    }

    /// `%.*f` with the minus sign dropped when every digit is zero.
    static func fixed(_ x: Double, decimals: Int) -> String {
        let f = CDigits.fixed(x, decimals: decimals)
        var out: [UInt8] = []
        out.reserveCapacity(f.integer.count + f.fraction.count + 2)
        if f.negative && !f.isZero { out.append(UInt8(ascii: "-")) }
        out += f.integer
        if !f.fraction.isEmpty {
            out.append(UInt8(ascii: "."))
            out += f.fraction
        }
        return CDigits.string(out)
    }

    /// Percent: the digits of `%.*f` with `decimals + 2` decimals, point moved two places.
    static func percent(_ x: Double, decimals: Int) -> String {
        let f = CDigits.fixed(x, decimals: decimals + 2)
        var integer = f.integer + f.fraction.prefix(2)
        let fraction = Array(f.fraction.dropFirst(2))
        while integer.count > 1 && integer[0] == UInt8(ascii: "0") { integer.removeFirst() }
        var out: [UInt8] = []
        if f.negative && !f.isZero { out.append(UInt8(ascii: "-")) }
        out += integer
        if !fraction.isEmpty {
            out.append(UInt8(ascii: "."))
            out += fraction
        }
        out.append(UInt8(ascii: "%"))
        return CDigits.string(out)
    }

    /// Thousands separators: "1234567" → "1,234,567" (input: plain ASCII digits).
    static func group(_ digits: String) -> String {
        let bytes = Array(digits.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 3)
        for (i, b) in bytes.enumerated() {
            if i > 0 && (bytes.count - i) % 3 == 0 { out.append(UInt8(ascii: ",")) }
            out.append(b)
        }
        return CDigits.string(out)
    }

    /// Fixed notation of `d0.d1d2… × 10^exponent` (digit values 0...9), all digits kept.
    static func fixedNotation(_ digits: [UInt8], exponent: Int, negative: Bool) -> String {
        var out: [UInt8] = []
        if negative { out.append(UInt8(ascii: "-")) }
        if exponent >= 0 {
            for k in 0...exponent { out.append(48 + (k < digits.count ? digits[k] : 0)) }
            if digits.count > exponent + 1 {
                out.append(UInt8(ascii: "."))
                for k in (exponent + 1)..<digits.count { out.append(48 + digits[k]) }
            }
        } else {
            out.append(UInt8(ascii: "0"))
            out.append(UInt8(ascii: "."))
            for _ in 0..<(-exponent - 1) { out.append(UInt8(ascii: "0")) }
            for d in digits { out.append(48 + d) }
        }
        return CDigits.string(out)
    }

    /// Scientific notation `d0.d1…e<exponent>` (no '+', no leading zeros in the exponent).
    static func scientificNotation(_ digits: [UInt8], exponent: Int, negative: Bool) -> String {
        var out: [UInt8] = []
        if negative { out.append(UInt8(ascii: "-")) }
        out.append(48 + digits[0])
        if digits.count > 1 {
            out.append(UInt8(ascii: "."))
            for d in digits.dropFirst() { out.append(48 + d) }
        }
        out.append(UInt8(ascii: "e"))
        return CDigits.string(out) + String(exponent)
    }

    /// Drops trailing zero digits, keeping at least one digit.
    static func trimmed(_ digits: [UInt8]) -> [UInt8] {
        var d = digits
        while d.count > 1 && d[d.count - 1] == 0 { d.removeLast() }
        return d
    }
}
