import BigInt

// Conversions between Rational and Double.
//
// Rational -> Double is correctly rounded (IEEE 754 round-to-nearest, ties-to-even) for
// every input, the same result as Python's `float(Fraction(p, q))`:
//   1. e = bitWidth(|p|) - bitWidth(q) puts |p|/q in [2^(e-1), 2^(e+1)).
//   2. Q, R = (|p| << k) divmod q (or |p| divmod (q << -k)) with k = 55 - e, so that
//      Q has 55 or 56 bits and |p|/q = (Q + R/q) * 2^-k.
//   3. The unit in the last place is 2^u with u = max(E - 52, -1074), E the exponent of
//      the leading bit (the -1074 floor gives subnormals); the d = u + k low bits of Q are
//      dropped and rounded half-to-even, with R != 0 acting as a sticky bit.
//   4. m * 2^u is built exactly (m <= 2^53); E > 1023 gives ±infinity and a value below
//      half the smallest subnormal gives ±0.
// Reference: Clinger, "How to read floating point numbers accurately" (PLDI 1990), and
// CPython's Fraction.__float__ / _PyLong_Frexp-based true division (Objects/longobject.c,
// long_true_divide), which uses the same shift-and-sticky-bit scheme.

extension Rational {
    /// The nearest Double (ties to even); ±0 on underflow, ±infinity on overflow.
    /// Complexity: one big-integer division of ~55 + bitWidth(q) bits.
    public var doubleValue: Double {
        if numerator.isZero { return 0 }
        let negative = numerator.sign == .minus
        let a = numerator.magnitude
        let q = denominator.magnitude
        let e = a.bitWidth - q.bitWidth
        // |p|/q >= 2^(e-1) > 2^1024 overflows; |p|/q < 2^(e+1) <= 2^-1076 < 2^-1075
        // (half the smallest subnormal) underflows to zero.
        if e > 1025 { return negative ? -.infinity : .infinity }
        if e < -1077 { return negative ? -0.0 : 0.0 }
        let k = 55 - e
        let (quotient, remainder): (BigUInt, BigUInt)
        if k >= 0 {
            (quotient, remainder) = (a << k).quotientAndRemainder(dividingBy: q)
        } else {
            (quotient, remainder) = a.quotientAndRemainder(dividingBy: q << (-k))
        }
        let b = quotient.bitWidth                 // 55 or 56
        let leadExponent = b - 1 - k              // value in [2^E, 2^(E+1))
        if leadExponent > 1023 { return negative ? -.infinity : .infinity }
        let ulpExponent = max(leadExponent - 52, -1074)
        let drop = ulpExponent + k                // >= 2
        var m: UInt64
        if drop >= b + 1 {
            // Q < 2^b <= 2^(drop-1) = half an ulp: rounds to zero.
            m = 0
        } else {
            let kept = quotient >> drop
            let low = quotient - (kept << drop)
            let half = BigUInt(1) << (drop - 1)
            m = UInt64(kept)
            if low > half || (low == half && (!remainder.isZero || m & 1 == 1)) {
                m += 1
            }
        }
        let magnitude = Double(sign: .plus, exponent: ulpExponent, significand: Double(m))
        return negative ? -magnitude : magnitude
    }

    /// The exact value of a finite Double (every finite Double is a dyadic rational).
    /// Returns nil for NaN and ±infinity. -0.0 becomes 0.
    public init?(exactly value: Double) {
        guard value.isFinite else { return nil }
        if value == 0 {
            self = .zero
            return
        }
        let bits = value.significandBitPattern
        var mantissa: UInt64
        var exponent: Int
        if value.isSubnormal {
            mantissa = bits
            exponent = -1074
        } else {
            mantissa = bits | (1 << 52)
            exponent = Int(value.exponent) - 52
        }
        let tz = mantissa.trailingZeroBitCount
        mantissa >>= UInt64(tz)
        exponent += tz
        var p = BigInt(mantissa)
        if value.sign == .minus { p.negate() }
        if exponent >= 0 {
            self.init(reduced: p << exponent, 1)
        } else {
            self.init(reduced: p, BigInt(1) << (-exponent))
        }
    }
}

extension Double {
    /// The correctly rounded value of an exact rational (see `Rational.doubleValue`).
    public init(_ r: Rational) { self = r.doubleValue }
}
