#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The result of `compare(a, b)`: the ratio `time(a) / time(b)` of process CPU time per
/// call, with a confidence interval, and the statistics of each side.
public struct Comparison: Sendable, CustomStringConvertible {
    /// `time(a) / time(b)` of each round (per-call CPU times measured back to back in the
    /// same round), in the order measured.
    public let ratios: [Double]
    /// The median of the per-round ratios and its distribution-free confidence interval
    /// (`OrderStatistics.medianInterval`). "A is more than 2× slower than B" holds
    /// conservatively when `ratio.lower > 2`: `claim(c.ratio, above: 2, …)`.
    public let ratio: ConfidenceInterval
    /// Per-call statistics of `a`, one sample per round.
    public let a: Measurement
    /// Per-call statistics of `b`, one sample per round.
    public let b: Measurement
    /// Whether `a` ran first in each round (from the fixed-seed order, see `compare`).
    public let aFirst: [Bool]

    /// The comparison of per-round samples of `a` and `b` (same count, at least one;
    /// `aFirst` says which ran first in each round); `level` as in `compare`.
    public init(a: Measurement, b: Measurement, aFirst: [Bool], level: Double = 0.95) {
        precondition(a.samples.count == b.samples.count && aFirst.count == a.samples.count,
                     "a Comparison needs one sample of a and of b per round, got \(a.samples.count), \(b.samples.count), \(aFirst.count)")
        precondition(!b.samples.contains { $0 <= 0 }, "a Comparison needs positive times of b (a CPU time of 0 cannot divide)")
        self.a = a
        self.b = b
        self.aFirst = aFirst
        self.ratios = zip(a.samples, b.samples).map { $0 / $1 }
        self.ratio = OrderStatistics.medianInterval(ratios, level: level)
    }

    /// The number of rounds.
    public var rounds: Int { ratios.count }

    /// The growth exponent `p` in `time ∝ sizeᵖ` when `a` is the workload at `sizeRatio`
    /// times the size of `b`: `p = log(ratio) / log(sizeRatio)`, with the interval mapped
    /// through the same increasing function (`ConfidenceInterval.map`).
    ///
    ///     let c = compare({ _ = softmaxAttention(q8192, k8192, v8192) },
    ///                     { _ = softmaxAttention(q1024, k1024, v1024) })
    ///     claim(c.growthExponent(sizeRatio: 8), above: 1.7, "softmax time grows about like n²")
    public func growthExponent(sizeRatio: Double) -> ConfidenceInterval {
        precondition(sizeRatio > 1 && sizeRatio.isFinite, "growthExponent(sizeRatio:) must be finite and > 1, got \(sizeRatio)")
        let scale = log(sizeRatio)
        return ratio.map { log($0) / scale }
    }

    /// `time(a)/time(b) = 2.31 (98.8 % CI 2.20–2.45), 11 rounds`.
    public var description: String { "time(a)/time(b) = \(ratio), \(rounds) rounds" }
}

/// Compares the process CPU time per call of `a` and `b`: `time(a) / time(b)`.
///
/// 1. Each body is calibrated as in `measure` (its own number of calls per sample, so that
///    a sample lasts at least `minimumSeconds`).
/// 2. `rounds` rounds; each measures one sample of `a` and one of `b`, back to back, in an
///    order drawn from a fixed-seed generator (SplitMix64, seed `0x5745_4156_45`, so the
///    same order every run). Load that drifts over seconds hits both sides of a round, and
///    neither side always runs first (caches, frequency scaling).
/// 3. Per-round ratios `rᵢ = aᵢ / bᵢ`; the result is their median with the distribution-free
///    order-statistic confidence interval (`OrderStatistics.medianRanks`: with the default
///    11 rounds, `[r₍2₎, r₍10₎]`, 98.8 % coverage; at least 6 rounds are needed to reach
///    95 %). Rounds are treated as independent draws of the ratio.
///
/// Claims state the conservative end of the interval:
///
///     BLAS.threadCount = 1
///     let c = compare({ _ = softmaxAttention(q, k, v) }, { _ = linearAttention(q, k, v) })
///     claim(c.ratio, above: 2, "softmax attention is more than 2x slower here")
///
/// - Precondition: `rounds ≥ 1`, `minimumSeconds` finite and `≥ 0`, `0 < level < 1`.
public func compare(_ a: () -> Void, _ b: () -> Void, rounds: Int = 11, minimumSeconds: Double = 0.02,
                    level: Double = 0.95) -> Comparison {
    precondition(rounds >= 1, "compare(rounds:) needs at least 1 round, got \(rounds)")
    checkMinimum(minimumSeconds, "compare")
    precondition(level > 0 && level < 1, "compare(level:) must be in (0, 1), got \(level)")
    let ka = calibrate(minimumSeconds, a)
    let kb = calibrate(minimumSeconds, b)
    var order = SplitMix64(seed: 0x5745_4156_45)
    var ca: [Double] = [], wa: [Double] = [], cb: [Double] = [], wb: [Double] = [], aFirst: [Bool] = []
    for _ in 0..<rounds {
        let first = order.next() & 1 == 0
        var sa = (cpu: 0.0, wall: 0.0), sb = (cpu: 0.0, wall: 0.0)
        if first {
            sa = sample(ka, a)
            sb = sample(kb, b)
        } else {
            sb = sample(kb, b)
            sa = sample(ka, a)
        }
        ca.append(sa.cpu); wa.append(sa.wall)
        cb.append(max(sb.cpu, 1e-12)); wb.append(sb.wall)
        aFirst.append(first)
    }
    return Comparison(a: Measurement(samples: ca, wallSamples: wa, callsPerSample: ka, level: level),
                      b: Measurement(samples: cb, wallSamples: wb, callsPerSample: kb, level: level),
                      aFirst: aFirst, level: level)
}

/// SplitMix64 (Steele, Lea, Flood 2014): the fixed-seed order of `compare`'s rounds.
struct SplitMix64 {
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
