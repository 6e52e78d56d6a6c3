// Double-double arithmetic used inside the series accelerators.
//
// A value is the unevaluated sum hi + lo with |lo| <= ulp(hi)/2, which carries about
// 106 bits. It is internal: the accelerators accumulate partial sums and extrapolation
// weights in it so that the large, alternating weights of Richardson or Levin do not
// amplify the rounding of the running sums (only the rounding of the input values
// remains, and that is reported in the error estimate).
//
// Reference: T. J. Dekker, "A floating-point technique for extending the available
// precision", Numer. Math. 18 (1971); Hida, Li & Bailey, "Library for double-double and
// quad-double arithmetic" (QD, 2001) for the algorithms below (two-sum, fma two-prod).

struct DoubleDouble: Sendable {
    var hi: Double
    var lo: Double

    init(_ hi: Double, _ lo: Double = 0) {
        self.hi = hi
        self.lo = lo
    }

    /// Exact for every Int (an Int beyond 2^53 is split into two exact halves).
    init(_ n: Int) {
        let high = Double(n >> 32) * 4294967296.0  // exact: < 2^31 times 2^32
        let low = Double(n & 0xFFFF_FFFF)         // exact: < 2^32
        let (s, e) = DoubleDouble.twoSum(high, low)
        self.init(s, e)
    }

    static let zero = DoubleDouble(0, 0)
    static let one = DoubleDouble(1, 0)

    var value: Double { hi + lo }

    /// Error-free a + b = s + e (Knuth's two-sum).
    @inline(__always)
    static func twoSum(_ a: Double, _ b: Double) -> (Double, Double) {
        let s = a + b
        let bb = s - a
        let e = (a - (s - bb)) + (b - bb)
        return (s, e)
    }

    /// Error-free a + b = s + e when |a| >= |b|.
    @inline(__always)
    static func quickTwoSum(_ a: Double, _ b: Double) -> (Double, Double) {
        let s = a + b
        let e = b - (s - a)
        return (s, e)
    }

    /// Error-free a * b = p + e using a fused multiply-add.
    @inline(__always)
    static func twoProd(_ a: Double, _ b: Double) -> (Double, Double) {
        let p = a * b
        let e = (-p).addingProduct(a, b)
        return (p, e)
    }

    static func + (a: DoubleDouble, b: DoubleDouble) -> DoubleDouble {
        var (s, e) = twoSum(a.hi, b.hi)
        let (t, f) = twoSum(a.lo, b.lo)
        e += t
        (s, e) = quickTwoSum(s, e)
        e += f
        (s, e) = quickTwoSum(s, e)
        return DoubleDouble(s, e)
    }

    static func + (a: DoubleDouble, b: Double) -> DoubleDouble {
        var (s, e) = twoSum(a.hi, b)
        e += a.lo
        (s, e) = quickTwoSum(s, e)
        return DoubleDouble(s, e)
    }

    static prefix func - (a: DoubleDouble) -> DoubleDouble { DoubleDouble(-a.hi, -a.lo) }

    static func - (a: DoubleDouble, b: DoubleDouble) -> DoubleDouble { a + (-b) }

    static func * (a: DoubleDouble, b: DoubleDouble) -> DoubleDouble {
        var (p, e) = twoProd(a.hi, b.hi)
        e += a.hi * b.lo + a.lo * b.hi
        (p, e) = quickTwoSum(p, e)
        return DoubleDouble(p, e)
    }

    static func * (a: DoubleDouble, b: Double) -> DoubleDouble {
        var (p, e) = twoProd(a.hi, b)
        e += a.lo * b
        (p, e) = quickTwoSum(p, e)
        return DoubleDouble(p, e)
    }

    static func / (a: DoubleDouble, b: DoubleDouble) -> DoubleDouble {
        // Long division: q1 = a/b, r = a - q1 b, q2 = r/b, r -= q2 b, q3 = r/b.
        let q1 = a.hi / b.hi
        var r = a - b * q1
        let q2 = r.hi / b.hi
        r = r - b * q2
        let q3 = r.hi / b.hi
        let (s, e) = quickTwoSum(q1, q2)
        return DoubleDouble(s, e) + q3
    }

    var magnitude: Double { abs(hi + lo) }

    /// √x for x >= 0: one Newton step from the Double square root,
    /// r = s + (x - s²)/(2s), accurate to ~2^-104 relative (Karp & Markstein 1997).
    func squareRoot() -> DoubleDouble {
        if hi <= 0 { return .zero }
        let s = hi.squareRoot()
        let (p, e) = DoubleDouble.twoProd(s, s)
        let residual = (self - DoubleDouble(p, e)).value
        let (r, f) = DoubleDouble.quickTwoSum(s, residual / (2 * s))
        return DoubleDouble(r, f)
    }

    /// x^k for a non-negative integer k by binary powering.
    func power(_ k: Int) -> DoubleDouble {
        precondition(k >= 0, "DoubleDouble.power: negative exponent \(k)")
        var result = DoubleDouble.one
        var base = self
        var e = k
        while e > 0 {
            if e & 1 == 1 { result = result * base }
            e >>= 1
            if e > 0 { base = base * base }
        }
        return result
    }
}
