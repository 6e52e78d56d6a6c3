#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Exact decimal digits of a double, produced by the C library's `vsnprintf`.
///
/// glibc (and Apple's libc) print the *exact* binary value of a double correctly rounded
/// to the requested precision, with exact ties rounded to even (IEEE 754
/// roundTiesToEven, the current rounding mode being round-to-nearest). That makes the
/// digits deterministic across runs and machines, and equal to what Python's
/// `'%.*e' % x` / `'%.*f' % x` print. Only finite values are passed here.
enum CDigits {
    /// Scientific digits: `value = ±d0.d1d2… × 10^exponent`, `digits.count == significant`.
    struct Scientific {
        var negative: Bool
        var digits: [UInt8]   // each 0...9, digits[0] != 0 unless the value is zero
        var exponent: Int
    }

    /// Fixed digits: `value = ±integer.fraction` (both as ASCII digit strings).
    struct Fixed {
        var negative: Bool
        var integer: [UInt8]  // ASCII digits, at least one
        var fraction: [UInt8] // ASCII digits, exactly `decimals` of them
        var isZero: Bool { integer.allSatisfy { $0 == 48 } && fraction.allSatisfy { $0 == 48 } }
    }

    /// Runs `vsnprintf(format, precision, x)` and returns the ASCII bytes.
    /// Complexity: O(length of the output), at most ~420 bytes for the bounds below.
    static func printf(_ format: String, precision: Int, _ x: Double) -> [UInt8] {
        precondition(x.isFinite, "CDigits.printf: only finite values")
        let capacity = 512
        var buffer = [CChar](repeating: 0, count: capacity)
        let count = withVaList([Int32(precision), x]) { va -> Int32 in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, capacity, format, va) }
        }
        precondition(count >= 0 && Int(count) < capacity, "CDigits.printf: output does not fit")
        return buffer[0..<Int(count)].map { UInt8(bitPattern: $0) }
    }

    /// `significant` correctly rounded significant digits of a finite `x` (`%.*e`).
    static func scientific(_ x: Double, significant: Int) -> Scientific {
        precondition(significant >= 1 && significant <= 60, "significant digits must be in 1...60")
        let bytes = printf("%.*e", precision: significant - 1, x)
        var negative = false
        var digits: [UInt8] = []
        digits.reserveCapacity(significant)
        var i = 0
        if i < bytes.count && bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        // Mantissa: digits with one radix character (locale independent: any non-digit).
        while i < bytes.count && bytes[i] != UInt8(ascii: "e") && bytes[i] != UInt8(ascii: "E") {
            let b = bytes[i]
            if b >= 48 && b <= 57 { digits.append(b - 48) }
            i += 1
        }
        precondition(i < bytes.count, "CDigits.scientific: no exponent in printf output")
        i += 1
        var expNegative = false
        if bytes[i] == UInt8(ascii: "-") { expNegative = true; i += 1 } else if bytes[i] == UInt8(ascii: "+") { i += 1 }
        var exponent = 0
        while i < bytes.count { exponent = exponent * 10 + Int(bytes[i] - 48); i += 1 }
        return Scientific(negative: negative, digits: digits, exponent: expNegative ? -exponent : exponent)
    }

    /// `x` correctly rounded to `decimals` digits after the point (`%.*f`).
    static func fixed(_ x: Double, decimals: Int) -> Fixed {
        precondition(decimals >= 0 && decimals <= 100, "decimals must be in 0...100")
        let bytes = printf("%.*f", precision: decimals, x)
        var negative = false
        var integer: [UInt8] = []
        var fraction: [UInt8] = []
        var i = 0
        if i < bytes.count && bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        while i < bytes.count && bytes[i] >= 48 && bytes[i] <= 57 { integer.append(bytes[i]); i += 1 }
        while i < bytes.count && !(bytes[i] >= 48 && bytes[i] <= 57) { i += 1 } // radix character
        while i < bytes.count { fraction.append(bytes[i]); i += 1 }
        return Fixed(negative: negative, integer: integer, fraction: fraction)
    }

    /// A String from ASCII bytes.
    static func string(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
