import BigInt
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import Compute

@Suite("Acceleration")
struct AccelerationTests {
    // MARK: primitives on model sequences (exact by construction)

    @Test func richardsonIsExactOnItsModel() {
        // s(n) = 3 + 2/n - 5/n^2 + 7/n^3: four nodes eliminate three terms exactly.
        let nodes = [3, 5, 8, 13]
        let s = nodes.map { n -> Double in let x = 1 / Double(n); return 3 + 2 * x - 5 * x * x + 7 * x * x * x }
        let r = Acceleration.richardson(s, at: nodes)
        #expect(abs(r.value - 3) <= 1e-14)
        // Half-integer exponents: s(n) = 1 + n^-1/2 + n^-3/2 with p = 1/2, step 1.
        let t = nodes.map { n -> Double in 1 + 1 / Double(n).squareRoot() + pow(Double(n), -1.5) }
        #expect(abs(Acceleration.richardson(Array(t.prefix(3)), at: Array(nodes.prefix(3)), exponent: 0.5).value - 1) <= 1e-14)
        // Step 2: s(n) = 1 + n^-2 + n^-4.
        let u = nodes.prefix(3).map { n -> Double in let x = 1 / Double(n * n); return 1 + x + x * x }
        #expect(abs(Acceleration.richardson(Array(u), at: Array(nodes.prefix(3)), exponent: 2, step: 2).value - 1) <= 1e-15)
        // Exact version: the same model in rationals gives exactly 3.
        let exact = nodes.map { n -> Rational in let x = Rational(1, n); return 3 + 2 * x - 5 * x * x + 7 * x.power(3) }
        #expect(Acceleration.richardson(exact: exact, at: nodes) == 3)
        // Three nodes leave the n^-3 term; in the asymptotic regime (nodes 20, 40, 80) the
        // error estimate bounds the error (0.0055 vs 0.00011). It is a heuristic: at nodes
        // 3, 5, 8 the model's 7/n^3 term is not yet small and the estimate (0.026) misses
        // the error (0.058).
        let far = [20, 40, 80]
        let three = Acceleration.richardson(far.map { n in let x = 1 / Double(n); return 3 + 2 * x - 5 * x * x + 7 * x * x * x }, at: far)
        #expect(abs(abs(three.value - 3) - 0.000109375) < 1e-12)
        #expect(three.errorEstimate >= abs(three.value - 3))
    }

    @Test func aitkenAndWynnAreExactOnGeometricModels() {
        // s_n = 2 + 3·0.7^n: Aitken's first level is exact.
        let g = (0..<6).map { 2 + 3 * pow(0.7, Double($0)) }
        #expect(abs(Acceleration.aitken(Array(g.prefix(3))).value - 2) <= 1e-14)
        // s_n = 1 + 0.5^n + (-0.8)^n: Shanks e_2 (Wynn ε_4) is exact with 5 values.
        let h = (0..<5).map { 1 + pow(0.5, Double($0)) + pow(-0.8, Double($0)) }
        #expect(abs(Acceleration.wynnEpsilon(h).value - 1) <= 1e-13)
        // A converged sequence stops the table instead of dividing by zero.
        let flat = Acceleration.wynnEpsilon([1, 1, 1, 1])
        #expect(flat.value == 1)
    }

    @Test func levinOnModelSeries() {
        // Levin t is exact for s_n = L + a_n·c (a geometric series Σ x^k, x = -0.9).
        let a = (0..<4).map { pow(-0.9, Double($0)) }
        #expect(abs(Acceleration.levin(terms: a, variant: .t).value - 1 / 1.9) <= 1e-14)
        // Levin u/v on ln 2 = Σ (-1)^k/(k+1), 20 terms.
        let alt = (0..<20).map { ($0 % 2 == 0 ? 1.0 : -1.0) / Double($0 + 1) }
        for v in [LevinVariant.t, .u, .v] {
            let r = Acceleration.levin(terms: alt, variant: v)
            #expect(abs(r.value - SeriesReference.ln2) <= 1e-14, "\(v)")
            #expect(r.errorEstimate >= abs(r.value - SeriesReference.ln2))
        }
    }

    // MARK: sum(of:) — mpmath values from series_refs.py; term counts recorded

    @Test func alternatingHarmonicSeries() {
        let r = sum(of: Series(from: 1) { k in (k % 2 == 1 ? 1.0 : -1.0) / Double(k) })
        // Recorded: Levin t, 14 terms, error 0 (mpmath.nsum at dps 15 uses 30 terms).
        #expect(abs(r.value - SeriesReference.ln2) <= 1e-12 * SeriesReference.ln2)
        #expect(abs(r.value - SeriesReference.ln2) <= r.errorEstimate)
        #expect(r.method == .levin(.t, beta: 1) && r.converged)
        #expect(r.termsUsed <= 16, "terms used: \(r.termsUsed)")
    }

    @Test func leibnizSeries() {
        let r = sum(of: Series(from: 0) { k in (k % 2 == 0 ? 1.0 : -1.0) / Double(2 * k + 1) })
        // Recorded: Levin t, 13 terms, error ~3e-16 (mpmath.nsum: 30 terms).
        #expect(abs(r.value - SeriesReference.piOver4) <= 1e-12 * SeriesReference.piOver4)
        #expect(abs(r.value - SeriesReference.piOver4) <= r.errorEstimate)
        #expect(r.converged && r.termsUsed <= 16, "terms used: \(r.termsUsed)")
    }

    @Test func baselProblem() {
        let r = sum(of: Series(from: 1) { 1 / Double($0 * $0) })
        // Recorded: Richardson p = 1 at nodes 3…55, 55 terms, error 1.3e-16 (mpmath.nsum: 60 terms).
        #expect(abs(r.value - SeriesReference.zeta2) <= 1e-12 * SeriesReference.zeta2)
        #expect(abs(r.value - SeriesReference.zeta2) <= r.errorEstimate)
        #expect(r.method == .richardson(exponent: 1, step: 1) && r.converged)
        #expect(r.termsUsed <= 60, "terms used: \(r.termsUsed)")
        // Exact terms give the same result.
        let e = sum(of: Series(from: 1, exact: { Rational(1, $0 * $0) }))
        #expect(abs(e.value - SeriesReference.zeta2) <= 1e-12 * SeriesReference.zeta2)
        // Levin u also handles this logarithmic series, to ~1e-10 in double precision.
        let l = sum(of: Series(from: 1) { 1 / Double($0 * $0) }, method: .levin(.u))
        #expect(abs(l.value - SeriesReference.zeta2) <= 1e-9 && !l.converged)
    }

    @Test func halfIntegerExponent() {
        // ζ(3/2): tail ~ 2 n^-1/2, so Richardson with p = 1/2 (step 1). Recorded: 55 terms,
        // error 7e-16 at tolerance 3e-14; 407 terms at the default 1e-14 (conservative
        // rounding estimate). mpmath.nsum's default gets 1e-2 with 150 terms here.
        let r = sum(of: Series(from: 1) { 1 / pow(Double($0), 1.5) }, tolerance: 3e-14)
        #expect(abs(r.value - SeriesReference.zeta1_5) <= 1e-12 * SeriesReference.zeta1_5)
        #expect(r.method == .richardson(exponent: 0.5, step: 1) && r.termsUsed <= 60)
        let d = sum(of: Series(from: 1) { 1 / pow(Double($0), 1.5) })
        #expect(abs(d.value - SeriesReference.zeta1_5) <= 1e-14 * SeriesReference.zeta1_5 && d.converged)
    }

    @Test func directAndRequestedMethods() {
        // Geometric series Σ 0.5^k = 2 by direct summation; Wynn and Aitken on ln 2.
        let d = sum(of: Series(from: 0) { pow(0.5, Double($0)) }, method: .direct)
        #expect(abs(d.value - 2) <= 1e-12 && abs(d.value - 2) <= d.errorEstimate && d.method == .direct)
        let alt = Series(from: 1) { k in (k % 2 == 1 ? 1.0 : -1.0) / Double(k) }
        let w = sum(of: alt, method: .wynnEpsilon)
        #expect(abs(w.value - SeriesReference.ln2) <= 1e-13 && w.method == .wynnEpsilon)
        let a = sum(of: alt, method: .aitken)
        #expect(abs(a.value - SeriesReference.ln2) <= 1e-10 && a.method == .aitken)
        // A finite series (terms vanish) is summed directly.
        let f = sum(of: Series(from: 0) { $0 < 3 ? Double($0 + 1) : 0 })
        #expect(f.value == 6 && f.method == .direct)
    }

    // MARK: limit(of:)

    @Test func limitOfThePowerSumRatio() {
        // (1^n+…+n^n)/n^n → e/(e-1) like 1/n: Richardson in 1/n, done exactly.
        let r = limit(of: RealSequence(from: 1, exact: { Umbral.powerSumRatio(n: $0) }), maxIndex: 400)
        #expect(abs(r.value - SeriesReference.eOverEMinus1) <= 1e-12)
        #expect(r.method == .exactRichardson(exponent: 1, step: 1) && r.converged)
        #expect(abs(r.value - SeriesReference.eOverEMinus1) <= r.errorEstimate)
    }

    @Test func limitOfTheHalfFactorialSum() {
        // Σ n!/((n-k)!(2n)^k) → 2 like -2/n. Its 1/n expansion diverges (factorially
        // growing coefficients), so Richardson gains slowly with n: with n <= 200 it gets
        // within 2.3e-7 (an honest estimate of 2.1e-6) and reports no convergence.
        let r = limit(of: RealSequence(from: 1, exact: { Umbral.halfFactorialSum(n: $0) }), maxIndex: 200)
        #expect(abs(r.value - 2) <= 1e-6)
        #expect(abs(r.value - 2) <= r.errorEstimate && !r.converged)
        // Unaccelerated at n = 200 the error is still about 2/200.
        #expect(abs(Double(Umbral.halfFactorialSum(n: 200)) - 2) > 9e-3)
    }

    @Test func limitOfCompoundInterest() {
        // (1 + 1/n)^n → e; values carry ~n ulps of rounding, so ~1e-13 is the floor.
        let r = limit(of: RealSequence(from: 1) { n in pow(1 + 1 / Double(n), Double(n)) })
        #expect(abs(r.value - 2.718281828459045) <= 1e-11)
        // A linearly convergent sequence: s_n = 1 + 0.9^n cos(n) (alternating-ish) → Wynn ε.
        let w = limit(of: RealSequence(from: 0) { n in 1 + pow(0.8, Double(n)) * (n % 2 == 0 ? 1 : -1) })
        #expect(abs(w.value - 1) <= 1e-13 && w.method == .wynnEpsilon)
    }
}
