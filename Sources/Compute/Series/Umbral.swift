import BigInt

/// Operator (umbral) sums: a sequence A_0 = 1, A_1, A_2, … is read as the powers of a
/// symbol A ("A^k ↦ A_k", the umbral calculus of Blissard, Lucas and Rota), so that
///
///     Σ_{k=0}^n C(n,k) A_k / n^k  =  (1 + A/n)^n  →  e^A  =  Σ_{k≥0} A_k / k!.
///
/// The finite sums are computed exactly (`Rational`) or in floating point; the limit is
/// the exponential series. Writing C(n,k)/n^k = (1/k!) Π_{j<k} (1 - j/n) shows that the
/// limit holds whenever Σ |A_k|/k! converges (dominated convergence: 0 <= Π <= 1, and
/// each Π → 1), and that
///
///     Σ_{k=0}^n C(n,k) A_k / n^k = e^A + c₁/n + O(1/n²),  c₁ = -½ Σ_{k≥2} A_k/(k-2)!
///
/// when Σ k² |A_k|/k! converges (from Π_{j<k}(1 - j/n) = 1 - k(k-1)/(2n) + O(k⁴/n²)).
///
/// Reference: S. Roman, *The Umbral Calculus* (1984), ch. 1–2; Rota & Taylor, "The
/// classical umbral calculus", SIAM J. Math. Anal. 25 (1994). The article this serves is
/// kexue.fm/archives/3320 (CLAIMS.md §8); `UmbralSteps` checks each of its finite-n steps.
public enum Umbral {
    /// The umbral power (A + x)^n = Σ_{k=0}^n C(n,k) A_k x^(n-k), exact.
    ///
    /// With A = B (Bernoulli numbers, B_1 = -1/2) this is the Bernoulli polynomial B_n(x).
    /// - Precondition: n >= 0 and a.count > n (a holds A_0…A_n at least).
    /// - Complexity: O(n) rational multiply-adds (Horner in x).
    public static func power(_ a: [Rational], plus x: Rational, exponent n: Int) -> Rational {
        precondition(n >= 0, "Umbral.power: exponent must be non-negative (got \(n))")
        precondition(a.count > n, "Umbral.power: need A_0…A_\(n) (\(n + 1) values), got \(a.count)")
        let row = Exact.binomialRow(n)
        // Σ_k C(n,k) A_k x^(n-k) = Horner over k = 0…n in x.
        var acc = Rational.zero
        for k in 0...n {
            acc = acc * x + Rational(row[k]) * a[k]
        }
        return acc
    }

    /// The shifted umbra: [(A + x)^k for k in 0..<a.count], exact.
    /// With A = B (minus-half Bernoulli numbers) and x = 1 this gives the plus-half
    /// Bernoulli numbers, because B_k(1) = B_k for k ≠ 1 and B_1(1) = +1/2.
    /// - Complexity: O(m²) rational operations for m = a.count.
    public static func shifted(_ a: [Rational], by x: Rational) -> [Rational] {
        (0..<a.count).map { power(a, plus: x, exponent: $0) }
    }

    /// Σ_{k=0}^n C(n,k) A_k / n^k = "(1 + A/n)^n", exact.
    /// - Precondition: n >= 1 and a.count > n.
    /// - Complexity: O(n) rational operations on numbers of O(n log n) bits.
    public static func operatorSum(n: Int, _ a: [Rational]) -> Rational {
        precondition(n >= 1, "Umbral.operatorSum: n must be at least 1 (got \(n))")
        precondition(a.count > n, "Umbral.operatorSum: need A_0…A_\(n) (\(n + 1) values), got \(a.count)")
        return operatorSum(n: n) { a[$0] }
    }

    /// Σ_{k=0}^n C(n,k) A_k / n^k with A_k given by a function, exact.
    public static func operatorSum(n: Int, _ a: (Int) -> Rational) -> Rational {
        precondition(n >= 1, "Umbral.operatorSum: n must be at least 1 (got \(n))")
        // Common denominator n^n: Σ_k C(n,k) n^(n-k) A_k, then divide once.
        let row = Exact.binomialRow(n)
        let nn = BigInt(n)
        var powers = [BigInt](repeating: 1, count: n + 1)  // powers[j] = n^j
        for j in 1...n { powers[j] = powers[j - 1] * nn }
        var acc = Rational.zero
        for k in 0...n {
            let ak = a(k)
            if ak.isZero { continue }
            acc += Rational(row[k] * powers[n - k]) * ak
        }
        return acc / Rational(powers[n])
    }

    /// Σ_{k=0}^n C(n,k) A_k / n^k in Double, from A_k.
    ///
    /// The weights w_k = C(n,k)/n^k come from w_0 = 1, w_k = w_(k-1)·(n-k+1)/(k·n)
    /// (0 < w_k <= 1/k!), each with a relative error below (2k + 1)·2^-53. If A_k itself
    /// overflows (A_k = k!/2^k beyond k ≈ 170), use `operatorSum(n:aOverFactorial:)`.
    /// - Precondition: n >= 1.
    public static func operatorSum(n: Int, a: (Int) -> Double) -> Double {
        precondition(n >= 1, "Umbral.operatorSum: n must be at least 1 (got \(n))")
        var w = 1.0
        var s = DoubleDouble(a(0))
        let dn = Double(n)
        for k in 1...n {
            w *= Double(n - k + 1) / (Double(k) * dn)
            if w == 0 { break }
            s = s + DoubleDouble.twoProdValue(w, a(k))
        }
        return s.value
    }

    /// Σ_{k=0}^n C(n,k) A_k / n^k in Double, from t_k = A_k/k! (the terms of e^A):
    /// Σ_k t_k Π_{j<k} (1 - j/n). Use this form when A_k overflows but A_k/k! does not.
    /// - Precondition: n >= 1.
    public static func operatorSum(n: Int, aOverFactorial t: (Int) -> Double) -> Double {
        precondition(n >= 1, "Umbral.operatorSum: n must be at least 1 (got \(n))")
        var w = 1.0
        var s = DoubleDouble(t(0))
        let dn = Double(n)
        for k in 1...n {
            w *= Double(n - k + 1) / dn
            if w == 0 { break }
            s = s + DoubleDouble.twoProdValue(w, t(k))
        }
        return s.value
    }

    /// The partial sum Σ_{k=0}^{m-1} A_k/k! of the umbral limit e^A (m = a.count), exact.
    public static func exponential(_ a: [Rational]) -> Rational {
        var acc = Rational.zero
        var factorial = BigInt(1)
        for (k, ak) in a.enumerated() {
            if k > 0 { factorial *= BigInt(k) }
            acc += ak / Rational(factorial)
        }
        return acc
    }

    /// The umbral limit e^A = Σ_k A_k/k! as a lazy `Series` (terms A_k/k! for k >= 0);
    /// sum it with `sum(of:)`.
    public static func exponentialSeries(_ aOverFactorial: @escaping @Sendable (Int) -> Double) -> Series {
        Series(from: 0, aOverFactorial)
    }

    /// The umbral limit e^A as a lazy `Series` from exact A_k: term k is A_k/k!, computed
    /// exactly and rounded once (correctly) to Double.
    public static func exponentialSeries(exact a: @escaping @Sendable (Int) -> Rational) -> Series {
        Series(from: 0, exact: { k in a(k) / Rational(Exact.factorial(k)) })
    }

    /// The partial sum of c₁ = -½ Σ_{k=2}^{m-1} A_k/(k-2)! over the given A_0…A_(m-1),
    /// exact: the coefficient of 1/n in Σ C(n,k)A_k/n^k = e^A + c₁/n + O(1/n²) (see the
    /// type's documentation for the conditions).
    public static func firstOrderCoefficient(_ a: [Rational]) -> Rational {
        var acc = Rational.zero
        var factorial = BigInt(1)  // (k-2)!
        for k in Swift.stride(from: 2, to: a.count, by: 1) {
            if k > 2 { factorial *= BigInt(k - 2) }
            acc += a[k] / Rational(factorial)
        }
        return -acc / Rational(2)
    }

    /// (1^n + 2^n + … + n^n) / n^n, exact (direct summation; independent of Bernoulli
    /// numbers). Tends to e/(e - 1) like e/(e-1) - e(e+1)/(2(e-1)³ n) + O(1/n²).
    /// - Precondition: n >= 1.
    public static func powerSumRatio(n: Int) -> Rational {
        precondition(n >= 1, "Umbral.powerSumRatio: n must be at least 1 (got \(n))")
        return Rational(numerator: Exact.powerSum(exponent: n, upTo: n), denominator: BigInt(n).power(n))
    }

    /// Σ_{k=0}^n n!/((n-k)! (2n)^k), exact (direct summation): the operator sum of
    /// A_k = k!/2^k, which tends to Σ 2^-k = 2 like 2 - 2/n + O(1/n²).
    /// - Precondition: n >= 1.
    public static func halfFactorialSum(n: Int) -> Rational {
        precondition(n >= 1, "Umbral.halfFactorialSum: n must be at least 1 (got \(n))")
        // Common denominator (2n)^n: Σ_k n^(k falling) (2n)^(n-k).
        let twoN = BigInt(2 * n)
        var acc = BigInt(0)
        var falling = BigInt(1)
        var powers = [BigInt](repeating: 1, count: n + 1)
        for j in 1...n { powers[j] = powers[j - 1] * twoN }
        for k in 0...n {
            if k > 0 { falling *= BigInt(n - k + 1) }
            acc += falling * powers[n - k]
        }
        return Rational(numerator: acc, denominator: powers[n])
    }
}

extension DoubleDouble {
    /// The exact product a·b as a double-double.
    @inline(__always)
    static func twoProdValue(_ a: Double, _ b: Double) -> DoubleDouble {
        let (p, e) = twoProd(a, b)
        return DoubleDouble(p, e)
    }
}
