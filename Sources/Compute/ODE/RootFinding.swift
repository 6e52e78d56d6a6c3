// Scalar root finding (Brent) for event location, and finite-difference derivatives used
// by the Lie-symmetry and probability-flow tools.

#if canImport(Glibc)
import Glibc
#endif

/// Brent's method (zeroin): a root of `f` in `[a, b]` given `f(a)` and `f(b)` of opposite
/// signs (or one of them zero). Combines bisection, secant and inverse quadratic
/// interpolation; converges superlinearly and never leaves the bracket.
/// Stops when the bracket is below `2·ε·|x| + xtol/2` (scipy's `brentq` criterion).
///
/// Reference: R. P. Brent, *Algorithms for Minimization without Derivatives* (1973), ch. 4;
/// scipy.optimize.brentq.
///
/// - Precondition: `fa` and `fb` do not have the same strict sign.
func brentRoot(_ f: (Double) -> Double, _ a0: Double, _ b0: Double, fa fa0: Double, fb fb0: Double,
               xtol: Double = 0, maxIterations: Int = 200) -> Double {
    var a = a0, b = b0, fa = fa0, fb = fb0
    if fa == 0 { return a }
    if fb == 0 { return b }
    precondition((fa < 0) != (fb < 0), "brentRoot: f(a) and f(b) must bracket a root")
    var c = a, fc = fa
    var d = b - a, e = d
    for _ in 0..<maxIterations {
        if (fb < 0) == (fc < 0) {
            c = a; fc = fa
            d = b - a; e = d
        }
        if abs(fc) < abs(fb) {
            a = b; b = c; c = a
            fa = fb; fb = fc; fc = fa
        }
        let tol = 2 * Double.ulpOfOne * abs(b) + 0.5 * xtol
        let m = 0.5 * (c - b)
        if abs(m) <= tol || fb == 0 { return b }
        if abs(e) >= tol && abs(fa) > abs(fb) {
            // Interpolation (secant or inverse quadratic).
            var p: Double, q: Double
            let s = fb / fa
            if a == c {
                p = 2 * m * s
                q = 1 - s
            } else {
                let qa = fa / fc, r = fb / fc
                p = s * (2 * m * qa * (qa - r) - (b - a) * (r - 1))
                q = (qa - 1) * (r - 1) * (s - 1)
            }
            if p > 0 { q = -q } else { p = -p }
            if 2 * p < Swift.min(3 * m * q - abs(tol * q), abs(e * q)) {
                e = d
                d = p / q
            } else {
                d = m; e = m
            }
        } else {
            d = m; e = m
        }
        a = b; fa = fb
        b += abs(d) > tol ? d : (m > 0 ? tol : -tol)
        fb = f(b)
    }
    return b
}

/// Finite-difference derivatives with error O(h⁴) (5-point central stencils).
enum FiniteDifference {
    /// `f'(x) ≈ [f(x−2h) − 8f(x−h) + 8f(x+h) − f(x+2h)] / (12h)`.
    static func first(_ f: (Double) -> Double, at x: Double, h: Double) -> Double {
        (f(x - 2 * h) - 8 * f(x - h) + 8 * f(x + h) - f(x + 2 * h)) / (12 * h)
    }
    /// `f''(x) ≈ [−f(x−2h) + 16f(x−h) − 30f(x) + 16f(x+h) − f(x+2h)] / (12h²)`.
    static func second(_ f: (Double) -> Double, at x: Double, h: Double) -> Double {
        (-f(x - 2 * h) + 16 * f(x - h) - 30 * f(x) + 16 * f(x + h) - f(x + 2 * h)) / (12 * h * h)
    }
    /// Default step for first derivatives: `ε^(1/5) · max(1, |x|)` (balances O(h⁴) truncation
    /// against O(ε/h) rounding).
    static func step(at x: Double) -> Double { 7.4e-4 * Swift.max(1, abs(x)) }
    /// Default step for second derivatives: `ε^(1/6) · max(1, |x|)`.
    static func step2(at x: Double) -> Double { 2.5e-3 * Swift.max(1, abs(x)) }
}
