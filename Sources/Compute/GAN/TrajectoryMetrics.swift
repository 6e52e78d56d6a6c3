// Convergence metrics along a trajectory: distance to an equilibrium, its upper envelope,
// exponential rates, oscillation periods and angular frequencies.

#if canImport(Glibc)
import Glibc
#endif

/// Convergence metrics for sampled trajectories (of a flow or of discrete training).
/// All functions take plain arrays, so they apply to `ODESolution`s, `TrainingRun`s or any
/// sampled signal. Times must be strictly increasing where they are used.
public enum TrajectoryMetrics {
    /// ‖yᵢ − point‖₂ for each state. O(N·dim).
    public static func distances(_ states: [[Double]], to point: [Double]) -> [Double] {
        states.map { s in
            precondition(s.count == point.count, "TrajectoryMetrics.distances: state of \(s.count) entries, point has \(point.count)")
            var acc = 0.0
            for i in 0..<s.count { let d = s[i] - point[i]; acc += d * d }
            return acc.squareRoot()
        }
    }

    /// The upper envelope of an oscillating signal, sampled at its local maxima: the interior
    /// samples with vᵢ₋₁ < vᵢ ≥ vᵢ₊₁, each refined by the parabola through the three samples
    /// (vertex time and value; exact for a quadratic peak, O(Δt³) for smooth signals).
    /// Plateaus count once. O(N).
    public static func envelope(times: [Double], values: [Double]) -> (times: [Double], values: [Double]) {
        precondition(times.count == values.count, "TrajectoryMetrics.envelope: \(times.count) times, \(values.count) values")
        var ts: [Double] = [], vs: [Double] = []
        if values.count < 3 { return (ts, vs) }
        for i in 1..<(values.count - 1) where values[i - 1] < values[i] && values[i] >= values[i + 1] {
            let (t, v) = parabolicVertex(times[i - 1], values[i - 1], times[i], values[i], times[i + 1], values[i + 1])
            ts.append(t); vs.append(v)
        }
        return (ts, vs)
    }

    /// Least-squares fit log vᵢ ≈ c + rate·tᵢ over the positive values: the exponential rate
    /// of growth (> 0) or decay (< 0) of a distance or of its envelope. Returns (rate, c);
    /// NaN if fewer than two positive values. O(N).
    public static func exponentialFit(times: [Double], values: [Double]) -> (rate: Double, intercept: Double) {
        precondition(times.count == values.count, "TrajectoryMetrics.exponentialFit: \(times.count) times, \(values.count) values")
        var n = 0.0, st = 0.0, sy = 0.0, stt = 0.0, sty = 0.0
        for (t, v) in zip(times, values) where v > 0 && v.isFinite {
            let y = log(v)
            n += 1; st += t; sy += y; stt += t * t; sty += t * y
        }
        guard n >= 2 else { return (.nan, .nan) }
        let den = n * stt - st * st
        guard den != 0 else { return (.nan, .nan) }
        let rate = (n * sty - st * sy) / den
        return (rate, (sy - rate * st) / n)
    }

    /// Times at which the linearly interpolated signal crosses `level` upwards
    /// (vᵢ < level ≤ vᵢ₊₁). O(N).
    public static func upwardCrossings(times: [Double], values: [Double], level: Double = 0) -> [Double] {
        precondition(times.count == values.count, "TrajectoryMetrics.upwardCrossings: \(times.count) times, \(values.count) values")
        var out: [Double] = []
        if values.count < 2 { return out }
        for i in 0..<(values.count - 1) where values[i] < level && values[i + 1] >= level {
            let f = (level - values[i]) / (values[i + 1] - values[i])
            out.append(times[i] + f * (times[i + 1] - times[i]))
        }
        return out
    }

    /// The oscillation period: the mean spacing of successive upward crossings of `level`
    /// ((last − first)/(count − 1)), or `nil` with fewer than two crossings. For a sampled
    /// sinusoid the error is O(Δt³) per crossing. O(N).
    public static func oscillationPeriod(times: [Double], values: [Double], level: Double = 0) -> Double? {
        let c = upwardCrossings(times: times, values: values, level: level)
        guard c.count >= 2 else { return nil }
        return (c[c.count - 1] - c[0]) / Double(c.count - 1)
    }

    /// Angular frequency ω of the rotation of (x(t), y(t)) around `center`: the least-squares
    /// slope of the unwrapped angle atan2(y − cy, x − cx) against t (counter-clockwise > 0;
    /// the period is 2π/|ω|). Consecutive samples must turn by less than π. O(N).
    public static func angularFrequency(times: [Double], x: [Double], y: [Double],
                                        center: (Double, Double) = (0, 0)) -> Double {
        precondition(times.count == x.count && x.count == y.count, "TrajectoryMetrics.angularFrequency: lengths differ")
        precondition(times.count >= 2, "TrajectoryMetrics.angularFrequency: need at least two samples")
        var angles = [Double]()
        angles.reserveCapacity(times.count)
        var prev = 0.0, offset = 0.0
        for i in 0..<times.count {
            let a = atan2(y[i] - center.1, x[i] - center.0)
            if i > 0 {
                var d = a - prev
                if d > Double.pi { offset -= 2 * Double.pi; d -= 2 * Double.pi }
                if d < -Double.pi { offset += 2 * Double.pi; d += 2 * Double.pi }
            }
            prev = a
            angles.append(a + offset)
        }
        let n = Double(times.count)
        let mt = times.reduce(0, +) / n, ma = angles.reduce(0, +) / n
        var num = 0.0, den = 0.0
        for i in 0..<times.count { num += (times[i] - mt) * (angles[i] - ma); den += (times[i] - mt) * (times[i] - mt) }
        return num / den
    }

    /// Per-iteration growth factor of a distance sequence dₙ: exp of the least-squares slope
    /// of log dₙ against n, i.e. the ρ in dₙ ≈ C ρⁿ. Compare with the spectral radius of the
    /// update matrix. O(N).
    public static func growthFactorPerStep(iterations: [Int], distances: [Double]) -> Double {
        exp(exponentialFit(times: iterations.map(Double.init), values: distances).rate)
    }

    /// Vertex of the parabola through three points (falls back to the middle point when the
    /// three are collinear).
    static func parabolicVertex(_ t0: Double, _ v0: Double, _ t1: Double, _ v1: Double,
                                _ t2: Double, _ v2: Double) -> (Double, Double) {
        // Newton form around t1: v(t) = v1 + b(t − t1) + a(t − t1)(t − …)
        let d01 = (v1 - v0) / (t1 - t0), d12 = (v2 - v1) / (t2 - t1)
        let a = (d12 - d01) / (t2 - t0)
        if a >= 0 || !a.isFinite { return (t1, v1) }
        // v(t) = v1 + d01 (t − t1) + a (t − t1)(t − t0)
        // v'(t) = d01 + a (2t − t1 − t0) = 0
        let tv = (t1 + t0) / 2 - d01 / (2 * a)
        let vv = v1 + d01 * (tv - t1) + a * (tv - t1) * (tv - t0)
        // guard against under/overflow with tiny values (the vertex lies in [t0, t2] exactly)
        if !(tv >= t0 && tv <= t2) || !vv.isFinite { return (t1, v1) }
        return (tv, vv)
    }
}
