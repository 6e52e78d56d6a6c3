// Re-exported so that article programs (`import Compute`) can name BigInt, the type of
// Rational.numerator/denominator, factorials and binomials, without a second import.
@_exported import BigInt

/// An exact rational number p/q over arbitrary-precision integers, always reduced.
///
/// Invariants: `denominator > 0` and `gcd(|numerator|, denominator) == 1`; zero is
/// stored as 0/1. The sign lives in the numerator, so `Rational(3, -6)` is `-1/2`.
/// Equality is therefore structural, and `Hashable` agrees with `==`.
///
/// Arithmetic is exact; its cost grows with the size of the operands (schoolbook
/// multiplication and binary GCD of attaswift/BigInt, O(w²) in the number of machine
/// words w). Addition uses Knuth's reduced form (TAOCP vol. 2, §4.5.1): for
/// a/b + c/d with g = gcd(b, d), the result is (a·(d/g) + c·(b/g)) / (b·d/g) reduced by
/// gcd(·, g) only, which keeps the GCDs small.
///
/// Misuse traps with a clear `precondition` message: a zero denominator, division by
/// zero, a negative power of zero. The message is produced by
/// `Rational.denominatorProblem(numerator:denominator:)`, which is public so that the
/// check itself can be tested (a trapped precondition cannot be caught in-process).
///
/// Conversion to `Double` (`Double(r)` or `r.doubleValue`) is correctly rounded
/// (round-to-nearest, ties-to-even), including subnormal results, ±0 underflow and ±∞
/// overflow; see `RationalConversion.swift`.
public struct Rational: Sendable, Hashable {
    /// The reduced numerator; carries the sign.
    public let numerator: BigInt
    /// The reduced denominator; always positive.
    public let denominator: BigInt

    /// Trusted initializer: the caller guarantees q > 0 and gcd(|p|, q) = 1.
    @usableFromInline
    init(reduced numerator: BigInt, _ denominator: BigInt) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The message a precondition would print for numerator/denominator, or nil when the
    /// pair is valid (the only invalid pair is a zero denominator).
    ///
    /// `Rational(numerator:denominator:)` traps with exactly this message.
    public static func denominatorProblem(numerator: BigInt, denominator: BigInt) -> String? {
        guard denominator.isZero else { return nil }
        return "Rational: zero denominator in \(numerator)/0; a rational number needs a nonzero denominator"
    }

    /// numerator/denominator, reduced, with the sign moved to the numerator.
    ///
    /// - Precondition: `denominator != 0` (message from `denominatorProblem`).
    /// - Complexity: one GCD of the two magnitudes.
    public init(numerator: BigInt, denominator: BigInt) {
        if let problem = Rational.denominatorProblem(numerator: numerator, denominator: denominator) {
            preconditionFailure(problem)
        }
        if numerator.isZero {
            self.init(reduced: 0, 1)
            return
        }
        let g = BigInt(numerator.magnitude.greatestCommonDivisor(with: denominator.magnitude))
        var p = numerator
        var q = denominator
        if g != 1 {
            p /= g
            q /= g
        }
        if q.sign == .minus {
            p.negate()
            q.negate()
        }
        self.init(reduced: p, q)
    }

    /// numerator/denominator for machine integers (same rules as the BigInt form).
    public init(_ numerator: Int, _ denominator: Int) {
        self.init(numerator: BigInt(numerator), denominator: BigInt(denominator))
    }

    /// numerator/denominator for big integers (same rules as `init(numerator:denominator:)`).
    public init(_ numerator: BigInt, _ denominator: BigInt) {
        self.init(numerator: numerator, denominator: denominator)
    }

    /// The integer n as n/1.
    public init(_ n: BigInt) { self.init(reduced: n, 1) }

    /// The integer n as n/1.
    public init(_ n: Int) { self.init(reduced: BigInt(n), 1) }

    /// 0/1.
    public static let zero = Rational(reduced: 0, 1)
    /// 1/1.
    public static let one = Rational(reduced: 1, 1)

    /// True when the value is 0.
    public var isZero: Bool { numerator.isZero }
    /// True when the denominator is 1.
    public var isInteger: Bool { denominator == 1 }
    /// -1, 0 or +1.
    public var signum: Int { numerator.isZero ? 0 : (numerator.sign == .minus ? -1 : 1) }

    /// 1/self.
    /// - Precondition: self != 0.
    public var reciprocal: Rational {
        precondition(!isZero, "Rational: reciprocal of zero (1/0) is undefined")
        if numerator.sign == .minus {
            return Rational(reduced: -denominator, -numerator)
        }
        return Rational(reduced: denominator, numerator)
    }

    /// The largest integer <= self.
    public var floor: BigInt {
        let (q, r) = numerator.quotientAndRemainder(dividingBy: denominator)
        return (r.sign == .minus && !r.isZero) ? q - 1 : q
    }

    /// The smallest integer >= self.
    public var ceiling: BigInt {
        let (q, r) = numerator.quotientAndRemainder(dividingBy: denominator)
        return (r.sign == .plus && !r.isZero) ? q + 1 : q
    }

    /// self^k for any integer k (negative k inverts first). 0^0 = 1.
    /// - Precondition: k >= 0 when self == 0.
    /// - Complexity: O(log |k|) multiplications of growing operands (no GCD needed:
    ///   powers of coprime integers stay coprime).
    public func power(_ k: Int) -> Rational {
        if k < 0 {
            precondition(!isZero, "Rational: 0 raised to the negative power \(k) is undefined")
            return reciprocal.power(-k)
        }
        return Rational(reduced: numerator.power(k), denominator.power(k))
    }
}

// MARK: - Arithmetic

extension Rational: Comparable, SignedNumeric {
    public typealias Magnitude = Rational

    public init(integerLiteral value: Int) { self.init(value) }

    /// Exact conversion from any binary integer (never fails).
    public init?<T: BinaryInteger>(exactly source: T) { self.init(BigInt(source)) }

    public var magnitude: Rational {
        numerator.sign == .minus ? Rational(reduced: -numerator, denominator) : self
    }

    public static func == (a: Rational, b: Rational) -> Bool {
        a.numerator == b.numerator && a.denominator == b.denominator
    }

    /// Exact comparison by cross-multiplication (denominators are positive).
    public static func < (a: Rational, b: Rational) -> Bool {
        if a.denominator == b.denominator { return a.numerator < b.numerator }
        return a.numerator * b.denominator < b.numerator * a.denominator
    }

    public static prefix func - (a: Rational) -> Rational {
        Rational(reduced: -a.numerator, a.denominator)
    }

    public mutating func negate() { self = -self }

    /// a + b, exact, by Knuth's reduced form (see the type's documentation).
    public static func + (a: Rational, b: Rational) -> Rational {
        if a.isZero { return b }
        if b.isZero { return a }
        if a.denominator == 1 && b.denominator == 1 {
            return Rational(reduced: a.numerator + b.numerator, 1)
        }
        let g = BigInt(a.denominator.magnitude.greatestCommonDivisor(with: b.denominator.magnitude))
        if g == 1 {
            return Rational(reduced: a.numerator * b.denominator + b.numerator * a.denominator,
                            a.denominator * b.denominator)
        }
        let bd = a.denominator / g
        let dd = b.denominator / g
        let t = a.numerator * dd + b.numerator * bd
        if t.isZero { return .zero }
        let g2 = BigInt(t.magnitude.greatestCommonDivisor(with: g.magnitude))
        if g2 == 1 {
            return Rational(reduced: t, bd * b.denominator)
        }
        return Rational(reduced: t / g2, bd * (b.denominator / g2))
    }

    public static func - (a: Rational, b: Rational) -> Rational { a + (-b) }

    /// a · b, exact: cross-cancels gcd(a.num, b.den) and gcd(b.num, a.den) first, so the
    /// product is reduced without a GCD of the (larger) products.
    public static func * (a: Rational, b: Rational) -> Rational {
        if a.isZero || b.isZero { return .zero }
        let g1 = BigInt(a.numerator.magnitude.greatestCommonDivisor(with: b.denominator.magnitude))
        let g2 = BigInt(b.numerator.magnitude.greatestCommonDivisor(with: a.denominator.magnitude))
        let p = (g1 == 1 ? a.numerator : a.numerator / g1) * (g2 == 1 ? b.numerator : b.numerator / g2)
        let q = (g2 == 1 ? a.denominator : a.denominator / g2) * (g1 == 1 ? b.denominator : b.denominator / g1)
        return Rational(reduced: p, q)
    }

    /// a / b.
    /// - Precondition: b != 0 ("Rational: division by zero").
    public static func / (a: Rational, b: Rational) -> Rational {
        precondition(!b.isZero, "Rational: division by zero (\(a) / 0)")
        return a * b.reciprocal
    }

    public static func += (a: inout Rational, b: Rational) { a = a + b }
    public static func -= (a: inout Rational, b: Rational) { a = a - b }
    public static func *= (a: inout Rational, b: Rational) { a = a * b }
    public static func /= (a: inout Rational, b: Rational) { a = a / b }

    // Mixed forms with Int for readability in notebooks (`r * 2`, `r / 3`). Disfavoured, so
    // that `1/6` where a Rational is expected is Rational(1)/Rational(6), not ambiguous.
    @_disfavoredOverload public static func + (a: Rational, b: Int) -> Rational { a + Rational(b) }
    @_disfavoredOverload public static func - (a: Rational, b: Int) -> Rational { a - Rational(b) }
    @_disfavoredOverload public static func * (a: Rational, b: Int) -> Rational { a * Rational(b) }
    @_disfavoredOverload public static func / (a: Rational, b: Int) -> Rational { a / Rational(b) }
    @_disfavoredOverload public static func + (a: Int, b: Rational) -> Rational { Rational(a) + b }
    @_disfavoredOverload public static func - (a: Int, b: Rational) -> Rational { Rational(a) - b }
    @_disfavoredOverload public static func * (a: Int, b: Rational) -> Rational { Rational(a) * b }
    @_disfavoredOverload public static func / (a: Int, b: Rational) -> Rational { Rational(a) / b }
}

extension Rational: CustomStringConvertible {
    /// "p/q", or "p" for an integer (e.g. "-1/2", "7").
    public var description: String {
        denominator == 1 ? numerator.description : "\(numerator)/\(denominator)"
    }
}
