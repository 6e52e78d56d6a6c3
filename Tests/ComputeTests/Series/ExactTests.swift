import BigInt
import Testing
@testable import Compute

@Suite("Exact combinatorics")
struct ExactTests {
    @Test func factorials() {
        #expect(Exact.factorial(0) == 1)
        #expect(Exact.factorial(1) == 1)
        #expect(Exact.factorial(20) == BigInt(2_432_902_008_176_640_000))
        // 100! ends with exactly 24 zeros (Legendre: 20 + 4) and is 158 digits long.
        let f100 = Exact.factorial(100).description
        #expect(f100.count == 158)
        #expect(f100.hasSuffix(String(repeating: "0", count: 24)))
        #expect(!f100.dropLast(24).hasSuffix("0"))
        for n in [5, 37, 64, 150] {
            #expect(Exact.factorial(n) == BigInt(n) * Exact.factorial(n - 1))
        }
        #expect(Exact.fallingFactorial(10, 3) == 720)
        #expect(Exact.fallingFactorial(3, 5) == 0)
        #expect(Exact.fallingFactorial(7, 0) == 1)
        #expect(Exact.fallingFactorial(-2, 3) == -24)
    }

    @Test func binomialIdentities() {
        #expect(Exact.binomial(10, 3) == 120)
        #expect(Exact.binomial(10, -1) == 0 && Exact.binomial(10, 11) == 0)
        #expect(Exact.binomial(100, 50).description == "100891344545564193334812497256")
        for n in [0, 1, 7, 30, 64, 200] {
            let row = Exact.binomialRow(n)
            // Row sum 2^n, alternating sum 0 (n >= 1), symmetry, agreement with binomial(n, k).
            #expect(row.reduce(0, +) == BigInt(1) << n)
            if n >= 1 {
                #expect(row.enumerated().reduce(BigInt(0)) { $0 + ($1.offset % 2 == 0 ? $1.element : -$1.element) } == 0)
            }
            for k in 0...n {
                #expect(row[k] == row[n - k])
                #expect(row[k] == Exact.binomial(n, k))
            }
        }
        // Pascal's rule and Vandermonde's convolution Σ_k C(m,k) C(n,r-k) = C(m+n, r).
        for n in 1...40 {
            for k in 1..<n { #expect(Exact.binomial(n, k) == Exact.binomial(n - 1, k - 1) + Exact.binomial(n - 1, k)) }
        }
        let (m, n, r) = (23, 31, 20)
        let conv = (0...r).reduce(BigInt(0)) { $0 + Exact.binomial(m, $1) * Exact.binomial(n, r - $1) }
        #expect(conv == Exact.binomial(m + n, r))
    }

    @Test func bernoulliNumbersMatchSympyThroughB30() {
        // sympy.bernoulli(k), k = 0…30 (plus-half convention), from series_refs.py.
        let plus = Exact.bernoulliNumbers(through: 30, convention: .plusHalf)
        let minus = Exact.bernoulliNumbers(through: 30)
        for k in 0...30 {
            let expected = seriesRational(SeriesReference.bernoulliPlus[k])
            #expect(plus[k] == expected, "B_\(k)")
            #expect(minus[k] == (k == 1 ? -expected : expected), "B_\(k)")
            #expect(Exact.bernoulli(k, convention: .plusHalf) == expected)
        }
        #expect(minus[30] == Rational(numerator: 8_615_841_276_005, denominator: 14_322))
        #expect(Exact.tangentNumbers(5) == [1, 2, 16, 272, 7936])
    }

    @Test func bernoulliNumbersThrough200() {
        // B_0…B_200: sympy at k = 50, 100, 150, 200; the recurrence
        // Σ_{k=0}^{m} C(m+1,k) B_k = 0 (B_1 = -1/2) for m <= 100 (debug-mode BigInt is slow;
        // Faulhaber at p = n = 200 in `powerSumsAndFaulhaber` uses all of B_0…B_200);
        // the von Staudt–Clausen denominators (Π of primes p with p-1 | 2k) and the signs.
        let b = Exact.bernoulliNumbers(through: 200)
        for (k, value) in SeriesReference.bernoulliLarge { #expect(b[k] == seriesRational(value), "B_\(k)") }
        // All denominators divide D = Π_{p prime <= 101} p, so the check runs on the
        // integers D·B_k (fast: no GCDs).
        var d = BigInt(1)
        for p in 2...101 where isPrime(p) { d *= BigInt(p) }
        let scaled = b.prefix(101).map { r -> BigInt in
            let (q, rem) = d.quotientAndRemainder(dividingBy: r.denominator)
            #expect(rem == 0)
            return r.numerator * q
        }
        for m in Swift.stride(from: 1, through: 100, by: 1) {
            let row = Exact.binomialRow(m + 1)
            var s = BigInt(0)
            for k in 0...m where !scaled[k].isZero { s += row[k] * scaled[k] }
            #expect(s == 0, "recurrence at m = \(m)")
        }
        for k in Swift.stride(from: 2, through: 200, by: 2) {
            var vsc = BigInt(1)
            for p in 2...(k + 1) where isPrime(p) && k % (p - 1) == 0 { vsc *= BigInt(p) }
            #expect(b[k].denominator == vsc, "denominator of B_\(k)")
            #expect(b[k].signum == (k % 4 == 0 ? -1 : 1))
        }
        for k in Swift.stride(from: 3, through: 199, by: 2) { #expect(b[k] == .zero) }
    }

    @Test func powerSumsAndFaulhaber() {
        // Against direct Python integer sums (series_refs.py), including p = n = 200.
        let numbers = Exact.bernoulliNumbers(through: 200, convention: .plusHalf)
        for (p, n, expected) in SeriesReference.powerSums {
            let e = BigInt(expected)!
            #expect(Exact.faulhaber(exponent: p, upTo: BigInt(n), numbers: numbers) == e, "p = \(p), n = \(n)")
            if n <= 1000 && p <= 50 { #expect(Exact.powerSum(exponent: p, upTo: n) == e) }
        }
        // Closed forms and a large n: S_3(n) = (n(n+1)/2)^2 at n = 10^12.
        let big = BigInt(10).power(12)
        #expect(Exact.faulhaber(exponent: 3, upTo: big) == (big * (big + 1) / 2).power(2))
        #expect(Exact.faulhaber(exponent: 1, upTo: 100) == 5050)
        #expect(Exact.faulhaber(exponent: 5, upTo: 0) == 0)
        // Faulhaber polynomial of degree 11 for p = 10 against sympy.summation.
        let c = Exact.faulhaberPolynomial(exponent: 10)
        #expect(c == SeriesReference.faulhaber10.map(seriesRational))
        // Bernoulli's 1713 claim: 1^10 + … + 1000^10 = 91409924241424243424241924242500.
        #expect(Exact.faulhaber(exponent: 10, upTo: 1000) == BigInt("91409924241424243424241924242500"))
    }

    @Test func bernoulliPolynomials() {
        let b = Exact.bernoulliNumbers(through: 30)
        // B_n(0) = B_n, B_n(1) = B⁺_n, B_n(x+1) - B_n(x) = n x^(n-1), B_n(1-x) = (-1)^n B_n(x).
        for n in 0...30 {
            #expect(Exact.bernoulliPolynomial(n, at: .zero, numbers: b) == b[n])
            #expect(Exact.bernoulliPolynomial(n, at: .one, numbers: b) == Exact.bernoulli(n, convention: .plusHalf))
            for x in [Rational(1, 3), Rational(-5, 2), Rational(7)] {
                let lhs = Exact.bernoulliPolynomial(n, at: x + 1, numbers: b) - Exact.bernoulliPolynomial(n, at: x, numbers: b)
                let rhs = n == 0 ? Rational.zero : Rational(n) * x.power(n - 1)
                #expect(lhs == rhs)
                let reflected = Exact.bernoulliPolynomial(n, at: 1 - x, numbers: b)
                #expect(reflected == (n % 2 == 0 ? 1 : -1) * Exact.bernoulliPolynomial(n, at: x, numbers: b))
            }
        }
        // B_2(x) = x^2 - x + 1/6 at x = 3/2.
        #expect(Exact.bernoulliPolynomial(2, at: Rational(3, 2)) == Rational(9, 4) - Rational(3, 2) + Rational(1, 6))
    }
}

private func isPrime(_ n: Int) -> Bool {
    if n < 2 { return false }
    var d = 2
    while d * d <= n {
        if n % d == 0 { return false }
        d += 1
    }
    return true
}
