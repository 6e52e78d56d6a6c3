#if canImport(Glibc)
import Glibc
#endif

/// A seeded, reproducible pseudo-random source: xoshiro256** (Blackman & Vigna 2018,
/// "Scrambled linear pseudorandom number generators", prng.di.unimi.it) whose 256-bit state
/// is filled from the seed by SplitMix64 (Steele, Lea & Flood 2014), as the authors advise.
///
/// Reproducibility: for a given seed the `next()` / `uniform()` streams are bit-identical on
/// every platform (integer arithmetic only). `normal()` uses Marsaglia's polar method, which
/// needs only `log` and `sqrt` (sqrt is exact IEEE; Glibc's `log` is correctly rounded in
/// practice), so normals are reproducible across IEEE platforms with a faithful `log`.
/// Independent streams: `init(seed:stream:)` applies the xoshiro jump (2¹²⁸ steps) `stream`
/// times, so streams never overlap in practice.
///
/// A value type: copying it copies the state (both copies then produce the same numbers);
/// pass it `inout` (`using: &rng`) to consume it. Period 2²⁵⁶ − 1.
public struct RandomSource: RandomNumberGenerator, Sendable, Equatable {
    /// The xoshiro256** state (never all zero).
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64) {
        get { (s0, s1, s2, s3) }
        set { (s0, s1, s2, s3) = newValue }
    }
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    private var spareNormal: Double?

    /// The generator seeded by SplitMix64(seed): the state words are the first four SplitMix64
    /// outputs from `seed`.
    public init(seed: UInt64) {
        var sm = SplitMix64(seed: seed)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }  // unreachable for SplitMix64, kept for safety
        spareNormal = nil
    }

    /// Stream number `stream` (≥ 0) of `seed`: `RandomSource(seed:)` jumped `stream` times by 2¹²⁸.
    /// O(stream) jumps of 256 steps each.
    public init(seed: UInt64, stream: Int) {
        precondition(stream >= 0, "RandomSource: stream must be ≥ 0")
        self.init(seed: seed)
        for _ in 0..<stream { jump() }
    }

    /// Next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// Advances the state by 2¹²⁸ steps (the xoshiro256 jump polynomial); drops a cached normal.
    public mutating func jump() {
        let jumpConstants: [UInt64] = [0x180e_c6d3_3cfd_0aba, 0xd5a6_1266_f0c9_392c, 0xa958_2618_e03f_c9aa, 0x39ab_dc45_29b1_661c]
        var t0: UInt64 = 0, t1: UInt64 = 0, t2: UInt64 = 0, t3: UInt64 = 0
        for j in jumpConstants {
            for b in 0..<64 {
                if j & (UInt64(1) << UInt64(b)) != 0 {
                    t0 ^= s0; t1 ^= s1; t2 ^= s2; t3 ^= s3
                }
                _ = next()
            }
        }
        s0 = t0; s1 = t1; s2 = t2; s3 = t3
        spareNormal = nil
    }

    /// Uniform on [0, 1): the top 53 bits of `next()` times 2⁻⁵³ (every multiple of 2⁻⁵³ equally likely).
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform on [a, b): a + (b − a)·uniform(). Requires a < b, both finite.
    public mutating func uniform(_ a: Double, _ b: Double) -> Double {
        precondition(a < b && a.isFinite && b.isFinite, "RandomSource.uniform: need finite a < b")
        return a + (b - a) * uniform()
    }

    /// Uniform integer in 0..<bound (bound ≥ 1), unbiased (Lemire's multiply-and-reject).
    public mutating func integer(below bound: Int) -> Int {
        precondition(bound >= 1, "RandomSource.integer(below:): bound must be ≥ 1")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// Standard normal N(0, 1) by Marsaglia's polar method: draw u, v uniform on (−1, 1) until
    /// 0 < s = u² + v² < 1, return u·√(−2 ln s / s) and keep v·√(−2 ln s / s) for the next call.
    public mutating func normal() -> Double {
        if let z = spareNormal {
            spareNormal = nil
            return z
        }
        while true {
            let u = 2 * uniform() - 1
            let v = 2 * uniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let f = (-2 * Glibc.log(s) / s).squareRoot()
                spareNormal = v * f
                return u * f
            }
        }
    }

    /// N(mean, sd²). Requires sd ≥ 0.
    public mutating func normal(mean: Double, standardDeviation sd: Double) -> Double {
        precondition(sd >= 0, "RandomSource.normal: standard deviation must be ≥ 0")
        return mean + sd * normal()
    }

    /// Index i drawn with probability weights[i] / Σ weights (weights ≥ 0, not all zero).
    /// One uniform; O(count).
    public mutating func categorical(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        precondition(total > 0 && weights.allSatisfy { $0 >= 0 }, "RandomSource.categorical: weights must be ≥ 0 with a positive sum")
        let target = uniform() * total
        var acc = 0.0
        for (i, w) in weights.enumerated() {
            acc += w
            if target < acc { return i }
        }
        return weights.lastIndex { $0 > 0 }!
    }

    public static func == (a: RandomSource, b: RandomSource) -> Bool {
        a.s0 == b.s0 && a.s1 == b.s1 && a.s2 == b.s2 && a.s3 == b.s3 && a.spareNormal == b.spareNormal
    }
}

@inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

/// SplitMix64 (Steele, Lea & Flood 2014; the seeding generator of xoshiro). Bit-reproducible.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The 64-bit counter.
    public private(set) var state: UInt64
    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }
    /// Next 64 bits: z = (state += 0x9e3779b97f4a7c15), then two xor-shift-multiply rounds.
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

extension Matrix {
    /// Entries i.i.d. N(mean, sd²), drawn row by row from `rng.normal()` (in Double, then
    /// rounded to `Scalar`, so Float and Double matrices from the same seed agree to rounding).
    public static func randomNormal(rows: Int, cols: Int, mean: Double = 0, standardDeviation: Double = 1,
                                    using rng: inout RandomSource) -> Matrix {
        precondition(standardDeviation >= 0, "Matrix.randomNormal: standard deviation must be ≥ 0")
        return Matrix(rows: rows, cols: cols) { _, _ in Scalar(mean + standardDeviation * rng.normal()) }
    }

    /// Entries i.i.d. uniform on [lower, upper), row by row from `rng.uniform()`.
    public static func randomUniform(rows: Int, cols: Int, lower: Double = 0, upper: Double = 1,
                                     using rng: inout RandomSource) -> Matrix {
        precondition(lower < upper, "Matrix.randomUniform: need lower < upper")
        return Matrix(rows: rows, cols: cols) { _, _ in Scalar(lower + (upper - lower) * rng.uniform()) }
    }

    /// A Haar-distributed (uniformly random) n×n orthogonal matrix: Q from the QR factorisation
    /// of an n×n standard normal matrix, with columns multiplied by sign(Rᵢᵢ) so that the
    /// distribution is exactly Haar (Mezzadri 2007, "How to generate random matrices from the
    /// classical compact groups", Notices AMS 54). O(n³) (LAPACK geqrf/orgqr).
    public static func randomOrthogonal(_ n: Int, using rng: inout RandomSource) -> Matrix {
        precondition(n >= 1, "Matrix.randomOrthogonal: n must be ≥ 1")
        let g = Matrix<Double>.randomNormal(rows: n, cols: n, using: &rng)
        let (q, r) = LAPACK.qr(g)
        var out = q
        for j in 0..<n where r[j, j] < 0 {
            for i in 0..<n { out[i, j] = -out[i, j] }
        }
        return out.converted(to: Scalar.self)
    }
}
