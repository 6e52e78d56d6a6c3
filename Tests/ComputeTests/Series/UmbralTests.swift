import BigInt
import Testing
@testable import Compute

@Suite("Umbral (operator) sums and the steps of kexue.fm/archives/3320")
struct UmbralTests {
    @Test func operatorSumExactAndFloatingAgree() {
        // A_k = 1 for all k: Σ C(n,k)/n^k = (1 + 1/n)^n exactly.
        for n in [1, 2, 5, 17] {
            let ones = [Rational](repeating: .one, count: n + 1)
            #expect(Umbral.operatorSum(n: n, ones) == Rational(n + 1, n).power(n))
        }
        // A_k = x^k (a true number) gives (1 + x/n)^n: the umbral reading is exact then.
        let x = Rational(-3, 7)
        let n = 12
        #expect(Umbral.operatorSum(n: n) { x.power($0) } == (1 + x / Rational(n)).power(n))
        // Floating forms against the exact value.
        let bplus = Exact.bernoulliNumbers(through: 40, convention: .plusHalf)
        let exact = Double(Umbral.operatorSum(n: 40, bplus))
        let fromA = Umbral.operatorSum(n: 40, a: { Double(bplus[$0]) })
        let fromT = Umbral.operatorSum(n: 40, aOverFactorial: { Double(bplus[$0] / Rational(Exact.factorial($0))) })
        #expect(abs(fromA - exact) <= 4e-16 * abs(exact))
        #expect(abs(fromT - exact) <= 4e-16 * abs(exact))
    }

    @Test func umbralPowerIsTheBernoulliPolynomial() {
        let b = Exact.bernoulliNumbers(through: 12)
        // (B+1)^k = B⁺_k for every k, so shifting B by 1 gives the other convention.
        #expect(Umbral.shifted(b, by: .one) == Exact.bernoulliNumbers(through: 12, convention: .plusHalf))
        // (B+x)^2 = x^2 - x + 1/6.
        let x = Rational(5, 3)
        #expect(Umbral.power(b, plus: x, exponent: 2) == x * x - x + Rational(1, 6))
    }

    @Test func theArticlesFiniteSumsExactly() {
        // Both exact sequences against sympy at n = 1…8, and the example's identity
        // C(n,k)(k!/2^k)/n^k = n!/((n-k)!(2n)^k) summed, for n = 1…30.
        for n in 1...8 {
            #expect(Umbral.powerSumRatio(n: n) == seriesRational(SeriesReference.powerRatio[n - 1]))
            #expect(Umbral.halfFactorialSum(n: n) == seriesRational(SeriesReference.halfFactorial[n - 1]))
        }
        for n in 1...30 {
            #expect(UmbralSteps.halfFactorialExample(n: n).holds)
            #expect(UmbralSteps.binomialForm(n: n, Exact.bernoulliNumbers(through: n)).holds)
        }
    }

    @Test func everyStepIsAnIdentityExceptTheUmbralPowerStep() {
        // The finding: Σ_{k=0}^n k^n = (B+n+1)^n (the post's umbral rewriting of Faulhaber
        // at m = n+1) is false for every n >= 1; every other finite-n step holds.
        for n in 1...24 {
            for check in UmbralSteps.all(n: n) {
                if check.statement == "Σ_{k=0}^{n} k^n = (B+n+1)^n" {
                    #expect(!check.holds, "\(check)")
                } else {
                    #expect(check.holds, "\(check)")
                }
            }
        }
        #expect(UmbralSteps.powerSumAsUmbralPower(n: 0).holds)  // 0^0 = 1 = (B+1)^0
        for m in 1...12 {
            for n in [0, 1, 4, 9] { #expect(UmbralSteps.faulhaber(exponent: n, upTo: m).holds) }
        }
        for k in 0...30 { #expect(UmbralSteps.shiftedUmbra(k: k).holds) }
    }

    @Test func postStepValuesMatchSympy() {
        // Both sides as sympy computes them (series_refs.py), n = 1…8.
        for row in SeriesReference.postSteps {
            let n = row.n
            #expect(UmbralSteps.faulhaberAtNPlusOne(n: n).lhs == seriesRational(row.powerSum))
            #expect(UmbralSteps.faulhaberAtNPlusOne(n: n).rhs == seriesRational(row.faulhaber))
            let post = UmbralSteps.powerSumAsUmbralPower(n: n)
            #expect(post.rhs == seriesRational(row.umbralPower))
            #expect(post.difference == seriesRational(row.umbralPower) - seriesRational(row.powerSum))
            #expect(UmbralSteps.powerSumCorrected(n: n).rhs == seriesRational(row.corrected))
        }
        let one = UmbralSteps.powerSumAsUmbralPower(n: 1)
        #expect(one.lhs == 1 && one.rhs == Rational(3, 2))
        #expect(one.description.contains("≠"))
    }

    @Test func umbralLimitsAreTheGeneratingFunctions() {
        // e^B = Σ B_k/k! = 1/(e-1) (B_1 = -1/2) and e^(B+1) = Σ B⁺_k/k! = e/(e-1); the
        // exact partial sums converge geometrically (radius 2π), 40 terms give ~1e-32.
        let b = Exact.bernoulliNumbers(through: 40)
        let bplus = Exact.bernoulliNumbers(through: 40, convention: .plusHalf)
        #expect(abs(Double(Umbral.exponential(b)) - SeriesReference.oneOverEMinus1) <= 1e-16)
        #expect(abs(Double(Umbral.exponential(bplus)) - SeriesReference.eOverEMinus1) <= 2e-16)
        // A_k = k!/2^k: e^A = Σ 2^-k = 2; 60 exact terms leave 2^-59.
        let half = (0..<61).map { Rational(numerator: Exact.factorial($0), denominator: BigInt(1) << $0) }
        #expect(Umbral.exponential(half) == 2 - Rational(numerator: 1, denominator: BigInt(1) << 60))
        // The same limits through the lazy series + accelerated sum.
        let eB = sum(of: Umbral.exponentialSeries(exact: { Exact.bernoulli($0) }))
        #expect(abs(eB.value - SeriesReference.oneOverEMinus1) <= 1e-15)
        #expect(eB.converged)
    }

    @Test func firstOrderCoefficients() {
        // c₁ = -½ Σ A_k/(k-2)!: A_k = k!/2^k gives -½ Σ k(k-1)/2^k = -2 (so S_n ≈ 2 - 2/n);
        // A = B⁺ gives -f''(1)/2 for f(t) = t/(1-e^-t), the 1/n coefficient of (B+n+1)^n/n^n.
        let half = (0..<120).map { Rational(numerator: Exact.factorial($0), denominator: BigInt(1) << $0) }
        #expect(abs(Double(Umbral.firstOrderCoefficient(half)) + 2) <= 1e-15)
        let bplus = Exact.bernoulliNumbers(through: 60, convention: .plusHalf)
        #expect(abs(Double(Umbral.firstOrderCoefficient(bplus)) - SeriesReference.postSequenceC1) <= 1e-15)
    }

    @Test func convergenceRatesOfTheArticlesLimits() {
        // n (S_n - L) → c₁ with an O(1/n) remainder: checked at n = 50, 100, 200 by the
        // exact values (|n(S_n - L) - c₁| halves when n doubles, within 15%).
        func gaps(_ s: (Int) -> Rational, _ limit: Double, _ c1: Double) -> [Double] {
            [50, 100, 200].map { n in abs(Double(n) * (Double(s(n)) - limit) - c1) * Double(n) }
        }
        // lim Σ n!/((n-k)!(2n)^k) = 2, rate -2/n.
        let g1 = gaps(Umbral.halfFactorialSum(n:), 2, -2)
        // lim (1^n+…+n^n)/n^n = e/(e-1), rate -e(e+1)/(2(e-1)^3 n).
        let g2 = gaps(Umbral.powerSumRatio(n:), SeriesReference.eOverEMinus1, SeriesReference.powerRatioC1)
        // The post's sequence (B+n+1)^n/n^n = (1+B⁺/n)^n also → e/(e-1), with c₁ = -0.0755.
        let bplus = Exact.bernoulliNumbers(through: 200, convention: .plusHalf)
        let g3 = gaps({ Umbral.operatorSum(n: $0, bplus) }, SeriesReference.eOverEMinus1, SeriesReference.postSequenceC1)
        for g in [g1, g2, g3] {
            // n² |n(S_n - L) - c₁| · (1/n) → constant: consecutive ratios near 1.
            #expect(abs(g[1] / g[0] - 1) < 0.15 && abs(g[2] / g[1] - 1) < 0.15, "\(g)")
        }
        // The observed exponent log2((s_2n - s_n)/(s_4n - s_2n)) is 1 + O(1/n) for both limits.
        let ratio = RealSequence(from: 1, exact: { Umbral.powerSumRatio(n: $0) })
        let halfSum = RealSequence(from: 1, exact: { Umbral.halfFactorialSum(n: $0) })
        #expect(abs(Acceleration.observedExponent(of: ratio, at: 25) - 1) < 0.05)
        #expect(abs(Acceleration.observedExponent(of: halfSum, at: 50) - 1) < 0.1)
        // The true and the post's sequences differ by O(1/n) at every n but share the limit.
        let n = 100
        let diff = Double(Umbral.operatorSum(n: n, bplus) - Umbral.powerSumRatio(n: n))
        #expect(abs(diff * Double(n) - (SeriesReference.postSequenceC1 - SeriesReference.powerRatioC1)) < 0.05)
    }
}
