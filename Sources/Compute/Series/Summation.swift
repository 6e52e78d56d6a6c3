#if canImport(Glibc)
import Glibc
#endif

/// How `sum(of:)` and `limit(of:)` should extrapolate.
public enum LimitMethod: Sendable, Hashable {
    /// Inspect the first terms / values and choose (see `sum(of:)` and `limit(of:)`).
    case automatic
    /// No acceleration: add terms (or walk the sequence) until the change is below tolerance.
    case direct
    /// Richardson for an error expansion in n^-(p + j q); p = nil estimates p from the data
    /// (rounded to a multiple of 1/2).
    case richardson(exponent: Double? = nil, step: Double = 1)
    /// Iterated Aitken Δ².
    case aitken
    /// Wynn's ε algorithm.
    case wynnEpsilon
    /// Levin's transformation (β = 1).
    case levin(LevinVariant = .u)
}

/// The result of `sum(of:)` or `limit(of:)`: the value, its error estimate, the method
/// used and why, and the work done.
public struct LimitEstimate: Sendable, CustomStringConvertible {
    /// The estimated sum or limit.
    public let value: Double
    /// Absolute error estimate (see `AcceleratedValue`).
    public let errorEstimate: Double
    /// The transformation that produced `value`.
    public let method: AccelerationMethod
    /// Why the method was chosen (automatic mode) or "requested".
    public let reason: String
    /// Number of term (series) or value (sequence) evaluations made, the classification
    /// sample included.
    public let termsUsed: Int
    /// The largest index k (series) or n (sequence) evaluated.
    public let lastIndex: Int
    /// errorEstimate <= tolerance × |value| (or <= tolerance when value = 0).
    public let converged: Bool
    /// The relative tolerance that was requested.
    public let tolerance: Double
    /// The successive estimates, in the order they were computed (the last one or the one
    /// with the smallest error estimate is `value`).
    public let trace: [AcceleratedValue]

    public var description: String {
        "\(value) ± \(Acceleration.short(errorEstimate)) (\(method); \(termsUsed) evaluations, last index \(lastIndex)"
            + (converged ? ")" : "; NOT converged to \(Acceleration.short(tolerance)))")
    }
}

// MARK: - Richardson with candidate exponents

/// The estimates of one candidate exponent p in a Richardson driver. The error estimate
/// of each new value is max(|change from the previous node set|, |change from dropping
/// the first node|) + rounding.
struct RichardsonTracker {
    let p: Double
    var trace: [AcceleratedValue] = []
    var best: AcceleratedValue?
    var sinceBest = 0
    var previous: Double?

    /// At most this many nodes (the latest) enter one extrapolation: higher orders only
    /// amplify rounding and the divergence of the asymptotic expansion.
    static let window = 14

    /// True when the best error estimate over all candidates has not improved for the
    /// last 4 nodes.
    static func stagnant(_ trackers: [RichardsonTracker]) -> Bool {
        trackers.allSatisfy { $0.trace.count >= 5 } && trackers.allSatisfy { $0.sinceBest >= 4 }
            || globalSinceBest(trackers) >= 4
    }

    static func globalSinceBest(_ trackers: [RichardsonTracker]) -> Int {
        guard let length = trackers.map({ $0.trace.count }).min(), length > 0 else { return 0 }
        var bestStep = 0
        var bestError = Double.infinity
        for step in 0..<length {
            let e = trackers.map { $0.trace[step].errorEstimate }.min()!
            if e < bestError { bestError = e; bestStep = step }
        }
        return length - 1 - bestStep
    }

    /// Adds an estimate whose errorEstimate covers only the dropped-first-node change and
    /// rounding; returns true when it meets the tolerance.
    mutating func record(_ raw: AcceleratedValue, tolerance: Double) -> Bool {
        var err = raw.errorEstimate
        if let prev = previous { err = max(err, abs(raw.value - prev)) }
        previous = raw.value
        return recordFinal(AcceleratedValue(value: raw.value, errorEstimate: err, method: raw.method,
                                            termsUsed: raw.termsUsed), tolerance: tolerance)
    }

    /// Adds an estimate whose errorEstimate is already complete.
    mutating func recordFinal(_ est: AcceleratedValue, tolerance: Double) -> Bool {
        previous = est.value
        trace.append(est)
        if best == nil || est.errorEstimate < best!.errorEstimate {
            best = est
            sinceBest = 0
        } else {
            sinceBest += 1
        }
        if trace.count >= 2 && est.errorEstimate <= tolerance * abs(est.value) {
            best = est
            return true
        }
        return false
    }

    static func finish(_ trackers: [RichardsonTracker], winner: Int?, q: Double, tolerance: Double, reason: String,
                       termsUsed: Int, lastIndex: Int, fallback: Double) -> LimitEstimate {
        let index = winner ?? trackers.indices.min { a, b in
            (trackers[a].best?.errorEstimate ?? .infinity) < (trackers[b].best?.errorEstimate ?? .infinity)
        } ?? 0
        let chosen = trackers[index]
        let tried = trackers.count > 1
            ? "; tried p ∈ {\(trackers.map { Acceleration.short($0.p) }.joined(separator: ", "))}, chose p = \(Acceleration.short(chosen.p))"
            : ""
        let result = chosen.best ?? AcceleratedValue(value: fallback, errorEstimate: .infinity,
                                                     method: .richardson(exponent: chosen.p, step: q), termsUsed: termsUsed)
        return LimitEstimate(value: result.value, errorEstimate: result.errorEstimate, method: result.method,
                             reason: reason + tried, termsUsed: termsUsed, lastIndex: lastIndex,
                             converged: winner != nil, tolerance: tolerance, trace: chosen.trace)
    }
}

/// The bookkeeping of an acceleration whose order grows one step at a time (Levin, Aitken,
/// Wynn ε): the trace, the estimate with the smallest finite error so far, and when to stop
/// (the tolerance is met, or 10 orders in a row brought no smaller error).
struct OrderSearch {
    var trace: [AcceleratedValue] = []
    var best: AcceleratedValue?
    var sinceBest = 0
    var converged = false

    /// Records the next order's estimate; returns true when the search should stop.
    mutating func record(_ est: AcceleratedValue, tolerance: Double) -> Bool {
        trace.append(est)
        if est.errorEstimate.isFinite && (best == nil || est.errorEstimate < best!.errorEstimate) {
            best = est
            sinceBest = 0
        } else {
            sinceBest += 1
        }
        if est.errorEstimate <= tolerance * abs(est.value) {
            converged = true
            best = est
            return true
        }
        return sinceBest >= 10
    }

    /// The result: the best estimate, or `fallback` with an infinite error when none was finite.
    func estimate(fallback: Double, method: AccelerationMethod, reason: String, termsUsed: Int,
                  lastIndex: Int, tolerance: Double) -> LimitEstimate {
        let result = best ?? AcceleratedValue(value: fallback, errorEstimate: .infinity, method: method, termsUsed: termsUsed)
        return LimitEstimate(value: result.value, errorEstimate: result.errorEstimate, method: result.method,
                             reason: reason, termsUsed: termsUsed, lastIndex: lastIndex,
                             converged: converged, tolerance: tolerance, trace: trace)
    }
}

/// Multiples of 1/2 within 1/2 of an estimated exponent (and > 0): the candidates tried
/// when the exponent is not given.
func candidateExponents(around p: Double) -> [Double] {
    let lo = max(0.5, ((p - 0.5) * 2).rounded(.up) / 2)
    let hi = ((p + 0.5) * 2).rounded(.down) / 2
    if hi < lo { return [max(0.5, (2 * p).rounded() / 2)] }
    return Array(Swift.stride(from: lo, through: hi, by: 0.5))
}

// MARK: - Series

/// The ratio ρ if the values look geometric (|x_(k+1)/x_k| → ρ < 0.95), nil if they look
/// algebraic. Algebraic decay x_k ≈ C k^-s has 1 - |x_(k+1)/x_k| ≈ s/k, so the gap to 1
/// roughly halves from k ≈ 5 to k ≈ 11; a geometric one keeps it. Uses x[4…5], x[10…11].
func geometricRatio(_ x: [Double]) -> Double? {
    guard x.count >= 12, x[4] != 0, x[10] != 0 else { return nil }
    let early = abs(x[5] / x[4])
    let late = abs(x[11] / x[10])
    guard late < 0.95 else { return nil }
    return (1 - early) / (1 - late) < 1.7 ? late : nil
}

/// The sum of an infinite series, accelerated, with an error estimate and a report of the
/// method and the number of terms used.
///
/// Automatic choice, from the first 12 terms (zero terms are skipped by every
/// accelerator: they do not change the sum):
/// - signs alternate → Levin t (β = 1);
/// - one sign and |a_(k+1)/a_k| < 0.95 (linear convergence) → Levin u;
/// - one sign and ratios → 1 (logarithmic convergence, a_k ≈ C k^-(p+1)) → Richardson on
///   the partial sums S_n with error model n^-p, n^-(p+1), … at nodes n ≈ 4·1.3^i, where p
///   is estimated from a_6/a_12 and rounded to a multiple of 1/2 (Levin u if p is not
///   within 0.1 of one);
/// - otherwise → Wynn ε.
/// The order (number of terms) grows until errorEstimate <= tolerance × |value|, until
/// `maxTerms` terms were evaluated, or until 10 successive orders fail to improve the
/// estimate (the best one is returned, with `converged = false` if it misses the tolerance).
///
/// Partial sums are accumulated in double-double, so for Richardson and Levin the only
/// rounding left is that of each term (half an ulp). At the default tolerance Σ 1/k²
/// reaches 1.3e-16 with 55 terms, Σ (-1)^k/(k+1) is exact with 14 and Σ (-1)^k/(2k+1)
/// within 3e-16 with 13 (mpmath.nsum at 15 digits: 60, 30 and 30 terms). The error
/// estimate is deliberately conservative (the rounding part is a worst-case sum), so a
/// tighter tolerance mostly buys evaluations: Σ k^-3/2 stops at 55 terms (error 7e-16)
/// with tolerance 3e-14 but at 407 terms with 1e-14.
///
/// Richardson tries every multiple of 1/2 within 1/2 of the estimated p and keeps the
/// exponent whose estimates converge (`reason` lists them); each estimate's error is
/// max(change from the previous node, change from dropping the first node) + rounding,
/// over the latest 14 nodes at most.
///
/// - Preconditions: tolerance > 0, maxTerms >= 1.
/// - Reference: the strategy follows mpmath.nsum (which tries Richardson and Shanks) with
///   Levin's transformation added (Weniger 1989) and geometric Richardson nodes
///   (Sidi 2003, ch. 1–2).
public func sum(of series: Series, tolerance: Double = 1e-14, maxTerms: Int = 10_000,
                method: LimitMethod = .automatic) -> LimitEstimate {
    precondition(tolerance > 0, "sum(of:): tolerance must be positive (got \(tolerance))")
    precondition(maxTerms >= 1, "sum(of:): maxTerms must be at least 1 (got \(maxTerms))")
    var driver = SeriesDriver(series: series, maxTerms: maxTerms)
    let (chosen, reason) = method == .automatic ? driver.classify() : (method, "requested")
    switch chosen {
    case .automatic, .direct:
        return driver.direct(tolerance: tolerance, reason: reason)
    case .richardson(let p, let q):
        let candidates = p.map { [$0] } ?? driver.estimatedExponent().map(candidateExponents(around:)) ?? [1]
        return driver.richardson(candidates: candidates, q: q, tolerance: tolerance, reason: reason)
    case .aitken, .wynnEpsilon, .levin:
        return driver.nonlinear(chosen, tolerance: tolerance, reason: reason)
    }
}

struct SeriesDriver {
    let series: Series
    let maxTerms: Int
    var terms: [Double] = []
    var prefix: [DoubleDouble] = [.zero]        // prefix[i] = a_start + … + a_(start+i-1)
    var nonzero: [Double] = []
    var nonzeroPrefix: [DoubleDouble] = [.zero]

    init(series: Series, maxTerms: Int) {
        self.series = series
        self.maxTerms = maxTerms
    }

    var lastIndex: Int { series.start + terms.count - 1 }

    /// Evaluates terms until there are `count` of them; false if maxTerms stops it.
    mutating func ensure(_ count: Int) -> Bool {
        while terms.count < count {
            if terms.count >= maxTerms { return false }
            let a = series.term(series.start + terms.count)
            terms.append(a)
            prefix.append(prefix[prefix.count - 1] + a)
            if a != 0 {
                nonzero.append(a)
                nonzeroPrefix.append(nonzeroPrefix[nonzeroPrefix.count - 1] + a)
            }
        }
        return true
    }

    /// Evaluates terms until `count` nonzero ones are known; false if maxTerms stops it.
    mutating func ensureNonzero(_ count: Int) -> Bool {
        while nonzero.count < count {
            if !ensure(terms.count + 1) { return false }
        }
        return true
    }

    /// p such that a_k ≈ C k^-(p+1), from the 6th and 12th terms; nil if unusable.
    mutating func estimatedExponent() -> Double? {
        _ = ensure(12)
        guard terms.count >= 12, terms[5] != 0, terms[11] != 0, (terms[5] > 0) == (terms[11] > 0) else { return nil }
        let p = log(terms[5] / terms[11]) / log(2.0) - 1
        return p.isFinite ? p : nil
    }

    mutating func classify() -> (LimitMethod, String) {
        _ = ensure(12)
        let nz = nonzero
        if nz.count < 4 {
            return (.direct, "fewer than 4 nonzero terms among the first \(terms.count)")
        }
        let recent = Array(nz.suffix(6))
        let alternating = zip(recent, recent.dropFirst()).allSatisfy { ($0 > 0) != ($1 > 0) }
        if alternating { return (.levin(.t), "terms alternate in sign") }
        let sameSign = recent.allSatisfy { ($0 > 0) == (recent[0] > 0) }
        if !sameSign { return (.wynnEpsilon, "terms change sign irregularly") }
        if let ratio = geometricRatio(nz) {
            return (.levin(.u), "terms of one sign decrease geometrically (ratio ≈ \(Acceleration.short(ratio)))")
        }
        if let p = estimatedExponent(), p > 0 {
            return (.richardson(exponent: nil, step: 1),
                    "terms of one sign decay algebraically, like k^-(p+1) with p ≈ \(Acceleration.short(p)) (logarithmic convergence)")
        }
        return (.levin(.u), "terms of one sign decay slowly")
    }

    mutating func direct(tolerance: Double, reason: String) -> LimitEstimate {
        var trace: [AcceleratedValue] = []
        var quiet = 0
        _ = ensure(1)
        while ensure(terms.count + 1) {
            let s = prefix[prefix.count - 1].value
            let a = terms[terms.count - 1]
            if abs(a) <= tolerance * abs(s) * 0.1 { quiet += 1 } else { quiet = 0 }
            if quiet >= 3 { break }
        }
        let s = prefix[prefix.count - 1].value
        let tailGuess = terms.suffix(3).map { abs($0) }.reduce(0, +)
        let err = tailGuess + Acceleration.unitRoundoff * abs(s)
        trace.append(AcceleratedValue(value: s, errorEstimate: err, method: .direct, termsUsed: terms.count))
        return LimitEstimate(value: s, errorEstimate: err, method: .direct, reason: reason,
                             termsUsed: terms.count, lastIndex: lastIndex,
                             converged: err <= tolerance * max(abs(s), .leastNormalMagnitude),
                             tolerance: tolerance, trace: trace)
    }

    /// Richardson on the partial sums at nodes n ≈ 3·1.25^i, for each candidate exponent;
    /// stops when one candidate meets the tolerance, or when none improved for 4 nodes.
    mutating func richardson(candidates: [Double], q: Double, tolerance: Double, reason: String) -> LimitEstimate {
        var nodes: [Int] = []
        var trackers = candidates.map { RichardsonTracker(p: $0) }
        var i = 0
        var winner: Int?
        while winner == nil {
            let candidate = max((nodes.last ?? 0) + 1, Int((3 * pow(1.25, Double(i))).rounded()))
            i += 1
            if !ensure(candidate) { break }
            nodes.append(candidate)
            if nodes.count > RichardsonTracker.window { nodes.removeFirst() }
            if nodes.count < 2 { continue }
            for c in trackers.indices {
                let raw = richardsonOnPartialSums(nodes: nodes, p: trackers[c].p, q: q)
                if trackers[c].record(raw, tolerance: tolerance) { winner = c; break }
            }
            if RichardsonTracker.stagnant(trackers) { break }
        }
        return RichardsonTracker.finish(trackers, winner: winner, q: q, tolerance: tolerance, reason: reason,
                                        termsUsed: terms.count, lastIndex: lastIndex,
                                        fallback: prefix[prefix.count - 1].value)
    }

    /// Richardson on S_n (n = number of terms) in double-double, with the rounding of the
    /// terms propagated through Λ_k = Σ_{i: n_i >= k} λ_i.
    func richardsonOnPartialSums(nodes: [Int], p: Double, q: Double) -> AcceleratedValue {
        let lambda = Acceleration.richardsonWeights(nodes, p: p, q: q)
        var acc = DoubleDouble.zero
        for (i, n) in nodes.enumerated() { acc = acc + lambda[i] * prefix[n] }
        let lower = Acceleration.richardsonWeights(Array(nodes.dropFirst()), p: p, q: q)
        var acc2 = DoubleDouble.zero
        for (i, n) in nodes.dropFirst().enumerated() { acc2 = acc2 + lower[i] * prefix[n] }
        let value = acc.value
        let truncation = abs((acc - acc2).value)
        // Λ_k is constant between nodes; walk the nodes from the top.
        var termPart = 0.0
        var tail = 0.0
        var upper = nodes.count - 1
        let sortedIdx = nodes.indices.sorted { nodes[$0] < nodes[$1] }
        var k = nodes[sortedIdx[upper]]
        while k >= 1 {
            while upper >= 0 && nodes[sortedIdx[upper]] >= k {
                tail += lambda[sortedIdx[upper]].value
                upper -= 1
            }
            termPart += abs(tail) * abs(terms[k - 1])
            k -= 1
        }
        var weightPart = 0.0
        if !Acceleration.accurateWeights(nodes, p: p, q: q) {
            for (i, n) in nodes.enumerated() { weightPart += lambda[i].magnitude * (prefix[n] - acc).magnitude }
        }
        let rounding = Acceleration.unitRoundoff * (termPart + 8 * Double(nodes.count) * weightPart + abs(value))
        return AcceleratedValue(value: value, errorEstimate: truncation + rounding,
                                method: .richardson(exponent: p, step: q), termsUsed: nodes.max()!)
    }

    mutating func nonlinear(_ method: LimitMethod, tolerance: Double, reason: String) -> LimitEstimate {
        var search = OrderSearch()
        var k = method == .levin(.v) ? 4 : 3
        while ensureNonzero(k) {
            let est: AcceleratedValue
            switch method {
            case .levin(let variant):
                est = Acceleration.levin(terms: Array(nonzero[0..<k]), variant: variant)
            case .aitken:
                est = Acceleration.aitken((1...k).map { nonzeroPrefix[$0].value })
            default:
                est = Acceleration.wynnEpsilon((1...k).map { nonzeroPrefix[$0].value })
            }
            if search.record(est, tolerance: tolerance) { break }
            k += 1
        }
        let fallbackMethod: AccelerationMethod = {
            switch method {
            case .levin(let v): return .levin(v, beta: 1)
            case .aitken: return .aitken
            default: return .wynnEpsilon
            }
        }()
        return search.estimate(fallback: prefix[prefix.count - 1].value, method: fallbackMethod, reason: reason,
                               termsUsed: terms.count, lastIndex: lastIndex, tolerance: tolerance)
    }
}

// MARK: - Sequences

/// The limit of a sequence, accelerated, with an error estimate and a report of the method
/// and of the evaluations made.
///
/// Automatic choice, from s_start … s_(start+11) and their differences d_n = s_(n+1) - s_n:
/// - all differences zero → the constant;
/// - differences alternate, or shrink geometrically (|d_(n+1)/d_n| < 0.95) → Wynn ε;
/// - differences of one sign with ratio → 1 (logarithmic, s_n ≈ L + c n^-p) → Richardson
///   at nodes n ≈ n₀·1.5^i (n₀ = max(start, 4), latest 14 nodes), trying every multiple of
///   1/2 within 1/2 of p̂ = log2((s_2m - s_m)/(s_4m - s_2m)), m = max(start, 8), and keeping
///   the exponent whose estimates converge; when the sequence was built from exact values
///   and p is an integer, the extrapolation is done exactly in rationals
///   (`AccelerationMethod.exactRichardson`), so no rounding is amplified;
/// - otherwise → Wynn ε.
/// The order grows until errorEstimate <= tolerance × |value|, `maxIndex` is reached, or
/// the estimate stops improving (then the best is returned, `converged = false` if it
/// misses the tolerance). Richardson evaluates the sequence only at its nodes.
///
/// The rounding part of the error estimate assumes each value is correct to half an ulp
/// (true for exact sequences); a value computed with larger error (e.g. (1 + 1/n)^n in
/// Double, whose error grows like n ulps) makes the estimate optimistic.
/// - Preconditions: tolerance > 0, maxIndex >= start + 11.
public func limit(of sequence: RealSequence, tolerance: Double = 1e-14, maxIndex: Int = 100_000,
                  method: LimitMethod = .automatic) -> LimitEstimate {
    precondition(tolerance > 0, "limit(of:): tolerance must be positive (got \(tolerance))")
    precondition(maxIndex >= sequence.start + 11,
                 "limit(of:): maxIndex must leave at least 12 values (start = \(sequence.start), maxIndex = \(maxIndex))")
    var driver = SequenceDriver(sequence: sequence, maxIndex: maxIndex)
    let (chosen, reason) = method == .automatic ? driver.classify() : (method, "requested")
    switch chosen {
    case .automatic, .direct:
        return driver.direct(tolerance: tolerance, reason: reason)
    case .richardson(let p, let q):
        let candidates = p.map { [$0] } ?? driver.estimatedExponent().map(candidateExponents(around:)) ?? [1]
        return driver.richardson(candidates: candidates, q: q, tolerance: tolerance, reason: reason)
    case .levin(let variant):
        return driver.levin(variant, tolerance: tolerance, reason: reason)
    case .aitken, .wynnEpsilon:
        return driver.nonlinear(chosen, tolerance: tolerance, reason: reason)
    }
}

struct SequenceDriver {
    let sequence: RealSequence
    let maxIndex: Int
    var values: [Int: Double] = [:]
    var exactValues: [Int: Rational] = [:]

    init(sequence: RealSequence, maxIndex: Int) {
        self.sequence = sequence
        self.maxIndex = maxIndex
    }

    var lastIndex: Int { values.keys.max() ?? sequence.start }

    mutating func value(_ n: Int) -> Double {
        if let v = values[n] { return v }
        let v: Double
        if let exact = sequence.exactValue {
            let r = exact(n)
            exactValues[n] = r
            v = Double(r)
        } else {
            v = sequence[n]
        }
        values[n] = v
        return v
    }

    mutating func exact(_ n: Int) -> Rational {
        if let r = exactValues[n] { return r }
        _ = value(n)
        return exactValues[n]!
    }

    mutating func sample() -> [Double] {
        (sequence.start..<(sequence.start + 12)).map { value($0) }
    }

    /// p such that s_n ≈ L + c n^-p: log2((s_2m - s_m)/(s_4m - s_2m)) with m = max(start, 8)
    /// when 4m <= maxIndex, else from the differences d_(start+4) and d_(start+10); nil if
    /// unusable.
    mutating func estimatedExponent() -> Double? {
        let m = max(sequence.start, 8)
        if 4 * m <= maxIndex {
            let a = value(2 * m) - value(m)
            let b = value(4 * m) - value(2 * m)
            if a != 0, b != 0, (a > 0) == (b > 0) {
                let p = log2(a / b)
                if p.isFinite { return p }
            }
        }
        let n1 = sequence.start + 4, n2 = sequence.start + 10
        let d1 = value(n1 + 1) - value(n1)
        let d2 = value(n2 + 1) - value(n2)
        guard d1 != 0, d2 != 0, (d1 > 0) == (d2 > 0) else { return nil }
        let p = log(d1 / d2) / log((Double(n2) + 0.5) / (Double(n1) + 0.5)) - 1
        return p.isFinite ? p : nil
    }

    mutating func classify() -> (LimitMethod, String) {
        let s = sample()
        let d = zip(s, s.dropFirst()).map { $1 - $0 }
        if d.allSatisfy({ $0 == 0 }) { return (.direct, "the first 12 values are equal") }
        let recent = Array(d.suffix(6))
        if recent.contains(0) { return (.wynnEpsilon, "some differences vanish") }
        let alternating = zip(recent, recent.dropFirst()).allSatisfy { ($0 > 0) != ($1 > 0) }
        if alternating { return (.wynnEpsilon, "differences alternate in sign") }
        let sameSign = recent.allSatisfy { ($0 > 0) == (recent[0] > 0) }
        if !sameSign { return (.wynnEpsilon, "differences change sign irregularly") }
        if let ratio = geometricRatio(d) {
            return (.wynnEpsilon, "differences shrink geometrically (ratio ≈ \(Acceleration.short(ratio)))")
        }
        if let p = estimatedExponent(), p > 0 {
            return (.richardson(exponent: nil, step: 1),
                    "differences of one sign decay algebraically: s_n ≈ L + c n^-p with p ≈ \(Acceleration.short(p)) (logarithmic convergence)")
        }
        return (.levin(.u), "differences of one sign decay slowly")
    }

    mutating func direct(tolerance: Double, reason: String) -> LimitEstimate {
        var n = sequence.start
        var previous = value(n)
        var quiet = 0
        while n < maxIndex {
            n += 1
            let v = value(n)
            if abs(v - previous) <= tolerance * abs(v) * 0.1 { quiet += 1 } else { quiet = 0 }
            previous = v
            if quiet >= 3 && n >= sequence.start + 11 { break }
        }
        let v = value(n)
        let err = abs(v - value(n - 1)) + Acceleration.unitRoundoff * abs(v)
        let est = AcceleratedValue(value: v, errorEstimate: err, method: .direct, termsUsed: values.count)
        return LimitEstimate(value: v, errorEstimate: err, method: .direct, reason: reason,
                             termsUsed: values.count, lastIndex: lastIndex,
                             converged: err <= tolerance * max(abs(v), .leastNormalMagnitude),
                             tolerance: tolerance, trace: [est])
    }

    /// Richardson on s_n at nodes n ≈ n₀·1.5^i (n₀ = max(start, 4)) for each candidate
    /// exponent (exactly, in rationals, when the sequence is exact and p, q are integers).
    mutating func richardson(candidates: [Double], q: Double, tolerance: Double, reason: String) -> LimitEstimate {
        var nodes: [Int] = []
        var trackers = candidates.map { RichardsonTracker(p: $0) }
        var exactPrevious = [Rational?](repeating: nil, count: candidates.count)
        let n0 = max(sequence.start, 4)
        var i = 0
        var winner: Int?
        while winner == nil {
            let candidate = max((nodes.last ?? 0) + 1, Int((Double(n0) * pow(1.5, Double(i))).rounded()))
            i += 1
            if candidate > maxIndex { break }
            nodes.append(candidate)
            if nodes.count > RichardsonTracker.window { nodes.removeFirst() }
            if nodes.count < 2 { continue }
            for c in trackers.indices {
                let p = trackers[c].p
                let useExact = sequence.exactValue != nil && p == p.rounded() && q == q.rounded() && p >= 1 && q >= 1
                let raw: AcceleratedValue
                if useExact {
                    let exactValues = nodes.map { exact($0) }
                    let l = Acceleration.richardson(exact: exactValues, at: nodes, exponent: Int(p), step: Int(q))
                    let dropped = Acceleration.richardson(exact: Array(exactValues.dropFirst()), at: Array(nodes.dropFirst()),
                                                          exponent: Int(p), step: Int(q))
                    var change = (l - dropped).magnitude
                    if let prev = exactPrevious[c] { change = max(change, (l - prev).magnitude) }
                    exactPrevious[c] = l
                    let v = Double(l)
                    raw = AcceleratedValue(value: v, errorEstimate: Double(change) + Acceleration.unitRoundoff * abs(v),
                                           method: .exactRichardson(exponent: Int(p), step: Int(q)), termsUsed: nodes.count)
                    if trackers[c].recordFinal(raw, tolerance: tolerance) { winner = c; break }
                } else {
                    raw = Acceleration.richardson(nodes.map { value($0) }, at: nodes, exponent: p, step: q)
                    if trackers[c].record(raw, tolerance: tolerance) { winner = c; break }
                }
            }
            if RichardsonTracker.stagnant(trackers) { break }
        }
        return RichardsonTracker.finish(trackers, winner: winner, q: q, tolerance: tolerance, reason: reason,
                                        termsUsed: values.count, lastIndex: lastIndex,
                                        fallback: value(sequence.start))
    }

    mutating func levin(_ variant: LevinVariant, tolerance: Double, reason: String) -> LimitEstimate {
        // Series with partial sums s_start, s_(start+1), …: a_0 = s_start, a_j = differences.
        var search = OrderSearch()
        var k = variant == .v ? 4 : 3
        while sequence.start + k - 1 <= maxIndex {
            var a = [value(sequence.start)]
            for n in sequence.start..<(sequence.start + k - 1) { a.append(value(n + 1) - value(n)) }
            if a.dropFirst().contains(0) { break }
            if search.record(Acceleration.levin(terms: a, variant: variant), tolerance: tolerance) { break }
            k += 1
        }
        return search.estimate(fallback: value(sequence.start), method: .levin(variant, beta: 1), reason: reason,
                               termsUsed: values.count, lastIndex: lastIndex, tolerance: tolerance)
    }

    mutating func nonlinear(_ method: LimitMethod, tolerance: Double, reason: String) -> LimitEstimate {
        var search = OrderSearch()
        var k = 3
        while sequence.start + k - 1 <= maxIndex {
            let s = (0..<k).map { value(sequence.start + $0) }
            if search.record(method == .aitken ? Acceleration.aitken(s) : Acceleration.wynnEpsilon(s), tolerance: tolerance) { break }
            k += 1
        }
        return search.estimate(fallback: value(sequence.start), method: method == .aitken ? .aitken : .wynnEpsilon,
                               reason: reason, termsUsed: values.count, lastIndex: lastIndex, tolerance: tolerance)
    }
}
