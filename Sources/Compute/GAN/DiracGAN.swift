// The Dirac GAN family: real data at one point, a fake sample θ, a linear discriminator.

#if canImport(Glibc)
import Glibc
#endif

/// The GAN objective of a Dirac GAN (real data x_r, fake sample θ, discriminator
/// D(x) = φ·x, or φ·x/‖φ‖ for `.wgan`). Below, d = x_r − θ.
///
/// | case | discriminator maximises L_D | generator minimises L_G |
/// |---|---|---|
/// | `.vanilla` | log σ(D(x_r)) + log(1 − σ(D(θ))) | −log σ(D(θ)) (non-saturating) |
/// | `.vanillaSaturating` | same | log(1 − σ(D(θ))) |
/// | `.wgan` | D(x_r) − D(θ) with D = φ·x/‖φ‖ | D(x_r) − D(θ) |
/// | `.wganLinear` | φ·d (unconstrained linear critic: the bilinear game) | φ·d |
/// | `.wganGP(λ, c)` | φ·d − λ(‖∇ₓD‖ − c)² = φ·d − λ(‖φ‖ − c)² | φ·d |
/// | `.ganQP(λ)` | φ·d − (φ·d)²/(2λ‖d‖) | φ·d |
/// | `.ganQPPhiNorm(λ)` | none: the field of the post author's code (see below) | φ·d |
///
/// Gradient fields (φ' = ∇_φ L_D, θ' = −∇_θ L_G), with σ the logistic function:
/// - vanilla: φ' = σ(−φ·x_r) x_r − σ(φ·θ) θ, θ' = (1 − σ(φ·θ)) φ (saturating: σ(φ·θ) φ);
///   for x_r = 0 this is the article's φ' = −σ(θ·φ)θ, θ' = (1 − σ(θ·φ))φ.
/// - wgan: φ' = d/‖φ‖ − (φ·d)φ/‖φ‖³, θ' = φ/‖φ‖ (‖φ‖ is conserved; undefined at φ = 0).
/// - wganLinear: φ' = d, θ' = φ (a pure rotation).
/// - wganGP: φ' = d − 2λ(1 − c/‖φ‖)φ, θ' = φ (for c ≠ 0 the term cφ/‖φ‖ is taken as 0 at φ = 0,
///   where the penalty has a kink).
/// - ganQP: φ' = d − (φ·d) d/(λ‖d‖), θ' = φ (the quadratic term is 0 at d = 0, its limit).
///   The norm is ‖x_r − x_f‖ = ‖θ − x_r‖, as in the GAN-QP loss (Su 2018, arXiv:1811.07296).
/// - ganQPPhiNorm: φ' = d − (φ·d) d/(λ‖φ‖), θ' = φ — the norm of the post author's simulation
///   code. It is not the gradient of any discriminator objective (its ∂φ'/∂φ block is not
///   symmetric), so `discriminatorObjective` is unavailable for it.
public enum DiracGANLoss: Sendable, Equatable, CustomStringConvertible {
    /// Original GAN with the non-saturating generator loss (the article's "vanilla").
    case vanilla
    /// Original GAN with the saturating (minimax) generator loss.
    case vanillaSaturating
    /// WGAN with the normalised critic D(x) = φ·x/‖φ‖ (1-Lipschitz by construction).
    case wgan
    /// WGAN with an unconstrained linear critic D(x) = φ·x (the bilinear game).
    case wganLinear
    /// WGAN-GP: penalty λ(‖∇ₓD‖ − c)² = λ(‖φ‖ − c)², centred at c (0 or 1 in the articles).
    case wganGP(lambda: Double, center: Double)
    /// GAN-QP with the quadratic term divided by ‖x_r − x_f‖ (derived from the loss).
    case ganQP(lambda: Double)
    /// GAN-QP as simulated in the post author's code: divided by ‖φ‖ (no loss behind it).
    case ganQPPhiNorm(lambda: Double)

    /// Whether D is the normalised φ·x/‖φ‖ (only `.wgan`).
    public var normalisedDiscriminator: Bool { self == .wgan }

    /// Whether L_D and L_G exist as functions (false only for `.ganQPPhiNorm`).
    public var hasObjectives: Bool {
        if case .ganQPPhiNorm = self { return false }
        return true
    }

    /// A readable name with the parameters, e.g. "WGAN-GP (λ = 0.1, c = 1.0)".
    public var description: String {
        switch self {
        case .vanilla: return "vanilla (non-saturating)"
        case .vanillaSaturating: return "vanilla (saturating)"
        case .wgan: return "WGAN (normalised critic)"
        case .wganLinear: return "WGAN (linear critic)"
        case let .wganGP(l, c): return "WGAN-GP (λ = \(l), c = \(c))"
        case let .ganQP(l): return "GAN-QP (λ = \(l), ‖x_r − x_f‖)"
        case let .ganQPPhiNorm(l): return "GAN-QP (λ = \(l), ‖φ‖ as in the post's code)"
        }
    }
}

/// A penalty subtracted from the discriminator objective L_D.
///
/// For the linear critic D(x) = φ·x the input gradient is ∇ₓD = φ at every x, so R1, R2 and
/// weight decay all add −(coefficient)·φ to φ'; for the normalised critic ‖∇ₓD‖ = 1 and R1/R2
/// are constants (no effect on the dynamics). R1/R2: Mescheder, Geiger & Nowozin, ICML 2018
/// (their Dirac-GAN analysis gives eigenvalues −γ/2 ± √(γ²/4 − f′(0)²) with R1).
public enum DiracGANRegularizer: Sendable, Equatable {
    /// R1: (γ/2)‖∇ₓD(x_r)‖² (gradient penalty on real data).
    case r1(gamma: Double)
    /// R2: (γ/2)‖∇ₓD(θ)‖² (gradient penalty on fake data).
    case r2(gamma: Double)
    /// L2 weight decay on D: (μ/2)‖φ‖² (adds −μφ to φ').
    case weightDecay(Double)
}

/// One quantity that the flow of a Dirac GAN conserves exactly.
public struct ConservedQuantity: Sendable, Equatable {
    /// Short name, e.g. "‖φ‖", "‖φ∧(θ−x_r)‖".
    public var name: String
    /// Its value at the given state.
    public var value: Double
}

/// The Dirac GAN in dimension k ≥ 1 (Mescheder et al., ICML 2018, §2; Su, kexue.fm/archives/6583):
/// real data is the single point x_r ∈ Rᵏ (default 0), the generator produces the single
/// sample θ ∈ Rᵏ, the discriminator is linear, D(x) = φ·x with φ ∈ Rᵏ (normalised for `.wgan`).
/// The state is y = (φ₁…φₖ, θ₁…θₖ), the order of the article's start state
/// (φ1, φ2, θ1, θ2) = (0.1, 0.2, 0.2, 0.1). The equilibrium is φ = 0, θ = x_r.
///
/// Every field is derived from its losses (see `DiracGANLoss`) and checked against
/// central differences of `discriminatorObjective`/`generatorLoss` in the tests.
///
/// ```swift
/// let gan = DiracGAN(.wganGP(lambda: 0.1, center: 0))
/// let j = gan.jacobianAtEquilibrium()!          // [[−0.2·I, −I], [I, 0]]
/// Spectrum.eigenvalues(j)                        // −0.1 ± 0.99499i (each twice)
/// ```
public struct DiracGAN: Sendable, Equatable {
    /// The objective.
    public var loss: DiracGANLoss
    /// The real data point x_r ∈ Rᵏ.
    public var realPoint: [Double]
    /// Penalties subtracted from L_D.
    public var regularizers: [DiracGANRegularizer]

    /// k, the dimension of data, θ and φ.
    public var dimension: Int { realPoint.count }

    /// A Dirac GAN in dimension `dimension` (default 2) with real data at `realPoint`
    /// (default the origin).
    /// - Precondition: k ≥ 1; λ > 0 for WGAN-GP and GAN-QP (λ = 0 is allowed for WGAN-GP),
    ///   c ≥ 0; regulariser coefficients ≥ 0; `realPoint` (if given) has k finite entries.
    public init(_ loss: DiracGANLoss, dimension: Int = 2, realPoint: [Double]? = nil,
                regularizers: [DiracGANRegularizer] = []) {
        precondition(dimension >= 1, "DiracGAN: dimension must be ≥ 1, got \(dimension)")
        let r = realPoint ?? [Double](repeating: 0, count: dimension)
        precondition(r.count == dimension, "DiracGAN: realPoint has \(r.count) entries, dimension is \(dimension)")
        precondition(r.allSatisfy { $0.isFinite }, "DiracGAN: realPoint must be finite")
        switch loss {
        case let .wganGP(l, c):
            precondition(l >= 0 && l.isFinite, "DiracGAN: WGAN-GP needs λ ≥ 0, got \(l)")
            precondition(c >= 0 && c.isFinite, "DiracGAN: WGAN-GP needs a centre c ≥ 0, got \(c)")
        case let .ganQP(l), let .ganQPPhiNorm(l):
            precondition(l > 0 && l.isFinite, "DiracGAN: GAN-QP needs λ > 0, got \(l)")
        default: break
        }
        for reg in regularizers {
            switch reg {
            case let .r1(g), let .r2(g), let .weightDecay(g):
                precondition(g >= 0 && g.isFinite, "DiracGAN: regulariser coefficients must be ≥ 0, got \(g)")
            }
        }
        self.loss = loss
        self.realPoint = r
        self.regularizers = regularizers
    }

    /// The same GAN with one more regulariser.
    public func adding(_ regularizer: DiracGANRegularizer) -> DiracGAN {
        DiracGAN(loss, dimension: dimension, realPoint: realPoint, regularizers: regularizers + [regularizer])
    }

    // MARK: State helpers

    /// The state (φ, θ) as one array of 2k values.
    public func state(phi: [Double], theta: [Double]) -> [Double] {
        precondition(phi.count == dimension && theta.count == dimension,
                     "DiracGAN.state: φ and θ need \(dimension) entries each")
        return phi + theta
    }

    /// Splits a state into φ and θ.
    public func split(_ state: [Double]) -> (phi: [Double], theta: [Double]) {
        checkState(state, "split")
        return (Array(state[0..<dimension]), Array(state[dimension...]))
    }

    /// The equilibrium (φ, θ) = (0, x_r).
    public var equilibrium: [Double] { [Double](repeating: 0, count: dimension) + realPoint }

    /// Euclidean distance from `state` to the equilibrium, √(‖φ‖² + ‖θ − x_r‖²).
    public func distanceToEquilibrium(_ state: [Double]) -> Double {
        checkState(state, "distanceToEquilibrium")
        var s = 0.0
        for i in 0..<dimension { s += state[i] * state[i] }
        for i in 0..<dimension { let d = state[dimension + i] - realPoint[i]; s += d * d }
        return s.squareRoot()
    }

    // MARK: Losses

    /// The discriminator D(x) = φ·x (or φ·x/‖φ‖ for `.wgan`; NaN at φ = 0 there).
    public func discriminator(phi: [Double], at x: [Double]) -> Double {
        precondition(phi.count == dimension && x.count == dimension, "DiracGAN.discriminator: need \(dimension) entries")
        let v = ganDot(phi, x)
        return loss.normalisedDiscriminator ? v / ganNorm(phi) : v
    }

    /// The effective coefficient of −φ that the regularisers add to φ' (sum of γ for R1/R2
    /// with the linear critic, and of μ for weight decay).
    public var regularizationStrength: Double {
        var g = 0.0
        for reg in regularizers {
            switch reg {
            case let .r1(c), let .r2(c): if !loss.normalisedDiscriminator { g += c }
            case let .weightDecay(c): g += c
            }
        }
        return g
    }

    /// L_D(φ, θ), the objective the discriminator maximises, regularisers included
    /// (table in `DiracGANLoss`).
    /// - Precondition: `loss.hasObjectives`.
    public func discriminatorObjective(_ state: [Double]) -> Double {
        checkState(state, "discriminatorObjective")
        precondition(loss.hasObjectives, "DiracGAN.discriminatorObjective: \(loss) is a vector field without an objective")
        let (phi, theta) = split(state)
        let d = zip(realPoint, theta).map { $0 - $1 }
        let pn = ganNorm(phi)
        var value: Double
        switch loss {
        case .vanilla, .vanillaSaturating:
            value = -ganSoftplus(-ganDot(phi, realPoint)) - ganSoftplus(ganDot(phi, theta))
        case .wgan:
            value = ganDot(phi, d) / pn
        case .wganLinear:
            value = ganDot(phi, d)
        case let .wganGP(l, c):
            value = ganDot(phi, d) - l * (pn - c) * (pn - c)
        case let .ganQP(l):
            let q = ganDot(phi, d), dn = ganNorm(d)
            value = dn > 0 ? q - q * q / (2 * l * dn) : q
        case .ganQPPhiNorm:
            preconditionFailure("unreachable")
        }
        for reg in regularizers {
            switch reg {
            case let .r1(g), let .r2(g):
                let gradNorm2 = loss.normalisedDiscriminator ? 1.0 : pn * pn
                value -= g / 2 * gradNorm2
            case let .weightDecay(mu):
                value -= mu / 2 * pn * pn
            }
        }
        return value
    }

    /// L_G(φ, θ), the loss the generator minimises (table in `DiracGANLoss`).
    /// (Defined for every case: the GAN-QP variants share L_G = φ·(x_r − θ).)
    public func generatorLoss(_ state: [Double]) -> Double {
        checkState(state, "generatorLoss")
        let (phi, theta) = split(state)
        let d = zip(realPoint, theta).map { $0 - $1 }
        switch loss {
        case .vanilla: return ganSoftplus(-ganDot(phi, theta))
        case .vanillaSaturating: return -ganSoftplus(ganDot(phi, theta))
        case .wgan: return ganDot(phi, d) / ganNorm(phi)
        case .wganLinear, .wganGP, .ganQP, .ganQPPhiNorm: return ganDot(phi, d)
        }
    }

    // MARK: Vector field

    /// The training vector field v = (∇_φ L_D, −∇_θ L_G) at `state` (analytic formulas in
    /// `DiracGANLoss`). O(k). Returns non-finite values where the field is undefined
    /// (`.wgan` at φ = 0).
    public func vectorField(_ state: [Double]) -> [Double] {
        field(state)
    }

    /// The field v computed from the losses instead of the formulas: central differences
    /// of L_D in φ and of −L_G in θ, step h·max(1, |yⱼ|). Error O(h²). Used to check each
    /// derivation (and the article's formulas) against its loss.
    /// - Precondition: `loss.hasObjectives`, `step > 0`.
    public func vectorFieldFromLosses(_ state: [Double], step: Double = 1.0e-5) -> [Double] {
        checkState(state, "vectorFieldFromLosses")
        precondition(step > 0, "DiracGAN.vectorFieldFromLosses: step must be positive")
        var y = state
        var v = [Double](repeating: 0, count: 2 * dimension)
        for j in 0..<(2 * dimension) {
            let h = step * max(1, abs(state[j]))
            y[j] = state[j] + h
            let up = j < dimension ? discriminatorObjective(y) : -generatorLoss(y)
            y[j] = state[j] - h
            let down = j < dimension ? discriminatorObjective(y) : -generatorLoss(y)
            y[j] = state[j]
            v[j] = (up - down) / (2 * h)
        }
        return v
    }

    /// The field as a `GameField` (m = n = k, equilibrium (0, x_r)) for training, flows and
    /// finite-difference Jacobians. Evaluation is allocation-free, O(k).
    public var field: GameField {
        let k = dimension, r = realPoint, loss = self.loss, gamma = regularizationStrength
        return GameField(discriminatorCount: k, generatorCount: k, equilibrium: equilibrium) { y, dy in
            ganDiracField(loss: loss, k: k, r: r, gamma: gamma, y: y, dy: dy)
        }
    }

    // MARK: Jacobian

    /// The analytic Jacobian ∂v/∂y at the equilibrium (φ, θ) = (0, x_r), a 2k×2k matrix in
    /// blocks [[∂φ'/∂φ, ∂φ'/∂θ], [∂θ'/∂φ, ∂θ'/∂θ]], with g = `regularizationStrength`:
    /// - vanilla (both): [[−½ x_r x_rᵀ − gI, −½I], [½I, 0]] (σ(0) = ½, σ′(0) = ¼); for x_r = 0
    ///   the eigenvalues are ±i/2 (period 4π), with R1 −γ/2 ± √(γ²/4 − 1/4).
    /// - wganLinear, ganQP, ganQPPhiNorm: [[−gI, −I], [I, 0]] (the quadratic GAN-QP term is
    ///   o(‖y − y*‖) and drops out): eigenvalues ±i without regularisation.
    /// - wganGP with c = 0: [[−(2λ + g)I, −I], [I, 0]]: eigenvalues −λ ± i√(1 − λ²) for g = 0.
    /// - `nil` where v is not differentiable at the equilibrium: `.wgan` (undefined at φ = 0)
    ///   and WGAN-GP with c ≠ 0 (the penalty's kink at φ = 0).
    public func jacobianAtEquilibrium() -> Matrix<Double>? {
        let k = dimension, g = regularizationStrength
        var phiPhi = Matrix<Double>(rows: k, cols: k)
        var phiTheta = -1.0, thetaPhi = 1.0
        switch loss {
        case .vanilla, .vanillaSaturating:
            for i in 0..<k { for j in 0..<k { phiPhi[i, j] = -0.5 * realPoint[i] * realPoint[j] } }
            phiTheta = -0.5
            thetaPhi = 0.5
        case .wgan:
            return nil
        case .wganLinear, .ganQP, .ganQPPhiNorm:
            break
        case let .wganGP(l, c):
            if c != 0 { return nil }
            for i in 0..<k { phiPhi[i, i] = -2 * l }
        }
        for i in 0..<k { phiPhi[i, i] -= g }
        return Matrix(rows: 2 * k, cols: 2 * k) { i, j in
            switch (i < k, j < k) {
            case (true, true): return phiPhi[i, j]
            case (true, false): return i == j - k ? phiTheta : 0
            case (false, true): return i - k == j ? thetaPhi : 0
            case (false, false): return 0
            }
        }
    }

    /// The Jacobian at any state by central differences of the field (see
    /// `GameField.jacobian`).
    public func jacobian(at state: [Double], step: Double = 6.0e-6) -> Matrix<Double> {
        field.jacobian(at: state, step: step)
    }

    // MARK: Invariants

    /// ‖φ ∧ u‖ = √(Σ_{i<j} (φᵢuⱼ − φⱼuᵢ)²) = √(‖φ‖²‖u‖² − (φ·u)²), the area of the
    /// parallelogram spanned by φ and u (in 2-D the absolute value of φ₁u₂ − φ₂u₁). O(k²).
    public static func wedgeNorm(_ phi: [Double], _ u: [Double]) -> Double {
        precondition(phi.count == u.count, "DiracGAN.wedgeNorm: lengths differ")
        var s = 0.0
        for i in 0..<phi.count { for j in (i + 1)..<phi.count {
            let w = phi[i] * u[j] - phi[j] * u[i]
            s += w * w
        } }
        return s.squareRoot()
    }

    /// Quantities the flow of this configuration conserves exactly (empty if none is known).
    /// With u = θ − x_r:
    /// - vanilla (both), GAN-QP (both norms), wganLinear — x_r = 0 for vanilla — and no
    ///   regularisation: the bivector φ∧u, reported as ‖φ∧u‖. Proof: φ' = aφ + b u and
    ///   u' = cφ give (φ∧u)' = a φ∧u, and a = 0 here. In particular the flow cannot reach the
    ///   equilibrium from a state with φ∧u ≠ 0 (needs k ≥ 2).
    /// - vanillaSaturating with x_r = 0, and wganLinear: ‖φ‖² + ‖u‖² (a rotation).
    /// - wgan (R1/R2 have no effect on it; no weight decay): ‖φ‖, and
    ///   ‖φ∧u‖/‖φ‖ · exp(−‖u‖²/(2‖φ‖²)) (derivation: with ê = φ/‖φ‖, u' = ê and
    ///   ê' = −(u − (u·ê)ê)/‖φ‖², so (u∧ê)' = (u·ê)/‖φ‖² · u∧ê while (‖u‖²)' = 2u·ê).
    /// WGAN-GP with λ > 0 conserves none of these ((φ∧u)' = −2λ(1 − c/‖φ‖) φ∧u).
    public func conservedQuantities(at state: [Double]) -> [ConservedQuantity] {
        checkState(state, "conservedQuantities")
        let (phi, theta) = split(state)
        let u = zip(theta, realPoint).map { $0 - $1 }
        let origin = realPoint.allSatisfy { $0 == 0 }
        let w = DiracGAN.wedgeNorm(phi, u)
        let energy = ganDot(phi, phi) + ganDot(u, u)
        let g = regularizationStrength
        var out: [ConservedQuantity] = []
        switch loss {
        case .vanilla:
            if origin && g == 0 { out.append(ConservedQuantity(name: "‖φ∧θ‖", value: w)) }
        case .vanillaSaturating:
            if origin && g == 0 {
                out.append(ConservedQuantity(name: "‖φ∧θ‖", value: w))
                out.append(ConservedQuantity(name: "‖φ‖²+‖θ‖²", value: energy))
            }
        case .wganLinear:
            if g == 0 {
                out.append(ConservedQuantity(name: "‖φ∧(θ−x_r)‖", value: w))
                out.append(ConservedQuantity(name: "‖φ‖²+‖θ−x_r‖²", value: energy))
            }
        case .ganQP, .ganQPPhiNorm:
            if g == 0 { out.append(ConservedQuantity(name: "‖φ∧(θ−x_r)‖", value: w)) }
        case .wgan:
            if g == 0 {
                let pn = ganNorm(phi)
                out.append(ConservedQuantity(name: "‖φ‖", value: pn))
                out.append(ConservedQuantity(name: "‖φ∧(θ−x_r)‖/‖φ‖·exp(−‖θ−x_r‖²/(2‖φ‖²))",
                                             value: w / pn * exp(-ganDot(u, u) / (2 * pn * pn))))
            }
        case let .wganGP(l, _):
            if l == 0 && g == 0 {
                out.append(ConservedQuantity(name: "‖φ∧(θ−x_r)‖", value: w))
                out.append(ConservedQuantity(name: "‖φ‖²+‖θ−x_r‖²", value: energy))
            }
        }
        return out
    }

    /// The limit cycle that the flow approaches from `state`, when it is known in closed form:
    /// the circle on which φ ⊥ u, ‖φ‖ = ‖u‖ = √‖φ∧u‖ (u = θ − x_r), traversed with angular
    /// frequency ω, period 2π/ω.
    ///
    /// - Non-saturating vanilla (x_r = 0, no regularisation): ω = σ(0) = ½, period 4π.
    /// - GAN-QP, either norm (no regularisation): ω = 1, period 2π.
    ///
    /// Why: φ∧u is conserved (see `conservedQuantities`) while E = ‖φ‖² + ‖u‖² decreases,
    /// E' = −2s·tanh(s/2) for vanilla and −2s²/(λ‖·‖) for GAN-QP (s = φ·u); by LaSalle's
    /// invariance principle the trajectory tends to the largest invariant set inside {s = 0},
    /// where s' = 0 forces ‖φ‖ = ‖u‖; with ‖φ‖‖u‖ = ‖φ∧u‖ fixed this is the circle above, on
    /// which the field is the rotation φ' = −ωu, u' = ωφ. (In 1-D φ∧u ≡ 0 and the radius is 0:
    /// the flow converges, slowly.) Returns `nil` for the other configurations.
    public func limitCycle(from state: [Double]) -> (radius: Double, period: Double)? {
        checkState(state, "limitCycle")
        guard regularizationStrength == 0 else { return nil }
        let (phi, theta) = split(state)
        let u = zip(theta, realPoint).map { $0 - $1 }
        let radius = DiracGAN.wedgeNorm(phi, u).squareRoot()
        switch loss {
        case .vanilla:
            guard realPoint.allSatisfy({ $0 == 0 }) else { return nil }
            return (radius, 4 * Double.pi)
        case .ganQP, .ganQPPhiNorm:
            return (radius, 2 * Double.pi)
        default:
            return nil
        }
    }

    // MARK: Private

    private func checkState(_ state: [Double], _ fn: String) {
        precondition(state.count == 2 * dimension, "DiracGAN.\(fn): state has \(state.count) entries, expected 2k = \(2 * dimension)")
    }
}

// MARK: - Kernels

/// Logistic function σ(x) = 1/(1 + e^{−x}), evaluated without overflow.
@inline(__always) func ganLogistic(_ x: Double) -> Double {
    if x >= 0 { return 1 / (1 + exp(-x)) }
    let e = exp(x)
    return e / (1 + e)
}

/// ganSoftplus(x) = log(1 + eˣ) = −log σ(−x), without overflow.
@inline(__always) func ganSoftplus(_ x: Double) -> Double {
    max(x, 0) + log1p(exp(-abs(x)))
}

@inline(__always) func ganDot(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in 0..<a.count { s += a[i] * b[i] }
    return s
}

@inline(__always) func ganNorm(_ a: [Double]) -> Double { ganDot(a, a).squareRoot() }

/// The Dirac-GAN field (formulas in `DiracGANLoss`), in place: y = (φ, θ), dy = (φ', θ').
func ganDiracField(loss: DiracGANLoss, k: Int, r: [Double], gamma: Double,
                y: UnsafeBufferPointer<Double>, dy: UnsafeMutableBufferPointer<Double>) {
    // s = φ·θ, q = φ·d (d = r − θ), p2 = ‖φ‖², d2 = ‖d‖², pr = φ·r
    var s = 0.0, q = 0.0, p2 = 0.0, d2 = 0.0, pr = 0.0
    for i in 0..<k {
        let f = y[i], t = y[k + i], d = r[i] - t
        s += f * t; q += f * d; p2 += f * f; d2 += d * d; pr += f * r[i]
    }
    switch loss {
    case .vanilla, .vanillaSaturating:
        let sr = ganLogistic(-pr), sf = ganLogistic(s)
        let gen = loss == .vanilla ? ganLogistic(-s) : sf
        for i in 0..<k {
            dy[i] = sr * r[i] - sf * y[k + i]
            dy[k + i] = gen * y[i]
        }
    case .wgan:
        let n = p2.squareRoot(), n3 = n * n * n
        for i in 0..<k {
            dy[i] = (r[i] - y[k + i]) / n - q * y[i] / n3
            dy[k + i] = y[i] / n
        }
    case .wganLinear:
        for i in 0..<k {
            dy[i] = r[i] - y[k + i]
            dy[k + i] = y[i]
        }
    case let .wganGP(l, c):
        let n = p2.squareRoot()
        let coef = 2 * l * (1 - (n > 0 ? c / n : 0))
        for i in 0..<k {
            dy[i] = r[i] - y[k + i] - coef * y[i]
            dy[k + i] = y[i]
        }
    case let .ganQP(l), let .ganQPPhiNorm(l):
        // The two readings of GAN-QP's norm: ‖d‖ (the post) or ‖φ‖ (its author's code).
        var n = p2.squareRoot()
        if case .ganQP = loss { n = d2.squareRoot() }
        let coef = n > 0 ? q / (l * n) : 0
        for i in 0..<k {
            let d = r[i] - y[k + i]
            dy[i] = d - coef * d
            dy[k + i] = y[i]
        }
    }
    if gamma != 0 {
        for i in 0..<k { dy[i] -= gamma * y[i] }
    }
}
