// Named views of a Dirac GAN state y = (φ₁…φₖ, θ₁…θₖ), so an article writes `s.theta`,
// `s.phiNorm` instead of `Array(y[2..<4])` and a hand-written norm.

/// A Dirac GAN state split into its named parts: the discriminator's parameters φ ∈ Rᵏ and the
/// generator's sample θ ∈ Rᵏ, in the flat order y = (φ₁…φₖ, θ₁…θₖ) that `DiracGAN`'s field,
/// `solve` and the article's start state (φ1, φ2, θ1, θ2) = (0.1, 0.2, 0.2, 0.1) use.
///
/// ```swift
/// let s = DiracGANState([0.1, 0.2, 0.2, 0.1])   // or gan.named(sol.y[i])
/// s.theta          // [0.2, 0.1]
/// s.phiNorm        // √0.05
/// s.signedArea     // φ₁θ₂ − φ₂θ₁ = −0.03
/// ```
/// Norms are the plain Euclidean √(Σxᵢ²) (exact to a few ulps for entries between about
/// 1e-150 and 1e150; the Dirac GAN's states are of order 1).
public struct DiracGANState: Sendable, Equatable {
    /// The discriminator's parameters φ (D(x) = φ·x).
    public var phi: [Double]
    /// The generator's sample θ.
    public var theta: [Double]

    /// A state from its parts.
    /// - Precondition: φ and θ have the same number k ≥ 1 of entries.
    public init(phi: [Double], theta: [Double]) {
        precondition(!phi.isEmpty && phi.count == theta.count,
                     "DiracGANState: φ and θ need the same number k ≥ 1 of entries, got \(phi.count) and \(theta.count)")
        self.phi = phi
        self.theta = theta
    }

    /// Splits a flat state y = (φ₁…φₖ, θ₁…θₖ) (e.g. `sol.y[i]`, `sol(t)`, `sol.yFinal`).
    /// - Precondition: `flat` has an even number 2k ≥ 2 of entries.
    public init(_ flat: [Double]) {
        precondition(flat.count >= 2 && flat.count % 2 == 0,
                     "DiracGANState: a state has 2k ≥ 2 entries (φ then θ), got \(flat.count)")
        let k = flat.count / 2
        self.init(phi: Array(flat[0..<k]), theta: Array(flat[k...]))
    }

    /// k, the dimension of φ and θ.
    public var dimension: Int { phi.count }
    /// The flat state (φ₁…φₖ, θ₁…θₖ), the inverse of `init(_:)`.
    public var flat: [Double] { phi + theta }
    /// ‖φ‖ = √(Σφᵢ²).
    public var phiNorm: Double { ganNorm(phi) }
    /// ‖θ‖ = √(Σθᵢ²) (the distance of the fake sample from the origin; for real data at
    /// x_r ≠ 0 use `thetaDistance(to:)`).
    public var thetaNorm: Double { ganNorm(theta) }
    /// φ·θ = Σφᵢθᵢ, the discriminator's logit on the fake sample (linear critic).
    public var phiDotTheta: Double { ganDot(phi, theta) }
    /// ‖φ‖² + ‖θ‖², the squared distance to the equilibrium (0, 0) for real data at the origin.
    public var energy: Double { ganDot(phi, phi) + ganDot(theta, theta) }
    /// ‖φ ∧ θ‖ = √(Σ_{i<j}(φᵢθⱼ − φⱼθᵢ)²), the parallelogram area (any k; see `DiracGAN.wedgeNorm`).
    public var wedgeNorm: Double { DiracGAN.wedgeNorm(phi, theta) }
    /// The signed area φ₁θ₂ − φ₂θ₁ (2-D only: there φ∧θ is this one number, conserved by the
    /// vanilla flow with real data at the origin).
    /// - Precondition: k = 2.
    public var signedArea: Double {
        precondition(dimension == 2, "DiracGANState.signedArea: defined for k = 2 only, the state has k = \(dimension)")
        return phi[0] * theta[1] - phi[1] * theta[0]
    }
    /// ‖θ − x_r‖, the distance of the fake sample from the real point.
    /// - Precondition: `realPoint` has k entries.
    public func thetaDistance(to realPoint: [Double]) -> Double {
        precondition(realPoint.count == dimension, "DiracGANState.thetaDistance: realPoint has \(realPoint.count) entries, k = \(dimension)")
        return ganNorm(zip(theta, realPoint).map { $0 - $1 })
    }
}

extension DiracGAN {
    /// The named view of a flat state of this GAN (`DiracGANState`), checking its length.
    /// - Precondition: `state` has 2k entries.
    public func named(_ state: [Double]) -> DiracGANState {
        precondition(state.count == 2 * dimension,
                     "DiracGAN.named: state has \(state.count) entries, expected 2k = \(2 * dimension)")
        return DiracGANState(state)
    }

    /// The flat state of a named one (the inverse of `named(_:)`).
    /// - Precondition: the state's k is this GAN's dimension.
    public func flat(_ state: DiracGANState) -> [Double] {
        precondition(state.dimension == dimension, "DiracGAN.flat: the state has k = \(state.dimension), the GAN has k = \(dimension)")
        return state.flat
    }

    /// φ, the discriminator part of a flat state (entries 0..<k).
    public func phi(_ state: [Double]) -> [Double] { named(state).phi }
    /// θ, the generator part of a flat state (entries k..<2k).
    public func theta(_ state: [Double]) -> [Double] { named(state).theta }
    /// ‖φ‖ of a flat state.
    public func phiNorm(_ state: [Double]) -> Double { named(state).phiNorm }
    /// ‖θ‖ of a flat state (as `named(state).thetaNorm`).
    public func thetaNorm(_ state: [Double]) -> Double { named(state).thetaNorm }
    /// ‖θ − x_r‖ of a flat state: the fake sample's distance from this GAN's real point
    /// (equal to `thetaNorm` for x_r = 0).
    public func thetaDistance(_ state: [Double]) -> Double { named(state).thetaDistance(to: realPoint) }
}
