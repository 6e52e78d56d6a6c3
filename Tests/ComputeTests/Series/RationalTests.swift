import BigInt
import Testing
@testable import Compute

/// "p/q" or "p" → Rational (test helper; the strings come from SeriesReferenceValues).
func seriesRational(_ s: String) -> Rational {
    let parts = s.split(separator: "/")
    let p = BigInt(String(parts[0]))!
    let q = parts.count == 2 ? BigInt(String(parts[1]))! : BigInt(1)
    return Rational(numerator: p, denominator: q)
}

@Suite("Rational")
struct RationalTests {
    @Test func reducesAndNormalisesSign() {
        let r = Rational(6, -8)
        #expect(r.numerator == -3)
        #expect(r.denominator == 4)
        #expect(Rational(-6, -8) == Rational(3, 4))
        #expect(Rational(0, -5).numerator == 0)
        #expect(Rational(0, -5).denominator == 1)
        #expect(Rational(0, 7) == .zero)
        #expect(Rational(-10, 5).isInteger)
        #expect(Rational(-10, 5).description == "-2")
        #expect(Rational(3, -9).description == "-1/3")
        #expect(Rational(3, -9).signum == -1 && Rational.zero.signum == 0 && Rational(1, 9).signum == 1)
        // Equal values are equal structurally and hash alike.
        #expect(Set([Rational(1, 2), Rational(2, 4), Rational(-3, -6)]).count == 1)
    }

    @Test func zeroDenominatorIsRejectedWithAClearMessage() {
        // `Rational(numerator:denominator:)` traps with exactly this message (a trap cannot
        // be caught in-process, so the validating function is tested instead).
        #expect(Rational.denominatorProblem(numerator: 3, denominator: 0)
                == "Rational: zero denominator in 3/0; a rational number needs a nonzero denominator")
        #expect(Rational.denominatorProblem(numerator: -7, denominator: 0)?.contains("-7/0") == true)
        #expect(Rational.denominatorProblem(numerator: 0, denominator: 0) != nil)
        #expect(Rational.denominatorProblem(numerator: 3, denominator: -2) == nil)
        #expect(Rational.denominatorProblem(numerator: 0, denominator: 1) == nil)
    }

    @Test func arithmeticIsExact() {
        let a = Rational(1, 3), b = Rational(1, 6)
        #expect(a + b == Rational(1, 2))
        #expect(a - b == Rational(1, 6))
        #expect(a * b == Rational(1, 18))
        #expect(a / b == Rational(2))
        #expect(-a == Rational(-1, 3))
        #expect(a.reciprocal == 3)
        #expect(Rational(-2, 5).reciprocal == Rational(-5, 2))
        #expect(Rational(2, 3).power(3) == Rational(8, 27))
        #expect(Rational(2, 3).power(-2) == Rational(9, 4))
        #expect(Rational(-2, 3).power(0) == 1)
        #expect(Rational(5, 7) - Rational(5, 7) == .zero)
        #expect(Rational(1, 2) * 4 == 2 && 3 / Rational(3, 4) == 4 && Rational(1, 4) + 1 == Rational(5, 4))
        // Σ_{k=1}^{n} 1/(k(k+1)) telescopes to n/(n+1).
        var s = Rational.zero
        for k in 1...60 { s += Rational(1, k * (k + 1)) }
        #expect(s == Rational(60, 61))
        // Harmonic number H_20 (known value 55835135/15519504).
        var h = Rational.zero
        for k in 1...20 { h += Rational(1, k) }
        #expect(h == Rational(55_835_135, 15_519_504))
    }

    @Test func orderingFloorAndCeiling() {
        let xs = [Rational(-7, 2), Rational(-1, 3), .zero, Rational(1, 3), Rational(1, 2), Rational(7, 2)]
        #expect(xs.sorted() == xs)
        #expect(Rational(-7, 2) < Rational(-1, 3) && !(Rational(1, 2) < Rational(1, 3)))
        #expect(Rational(-7, 2).floor == -4 && Rational(-7, 2).ceiling == -3)
        #expect(Rational(7, 2).floor == 3 && Rational(7, 2).ceiling == 4)
        #expect(Rational(6, 3).floor == 2 && Rational(6, 3).ceiling == 2)
        #expect(Rational(-7, 2).magnitude == Rational(7, 2))
    }

    @Test func hugeNumeratorsAndDenominators() {
        // (2^200 + 1)/(2^200) - 1 = 2^-200, and 3^500/3^499 reduces to 3.
        let big = BigInt(1) << 200
        let r = Rational(numerator: big + 1, denominator: big) - 1
        #expect(r == Rational(numerator: 1, denominator: big))
        let p = BigInt(3).power(500)
        let q = BigInt(3).power(499)
        #expect(Rational(numerator: p, denominator: q) == 3)
        #expect(Rational(numerator: -p, denominator: q * 2) == Rational(-3, 2))
        // 100! / 98! = 9900 after reduction; 10^400/3^800 keeps its full size.
        #expect(Rational(numerator: Exact.factorial(100), denominator: Exact.factorial(98)) == 9900)
        let huge = Rational(numerator: BigInt(10).power(400), denominator: BigInt(3).power(800))
        #expect(huge.numerator == BigInt(10).power(400) && huge.denominator == BigInt(3).power(800))
        #expect(huge * huge.reciprocal == 1)
    }

    @Test func doubleConversionIsCorrectlyRounded() {
        // Against CPython's float(Fraction(p, q)) (correctly rounded), 440 cases: ties to
        // even, subnormals, underflow to 0, overflow to infinity, huge operands.
        var mismatches: [String] = []
        for (p, q, bits) in SeriesReference.toDouble {
            let r = Rational(numerator: BigInt(p)!, denominator: BigInt(q)!)
            let x = Double(r)
            if x.bitPattern != bits {
                mismatches.append("\(p)/\(q): got \(x) expected \(Double(bitPattern: bits))")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        #expect(SeriesReference.toDouble.count >= 400)
    }

    @Test func doubleConversionEdgeCases() {
        #expect(Double(Rational.zero) == 0 && Double(Rational.zero).sign == .plus)
        // Underflow keeps the sign; overflow gives infinity.
        let tiny = Rational(numerator: -1, denominator: BigInt(1) << 1100)
        #expect(Double(tiny) == 0 && Double(tiny).sign == .minus)
        #expect(Double(Rational(numerator: BigInt(1) << 1100, denominator: 3)) == .infinity)
        #expect(Double(Rational(numerator: -(BigInt(1) << 1100), denominator: 3)) == -.infinity)
        // The smallest subnormal and half of it (a tie, rounds to even = 0).
        #expect(Double(Rational(numerator: 1, denominator: BigInt(1) << 1074)) == .leastNonzeroMagnitude)
        #expect(Double(Rational(numerator: 1, denominator: BigInt(1) << 1075)) == 0)
        #expect(Double(Rational(numerator: 3, denominator: BigInt(1) << 1075)) == 2 * .leastNonzeroMagnitude)
        #expect(Double(Rational(numerator: (BigInt(1) << 1024) - (BigInt(1) << 971), denominator: 1)) == .greatestFiniteMagnitude)
    }

    @Test func exactDoubleRoundTrip() {
        var g = SeriesTestRNG(seed: 7)
        var values: [Double] = [0.1, -0.1, Double.leastNormalMagnitude / 3, -Double.leastNonzeroMagnitude, .greatestFiniteMagnitude, .leastNormalMagnitude,
                                .leastNonzeroMagnitude, 1, -2.5, 0x1.fffffffffffffp-1]
        for _ in 0..<500 { values.append(Double(bitPattern: g.next())) }
        for x in values where x.isFinite {
            let r = Rational(exactly: x)!
            #expect(Double(r).bitPattern == (x == 0 ? 0.0 : x).bitPattern, "\(x)")
        }
        #expect(Rational(exactly: 0.1)! == Rational(numerator: 3602879701896397, denominator: BigInt(1) << 55))
        #expect(Rational(exactly: -0.0)! == .zero)
        #expect(Rational(exactly: .nan) == nil && Rational(exactly: .infinity) == nil)
    }
}

/// A tiny deterministic generator for tests (Steele, Lea & Flood, "Fast splittable
/// pseudorandom number generators", OOPSLA 2014).
struct SeriesTestRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
