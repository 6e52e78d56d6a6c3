import BigInt
#if canImport(Glibc)
import Glibc
#endif

/// Variants of Levin's transformation, named by their remainder estimate ω_n for the
/// partial sum s_n = a_0 + … + a_n (Weniger 1989, §7.3):
/// - `t`: ω_n = a_n (best for alternating series),
/// - `u`: ω_n = (β + n) a_n (the general choice; also for logarithmic convergence),
/// - `v`: ω_n = a_n a_(n+1)/(a_n - a_(n+1)) (needs one extra term).
public enum LevinVariant: Sendable, Hashable {
    case t
    case u
    case v
}

/// The extrapolation that produced an `AcceleratedValue`.
public enum AccelerationMethod: Sendable, Hashable, CustomStringConvertible {
    /// No acceleration: the last partial sum / sequence value.
    case direct
    /// Richardson extrapolation for s_n = L + Σ_{j>=0} c_j n^-(p + j q).
    case richardson(exponent: Double, step: Double)
    /// Exact (rational) Richardson extrapolation, same error model.
    case exactRichardson(exponent: Int, step: Int)
    /// Iterated Aitken Δ².
    case aitken
    /// Wynn's ε algorithm (Shanks transformation).
    case wynnEpsilon
    /// Levin's transformation with parameter β.
    case levin(LevinVariant, beta: Double)

    public var description: String {
        switch self {
        case .direct: return "direct (no acceleration)"
        case .richardson(let p, let q):
            return "Richardson (error model n^-\(Acceleration.short(p))" + (q == 1 ? ", n^-\(Acceleration.short(p + 1)), …)" : " × powers of n^-\(Acceleration.short(q)))")
        case .exactRichardson(let p, let q):
            return "exact Richardson (error model n^-\(p)" + (q == 1 ? ", n^-\(p + 1), …)" : " × powers of n^-\(q))")
        case .aitken: return "iterated Aitken Δ²"
        case .wynnEpsilon: return "Wynn ε"
        case .levin(let v, let beta): return "Levin \(v) (β = \(Acceleration.short(beta)))"
        }
    }
}

/// One extrapolated value with its error estimate.
///
/// `errorEstimate` = truncation estimate + rounding estimate, both absolute:
/// - truncation: the change between this extrapolation and the one of next lower order
///   (for Richardson: the larger change from dropping the first or the last node; Aitken /
///   Wynn: the previous level or column; Levin: order k - 1). This measures the error of the lower-order
///   value, so it usually over-estimates the error of `value` by an order of magnitude or
///   more; it is `infinity` when there is no lower order (too few values).
/// - rounding: the unit roundoff 2^-53 times the sum of |weight| × |input| that the
///   extrapolation is linear in (propagation of half-ulp errors in the inputs).
public struct AcceleratedValue: Sendable, CustomStringConvertible {
    /// The extrapolated limit.
    public let value: Double
    /// An absolute error estimate (see the type's documentation).
    public let errorEstimate: Double
    /// The transformation used.
    public let method: AccelerationMethod
    /// How many input values (terms or sequence values) the extrapolation used.
    public let termsUsed: Int

    public init(value: Double, errorEstimate: Double, method: AccelerationMethod, termsUsed: Int) {
        self.value = value
        self.errorEstimate = errorEstimate
        self.method = method
        self.termsUsed = termsUsed
    }

    public var description: String {
        "\(value) ± \(Acceleration.short(errorEstimate)) [\(method), \(termsUsed) values]"
    }
}

/// Sequence and series accelerators operating on arrays of values.
///
/// All of them return an `AcceleratedValue` (value + error estimate). The drivers
/// `sum(of:)` and `limit(of:)` choose among them and grow the input until the estimate
/// meets a tolerance.
///
/// References: C. Brezinski & M. Redivo Zaglia, *Extrapolation Methods: Theory and
/// Practice* (North-Holland, 1991); E. J. Weniger, "Nonlinear sequence transformations
/// for the acceleration of convergence and the summation of divergent series",
/// Comput. Phys. Rep. 10 (1989) 189–371; A. Sidi, *Practical Extrapolation Methods*
/// (CUP, 2003); mpmath's `richardson`, `shanks` and `levin` (mpmath/calculus/extrapolation.py).
public enum Acceleration {
    static let unitRoundoff = 0x1p-53

    // MARK: Richardson

    /// Richardson extrapolation of values s(n_i) at distinct positive nodes n_i, for the
    /// error model s(n) = L + Σ_{j=0}^{m-2} c_j n^-(p + j q) (m = number of nodes).
    ///
    /// Formula: with x = n^-q, x^(-p/q) (s(x) - L) is a polynomial of degree m - 2 in x,
    /// so L = Σ λ_i s_i with λ_i ∝ ℓ_i x_i^(1 - p/q), ℓ_i = Π_{j≠i} x_j/(x_j - x_i) (the
    /// Lagrange weights at x = 0), normalised to Σ λ_i = 1. For p = q this is polynomial
    /// extrapolation in n^-q to n = ∞. Any nodes work; nodes growing geometrically (ratio
    /// 1.3–2) keep Σ|λ_i| small, consecutive nodes make it grow like 4^m.
    ///
    /// The weights and the sum are computed in double-double; when q is an integer, p a
    /// multiple of 1/2 and n^q < 2^53, the weights are accurate to ~2^-100 (otherwise to
    /// about one ulp each, which the error estimate accounts for). Error estimate: see `AcceleratedValue`
    /// (inputs assumed correct to half an ulp each).
    /// - Preconditions: values.count == nodes.count >= 1, nodes positive and distinct,
    ///   p > 0, q > 0.
    /// - Complexity: O(m²).
    public static func richardson(_ values: [Double], at nodes: [Int], exponent p: Double = 1, step q: Double = 1) -> AcceleratedValue {
        precondition(values.count == nodes.count && !nodes.isEmpty,
                     "Acceleration.richardson: need as many values as nodes, at least one (got \(values.count) values, \(nodes.count) nodes)")
        precondition(p > 0 && q > 0, "Acceleration.richardson: exponent and step must be positive (got p = \(p), q = \(q))")
        checkNodes(nodes, "Acceleration.richardson")
        let lambda = richardsonWeights(nodes, p: p, q: q)
        var acc = DoubleDouble.zero
        var roundingSum = 0.0
        for i in 0..<values.count {
            acc = acc + lambda[i] * values[i]
            roundingSum += lambda[i].magnitude * abs(values[i])
        }
        let value = acc.value
        var truncation = Double.infinity
        if nodes.count >= 2 {
            let withoutFirst = richardsonWeights(Array(nodes.dropFirst()), p: p, q: q)
            let withoutLast = richardsonWeights(Array(nodes.dropLast()), p: p, q: q)
            var first = DoubleDouble.zero
            var last = DoubleDouble.zero
            for i in 1..<values.count { first = first + withoutFirst[i - 1] * values[i] }
            for i in 0..<(values.count - 1) { last = last + withoutLast[i] * values[i] }
            truncation = max(abs(value - first.value), abs(value - last.value))
        }
        var weightPart = 0.0
        if !accurateWeights(nodes, p: p, q: q) {
            for i in 0..<values.count { weightPart += lambda[i].magnitude * abs(values[i] - value) }
        }
        let rounding = unitRoundoff * (roundingSum + 8 * Double(nodes.count) * weightPart + abs(value))
        return AcceleratedValue(value: value, errorEstimate: truncation + rounding,
                                method: .richardson(exponent: p, step: q), termsUsed: values.count)
    }

    /// Exact Richardson extrapolation of rational values (same formula and error model as
    /// `richardson(_:at:exponent:step:)` with integer p, q), with no rounding at all.
    /// - Preconditions: values.count == nodes.count >= 1; nodes positive, distinct; p, q >= 1.
    /// - Complexity: O(m²) rational operations.
    public static func richardson(exact values: [Rational], at nodes: [Int], exponent p: Int = 1, step q: Int = 1) -> Rational {
        precondition(values.count == nodes.count && !nodes.isEmpty,
                     "Acceleration.richardson(exact:): need as many values as nodes, at least one (got \(values.count) values, \(nodes.count) nodes)")
        precondition(p >= 1 && q >= 1, "Acceleration.richardson(exact:): exponent and step must be >= 1 (got p = \(p), q = \(q))")
        checkNodes(nodes, "Acceleration.richardson(exact:)")
        let nq = nodes.map { BigInt($0).power(q) }
        var weights = [Rational]()
        weights.reserveCapacity(nodes.count)
        for i in 0..<nodes.count {
            var num = BigInt(nodes[i]).power(max(p - q, 0))
            var den = BigInt(nodes[i]).power(max(q - p, 0))
            for j in 0..<nodes.count where j != i {
                num *= nq[i]
                den *= nq[i] - nq[j]
            }
            weights.append(Rational(numerator: num, denominator: den))
        }
        var total = Rational.zero
        var acc = Rational.zero
        for i in 0..<nodes.count {
            total += weights[i]
            acc += weights[i] * values[i]
        }
        return acc / total
    }

    /// True when `richardsonWeights` computes the weights to ~2^-100 (integer q <= 64 and
    /// p a multiple of 1/2, nodes with n^q < 2^53); otherwise they carry ~1 ulp each.
    static func accurateWeights(_ nodes: [Int], p: Double, q: Double) -> Bool {
        (2 * p) == (2 * p).rounded() && q == q.rounded() && q >= 1 && q <= 64
            && nodes.allSatisfy { pow(Double($0), q) < 0x1p53 }
    }

    /// Normalised Richardson weights λ_i ∝ ℓ_i n_i^(p-q), ℓ_i = Π_{j≠i} n_i^q/(n_i^q - n_j^q)
    /// (Σ λ_i = 1), in double-double.
    static func richardsonWeights(_ nodes: [Int], p: Double, q: Double) -> [DoubleDouble] {
        let m = nodes.count
        var w = [DoubleDouble](repeating: .one, count: m)
        let accurate = accurateWeights(nodes, p: p, q: q)
        let nq = accurate ? nodes.map { pow(Double($0), q) } : []
        for i in 0..<m {
            var wi = DoubleDouble.one
            if accurate {
                // Each factor is a ratio of exact integers.
                for j in 0..<m where j != i {
                    wi = wi * (DoubleDouble(nq[i]) / DoubleDouble(nq[i] - nq[j]))
                }
                // n^(p-q) = n^e × √n^h with e integer and h ∈ {0, 1}.
                let twice = Int(2 * (p - q))
                let e = twice >= 0 ? twice / 2 : -((-twice + 1) / 2)
                let base = DoubleDouble(Double(nodes[i]))
                wi = e >= 0 ? wi * base.power(e) : wi / base.power(-e)
                if twice - 2 * e == 1 { wi = wi * base.squareRoot() }
            } else {
                for j in 0..<m where j != i {
                    let r = pow(Double(nodes[j]) / Double(nodes[i]), q)
                    wi = wi / DoubleDouble(1 - r)
                }
                wi = wi * pow(Double(nodes[i]), p - q)
            }
            w[i] = wi
        }
        var total = DoubleDouble.zero
        for x in w { total = total + x }
        return w.map { $0 / total }
    }

    static func checkNodes(_ nodes: [Int], _ name: String) {
        precondition(nodes.allSatisfy { $0 > 0 }, "\(name): nodes must be positive (got \(nodes))")
        precondition(Set(nodes).count == nodes.count, "\(name): nodes must be distinct (got \(nodes))")
    }

    // MARK: Aitken

    /// Iterated Aitken Δ²: A⁰ = s, A^(j+1)_i = A^j_(i+2) - (ΔA^j_(i+1))² / Δ²A^j_i, until
    /// fewer than three values remain or Δ² vanishes. Exact for s_n = L + c ρ^n at the
    /// first level. Returns the last value of the top level; the error estimate is its
    /// change from the previous level (plus rounding).
    /// - Precondition: s nonempty. Complexity: O(m²).
    public static func aitken(_ s: [Double]) -> AcceleratedValue {
        precondition(!s.isEmpty, "Acceleration.aitken: need at least one value")
        var level = s
        var previousLast = s.count >= 2 ? s[s.count - 2] : Double.nan
        var amplification = 1.0
        while level.count >= 3 {
            var next = [Double]()
            next.reserveCapacity(level.count - 2)
            var broke = false
            var localAmp = 1.0
            for i in 0..<(level.count - 2) {
                let d1 = level[i + 1] - level[i]
                let d2 = level[i + 2] - level[i + 1]
                let dd = d2 - d1
                if dd == 0 || !dd.isFinite { broke = true; break }
                next.append(level[i + 2] - d2 * d2 / dd)
                localAmp = max(localAmp, 1 + 2 * abs(d2 / dd) + abs(d2 * d2 / (dd * dd)))
            }
            if broke || next.isEmpty { break }
            previousLast = level[level.count - 1]
            amplification *= localAmp
            level = next
        }
        let value = level[level.count - 1]
        let truncation = previousLast.isNaN ? Double.infinity : abs(value - previousLast)
        let scale = s.map { abs($0) }.max() ?? 0
        let rounding = unitRoundoff * amplification * scale
        return AcceleratedValue(value: value, errorEstimate: truncation + rounding, method: .aitken, termsUsed: s.count)
    }

    // MARK: Wynn epsilon

    /// Wynn's ε algorithm: ε_(-1)^(n) = 0, ε_0^(n) = s_n,
    /// ε_(k+1)^(n) = ε_(k-1)^(n+1) + 1/(ε_k^(n+1) - ε_k^(n)); the even columns ε_(2k) are
    /// the Shanks transforms e_k(s_n) (exact for sums of k geometric components). Returns
    /// the last entry of the highest even column; the error estimate is its difference
    /// from the last entry of the previous even column (plus rounding). A zero difference
    /// (already converged) stops the table there.
    /// - Precondition: s nonempty. Complexity: O(m²).
    /// - Reference: P. Wynn, "On a device for computing the e_m(S_n) transformation",
    ///   MTAC 10 (1956) 91–96.
    public static func wynnEpsilon(_ s: [Double]) -> AcceleratedValue {
        precondition(!s.isEmpty, "Acceleration.wynnEpsilon: need at least one value")
        var previous = [Double](repeating: 0, count: s.count + 1)  // ε_(k-1)
        var current = s                                             // ε_k
        var evenLast: [Double] = [s[s.count - 1]]
        var k = 0
        var maxMagnitude = s.map { abs($0) }.max() ?? 0
        while current.count >= 2 {
            var next = [Double]()
            next.reserveCapacity(current.count - 1)
            var broke = false
            for i in 0..<(current.count - 1) {
                let d = current[i + 1] - current[i]
                if d == 0 || !d.isFinite { broke = true; break }
                next.append(previous[i + 1] + 1 / d)
            }
            if broke { break }
            previous = current
            current = next
            k += 1
            if k % 2 == 0 {
                let v = current[current.count - 1]
                if !v.isFinite { break }
                evenLast.append(v)
                maxMagnitude = max(maxMagnitude, current.map { abs($0) }.max() ?? 0)
            }
        }
        let value = evenLast[evenLast.count - 1]
        var truncation = Double.infinity
        if evenLast.count >= 2 {
            truncation = abs(value - evenLast[evenLast.count - 2])
        } else if s.count >= 2 {
            truncation = abs(s[s.count - 1] - s[s.count - 2])
        }
        let rounding = unitRoundoff * maxMagnitude * Double(s.count)
        return AcceleratedValue(value: value, errorEstimate: truncation + rounding, method: .wynnEpsilon, termsUsed: s.count)
    }

    // MARK: Levin

    /// Levin's transformation of the series with terms a_0, …, a_N (partial sums s_n):
    ///
    ///     L_k = Σ_{j=0}^k (-1)^j C(k,j) ((β+j)/(β+k))^(k-1) s_j/ω_j
    ///         / Σ_{j=0}^k (-1)^j C(k,j) ((β+j)/(β+k))^(k-1) / ω_j
    ///
    /// with ω_j from the variant (t, u: k = N; v: k = N - 1). It is exact for
    /// s_n = L + ω_n × (polynomial of degree k - 1 in 1/(n + β)). The error estimate is
    /// |L_k - L_(k-1)| plus rounding (the propagation of half-ulp errors in the terms
    /// through the weights; partial sums are accumulated in double-double).
    /// - Preconditions: at least 2 terms (3 for v), no zero ω_j (zero terms must be
    ///   removed first; `sum(of:)` does this), β > 0, order k <= 1000.
    /// - Complexity: O(N).
    /// - Reference: D. Levin, "Development of non-linear transformations for improving
    ///   convergence of sequences", Int. J. Comput. Math. B3 (1973) 371–388; Weniger
    ///   (1989) eq. (7.1-7); mpmath.levin.
    public static func levin(terms a: [Double], variant: LevinVariant = .u, beta: Double = 1) -> AcceleratedValue {
        let needed = variant == .v ? 3 : 2
        precondition(a.count >= needed, "Acceleration.levin: need at least \(needed) terms for variant \(variant) (got \(a.count))")
        precondition(beta > 0, "Acceleration.levin: beta must be positive (got \(beta))")
        let high = levinCore(a, variant: variant, beta: beta)!
        let low = levinCore(Array(a.dropLast()), variant: variant, beta: beta)
        let truncation = low.map { abs(high.value - $0.value) } ?? .infinity
        return AcceleratedValue(value: high.value, errorEstimate: truncation + high.rounding,
                                method: .levin(variant, beta: beta), termsUsed: a.count)
    }

    /// L_k for the given terms plus a rounding estimate; nil when there are too few terms.
    static func levinCore(_ a: [Double], variant: LevinVariant, beta: Double) -> (value: Double, rounding: Double)? {
        let count = variant == .v ? a.count - 1 : a.count  // number of usable ω_j
        if count < 1 { return nil }
        let k = count - 1
        precondition(k <= 1000, "Acceleration.levin: order \(k) is too large (at most 1000)")
        var s = [DoubleDouble](repeating: .zero, count: count)
        var acc = DoubleDouble.zero
        for j in 0..<count {
            acc = acc + a[j]
            s[j] = acc
        }
        if k == 0 { return (s[0].value, unitRoundoff * s[0].magnitude) }
        var c = [Double](repeating: 0, count: count)
        var binom = 1.0
        for j in 0...k {
            if j > 0 { binom = binom * Double(k - j + 1) / Double(j) }
            let omega: Double
            switch variant {
            case .t: omega = a[j]
            case .u: omega = (beta + Double(j)) * a[j]
            case .v: omega = a[j] * a[j + 1] / (a[j] - a[j + 1])
            }
            precondition(omega != 0 && omega.isFinite,
                         "Acceleration.levin: remainder estimate ω_\(j) is \(omega) (a zero or non-finite term); remove zero terms first")
            let ratio = pow((beta + Double(j)) / (beta + Double(k)), Double(k - 1))
            c[j] = (j % 2 == 0 ? 1 : -1) * binom * ratio / omega
        }
        var num = DoubleDouble.zero
        var den = DoubleDouble.zero
        for j in 0...k {
            num = num + s[j] * c[j]
            den = den + c[j]
        }
        let value = (num / den).value
        // Rounding: weights λ_j = c_j/Σc carry a few ulps (from ω_j), and each term's
        // half-ulp error enters with Λ_i = Σ_{j>=i} λ_j.
        let denominator = den.value
        var weightPart = 0.0
        var termPart = 0.0
        var tail = 0.0
        for j in Swift.stride(from: k, through: 0, by: -1) {
            let lambda = c[j] / denominator
            weightPart += abs(lambda) * abs((s[j] - s[k]).value)
            tail += lambda
            termPart += abs(tail) * abs(a[j])
        }
        let rounding = unitRoundoff * (8 * weightPart + termPart + abs(value))
        return (value, rounding)
    }

    // MARK: Observed rate

    /// The observed algebraic convergence exponent p̂ = log2((s_2n - s_n)/(s_4n - s_2n)) of
    /// a sequence: if s_n = L + c n^-p (1 + O(1/n)), then p̂ = p + O(1/n). Uses the exact
    /// values (differences formed exactly, rounded once) when the sequence has them.
    /// Returns nan when the two differences vanish or differ in sign (no algebraic rate).
    /// - Precondition: n >= sequence.start, n >= 1.
    public static func observedExponent(of sequence: RealSequence, at n: Int) -> Double {
        precondition(n >= max(sequence.start, 1), "Acceleration.observedExponent: n = \(n) is before the sequence's start \(sequence.start)")
        let ratio: Double
        if let exact = sequence.exactValue {
            let a = exact(2 * n) - exact(n)
            let b = exact(4 * n) - exact(2 * n)
            if a.isZero || b.isZero { return .nan }
            ratio = Double(a / b)
        } else {
            let s1 = sequence[n], s2 = sequence[2 * n], s4 = sequence[4 * n]
            ratio = (s2 - s1) / (s4 - s2)
        }
        return ratio > 0 ? log2(ratio) : .nan
    }

    /// Compact number formatting for descriptions (up to 3 significant digits).
    static func short(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e6 { return String(Int(x)) }
        if !x.isFinite { return x > 0 ? "inf" : (x < 0 ? "-inf" : "nan") }
        var buffer = [CChar](repeating: 0, count: 32)
        _ = withVaList([x]) { vsnprintf(&buffer, 32, "%.3g", $0) }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
