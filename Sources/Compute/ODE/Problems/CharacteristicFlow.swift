// Probability-flow ODEs built by characteristics (article 2: "Diffusion ODEs by
// characteristics", kexue.fm/archives/9379; cf. Lipman et al., "Flow Matching for
// Generative Modeling", ICLR 2023, and Liu et al., "Rectified Flow", ICLR 2023).
//
// An ODE dx/dt = f_t(x) moves a density by the continuity equation ∂_t p = −∇·(f p).
// Choose trajectories through a data point x0: x_t = μ_t(x0) + σ_t·x1 with x1 ~ p1 (the
// prior, reached at t = 1 when μ_1 = 0, σ_1 = 1). Then
//   conditional field     f_t(x|x0) = μ'_t(x0) + (σ'_t/σ_t)·(x − μ_t(x0)),
//   conditional density   p_t(x|x0) = p1((x − μ_t(x0))/σ_t) / σ_t^d,
//   marginal density      p_t(x)    = Σ_i w_i p_t(x|x0_i),
//   marginal field        f_t(x)    = Σ_i w_i p_t(x|x0_i) f_t(x|x0_i) / p_t(x)
// (the posterior-weighted average = conditional flow matching's target), and both pairs
// satisfy the continuity equation. The straight-line family is μ_t = (1−t)x0, σ_t = t:
// x_t = (x1 − x0)t + x0, f_t(x|x0) = (x − x0)/t, and a standard normal prior gives
// p_t(·|x0) = N((1−t)x0, t²I).

#if canImport(Glibc)
import Glibc
#endif

/// A family of characteristics `x_t = μ_t(x0) + σ_t·x1` (a "probability path").
public struct ProbabilityPath: Sendable {
    /// Label for tables.
    public var name: String
    /// `μ_t(x0)`.
    public var mean: @Sendable (_ t: Double, _ x0: [Double]) -> [Double]
    /// `dμ_t(x0)/dt`.
    public var meanDerivative: @Sendable (_ t: Double, _ x0: [Double]) -> [Double]
    /// `σ_t > 0` for `t > 0`.
    public var sigma: @Sendable (_ t: Double) -> Double
    /// `dσ_t/dt`.
    public var sigmaDerivative: @Sendable (_ t: Double) -> Double

    /// A general family; the derivatives must be consistent with `mean` and `sigma`
    /// (`ProbabilityPath.derivativeDefect` checks them by finite differences).
    public init(name: String,
                mean: @escaping @Sendable (_ t: Double, _ x0: [Double]) -> [Double],
                meanDerivative: @escaping @Sendable (_ t: Double, _ x0: [Double]) -> [Double],
                sigma: @escaping @Sendable (_ t: Double) -> Double,
                sigmaDerivative: @escaping @Sendable (_ t: Double) -> Double) {
        self.name = name
        self.mean = mean
        self.meanDerivative = meanDerivative
        self.sigma = sigma
        self.sigmaDerivative = sigmaDerivative
    }

    /// `μ_t = α_t·x0`, `σ_t` (VE, VP and straight-line paths are of this form).
    public static func scaled(name: String,
                              alpha: @escaping @Sendable (Double) -> Double,
                              alphaDerivative: @escaping @Sendable (Double) -> Double,
                              sigma: @escaping @Sendable (Double) -> Double,
                              sigmaDerivative: @escaping @Sendable (Double) -> Double) -> ProbabilityPath {
        ProbabilityPath(name: name,
                        mean: { t, x0 in let a = alpha(t); return x0.map { a * $0 } },
                        meanDerivative: { t, x0 in let a = alphaDerivative(t); return x0.map { a * $0 } },
                        sigma: sigma, sigmaDerivative: sigmaDerivative)
    }

    /// Straight lines `x_t = (1 − t)·x0 + t·x1` (rectified flow / conditional flow matching).
    public static let straightLine = ProbabilityPath.scaled(
        name: "straight line", alpha: { 1 - $0 }, alphaDerivative: { _ in -1 },
        sigma: { $0 }, sigmaDerivative: { _ in 1 })

    /// Trigonometric (variance-preserving) path `α_t = cos(πt/2)`, `σ_t = sin(πt/2)`.
    public static let cosine = ProbabilityPath.scaled(
        name: "cosine", alpha: { cos(0.5 * Double.pi * $0) },
        alphaDerivative: { -0.5 * Double.pi * sin(0.5 * Double.pi * $0) },
        sigma: { sin(0.5 * Double.pi * $0) },
        sigmaDerivative: { 0.5 * Double.pi * cos(0.5 * Double.pi * $0) })

    /// The characteristic through `x0` and `x1`: `μ_t(x0) + σ_t·x1`.
    public func characteristic(t: Double, x0: [Double], x1: [Double]) -> [Double] {
        precondition(x0.count == x1.count, "ProbabilityPath.characteristic: x0 and x1 differ in dimension")
        let mu = mean(t, x0), s = sigma(t)
        return (0..<x0.count).map { mu[$0] + s * x1[$0] }
    }

    /// Conditional field `f_t(x|x0) = μ'_t(x0) + (σ'_t/σ_t)·(x − μ_t(x0))` (needs `σ_t > 0`).
    public func conditionalField(t: Double, x: [Double], x0: [Double]) -> [Double] {
        precondition(x.count == x0.count, "ProbabilityPath.conditionalField: x and x0 differ in dimension")
        let mu = mean(t, x0), dmu = meanDerivative(t, x0)
        let r = sigmaDerivative(t) / sigma(t)
        return (0..<x.count).map { dmu[$0] + r * (x[$0] - mu[$0]) }
    }

    /// Largest difference between the stated derivatives and 5-point finite differences of
    /// `mean` and `sigma` at `t` (a consistency check for user-defined paths).
    public func derivativeDefect(t: Double, x0: [Double], h: Double = 1e-3) -> Double {
        var worst = abs(FiniteDifference.first(sigma, at: t, h: h) - sigmaDerivative(t))
        let dmu = meanDerivative(t, x0)
        for k in 0..<x0.count {
            let fd = FiniteDifference.first({ mean($0, x0)[k] }, at: t, h: h)
            worst = Swift.max(worst, abs(fd - dmu[k]))
        }
        return worst
    }
}

/// The prior `p1` (density at `t = 1`), a product over dimensions.
public enum FlowPrior: Sendable, Equatable {
    /// `N(0, I)`.
    case standardNormal
    /// Uniform on the box `[lower, upper]^d`.
    case uniform(lower: Double, upper: Double)

    /// `log p1(z)` (−∞ outside the support of a uniform prior).
    public func logDensity(_ z: [Double]) -> Double {
        switch self {
        case .standardNormal:
            var s = 0.0
            for v in z { s += v * v }
            return -0.5 * s - 0.5 * Double(z.count) * log(2 * Double.pi)
        case let .uniform(lo, hi):
            for v in z where v < lo || v > hi { return -.infinity }
            return -Double(z.count) * log(hi - lo)
        }
    }

    /// One-dimensional CDF `P(Z ≤ z)`.
    public func cdf(_ z: Double) -> Double {
        switch self {
        case .standardNormal: return 0.5 * erfc(-z / 2.0.squareRoot())
        case let .uniform(lo, hi): return Swift.min(1, Swift.max(0, (z - lo) / (hi - lo)))
        }
    }

    /// Distance from `z` to the support (0 inside; used only as a fallback).
    func outsideDistance(_ z: [Double]) -> Double {
        switch self {
        case .standardNormal: return 0
        case let .uniform(lo, hi):
            var d = 0.0
            for v in z { d = Swift.max(d, lo - v, v - hi) }
            return d
        }
    }
}

/// The continuity-equation check at one point: `∂_t p + ∇·(f p)` by 5-point central
/// differences (error O(dt⁴ + dx⁴)).
public struct ContinuityResidual: Sendable {
    /// `∂p/∂t`.
    public let dpdt: Double
    /// `∇·(f p)`.
    public let divergenceOfFlux: Double
    /// `dpdt + divergenceOfFlux` (0 for an exact pair).
    public let residual: Double
    /// `|residual| / max(|dpdt|, |divergenceOfFlux|, tiny)`.
    public var relative: Double {
        abs(residual) / Swift.max(abs(dpdt), abs(divergenceOfFlux), 1e-300)
    }
}

/// A probability flow built by characteristics over a finite, weighted data set.
///
/// Everything is exact closed form except `divergence`, `continuityResidual` (finite
/// differences, by design: they are checks) and the integrations.
///
/// ```swift
/// // Article demo: uniform prior on [0, 2], data {0.5, 0.5, 1.2, 1.7}, t from 1 to 0.001.
/// let flow = CharacteristicFlow(path: .straightLine, prior: .uniform(lower: 0, upper: 2),
///                               data: [[0.5], [0.5], [1.2], [1.7]])
/// let sol = solve(flow.odeProblem(x1: [0.3], from: 1, to: 1e-3), .dop853,
///                 options: ODEOptions(rtol: 1e-10, atol: 1e-12))
/// sol.yFinal   // ≈ [0.5]: every x1 < 1 ends at 0.5 (mass 1/2 = the weight of 0.5)
/// ```
public struct CharacteristicFlow: Sendable {
    /// The characteristics `μ_t(x0) + σ_t·x1`.
    public let path: ProbabilityPath
    /// The prior `p1`.
    public let prior: FlowPrior
    /// Data points `x0_i` (all of dimension `d`).
    public let data: [[Double]]
    /// Normalised weights `w_i` (default: equal; repeated points add up).
    public let weights: [Double]

    /// - Precondition: `data` non-empty, all of one dimension `d ≥ 1`; weights (if given)
    ///   non-negative with positive sum and one per point.
    public init(path: ProbabilityPath, prior: FlowPrior, data: [[Double]], weights: [Double]? = nil) {
        precondition(!data.isEmpty, "CharacteristicFlow: need at least one data point")
        let d = data[0].count
        precondition(d >= 1 && data.allSatisfy { $0.count == d }, "CharacteristicFlow: data points must share one dimension ≥ 1")
        if case let .uniform(lo, hi) = prior {
            precondition(lo < hi, "CharacteristicFlow: uniform prior needs lower < upper")
        }
        let w = weights ?? [Double](repeating: 1, count: data.count)
        precondition(w.count == data.count && w.allSatisfy { $0 >= 0 && $0.isFinite },
                     "CharacteristicFlow: need one non-negative weight per data point")
        let total = w.reduce(0, +)
        precondition(total > 0, "CharacteristicFlow: weights must not all be zero")
        self.path = path
        self.prior = prior
        self.data = data
        self.weights = w.map { $0 / total }
    }

    /// Dimension `d`.
    public var dimension: Int { data[0].count }

    private func checkPoint(_ x: [Double], _ what: String) {
        precondition(x.count == dimension, "CharacteristicFlow.\(what): point has \(x.count) components, expected \(dimension)")
    }

    /// `log p_t(x|x0) = log p1((x − μ_t(x0))/σ_t) − d·log σ_t`.
    public func conditionalLogDensity(t: Double, x: [Double], x0: [Double]) -> Double {
        checkPoint(x, "conditionalLogDensity")
        let mu = path.mean(t, x0), s = path.sigma(t)
        let z = (0..<x.count).map { (x[$0] - mu[$0]) / s }
        return prior.logDensity(z) - Double(x.count) * log(s)
    }

    /// `p_t(x|x0)`.
    public func conditionalDensity(t: Double, x: [Double], x0: [Double]) -> Double {
        exp(conditionalLogDensity(t: t, x: x, x0: x0))
    }

    /// `f_t(x|x0)` (see `ProbabilityPath.conditionalField`).
    public func conditionalField(t: Double, x: [Double], x0: [Double]) -> [Double] {
        checkPoint(x, "conditionalField")
        return path.conditionalField(t: t, x: x, x0: x0)
    }

    /// Exact divergence of the conditional field: `∇·f_t(·|x0) = d·σ'_t/σ_t`.
    public func conditionalDivergence(t: Double) -> Double {
        Double(dimension) * path.sigmaDerivative(t) / path.sigma(t)
    }

    /// Posterior weights `w_i p_t(x|x0_i) / p_t(x)` (log-sum-exp, no underflow). Where every
    /// conditional density vanishes (outside the support of a uniform prior) the weight goes
    /// to the component(s) whose support is nearest.
    public func posterior(t: Double, x: [Double]) -> [Double] {
        checkPoint(x, "posterior")
        let logs = data.indices.map { i -> Double in
            weights[i] > 0 ? log(weights[i]) + conditionalLogDensity(t: t, x: x, x0: data[i]) : -.infinity
        }
        let mx = logs.max()!
        if mx > -.infinity {
            let e = logs.map { exp($0 - mx) }
            let s = e.reduce(0, +)
            return e.map { $0 / s }
        }
        // Fallback: nearest support (distance in z-space times σ).
        let s = path.sigma(t)
        let dist = data.indices.map { i -> Double in
            guard weights[i] > 0 else { return .infinity }
            let mu = path.mean(t, data[i])
            return prior.outsideDistance((0..<x.count).map { (x[$0] - mu[$0]) / s }) * s
        }
        let best = dist.min()!
        let w = data.indices.map { dist[$0] <= best * (1 + 1e-12) + 1e-300 ? weights[$0] : 0 }
        let total = w.reduce(0, +)
        return w.map { $0 / total }
    }

    /// `log p_t(x) = log Σ_i w_i p_t(x|x0_i)`.
    public func marginalLogDensity(t: Double, x: [Double]) -> Double {
        checkPoint(x, "marginalLogDensity")
        let logs = data.indices.map { i -> Double in
            weights[i] > 0 ? log(weights[i]) + conditionalLogDensity(t: t, x: x, x0: data[i]) : -.infinity
        }
        let mx = logs.max()!
        if mx == -.infinity { return -.infinity }
        return mx + log(logs.reduce(0) { $0 + exp($1 - mx) })
    }

    /// `p_t(x)`.
    public func marginalDensity(t: Double, x: [Double]) -> Double {
        exp(marginalLogDensity(t: t, x: x))
    }

    /// Marginal field `Σ_i posterior_i(t, x)·f_t(x|x0_i)`.
    public func marginalField(t: Double, x: [Double]) -> [Double] {
        let post = posterior(t: t, x: x)
        var f = [Double](repeating: 0, count: dimension)
        for i in data.indices where post[i] > 0 {
            let fi = path.conditionalField(t: t, x: x, x0: data[i])
            for k in 0..<dimension { f[k] += post[i] * fi[k] }
        }
        return f
    }

    /// One-dimensional marginal CDF `F_t(x) = Σ_i w_i F1((x − μ_t(x0_i))/σ_t)` (`d = 1`).
    /// A 1-D flow preserves it along trajectories: `F_t(x_t) = F_1(x_1)`.
    public func marginalCDF(t: Double, x: Double) -> Double {
        precondition(dimension == 1, "CharacteristicFlow.marginalCDF: only for one-dimensional data")
        let s = path.sigma(t)
        var c = 0.0
        for i in data.indices { c += weights[i] * prior.cdf((x - path.mean(t, data[i])[0]) / s) }
        return c
    }

    /// The field: conditional on `x0` if given, else the marginal one.
    public func field(t: Double, x: [Double], conditionalOn x0: [Double]? = nil) -> [Double] {
        if let x0 { return conditionalField(t: t, x: x, x0: x0) }
        return marginalField(t: t, x: x)
    }

    /// The density matching `field(t:x:conditionalOn:)`.
    public func density(t: Double, x: [Double], conditionalOn x0: [Double]? = nil) -> Double {
        if let x0 { return conditionalDensity(t: t, x: x, x0: x0) }
        return marginalDensity(t: t, x: x)
    }

    /// `∇·f` by 5-point central differences with step `h` (default `1e-3·max(1, |x_k|)`).
    public func divergence(t: Double, x: [Double], conditionalOn x0: [Double]? = nil, h: Double? = nil) -> Double {
        checkPoint(x, "divergence")
        var div = 0.0
        for k in 0..<dimension {
            let hk = h ?? 1e-3 * Swift.max(1, abs(x[k]))
            div += FiniteDifference.first({ v in
                var xx = x
                xx[k] = v
                return self.field(t: t, x: xx, conditionalOn: x0)[k]
            }, at: x[k], h: hk)
        }
        return div
    }

    /// Continuity-equation residual `∂_t p + ∇·(f p)` at `(t, x)` by 5-point central
    /// differences (steps `dt`, `dx`); marginal pair by default, conditional on `x0` if given.
    /// Needs smooth densities around the point (for a uniform prior, stay off support edges).
    public func continuityResidual(t: Double, x: [Double], conditionalOn x0: [Double]? = nil,
                                   dt: Double = 1e-3, dx: Double = 1e-3) -> ContinuityResidual {
        checkPoint(x, "continuityResidual")
        precondition(dt > 0 && dx > 0, "CharacteristicFlow.continuityResidual: steps must be positive")
        let dpdt = FiniteDifference.first({ self.density(t: $0, x: x, conditionalOn: x0) }, at: t, h: dt)
        var div = 0.0
        for k in 0..<dimension {
            div += FiniteDifference.first({ v in
                var xx = x
                xx[k] = v
                return self.field(t: t, x: xx, conditionalOn: x0)[k] * self.density(t: t, x: xx, conditionalOn: x0)
            }, at: x[k], h: dx)
        }
        return ContinuityResidual(dpdt: dpdt, divergenceOfFlux: div, residual: dpdt + div)
    }

    /// The flow ODE `dx/dt = f_t(x)` from `x(from) = x1` to `to` (usually from 1 down to a
    /// small positive time; `σ_t → 0` makes the field singular at `t = 0`). Marginal field by
    /// default, conditional on `x0` if given.
    public func odeProblem(x1: [Double], from t1: Double = 1, to t0: Double,
                           conditionalOn x0: [Double]? = nil) -> ODEProblem {
        checkPoint(x1, "odeProblem")
        let flow = self
        return ODEProblem(f: { t, x in flow.field(t: t, x: x, conditionalOn: x0) }, y0: x1, tspan: (t1, t0))
    }

    /// The flow ODE augmented with the log-density along the trajectory:
    /// state `[x…, ℓ]`, `dℓ/dt = −∇·f_t(x)` (instantaneous change of variables), with
    /// `ℓ(from) = log p_from(x1)`. The exact divergence `d·σ'/σ` is used for a conditional
    /// field, finite differences for the marginal one. At the end, `ℓ` should equal
    /// `marginalLogDensity` (or `conditionalLogDensity`) at the end point.
    public func densityODEProblem(x1: [Double], from t1: Double = 1, to t0: Double,
                                  conditionalOn x0: [Double]? = nil) -> ODEProblem {
        checkPoint(x1, "densityODEProblem")
        let flow = self, d = dimension
        let l0 = x0 != nil ? conditionalLogDensity(t: t1, x: x1, x0: x0!) : marginalLogDensity(t: t1, x: x1)
        precondition(l0.isFinite, "CharacteristicFlow.densityODEProblem: x1 lies outside the support at t = \(t1)")
        return ODEProblem(f: { t, s in
            let x = Array(s[0..<d])
            var out = flow.field(t: t, x: x, conditionalOn: x0)
            let div = x0 != nil ? flow.conditionalDivergence(t: t) : flow.divergence(t: t, x: x)
            out.append(-div)
            return out
        }, y0: x1 + [l0], tspan: (t1, t0))
    }
}
