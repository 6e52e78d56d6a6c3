#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Tick marks of one axis: labelled major ticks and unlabelled minor ticks.
public struct AxisTicks: Sendable, Equatable {
    /// Major tick values, increasing.
    public var major: [Double]
    /// One label per major tick.
    public var labels: [String]
    /// Minor tick values (log axes: 2…9 × 10^k or skipped decades), increasing.
    public var minor: [Double]

    public init(major: [Double], labels: [String], minor: [Double] = []) {
        precondition(major.count == labels.count, "AxisTicks: one label per major tick")
        self.major = major
        self.labels = labels
        self.minor = minor
    }
}

/// "Nice" tick values for a linear axis covering `[min, max]`: every multiple of a step
/// `m × 10^k`, m ∈ {1, 2, 5}, lying in the range, for the smallest such step giving at
/// most `maxCount` ticks (Heckbert, "Nice numbers for graph labels", Graphics Gems I,
/// 1990, with the step chosen by count instead of rounding the range).
///
/// Each tick is the double nearest to its decimal value (`0.3`, not `3 × 0.1`), built
/// from its decimal digits. Edge cases: `min == max` is widened to ±10% (±1 around 0);
/// a range narrower than 1e-12 relative to its magnitude is widened to that; the range
/// `1.0000001…1.0000002` gives steps of 2e-8. Complexity O(maxCount).
/// `min`, `max` finite with `min <= max`; `maxCount` in 2...100.
public func niceTicks(min: Double, max: Double, maxCount: Int = 6) -> [Double] {
    linearTicks(min: min, max: max, maxCount: maxCount).major
}

/// `niceTicks` with labels. Labels are exact decimal strings of the tick values with the
/// step's number of decimals (`0.0, 0.5, 1.0`; `-2, 0, 2`; `1.00000010, 1.00000012`), or
/// mantissa `e` exponent (`2e-5`, `1.5e6`, trailing zeros trimmed) when the largest
/// |tick| is ≥ 1e6 or < 1e-3. Zero is always `"0"` (or `"0.0…"` in fixed notation).
public func linearTicks(min: Double, max: Double, maxCount: Int = 6) -> AxisTicks {
    precondition(min.isFinite && max.isFinite, "linearTicks: range must be finite, got \(min)…\(max)")
    precondition(min <= max, "linearTicks: min \(min) > max \(max)")
    precondition(maxCount >= 2 && maxCount <= 100, "linearTicks: maxCount must be in 2...100, got \(maxCount)")
    let (lo, hi) = TickMath.widened(min, max)
    let span = hi / 2 - lo / 2  // half the span, never overflows
    var k = Int(floor(log10(span) + log10(2 / Double(maxCount)))) - 1
    while true {
        for m in [1, 2, 5] {
            let step = TickMath.decimal(Int64(m), k)
            // Indices of the first and last multiples in range; the tolerance absorbs the
            // rounding of the divisions (relative 1e-14) so range ends that are ticks count.
            let qLo = lo / step, qHi = hi / step
            let iLo = (qLo - 1e-9 - 1e-14 * qLo.magnitude).rounded(.up)
            let iHi = (qHi + 1e-9 + 1e-14 * qHi.magnitude).rounded(.down)
            if iHi - iLo + 1 <= Double(maxCount) {
                let coefficients = stride(from: Int64(iLo), through: Int64(iHi), by: 1).map { $0 * Int64(m) }
                return AxisTicks(major: coefficients.map { TickMath.decimal($0, k) },
                                 labels: TickMath.linearLabels(coefficients, exponent: k))
            }
        }
        k += 1
    }
}

/// Ticks for a log axis covering `[min, max]` (0 < min ≤ max, finite).
///
/// - With at least two powers of ten in range: majors at 10^e for every e that is a
///   multiple of the smallest stride s ∈ {1, 2, 3, 4, 5, 10, 20, 25, 50, 100, …} giving at
///   most `maxCount` labels (1e-12…1 → 1e-12, 1e-10, …, 0.01, 1). With s = 1 the minor
///   ticks are 2…9 × 10^e; over fewer than 2.5 decades, 1, 2, 5 × 10^e are labelled
///   instead when they fit (0.5…20 → 0.5, 1, 2, 5, 10, 20). With s > 1 the skipped
///   decades are minor ticks (omitted beyond 80 decades).
/// - Otherwise 1, 2, 5 × 10^e (or 1…9 × 10^e) in range when at least two fit, else the
///   linear `linearTicks` of the range (1.01…1.05).
/// - `min == max` is widened by half a decade each way.
///
/// Labels: 10^e and j × 10^e print in fixed notation for -3 ≤ e ≤ 4 (`0.001`, `10`,
/// `20000`), as `je<e>` otherwise (`1e-12`, `5e-4`, `1e5`).
/// Reference: the decade/minor layout of matplotlib's `LogLocator` (subs 2…9).
/// Complexity O(decades + maxCount).
public func logTicks(min: Double, max: Double, maxCount: Int = 6) -> AxisTicks {
    precondition(min.isFinite && max.isFinite && min > 0, "logTicks: range must be finite and positive, got \(min)…\(max)")
    precondition(min <= max, "logTicks: min \(min) > max \(max)")
    precondition(maxCount >= 2 && maxCount <= 100, "logTicks: maxCount must be in 2...100, got \(maxCount)")
    var lo = log10(min), hi = log10(max)
    var vmin = min, vmax = max
    if min == max {
        lo -= 0.5
        hi += 0.5
        vmin = pow(10, lo)
        vmax = pow(10, hi)
    }
    func inRange(_ v: Double) -> Bool { v >= vmin * (1 - 1e-12) && v <= vmax * (1 + 1e-12) }
    let eLo = Int((lo - 1e-10).rounded(.up))
    let eHi = Int((hi + 1e-10).rounded(.down))
    let decades = eHi - eLo + 1

    // Candidates j × 10^e with j in `mantissas`, in range, increasing.
    func candidates(_ mantissas: [Int]) -> [(j: Int, e: Int)] {
        var out: [(j: Int, e: Int)] = []
        for e in (Int(lo.rounded(.down)) - 1)...(Int(hi.rounded(.up)) + 1) {
            for j in mantissas where inRange(TickMath.decimal(Int64(j), e)) { out.append((j, e)) }
        }
        return out
    }
    func ticks(_ majors: [(j: Int, e: Int)], minor: [(j: Int, e: Int)]) -> AxisTicks {
        AxisTicks(major: majors.map { TickMath.decimal(Int64($0.j), $0.e) },
                  labels: majors.map { TickMath.logLabel($0.j, $0.e) },
                  minor: minor.map { TickMath.decimal(Int64($0.j), $0.e) })
    }

    if decades >= 2 {
        var s = 1
        for candidate in TickMath.decadeStrides {
            s = candidate
            if TickMath.multiples(of: s, from: eLo, to: eHi) <= maxCount { break }
        }
        if s == 1 {
            let c125 = candidates([1, 2, 5])
            if hi - lo < 2.5 && c125.count <= maxCount {
                return ticks(c125, minor: candidates([3, 4, 6, 7, 8, 9]))
            }
            return ticks((eLo...eHi).map { (1, $0) }, minor: candidates([2, 3, 4, 5, 6, 7, 8, 9]))
        }
        let majors = (eLo...eHi).filter { TickMath.floorMod($0, s) == 0 }.map { (j: 1, e: $0) }
        let minors = decades <= 80 ? (eLo...eHi).filter { TickMath.floorMod($0, s) != 0 }.map { (j: 1, e: $0) } : []
        return ticks(majors, minor: minors)
    }
    let c125 = candidates([1, 2, 5])
    if c125.count >= 2 && c125.count <= maxCount {
        return ticks(c125, minor: candidates([3, 4, 6, 7, 8, 9]))
    }
    let c19 = candidates([1, 2, 3, 4, 5, 6, 7, 8, 9])
    if c19.count >= 2 && c19.count <= maxCount {
        return ticks(c19, minor: [])
    }
    return linearTicks(min: vmin, max: vmax, maxCount: maxCount)
}

/// `linearTicks` or `logTicks` by scale.
public func axisTicks(min: Double, max: Double, scale: AxisScale, maxCount: Int = 6) -> AxisTicks {
    switch scale {
    case .linear: return linearTicks(min: min, max: max, maxCount: maxCount)
    case .log: return logTicks(min: min, max: max, maxCount: maxCount)
    }
}

/// Decimal helpers shared by the tick generators.
enum TickMath {
    static let decadeStrides = [1, 2, 3, 4, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000]

    /// The double nearest to `c × 10^k` (Swift's correctly rounded decimal parser).
    static func decimal(_ c: Int64, _ k: Int) -> Double {
        Double("\(c)e\(k)")!
    }

    static func floorMod(_ a: Int, _ b: Int) -> Int {
        let r = a % b
        return r < 0 ? r + b : r
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        (a - floorMod(a, b)) / b
    }

    /// Number of multiples of `s` in `lo...hi`.
    static func multiples(of s: Int, from lo: Int, to hi: Int) -> Int {
        floorDiv(hi, s) - floorDiv(lo - 1, s)
    }

    /// Widens a degenerate or ultra-narrow range (see `niceTicks`).
    static func widened(_ lo: Double, _ hi: Double) -> (Double, Double) {
        let mid = lo / 2 + hi / 2
        if lo == hi {
            let d = mid == 0 ? 1 : mid.magnitude * 0.1
            return (lo - d, hi + d)
        }
        let minimum = mid.magnitude * 1e-12
        if hi - lo < minimum { return (mid - minimum / 2, mid + minimum / 2) }
        return (lo, hi)
    }

    /// Labels of the ticks `c × 10^k` (see `linearTicks`), from their decimal digits.
    static func linearLabels(_ coefficients: [Int64], exponent k: Int) -> [String] {
        let largest = coefficients.map(\.magnitude).max() ?? 0
        if largest == 0 { return coefficients.map { _ in "0" } }
        let topExponent = String(largest).count - 1 + k
        let scientific = topExponent >= 6 || topExponent <= -4
        return coefficients.map { c in
            if c == 0 { return scientific || k >= 0 ? "0" : "0." + String(repeating: "0", count: -k) }
            let sign = c < 0 ? "-" : ""
            var digits = Array(String(c.magnitude).utf8)
            if scientific {
                let e = digits.count - 1 + k
                while digits.count > 1 && digits.last == UInt8(ascii: "0") { digits.removeLast() }
                var mantissa = String(decoding: digits.prefix(1), as: UTF8.self)
                if digits.count > 1 { mantissa += "." + String(decoding: digits.dropFirst(), as: UTF8.self) }
                return sign + mantissa + "e" + String(e)
            }
            if k >= 0 { return sign + String(decoding: digits, as: UTF8.self) + String(repeating: "0", count: k) }
            let decimals = -k
            if digits.count <= decimals {
                digits = Array(repeating: UInt8(ascii: "0"), count: decimals - digits.count + 1) + digits
            }
            let point = digits.count - decimals
            return sign + String(decoding: digits[..<point], as: UTF8.self) + "." + String(decoding: digits[point...], as: UTF8.self)
        }
    }

    /// Label of `j × 10^e` on a log axis (see `logTicks`).
    static func logLabel(_ j: Int, _ e: Int) -> String {
        if e >= -3 && e <= 4 {
            if e >= 0 { return String(j) + String(repeating: "0", count: e) }
            return "0." + String(repeating: "0", count: -e - 1) + String(j)
        }
        return String(j) + "e" + String(e)
    }
}
