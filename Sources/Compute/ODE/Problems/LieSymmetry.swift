// Lie point symmetries of ODEs, checked numerically (article 4; textbook material from
// P. E. Hydon, *Symmetry Methods for Differential Equations*, Cambridge 2000, ch. 2–3,
// and P. J. Olver, *Applications of Lie Groups to Differential Equations*, §2.3).
//
// Partial derivatives are 5-point central finite differences (error O(h⁴)); the checks
// therefore return residuals of order 1e-9 or below for true symmetries, not exact zeros.

#if canImport(Glibc)
import Glibc
#endif

/// A point-symmetry generator `X = ξ(x, y)∂x + η(x, y)∂y`.
public struct PointSymmetry: Sendable {
    /// Label, e.g. "x∂x + y∂y".
    public var name: String
    /// `ξ(x, y)`.
    public var xi: @Sendable (_ x: Double, _ y: Double) -> Double
    /// `η(x, y)`.
    public var eta: @Sendable (_ x: Double, _ y: Double) -> Double

    /// Generator with coefficient functions `ξ(x, y)` and `η(x, y)`.
    public init(name: String, xi: @escaping @Sendable (_ x: Double, _ y: Double) -> Double,
                eta: @escaping @Sendable (_ x: Double, _ y: Double) -> Double) {
        self.name = name
        self.xi = xi
        self.eta = eta
    }

    /// `∂x`.
    public static let translationX = PointSymmetry(name: "∂x", xi: { _, _ in 1 }, eta: { _, _ in 0 })
    /// `∂y`.
    public static let translationY = PointSymmetry(name: "∂y", xi: { _, _ in 0 }, eta: { _, _ in 1 })
    /// Scaling `x∂x + y∂y` (symmetry of every homogeneous equation `y' = G(y/x)`).
    public static let scaling = PointSymmetry(name: "x∂x + y∂y", xi: { x, _ in x }, eta: { _, y in y })
    /// Rotation `−y∂x + x∂y`.
    public static let rotation = PointSymmetry(name: "−y∂x + x∂y", xi: { _, y in -y }, eta: { x, _ in x })

    /// `X g = ξ g_x + η g_y` at `(x, y)` (finite differences, step `h`).
    public func apply(to g: (Double, Double) -> Double, x: Double, y: Double, h: Double = 1e-3) -> Double {
        let gx = FiniteDifference.first({ g($0, y) }, at: x, h: h * Swift.max(1, abs(x)))
        let gy = FiniteDifference.first({ g(x, $0) }, at: y, h: h * Swift.max(1, abs(y)))
        return xi(x, y) * gx + eta(x, y) * gy
    }
}

/// Canonical coordinates `(r, s)` for a generator: `X r = 0`, `X s = 1`. In them the
/// symmetry is the translation `s ↦ s + ε`, so a symmetric ODE becomes `ds/dr = G(r)`: a
/// quadrature.
public struct CanonicalCoordinates: Sendable {
    /// Label.
    public var name: String
    /// `r(x, y)` (invariant).
    public var r: @Sendable (_ x: Double, _ y: Double) -> Double
    /// `s(x, y)`.
    public var s: @Sendable (_ x: Double, _ y: Double) -> Double
    /// Inverse map `(r, s) ↦ [x, y]`.
    public var inverse: @Sendable (_ r: Double, _ s: Double) -> [Double]

    /// Coordinates from `r(x, y)`, `s(x, y)` and their inverse `(r, s) ↦ [x, y]`.
    public init(name: String, r: @escaping @Sendable (Double, Double) -> Double,
                s: @escaping @Sendable (Double, Double) -> Double,
                inverse: @escaping @Sendable (Double, Double) -> [Double]) {
        self.name = name
        self.r = r
        self.s = s
        self.inverse = inverse
    }

    /// For the scaling `x∂x + y∂y` (x > 0): `r = y/x`, `s = ln x`; inverse `x = eˢ, y = r·eˢ`.
    public static let scaling = CanonicalCoordinates(
        name: "r = y/x, s = ln x", r: { x, y in y / x }, s: { x, _ in log(x) },
        inverse: { r, s in [exp(s), r * exp(s)] })

    /// For the rotation `−y∂x + x∂y`: polar `r = sqrt(x² + y²)`, `s = θ = atan2(y, x)`.
    /// (Along a solution that winds around the origin, unwrap θ to keep it continuous.)
    public static let polar = CanonicalCoordinates(
        name: "r = √(x²+y²), s = θ", r: { x, y in (x * x + y * y).squareRoot() },
        s: { x, y in atan2(y, x) }, inverse: { r, s in [r * cos(s), r * sin(s)] })

    /// `(X r, X s)` at `(x, y)`: should be `(0, 1)`.
    public func check(_ X: PointSymmetry, x: Double, y: Double) -> (xr: Double, xs: Double) {
        (X.apply(to: r, x: x, y: y), X.apply(to: s, x: x, y: y))
    }
}

/// A first-order ODE `y' = F(x, y)` with the Lie-symmetry tools.
public struct FirstOrderODE: Sendable {
    /// Label.
    public var name: String
    /// Right-hand side `F(x, y)`.
    public var F: @Sendable (_ x: Double, _ y: Double) -> Double

    /// The equation `y' = F(x, y)`.
    public init(name: String = "", _ F: @escaping @Sendable (_ x: Double, _ y: Double) -> Double) {
        self.name = name
        self.F = F
    }

    /// Residual of the linearised symmetry condition (Hydon eq. (2.25))
    ///
    ///     η_x + (η_y − ξ_x)·F − ξ_y·F² − ξ·F_x − η·F_y
    ///
    /// at `(x, y)`; zero (to finite-difference accuracy) iff `X` generates point symmetries
    /// of the ODE. Steps `h·max(1, |x|)` and `h·max(1, |y|)`.
    public func symmetryResidual(_ X: PointSymmetry, x: Double, y: Double, h: Double = 1e-3) -> Double {
        let hx = h * Swift.max(1, abs(x)), hy = h * Swift.max(1, abs(y))
        let f = F(x, y)
        let etaX = FiniteDifference.first({ X.eta($0, y) }, at: x, h: hx)
        let etaY = FiniteDifference.first({ X.eta(x, $0) }, at: y, h: hy)
        let xiX = FiniteDifference.first({ X.xi($0, y) }, at: x, h: hx)
        let xiY = FiniteDifference.first({ X.xi(x, $0) }, at: y, h: hy)
        let fX = FiniteDifference.first({ F($0, y) }, at: x, h: hx)
        let fY = FiniteDifference.first({ F(x, $0) }, at: y, h: hy)
        return etaX + (etaY - xiX) * f - xiY * f * f - X.xi(x, y) * fX - X.eta(x, y) * fY
    }

    /// Largest `|symmetryResidual|` over `points` (each `[x, y]`).
    public func maxSymmetryResidual(_ X: PointSymmetry, over points: [[Double]], h: Double = 1e-3) -> Double {
        points.reduce(0) { acc, p in
            precondition(p.count == 2, "FirstOrderODE.maxSymmetryResidual: points are [x, y]")
            return Swift.max(acc, abs(symmetryResidual(X, x: p[0], y: p[1], h: h)))
        }
    }

    /// Lie's integrating factor `μ = 1/(η − ξF)`: `μ·(dy − F dx)` is exact when `X` is a
    /// symmetry (and `η ≠ ξF`, i.e. `X` is not tangent to the solutions).
    public func integratingFactor(_ X: PointSymmetry, x: Double, y: Double) -> Double {
        1 / (X.eta(x, y) - X.xi(x, y) * F(x, y))
    }

    /// Exactness defect of `μ·(dy − F dx)` with Lie's factor: `∂μ/∂x + ∂(μF)/∂y` (zero for
    /// an exact form `M dx + N dy`, `M = −μF`, `N = μ`).
    public func exactnessResidual(_ X: PointSymmetry, x: Double, y: Double, h: Double = 1e-3) -> Double {
        let hx = h * Swift.max(1, abs(x)), hy = h * Swift.max(1, abs(y))
        let muX = FiniteDifference.first({ self.integratingFactor(X, x: $0, y: y) }, at: x, h: hx)
        let muFY = FiniteDifference.first({ self.integratingFactor(X, x: x, y: $0) * self.F(x, $0) }, at: y, h: hy)
        return muX + muFY
    }

    /// Potential of the exact form `μ·(dy − F dx)` (Lie's factor for `X`): the line integral
    /// `Φ(x1, y1) − Φ(x0, y0) = ∫ μ·(dy − F dx)` along the straight segment, by DOP853 at
    /// `rtol`. `Φ` is a first integral (constant on solutions) and satisfies `XΦ = 1`, so it
    /// is a canonical coordinate `s`. The segment must avoid `η = ξF` (where `μ` is infinite).
    public func potentialDifference(_ X: PointSymmetry, from p0: [Double], to p1: [Double],
                                    rtol: Double = 1e-11) -> Double {
        precondition(p0.count == 2 && p1.count == 2, "FirstOrderODE.potentialDifference: points are [x, y]")
        let dx = p1[0] - p0[0], dy = p1[1] - p0[1]
        let ode = self
        let prob = ODEProblem(f: { u, _ in
            let x = p0[0] + u * dx, y = p0[1] + u * dy
            return [ode.integratingFactor(X, x: x, y: y) * (dy - ode.F(x, y) * dx)]
        }, y0: [0], tspan: (0, 1))
        let sol = Compute.solve(prob, .dop853, options: ODEOptions(rtol: rtol, atol: rtol * 1e-2, dense: false))
        precondition(sol.retcode == .success, "FirstOrderODE.potentialDifference: integration failed (\(sol.retcode))")
        return sol.yFinal[0]
    }

    /// Slope of the ODE in canonical coordinates: `ds/dr = (s_x + s_y F)/(r_x + r_y F)` at
    /// `(x, y)`. For a symmetry it depends on `r` only.
    public func reducedSlope(_ c: CanonicalCoordinates, x: Double, y: Double, h: Double = 1e-3) -> Double {
        let hx = h * Swift.max(1, abs(x)), hy = h * Swift.max(1, abs(y))
        let f = F(x, y)
        let rx = FiniteDifference.first({ c.r($0, y) }, at: x, h: hx)
        let ry = FiniteDifference.first({ c.r(x, $0) }, at: y, h: hy)
        let sx = FiniteDifference.first({ c.s($0, y) }, at: x, h: hx)
        let sy = FiniteDifference.first({ c.s(x, $0) }, at: y, h: hy)
        return (sx + sy * f) / (rx + ry * f)
    }

    /// `ds/dr` at canonical point `(r, s)` (maps back with `c.inverse`). For a symmetry the
    /// result does not depend on `s`.
    public func reducedSlope(_ c: CanonicalCoordinates, r: Double, s: Double, h: Double = 1e-3) -> Double {
        let p = c.inverse(r, s)
        return reducedSlope(c, x: p[0], y: p[1], h: h)
    }

    /// Reduction to quadrature: `s(r1) = s(r0) + ∫_{r0}^{r1} G(ρ) dρ` with `G(ρ) =
    /// reducedSlope(c, r: ρ, s: s0)` at the fixed `s0 = s(x0, y0)` (legitimate only for a
    /// symmetry), integrated with DOP853 at `rtol`. Returns `s(r1)`; map back with
    /// `c.inverse(r1, s)`.
    public func quadratureSolution(_ c: CanonicalCoordinates, x0: Double, y0: Double, r1: Double,
                                   rtol: Double = 1e-11) -> Double {
        let r0 = c.r(x0, y0), s0 = c.s(x0, y0)
        let ode = self
        let prob = ODEProblem(f: { r, _ in [ode.reducedSlope(c, r: r, s: s0)] }, y0: [s0], tspan: (r0, r1))
        let sol = Compute.solve(prob, .dop853, options: ODEOptions(rtol: rtol, atol: rtol * 1e-2, dense: false))
        precondition(sol.retcode == .success, "FirstOrderODE.quadratureSolution: integration failed (\(sol.retcode))")
        return sol.yFinal[0]
    }

    /// The ODE for direct integration, with `x` as the independent variable: state `[y]`.
    public func odeProblem(x0: Double, y0: Double, xEnd: Double) -> ODEProblem {
        let F = self.F
        return ODEProblem(inPlace: { x, y, dy in dy[0] = F(x, y[0]) }, y0: [y0], tspan: (x0, xEnd))
    }
}

/// A second-order ODE `y'' = ω(x, y, p)` with `p = y'`.
public struct SecondOrderODE: Sendable {
    /// Label.
    public var name: String
    /// `ω(x, y, p)`.
    public var omega: @Sendable (_ x: Double, _ y: Double, _ p: Double) -> Double

    /// The equation `y'' = ω(x, y, y')`.
    public init(name: String = "", _ omega: @escaping @Sendable (_ x: Double, _ y: Double, _ p: Double) -> Double) {
        self.name = name
        self.omega = omega
    }

    /// `y'' = 0`.
    public static let freeParticle = SecondOrderODE(name: "y'' = 0") { _, _, _ in 0 }

    /// The eight point symmetries of `y'' = 0` (the Lie algebra sl(3, ℝ)):
    /// `∂x, ∂y, x∂x, y∂x, x∂y, y∂y, x²∂x + xy∂y, xy∂x + y²∂y`.
    public static let freeParticleSymmetries: [PointSymmetry] = [
        PointSymmetry(name: "∂x", xi: { _, _ in 1 }, eta: { _, _ in 0 }),
        PointSymmetry(name: "∂y", xi: { _, _ in 0 }, eta: { _, _ in 1 }),
        PointSymmetry(name: "x∂x", xi: { x, _ in x }, eta: { _, _ in 0 }),
        PointSymmetry(name: "y∂x", xi: { _, y in y }, eta: { _, _ in 0 }),
        PointSymmetry(name: "x∂y", xi: { _, _ in 0 }, eta: { x, _ in x }),
        PointSymmetry(name: "y∂y", xi: { _, _ in 0 }, eta: { _, y in y }),
        PointSymmetry(name: "x²∂x + xy∂y", xi: { x, _ in x * x }, eta: { x, y in x * y }),
        PointSymmetry(name: "xy∂x + y²∂y", xi: { x, y in x * y }, eta: { _, y in y * y }),
    ]

    /// Residual of the prolonged (second-order) symmetry condition
    ///
    ///     η⁽²⁾ − ξ ω_x − η ω_y − η⁽¹⁾ ω_p   on  y'' = ω,
    ///     η⁽¹⁾ = η_x + (η_y − ξ_x) p − ξ_y p²,
    ///     η⁽²⁾ = η_xx + (2η_xy − ξ_xx) p + (η_yy − 2ξ_xy) p² − ξ_yy p³ + (η_y − 2ξ_x − 3ξ_y p) ω
    ///
    /// (Hydon eq. (3.16)); zero for every `(x, y, p)` iff `X` is a point symmetry.
    public func symmetryResidual(_ X: PointSymmetry, x: Double, y: Double, p: Double, h: Double = 2.5e-3) -> Double {
        let hx = h * Swift.max(1, abs(x)), hy = h * Swift.max(1, abs(y)), hp = h * Swift.max(1, abs(p))
        let xi = X.xi, eta = X.eta
        func d1x(_ g: @escaping (Double, Double) -> Double) -> (Double, Double) -> Double {
            { a, b in FiniteDifference.first({ g($0, b) }, at: a, h: hx) }
        }
        func d1y(_ g: @escaping (Double, Double) -> Double) -> (Double, Double) -> Double {
            { a, b in FiniteDifference.first({ g(a, $0) }, at: b, h: hy) }
        }
        let etaX = d1x(eta)(x, y), etaY = d1y(eta)(x, y)
        let xiX = d1x(xi)(x, y), xiY = d1y(xi)(x, y)
        let etaXX = FiniteDifference.second({ eta($0, y) }, at: x, h: hx)
        let etaYY = FiniteDifference.second({ eta(x, $0) }, at: y, h: hy)
        let xiXX = FiniteDifference.second({ xi($0, y) }, at: x, h: hx)
        let xiYY = FiniteDifference.second({ xi(x, $0) }, at: y, h: hy)
        let etaXY = d1y(d1x(eta))(x, y)
        let xiXY = d1y(d1x(xi))(x, y)
        let w = omega(x, y, p)
        let wX = FiniteDifference.first({ self.omega($0, y, p) }, at: x, h: hx)
        let wY = FiniteDifference.first({ self.omega(x, $0, p) }, at: y, h: hy)
        let wP = FiniteDifference.first({ self.omega(x, y, $0) }, at: p, h: hp)
        let eta1 = etaX + (etaY - xiX) * p - xiY * p * p
        let eta2 = etaXX + (2 * etaXY - xiXX) * p + (etaYY - 2 * xiXY) * p * p - xiYY * p * p * p
            + (etaY - 2 * xiX - 3 * xiY * p) * w
        return eta2 - xi(x, y) * wX - eta(x, y) * wY - eta1 * wP
    }
}

/// The worked examples of article 4 with their closed forms.
public enum LieExamples {
    /// Homogeneous equation `y' = (y/x)² + 2·(y/x)` (scaling symmetry `x∂x + y∂y`).
    /// In `r = y/x`, `s = ln x`: `ds/dr = 1/(r² + r)`, so `x·(r + 1)/r = C`, i.e.
    /// `y = x²/(C − x)`.
    public static let homogeneous = FirstOrderODE(name: "y' = (y/x)² + 2y/x") { x, y in
        let u = y / x
        return u * u + 2 * u
    }
    /// Reduced slope of `homogeneous`: `G(r) = 1/(r² + r)`.
    public static func homogeneousReducedSlope(r: Double) -> Double { 1 / (r * r + r) }
    /// Closed-form solution `y = x²/(C − x)` of `homogeneous`.
    public static func homogeneousSolution(x: Double, C: Double) -> Double { x * x / (C - x) }
    /// The constant `C = x + x²/y` through `(x, y)`.
    public static func homogeneousConstant(x: Double, y: Double) -> Double { x + x * x / y }

    /// Rotation example `y' = (y³ + x²y − y − x)/(xy² + x³ + y − x)` (symmetry `−y∂x + x∂y`).
    /// In polar coordinates `dr/dθ = r(1 − r²)`, so `r² = 1/(1 + K·e^{−2θ})`.
    public static let rotation = FirstOrderODE(name: "y' = (y³+x²y−y−x)/(xy²+x³+y−x)") { x, y in
        (y * y * y + x * x * y - y - x) / (x * y * y + x * x * x + y - x)
    }
    /// Reduced slope of `rotation` in polar coordinates: `dθ/dr = 1/(r(1 − r²))`.
    public static func rotationReducedSlope(r: Double) -> Double { 1 / (r * (1 - r * r)) }
    /// `K = (1/r² − 1)·e^{2θ}` through the point with polar coordinates `(r, θ)`.
    public static func rotationConstant(r: Double, theta: Double) -> Double { (1 / (r * r) - 1) * exp(2 * theta) }
    /// Closed form `r(θ) = 1/sqrt(1 + K·e^{−2θ})`.
    public static func rotationRadius(theta: Double, K: Double) -> Double { 1 / (1 + K * exp(-2 * theta)).squareRoot() }
    /// First integral of `homogeneous` normalised by Lie's factor (`XΦ = 1` for the scaling):
    /// `Φ = ln(x(r + 1)/r) = ln C`, `r = y/x`.
    public static func homogeneousFirstIntegral(x: Double, y: Double) -> Double { log(x + x * x / y) }
    /// First integral of `rotation` normalised by Lie's factor (`XΦ = 1` for the rotation),
    /// inside the unit circle: `Φ = θ − ln r + ½ ln(1 − r²)`.
    public static func rotationFirstIntegral(x: Double, y: Double) -> Double {
        let r2 = x * x + y * y
        return atan2(y, x) - 0.5 * log(r2) + 0.5 * log(1 - r2)
    }
    /// The rotation example as a polar ODE `dr/dθ = r(1 − r²)` (state `[r]`, θ independent).
    public static func rotationPolarProblem(r0: Double, theta0: Double, thetaEnd: Double) -> ODEProblem {
        ODEProblem(inPlace: { _, r, dr in dr[0] = r[0] * (1 - r[0] * r[0]) }, y0: [r0], tspan: (theta0, thetaEnd))
    }
}
