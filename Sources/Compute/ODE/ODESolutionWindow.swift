// Window queries on an ODE solution: the saved points in a time window, and the extremes of a
// function of the state over a window from the dense output.

/// One extreme of a function of the state over a time window (`ODESolution.maximum`/`minimum`).
public struct ODEWindowExtremum: Sendable, Equatable {
    /// Where the extreme value is attained (within the search's time tolerance).
    public var t: Double
    /// The value g(y(t)) there, from the dense output.
    public var value: Double
    /// The state y(t) there, from the dense output.
    public var y: [Double]
}

extension ODESolution {
    /// The saved points whose time lies in `window` (both ends included), in the order of
    /// integration: `t[i]` and `y[i]` as in `self.t` and `self.y`. For
    /// `solution.values(in: 75...100)` after a forward solve these are the saved times
    /// 75 ≤ tᵢ ≤ 100. Only what was saved (every step, or `saveat`) is returned; for the state
    /// at other times use the dense output `solution(t)`. Empty if no saved time is in the window.
    /// O(log n + points) (binary search on the monotone saved times).
    public func values(in window: ClosedRange<Double>) -> (t: [Double], y: [[Double]]) {
        precondition(window.lowerBound.isFinite && window.upperBound.isFinite,
                     "ODESolution.values(in:): the window \(window) must be finite")
        guard !t.isEmpty else { return ([], []) }
        let forward = t.count < 2 || t[t.count - 1] >= t[0]
        // First index whose time is inside the window in the direction of integration.
        func firstIndex(_ inside: (Double) -> Bool) -> Int {
            var lo = 0, hi = t.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if inside(t[mid]) { hi = mid } else { lo = mid + 1 }
            }
            return lo
        }
        let start = forward ? firstIndex { $0 >= window.lowerBound } : firstIndex { $0 <= window.upperBound }
        let end = forward ? firstIndex { $0 > window.upperBound } : firstIndex { $0 < window.lowerBound }
        guard start < end else { return ([], []) }
        return (Array(t[start..<end]), (start..<end).map { y[$0] })
    }

    /// The largest value of g(y(t)) for t in `window`, from the dense output.
    ///
    /// Method: g is sampled on the window's ends, every step boundary inside it and
    /// `samplesPerStep − 1` equally spaced points inside each step; every sample that is not
    /// smaller than its neighbours brackets a local maximum, which a golden-section search on
    /// the interpolant refines (to |Δt| ≤ 2·√ε·max(|t|, 1), so the value is accurate to about
    /// ε·|g| plus the solution's own error). The best refined value wins (the earliest on a tie).
    /// Correct whenever g(y(t)) has at most one local maximum between neighbouring samples;
    /// raise `samplesPerStep` for functions that oscillate faster than the solution.
    /// Reference: Press et al., *Numerical Recipes*, 3rd ed., §10.2 (golden-section search).
    ///
    /// Example: for x'' = −x, x(0) = 1, `maximum(of: { $0[0] }, in: 79...85)` is x = 1 at t = 26π.
    /// - Precondition: `hasDenseOutput`; `window` lies in the integrated interval; samplesPerStep ≥ 1.
    public func maximum(of g: ([Double]) -> Double, in window: ClosedRange<Double>,
                        samplesPerStep: Int = 4) -> ODEWindowExtremum {
        windowExtremum(of: g, in: window, samplesPerStep: samplesPerStep, sign: 1)
    }

    /// The smallest value of g(y(t)) for t in `window`, from the dense output (the same method
    /// and accuracy as `maximum(of:in:samplesPerStep:)`, applied to −g).
    /// - Precondition: `hasDenseOutput`; `window` lies in the integrated interval; samplesPerStep ≥ 1.
    public func minimum(of g: ([Double]) -> Double, in window: ClosedRange<Double>,
                        samplesPerStep: Int = 4) -> ODEWindowExtremum {
        windowExtremum(of: g, in: window, samplesPerStep: samplesPerStep, sign: -1)
    }

    /// The largest value of component `k` over `window` (`maximum(of: { $0[k] }, in: window)`).
    public func maximum(component k: Int, in window: ClosedRange<Double>) -> ODEWindowExtremum {
        precondition(k >= 0 && k < dimension, "ODESolution.maximum: component \(k) out of range 0..<\(dimension)")
        return maximum(of: { $0[k] }, in: window)
    }

    /// The smallest value of component `k` over `window` (`minimum(of: { $0[k] }, in: window)`).
    public func minimum(component k: Int, in window: ClosedRange<Double>) -> ODEWindowExtremum {
        precondition(k >= 0 && k < dimension, "ODESolution.minimum: component \(k) out of range 0..<\(dimension)")
        return minimum(of: { $0[k] }, in: window)
    }

    /// Maximises sign·g over the window (sign = 1: maximum, −1: minimum).
    private func windowExtremum(of g: ([Double]) -> Double, in window: ClosedRange<Double>,
                                samplesPerStep: Int, sign: Double) -> ODEWindowExtremum {
        precondition(hasDenseOutput, "ODESolution: window extremes need the dense output (solve with ODEOptions(dense: true))")
        precondition(samplesPerStep >= 1, "ODESolution: samplesPerStep must be ≥ 1, got \(samplesPerStep)")
        let lo = Swift.min(tStart, tFinal), hi = Swift.max(tStart, tFinal)
        let slack = 1e-12 * Swift.max(hi - lo, Swift.max(abs(lo), abs(hi)), 1e-300)
        precondition(window.lowerBound >= lo - slack && window.upperBound <= hi + slack,
                     "ODESolution: the window \(window) is outside the integrated interval [\(lo), \(hi)]")
        let a = Swift.max(window.lowerBound, lo), b = Swift.min(window.upperBound, hi)
        func h(_ t: Double) -> Double { sign * g(self(t)) }
        // Sample grid: a, step boundaries strictly inside (a, b), b; each gap subdivided.
        var knots = [a]
        for s in denseStart.sorted() where s > a && s < b { knots.append(s) }
        knots.append(b)
        var grid = [a]
        for i in 1..<knots.count {
            let (u, v) = (knots[i - 1], knots[i])
            for j in 1..<samplesPerStep { grid.append(u + (v - u) * Double(j) / Double(samplesPerStep)) }
            if v > grid[grid.count - 1] { grid.append(v) }
        }
        let values = grid.map(h)
        var best = (t: grid[0], value: values[0])
        for i in grid.indices {
            let left = i > 0 ? values[i - 1] : -Double.infinity
            let right = i + 1 < grid.count ? values[i + 1] : -Double.infinity
            guard values[i] >= left && values[i] >= right else { continue }
            var candidate = (t: grid[i], value: values[i])
            if grid.count > 1 {
                let (u, v) = (grid[Swift.max(i - 1, 0)], grid[Swift.min(i + 1, grid.count - 1)])
                let refined = goldenSectionMaximum(h, u, v)
                if refined.value > candidate.value { candidate = refined }
            }
            if candidate.value > best.value || (candidate.value == best.value && candidate.t < best.t) {
                best = candidate
            }
        }
        let y = self(best.t)
        return ODEWindowExtremum(t: best.t, value: sign * best.value, y: y)
    }
}

/// Golden-section search for the maximum of `f` on [a, b] (Numerical Recipes §10.2): shrinks
/// the bracket by 1/φ per evaluation until its width is ≤ 2·√ε·max(|t|, 1). Returns the best
/// point evaluated. Assumes f is unimodal on [a, b]; otherwise a local maximum is found.
private func goldenSectionMaximum(_ f: (Double) -> Double, _ a0: Double, _ b0: Double) -> (t: Double, value: Double) {
    let invPhi = (5.0.squareRoot() - 1) / 2  // 1/φ ≈ 0.618
    var (a, b) = (a0, b0)
    var c = b - invPhi * (b - a), d = a + invPhi * (b - a)
    var fc = f(c), fd = f(d)
    let tolerance = 2 * Double.ulpOfOne.squareRoot()
    var iterations = 0
    while b - a > tolerance * Swift.max(abs(c), abs(d), 1) && iterations < 200 {
        iterations += 1
        if fc >= fd {
            b = d; d = c; fd = fc
            c = b - invPhi * (b - a); fc = f(c)
        } else {
            a = c; c = d; fc = fd
            d = a + invPhi * (b - a); fd = f(d)
        }
    }
    return fc >= fd ? (c, fc) : (d, fd)
}
