// The classic pursuit (missile tracking) curve and the solar-furnace / searchlight mirror:
// modelling ODEs with closed-form solutions (article 3; textbook material, e.g. Simmons,
// *Differential Equations with Applications and Historical Notes*, §3 and §21).

#if canImport(Glibc)
import Glibc
#endif

/// Pursuit problem: the target starts at `(a, 0)` and moves up the line `x = a` with speed
/// `v`; the pursuer starts at the origin with speed `w` and always heads straight at the
/// target. With `k = v/w` and `u = x/a` the path is (for `k ≠ 1`)
///
///     y(x) = (a/2)·[(1−u)^{1+k}/(1+k) − (1−u)^{1−k}/(1−k)] + a·k/(1−k²),
///     y'(x) = ½·[(1−u)^{−k} − (1−u)^{k}],
///
/// and for equal speeds (`k = 1`) `y(x) = (a/2)·[(1−u)²/2 − ln(1−u)] − a/4`. The tangent
/// always passes through the target, so the target is at height `y + y'·(a − x)` and the
/// time is `t(x) = (y + y'·(a − x))/v`. For `k < 1` capture happens at
/// `(a, a·k/(1−k²))` at time `a/(w·(1−k²))`; for `k = 1` the distance tends to `a/2`.
///
/// As an ODE in time (state = pursuer position `P`): `P' = w·(T(t) − P)/|T(t) − P|`,
/// `T(t) = (a, v·t)`; it is singular at capture, so stop with `captureEvent(radius:)`.
public struct PursuitProblem: Sendable {
    /// Distance from the pursuer's start (origin) to the target's line `x = a`.
    public let a: Double
    /// Target speed `v`.
    public let targetSpeed: Double
    /// Pursuer speed `w`.
    public let pursuerSpeed: Double

    /// - Precondition: `a > 0`, `targetSpeed > 0`, `pursuerSpeed > 0`.
    public init(a: Double, targetSpeed v: Double, pursuerSpeed w: Double) {
        precondition(a > 0 && a.isFinite, "PursuitProblem: a must be positive")
        precondition(v > 0 && w > 0 && v.isFinite && w.isFinite, "PursuitProblem: speeds must be positive")
        self.a = a
        self.targetSpeed = v
        self.pursuerSpeed = w
    }

    /// Speed ratio `k = v/w`.
    public var k: Double { targetSpeed / pursuerSpeed }
    /// Whether the pursuer catches the target (`w > v`).
    public var catches: Bool { pursuerSpeed > targetSpeed }

    /// Target position `(a, v·t)`.
    public func target(at t: Double) -> [Double] { [a, targetSpeed * t] }

    /// Distance from the pursuer at `p` to the target at time `t`.
    public func distance(t: Double, pursuer p: [Double]) -> Double {
        precondition(p.count == 2, "PursuitProblem.distance: the pursuer position has 2 components")
        let dx = a - p[0], dy = targetSpeed * t - p[1]
        return (dx * dx + dy * dy).squareRoot()
    }

    /// The chase as an ODE in time: state `[x, y]` of the pursuer, from the origin at `t = 0`
    /// to `tEnd` (in-place vector field `w·(T − P)/|T − P|`).
    public func odeProblem(tEnd: Double) -> ODEProblem {
        precondition(tEnd > 0, "PursuitProblem.odeProblem: tEnd must be positive")
        let a = self.a, v = targetSpeed, w = pursuerSpeed
        return ODEProblem(inPlace: { t, p, dp in
            let dx = a - p[0], dy = v * t - p[1]
            let d = (dx * dx + dy * dy).squareRoot()
            dp[0] = w * dx / d
            dp[1] = w * dy / d
        }, y0: [0, 0], tspan: (0, tEnd))
    }

    /// Terminal event `|T − P| − radius` (falling): stops the integration at capture.
    public func captureEvent(radius: Double) -> ODEEvent {
        precondition(radius > 0, "PursuitProblem.captureEvent: radius must be positive")
        let a = self.a, v = targetSpeed
        return ODEEvent(name: "capture", direction: .falling, terminal: true) { t, p in
            let dx = a - p[0], dy = v * t - p[1]
            return (dx * dx + dy * dy).squareRoot() - radius
        }
    }

    /// Closed-form path `y(x)` for `0 ≤ x < a` (also `x = a` when `k < 1`).
    public func curveY(x: Double) -> Double {
        precondition(x >= 0 && (x < a || (x == a && k < 1)), "PursuitProblem.curveY: need 0 ≤ x < a, got \(x)")
        return y(e: 1 - x / a)
    }

    /// Closed-form slope `y'(x) = ½[(1−x/a)^{−k} − (1−x/a)^{k}]`, `0 ≤ x < a`.
    public func curveSlope(x: Double) -> Double {
        precondition(x >= 0 && x < a, "PursuitProblem.curveSlope: need 0 ≤ x < a, got \(x)")
        return slope(e: 1 - x / a)
    }

    /// Time at which the pursuer reaches abscissa `x`: `t(x) = (y + y'(a − x))/v`.
    public func time(atX x: Double) -> Double {
        precondition(x >= 0 && x < a, "PursuitProblem.time: need 0 ≤ x < a, got \(x)")
        return time(e: 1 - x / a)
    }

    /// Distance to the target when the pursuer is at abscissa `x`: `(a − x)·sqrt(1 + y'²)`.
    public func distance(atX x: Double) -> Double {
        precondition(x >= 0 && x < a, "PursuitProblem.distance: need 0 ≤ x < a, got \(x)")
        return distance(e: 1 - x / a)
    }

    // The same in the variable e = 1 − x/a ∈ (0, 1] (no cancellation near capture).
    private func y(e: Double) -> Double {
        let k = self.k
        if k == 1 { return 0.5 * a * (0.5 * e * e - log(e)) - 0.25 * a }
        return 0.5 * a * (pow(e, 1 + k) / (1 + k) - pow(e, 1 - k) / (1 - k)) + a * k / (1 - k * k)
    }
    private func slope(e: Double) -> Double { 0.5 * (pow(e, -k) - pow(e, k)) }
    private func time(e: Double) -> Double { (y(e: e) + slope(e: e) * a * e) / targetSpeed }
    private func distance(e: Double) -> Double {
        let s = slope(e: e)
        return a * e * (1 + s * s).squareRoot()
    }

    /// Capture point `(a, a·k/(1−k²))`, or nil when `w ≤ v`.
    public var capturePoint: [Double]? {
        catches ? [a, a * k / (1 - k * k)] : nil
    }
    /// Capture time `a/(w·(1−k²))`, or nil when `w ≤ v`.
    public var captureTime: Double? {
        catches ? a / (pursuerSpeed * (1 - k * k)) : nil
    }
    /// Limit of the distance as `t → ∞` for equal speeds (`a/2`); nil otherwise.
    public var limitingDistance: Double? { k == 1 ? a / 2 : nil }

    /// Exact time at which the distance first equals `radius`, from the closed form (the
    /// abscissa solving `distance(atX:) = radius` by Brent's method, then `time(atX:)`).
    /// This is what a terminal `captureEvent(radius:)` should find. Nil if the distance never
    /// drops to `radius` (e.g. `k = 1` and `radius ≤ a/2`).
    public func closedFormEventTime(radius: Double) -> Double? {
        precondition(radius > 0, "PursuitProblem.closedFormEventTime: radius must be positive")
        if radius >= a { return 0 }
        // The distance a·e·sqrt(1 + y'²) decreases as e = 1 − x/a goes from 1 to 0: to 0 when
        // k < 1, to a/2 when k = 1, and it grows again for k > 1 (no capture).
        guard k < 1 || (k == 1 && radius > a / 2) else { return nil }
        let g: (Double) -> Double = { e in e <= 0 ? (self.k < 1 ? -radius : self.a / 2 - radius) : self.distance(e: e) - radius }
        let e = brentRoot(g, 1, 0, fa: g(1), fb: g(0), xtol: 0)
        if e <= 0 { return k < 1 ? captureTime : nil }
        return time(e: e)
    }
}

/// The solar-furnace (or searchlight) mirror: the curve that reflects every ray from a
/// focus at the origin into the direction of the positive x-axis (equivalently, focuses
/// rays arriving parallel to the axis). By the reflection law the tangent bisects the angle
/// between the ray (polar angle θ) and the axis, so `y' = tan(θ/2)`:
///
///     y' = y / (x + sqrt(x² + y²)),     solution  y² = 2Cx + C²  (C = sqrt(x²+y²) − x),
///
/// a parabola with focus at the origin. Valid for `y > 0` (the slope is 0/0 on the negative
/// x-axis).
public enum SolarFurnaceMirror {
    /// `y' = y / (x + sqrt(x² + y²))`.
    public static func slope(x: Double, y: Double) -> Double {
        y / (x + (x * x + y * y).squareRoot())
    }

    /// The mirror ODE with `x` as the independent variable: state `[y]`, from
    /// `(x0, y0)` to `xEnd`.
    public static func odeProblem(x0: Double, y0: Double, xEnd: Double) -> ODEProblem {
        precondition(y0 > 0, "SolarFurnaceMirror.odeProblem: need y0 > 0")
        return ODEProblem(inPlace: { x, y, dy in
            dy[0] = y[0] / (x + (x * x + y[0] * y[0]).squareRoot())
        }, y0: [y0], tspan: (x0, xEnd))
    }

    /// First integral `C = sqrt(x² + y²) − x` (constant along solutions; > 0 for y ≠ 0).
    public static func parabolaConstant(x: Double, y: Double) -> Double {
        (x * x + y * y).squareRoot() - x
    }

    /// Upper branch of the parabola `y = sqrt(2Cx + C²)` (needs `2Cx + C² ≥ 0`).
    public static func parabolaY(x: Double, C: Double) -> Double {
        let v = 2 * C * x + C * C
        precondition(v >= 0, "SolarFurnaceMirror.parabolaY: x = \(x) is left of the vertex (-C/2)")
        return v.squareRoot()
    }

    /// Unit direction of the ray from the focus (origin) through `(x, y)` after reflection
    /// on a mirror with tangent slope `slope` at that point: `d' = 2(d·τ)τ − d`, `τ` the
    /// unit tangent. For the mirror ODE's slope this is `(1, 0)`.
    public static func reflectedDirection(x: Double, y: Double, slope: Double) -> [Double] {
        let r = (x * x + y * y).squareRoot()
        precondition(r > 0, "SolarFurnaceMirror.reflectedDirection: the point must differ from the focus")
        let dx = x / r, dy = y / r
        let tn = (1 + slope * slope).squareRoot()
        let tx = 1 / tn, ty = slope / tn
        let dot = dx * tx + dy * ty
        return [2 * dot * tx - dx, 2 * dot * ty - dy]
    }
}
