import BigInt

/// One finite-n equation evaluated exactly on both sides.
///
/// `holds` is exact equality of the two rationals (no tolerance), so a `false` is a proof
/// that the equation is not an identity at this n.
public struct IdentityCheck: Sendable, CustomStringConvertible {
    /// The equation, e.g. "Σ_{k=0}^{n} k^n = (B+n+1)^n".
    public let statement: String
    /// The index at which both sides were evaluated.
    public let n: Int
    /// The left-hand side, exact.
    public let lhs: Rational
    /// The right-hand side, exact.
    public let rhs: Rational

    public init(statement: String, n: Int, lhs: Rational, rhs: Rational) {
        self.statement = statement
        self.n = n
        self.lhs = lhs
        self.rhs = rhs
    }

    /// lhs == rhs exactly.
    public var holds: Bool { lhs == rhs }
    /// rhs - lhs, exact.
    public var difference: Rational { rhs - lhs }
    /// (rhs - lhs)/lhs in Double, or nil when lhs = 0.
    public var relativeDifference: Double? {
        lhs.isZero ? nil : Double((rhs - lhs) / lhs)
    }

    /// "STATEMENT at n = 3: 36 ≠ 42  ✗ (rhs - lhs = 6)", or "… 36 = 36  ✓" when it holds.
    public var description: String {
        holds ? "\(statement) at n = \(n): \(lhs) = \(rhs)  ✓"
              : "\(statement) at n = \(n): \(lhs) ≠ \(rhs)  ✗ (rhs - lhs = \(difference))"
    }
}

/// The finite-n steps of the operator-sum argument for lim (1^n + … + n^n)/n^n = e/(e-1)
/// (kexue.fm/archives/3320, CLAIMS.md §8), each evaluated exactly on both sides.
///
/// B denotes the umbra of the Bernoulli numbers with B_1 = -1/2 (B^k ↦ B_k) and B⁺ the
/// one with B_1 = +1/2; (B + x)^n = Σ_k C(n,k) B_k x^(n-k) = B_n(x) (Bernoulli polynomial).
///
/// Finding (checked by these functions for every n the tests try): all steps are
/// identities except `powerSumAsUmbralPower`, Σ_{k=0}^n k^n = (B+n+1)^n, which is false
/// for every n >= 1 (n = 1: 1 vs 3/2; n = 2: 5 vs 37/6). The binomial coefficient
/// C(n+1, k) of Faulhaber's formula cannot be absorbed into an n-th umbral power; the
/// correct umbral form is Σ_{k=0}^n k^n = ((B+n+1)^(n+1) - B^(n+1))/(n+1)
/// (`powerSumCorrected`), while (B+n+1)^n = B_n + n Σ_{j=0}^n j^(n-1)
/// (`umbralPowerExplained`) is a power sum of exponent n - 1. Both normalised sequences
/// still tend to e/(e-1), with different 1/n corrections, so the post's limit is right
/// but the step that leads to it is not.
public enum UmbralSteps {
    /// Σ_{k=0}^n C(n,k) A_k/n^k = Σ_{k=0}^n (A_k/k!) Π_{j<k} (1 - j/n) — the expansion of
    /// "(1 + A/n)^n" whose term-wise limit is e^A. Always an identity.
    /// - Precondition: n >= 1, a.count > n.
    public static func binomialForm(n: Int, _ a: [Rational]) -> IdentityCheck {
        let lhs = Umbral.operatorSum(n: n, a)
        var rhs = Rational.zero
        var weight = Rational.one  // Π_{j<k}(1 - j/n) / k!
        for k in 0...n {
            if k > 0 { weight = weight * Rational(n - k + 1, n) / Rational(k) }
            rhs += weight * a[k]
        }
        return IdentityCheck(statement: "Σ_{k=0}^{n} C(n,k) A_k/n^k = Σ_{k=0}^{n} (A_k/k!) Π_{j<k}(1 - j/n)",
                             n: n, lhs: lhs, rhs: rhs)
    }

    /// Σ_{k=0}^n C(n,k) (k!/2^k)/n^k = Σ_{k=0}^n n!/((n-k)! (2n)^k) — the post's example,
    /// A_k = k!/2^k. Always an identity.
    public static func halfFactorialExample(n: Int) -> IdentityCheck {
        let lhs = Umbral.operatorSum(n: n) { k in Rational(numerator: Exact.factorial(k), denominator: BigInt(1) << k) }
        return IdentityCheck(statement: "Σ_{k=0}^{n} C(n,k)(k!/2^k)/n^k = Σ_{k=0}^{n} n!/((n-k)!(2n)^k)",
                             n: n, lhs: lhs, rhs: Umbral.halfFactorialSum(n: n))
    }

    /// Σ_{k=0}^{m-1} k^n = (1/(n+1)) Σ_{k=0}^n C(n+1,k) B_k m^(n+1-k) (B_1 = -1/2) —
    /// Faulhaber's formula as the post quotes it. Always an identity (0^0 = 1).
    /// - Precondition: n >= 0, m >= 1.
    public static func faulhaber(exponent n: Int, upTo m: Int) -> IdentityCheck {
        precondition(n >= 0 && m >= 1, "UmbralSteps.faulhaber: need n >= 0 and m >= 1 (got n = \(n), m = \(m))")
        let b = Exact.bernoulliNumbers(through: n)
        let lhs = Rational(powerSumFromZero(exponent: n, through: m - 1))
        let row = Exact.binomialRow(n + 1)
        var rhs = Rational.zero
        let mm = BigInt(m)
        for k in 0...n {
            rhs += Rational(row[k] * mm.power(n + 1 - k)) * b[k]
        }
        rhs = rhs / Rational(n + 1)
        return IdentityCheck(statement: "Σ_{k=0}^{m-1} k^n = (1/(n+1)) Σ_{k=0}^{n} C(n+1,k) B_k m^(n+1-k)  [m = \(m)]",
                             n: n, lhs: lhs, rhs: rhs)
    }

    /// Σ_{k=0}^n k^n = Σ_{k=0}^n C(n+1,k) B_k (n+1)^(n-k) — Faulhaber at m = n + 1 with
    /// the factor 1/(n+1) absorbed. Always an identity.
    public static func faulhaberAtNPlusOne(n: Int) -> IdentityCheck {
        precondition(n >= 0, "UmbralSteps.faulhaberAtNPlusOne: n must be non-negative (got \(n))")
        let b = Exact.bernoulliNumbers(through: n)
        let row = Exact.binomialRow(n + 1)
        let m = BigInt(n + 1)
        var rhs = Rational.zero
        for k in 0...n { rhs += Rational(row[k] * m.power(n - k)) * b[k] }
        return IdentityCheck(statement: "Σ_{k=0}^{n} k^n = Σ_{k=0}^{n} C(n+1,k) B_k (n+1)^(n-k)",
                             n: n, lhs: Rational(powerSumFromZero(exponent: n, through: n)), rhs: rhs)
    }

    /// Σ_{k=0}^n k^n = (B+n+1)^n = Σ_{k=0}^n C(n,k) B_k (n+1)^(n-k) — the post's umbral
    /// rewriting of the previous line. NOT an identity: false for every n >= 1.
    public static func powerSumAsUmbralPower(n: Int) -> IdentityCheck {
        precondition(n >= 0, "UmbralSteps.powerSumAsUmbralPower: n must be non-negative (got \(n))")
        let b = Exact.bernoulliNumbers(through: n)
        return IdentityCheck(statement: "Σ_{k=0}^{n} k^n = (B+n+1)^n",
                             n: n, lhs: Rational(powerSumFromZero(exponent: n, through: n)),
                             rhs: Umbral.power(b, plus: Rational(n + 1), exponent: n))
    }

    /// Σ_{k=0}^n k^n = ((B+n+1)^(n+1) - B^(n+1))/(n+1) — the correct umbral form of
    /// Faulhaber's formula at m = n + 1. Always an identity.
    public static func powerSumCorrected(n: Int) -> IdentityCheck {
        precondition(n >= 0, "UmbralSteps.powerSumCorrected: n must be non-negative (got \(n))")
        let b = Exact.bernoulliNumbers(through: n + 1)
        let rhs = (Umbral.power(b, plus: Rational(n + 1), exponent: n + 1) - b[n + 1]) / Rational(n + 1)
        return IdentityCheck(statement: "Σ_{k=0}^{n} k^n = ((B+n+1)^(n+1) - B^(n+1))/(n+1)",
                             n: n, lhs: Rational(powerSumFromZero(exponent: n, through: n)), rhs: rhs)
    }

    /// (B+n+1)^n = B_n + n Σ_{j=0}^n j^(n-1) (0^0 = 1) — what the post's expression really
    /// is, from B_n(x+1) - B_n(x) = n x^(n-1) (DLMF 24.4.1). Always an identity for n >= 1.
    public static func umbralPowerExplained(n: Int) -> IdentityCheck {
        precondition(n >= 1, "UmbralSteps.umbralPowerExplained: n must be at least 1 (got \(n))")
        let b = Exact.bernoulliNumbers(through: n)
        let lhs = Umbral.power(b, plus: Rational(n + 1), exponent: n)
        let rhs = b[n] + Rational(BigInt(n) * powerSumFromZero(exponent: n - 1, through: n))
        return IdentityCheck(statement: "(B+n+1)^n = B_n + n Σ_{j=0}^{n} j^(n-1)", n: n, lhs: lhs, rhs: rhs)
    }

    /// (B+n+1)^n / n^n = Σ_{k=0}^n C(n,k) (B+1)^k / n^k, i.e. "(1 + (B+1)/n)^n" as an
    /// operator sum of the shifted umbra B+1. Always an identity (umbral algebra is
    /// ordinary polynomial algebra before B^k ↦ B_k is applied).
    public static func rescaling(n: Int) -> IdentityCheck {
        precondition(n >= 1, "UmbralSteps.rescaling: n must be at least 1 (got \(n))")
        let b = Exact.bernoulliNumbers(through: n)
        let lhs = Umbral.power(b, plus: Rational(n + 1), exponent: n) / Rational(BigInt(n).power(n))
        let shiftedB = Umbral.shifted(b, by: .one)
        return IdentityCheck(statement: "(B+n+1)^n / n^n = Σ_{k=0}^{n} C(n,k) (B+1)^k / n^k",
                             n: n, lhs: lhs, rhs: Umbral.operatorSum(n: n, shiftedB))
    }

    /// (B+1)^k = B⁺_k: the shifted umbra is the plus-half Bernoulli sequence, so
    /// e^(B+1) = Σ B⁺_k/k! = e/(e-1). Always an identity.
    public static func shiftedUmbra(k: Int) -> IdentityCheck {
        precondition(k >= 0, "UmbralSteps.shiftedUmbra: k must be non-negative (got \(k))")
        let b = Exact.bernoulliNumbers(through: k)
        return IdentityCheck(statement: "(B+1)^k = B⁺_k", n: k,
                             lhs: Umbral.power(b, plus: .one, exponent: k),
                             rhs: Exact.bernoulli(k, convention: .plusHalf))
    }

    /// Every step above at one n, in the order of the argument.
    public static func all(n: Int) -> [IdentityCheck] {
        let b = Exact.bernoulliNumbers(through: n)
        return [
            binomialForm(n: n, b),
            halfFactorialExample(n: n),
            faulhaber(exponent: n, upTo: n + 1),
            faulhaberAtNPlusOne(n: n),
            powerSumAsUmbralPower(n: n),
            powerSumCorrected(n: n),
            umbralPowerExplained(n: n),
            rescaling(n: n),
            shiftedUmbra(k: n),
        ]
    }

    /// Σ_{k=0}^{m} k^p with 0^0 = 1.
    static func powerSumFromZero(exponent p: Int, through m: Int) -> BigInt {
        (p == 0 ? 1 : 0) + Exact.powerSum(exponent: p, upTo: m)
    }
}
