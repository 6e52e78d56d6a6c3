#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A confidence interval for a location (a median of times or of time ratios), with the
/// point estimate it surrounds and the coverage it actually has.
///
/// Timing claims state the conservative end: "A is more than 2× slower than B" holds
/// when `lower > 2`, "A is less than 1.5× slower" when `upper < 1.5` (see
/// `claim(_:above:_:)` and `claim(_:below:_:)`).
public struct ConfidenceInterval: Sendable, Hashable, CustomStringConvertible {
    /// The point estimate (the sample median).
    public var estimate: Double
    /// Lower end of the interval.
    public var lower: Double
    /// Upper end of the interval.
    public var upper: Double
    /// The coverage probability the interval has (for order-statistic intervals, the
    /// exact binomial coverage, at least the requested level when the sample is large
    /// enough; see `OrderStatistics.medianInterval`).
    public var level: Double

    /// An interval `lower ≤ estimate ≤ upper` with coverage `level` in [0, 1] (0 for the
    /// degenerate interval of a single sample).
    public init(estimate: Double, lower: Double, upper: Double, level: Double) {
        precondition(lower <= estimate && estimate <= upper,
                     "ConfidenceInterval needs lower ≤ estimate ≤ upper, got \(lower), \(estimate), \(upper)")
        precondition(level >= 0 && level <= 1, "ConfidenceInterval level must be in [0, 1], got \(level)")
        self.estimate = estimate
        self.lower = lower
        self.upper = upper
        self.level = level
    }

    /// The interval under an increasing function `f` (for example `log`, or the exponent
    /// `log(r) / log(8)` of a time ratio `r` over an 8× larger input). Order-statistic
    /// intervals are equivariant: the image of the interval is the interval of the images.
    /// `f` must be increasing on `[lower, upper]`; a decreasing `f` stops the program.
    public func map(_ f: (Double) -> Double) -> ConfidenceInterval {
        let l = f(lower), e = f(estimate), u = f(upper)
        precondition(l <= e && e <= u, "ConfidenceInterval.map needs an increasing function, got \(l), \(e), \(u)")
        return ConfidenceInterval(estimate: e, lower: l, upper: u, level: level)
    }

    /// The quotient of two positive intervals of independent quantities, `self / other`,
    /// conservatively: `[lower/other.upper, upper/other.lower]` around
    /// `estimate/other.estimate`. Both intervals hold together with probability at least
    /// `level + other.level − 1` (Bonferroni), which is the `level` of the result (0 if
    /// negative). Example: how much a speed-up grows between two lengths,
    /// `speedupAt16384.divided(by: speedupAt1024)`.
    public func divided(by other: ConfidenceInterval) -> ConfidenceInterval {
        precondition(lower > 0 && other.lower > 0,
                     "ConfidenceInterval.divided(by:) needs positive intervals, got \(self) and \(other)")
        return ConfidenceInterval(estimate: estimate / other.estimate, lower: lower / other.upper,
                                  upper: upper / other.lower, level: max(0, level + other.level - 1))
    }

    /// `2.31 (95.3 % CI 2.20–2.45)`, six significant digits.
    public var description: String {
        "\(formatValue(estimate)) (\(formatValue((level * 1000).rounded() / 10)) % CI \(formatValue(lower))–\(formatValue(upper)))"
    }
}

/// Distribution-free statistics of samples: quantiles and the order-statistic confidence
/// interval for the median. Used by `measure` and `compare`; public so that authors can
/// summarise their own samples the same way.
public enum OrderStatistics {
    /// The `p`-quantile of `sorted` (ascending, non-empty) by linear interpolation between
    /// order statistics (Hyndman–Fan type 7, numpy's default): with `h = (n − 1)·p`,
    /// `Q(p) = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])` (0-based). `Q(0.5)` is the median
    /// (the mean of the two middle values for even `n`).
    public static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        precondition(!sorted.isEmpty, "quantile of an empty sample")
        precondition(p >= 0 && p <= 1, "quantile p must be in [0, 1], got \(p)")
        let h = Double(sorted.count - 1) * p
        let i = Int(h.rounded(.down))
        if i + 1 >= sorted.count { return sorted[sorted.count - 1] }
        return sorted[i] + (h - Double(i)) * (sorted[i + 1] - sorted[i])
    }

    /// `P(B ≤ k)` for `B ~ Binomial(n, 1/2)`, summed in log space (exact to rounding for
    /// any `n`; `k < 0` gives 0, `k ≥ n` gives 1).
    public static func binomialHalfCDF(_ k: Int, _ n: Int) -> Double {
        precondition(n >= 0, "binomialHalfCDF needs n ≥ 0, got \(n)")
        if k < 0 { return 0 }
        if k >= n { return 1 }
        let logHalfN = Double(n) * log(0.5)
        var logChoose = 0.0     // log C(n, 0)
        var sum = 0.0
        for j in 0...k {
            if j > 0 { logChoose += log(Double(n - j + 1)) - log(Double(j)) }
            sum += exp(logChoose + logHalfN)
        }
        return min(1, sum)
    }

    /// The 1-based ranks `(l, u)` of the distribution-free confidence interval
    /// `[x₍l₎, x₍u₎]` for the median of `n` independent samples, and its exact coverage.
    ///
    /// Whatever the (continuous) distribution, the number of samples below the true median
    /// is `B ~ Binomial(n, 1/2)`, so `P(x₍l₎ ≤ median ≤ x₍n−l+1₎) = 1 − 2·P(B ≤ l − 1)`.
    /// The rank `l` is the largest with `P(B ≤ l − 1) ≤ (1 − level)/2`, so the coverage is
    /// at least `level`. When `n` is too small for that (`2·2⁻ⁿ > 1 − level`, e.g. `n ≤ 5`
    /// at 95 %), the interval is `[x₍1₎, x₍n₎]` and `coverage = 1 − 2¹⁻ⁿ` is below `level`.
    /// Reference: Conover, *Practical Nonparametric Statistics*, 3rd ed., §3.2.
    ///
    /// Example: `n = 11`, 95 % → `(2, 10)`, coverage `1 − 2·12/2048 = 0.98828125`.
    public static func medianRanks(count n: Int, level: Double) -> (lower: Int, upper: Int, coverage: Double) {
        precondition(n >= 1, "medianRanks needs at least one sample, got \(n)")
        precondition(level > 0 && level < 1, "confidence level must be in (0, 1), got \(level)")
        let tail = (1 - level) / 2
        var l = 1
        while l + 1 <= (n + 1) / 2 && binomialHalfCDF(l, n) <= tail { l += 1 }
        return (l, n - l + 1, 1 - 2 * binomialHalfCDF(l - 1, n))
    }

    /// The sample median of `samples` with its distribution-free confidence interval
    /// (`medianRanks`). The samples need not be sorted.
    public static func medianInterval(_ samples: [Double], level: Double = 0.95) -> ConfidenceInterval {
        precondition(!samples.isEmpty, "medianInterval of an empty sample")
        precondition(!samples.contains(where: \.isNaN), "medianInterval of samples containing NaN")
        let sorted = samples.sorted()
        let r = medianRanks(count: sorted.count, level: level)
        return ConfidenceInterval(estimate: quantile(sorted, 0.5), lower: sorted[r.lower - 1],
                                  upper: sorted[r.upper - 1], level: r.coverage)
    }
}
