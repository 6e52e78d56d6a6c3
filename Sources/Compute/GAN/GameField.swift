// The vector field of a two-player game trained by gradient ascent/descent.

#if canImport(Glibc)
import Glibc
#endif

/// The training vector field of a two-player game with discriminator parameters φ ∈ Rᵐ
/// and generator parameters θ ∈ Rⁿ, on the state `y = (φ₁…φₘ, θ₁…θₙ)`:
///
///     v(φ, θ) = ( ∇_φ L_D(φ, θ),  −∇_θ L_G(φ, θ) )
///
/// (the discriminator ascends its objective L_D, the generator descends its loss L_G).
/// The gradient flow y' = v(y) is the continuous-time limit of gradient training; the
/// discrete schemes of `GANTraining` step along v. Autonomous (no explicit time).
///
/// The field is stored in the allocation-free in-place form `(y, dy)` used by the ODE
/// solvers; `init(discriminatorCount:generatorCount:equilibrium:field:)` wraps a
/// `[Double] -> [Double]` closure. Any custom dynamics (e.g. an article's formula typed in
/// as written) can be made a `GameField` and then analysed and trained like `DiracGAN`.
///
/// Reference: Mescheder, Nowozin, Geiger, "The Numerics of GANs", NeurIPS 2017 (the
/// gradient vector field v and its Jacobian); Mescheder, Geiger, Nowozin, "Which Training
/// Methods for GANs do actually Converge?", ICML 2018.
public struct GameField: Sendable {
    /// In-place field: write v(y) into `dy` (both of length m + n, never aliasing).
    public typealias InPlace = @Sendable (_ y: UnsafeBufferPointer<Double>, _ dy: UnsafeMutableBufferPointer<Double>) -> Void

    /// m = number of discriminator parameters (the first m state components).
    public let discriminatorCount: Int
    /// n = number of generator parameters (the last n state components).
    public let generatorCount: Int
    /// A known equilibrium v(y*) = 0, if any (used as the default reference point).
    public let equilibrium: [Double]?
    /// The field in in-place form.
    public let evaluate: InPlace

    /// State dimension m + n.
    public var dimension: Int { discriminatorCount + generatorCount }

    /// A game field from an in-place closure.
    /// - Precondition: m ≥ 1, n ≥ 1, `equilibrium` (if given) has m + n components.
    public init(discriminatorCount m: Int, generatorCount n: Int, equilibrium: [Double]? = nil,
                inPlace: @escaping InPlace) {
        precondition(m >= 1 && n >= 1, "GameField: need at least one parameter per player, got m = \(m), n = \(n)")
        if let e = equilibrium {
            precondition(e.count == m + n, "GameField: equilibrium has \(e.count) components, expected \(m + n)")
        }
        self.discriminatorCount = m
        self.generatorCount = n
        self.equilibrium = equilibrium
        self.evaluate = inPlace
    }

    /// A game field from a `(φ…, θ…) -> (φ', θ')` closure (checked to return m + n values).
    public init(discriminatorCount m: Int, generatorCount n: Int, equilibrium: [Double]? = nil,
                field: @escaping @Sendable ([Double]) -> [Double]) {
        let dim = m + n
        self.init(discriminatorCount: m, generatorCount: n, equilibrium: equilibrium) { y, dy in
            let r = field(Array(y))
            precondition(r.count == dim, "GameField: field returned \(r.count) values, expected \(dim)")
            for i in 0..<dim { dy[i] = r[i] }
        }
    }

    /// v(y). Allocates the result.
    /// - Precondition: `state.count == m + n`.
    public func callAsFunction(_ state: [Double]) -> [Double] {
        precondition(state.count == dimension, "GameField: state has \(state.count) components, expected \(dimension)")
        var dy = [Double](repeating: 0, count: dimension)
        state.withUnsafeBufferPointer { y in dy.withUnsafeMutableBufferPointer { evaluate(y, $0) } }
        return dy
    }

    /// Splits a state into (φ, θ).
    public func split(_ state: [Double]) -> (phi: [Double], theta: [Double]) {
        precondition(state.count == dimension, "GameField.split: state has \(state.count) components, expected \(dimension)")
        return (Array(state[0..<discriminatorCount]), Array(state[discriminatorCount...]))
    }

    /// Jacobian ∂vᵢ/∂yⱼ at `state` by central differences,
    /// (v(y + hⱼeⱼ) − v(y − hⱼeⱼ)) / (2hⱼ) with hⱼ = `step`·max(1, |yⱼ|).
    ///
    /// Error O(h²) for a C³ field (≈ 1e-10 relative with the default h = 6e-6 ≈ ε^{1/3});
    /// meaningless where v is not differentiable (e.g. at φ = 0 for the normalised WGAN or
    /// WGAN-GP with c ≠ 0). Cost 2(m + n) evaluations of v. Reference: Nocedal & Wright,
    /// *Numerical Optimization*, §8.1.
    /// - Precondition: `step > 0`.
    public func jacobian(at state: [Double], step: Double = 6.0e-6) -> Matrix<Double> {
        precondition(state.count == dimension, "GameField.jacobian: state has \(state.count) components, expected \(dimension)")
        precondition(step > 0 && step.isFinite, "GameField.jacobian: step must be positive")
        let n = dimension
        var jac = Matrix<Double>(rows: n, cols: n)
        var y = state
        var fp = [Double](repeating: 0, count: n), fm = fp
        for j in 0..<n {
            let h = step * max(1, abs(state[j]))
            y[j] = state[j] + h
            let hp = y[j] - state[j]
            y.withUnsafeBufferPointer { yp in fp.withUnsafeMutableBufferPointer { evaluate(yp, $0) } }
            y[j] = state[j] - h
            let hm = state[j] - y[j]
            y.withUnsafeBufferPointer { yp in fm.withUnsafeMutableBufferPointer { evaluate(yp, $0) } }
            y[j] = state[j]
            for i in 0..<n { jac[i, j] = (fp[i] - fm[i]) / (hp + hm) }
        }
        return jac
    }

    /// The Jacobian at the stored equilibrium (finite differences).
    /// - Precondition: the field has an `equilibrium`.
    public func jacobianAtEquilibrium(step: Double = 6.0e-6) -> Matrix<Double> {
        guard let e = equilibrium else { preconditionFailure("GameField.jacobianAtEquilibrium: no equilibrium stored") }
        return jacobian(at: e, step: step)
    }

    /// The same field with an extra term added to the discriminator's velocity:
    /// φ' += `extra`(φ, θ) (e.g. `{ φ, _ in φ.map { -0.1 * $0 } }` for L2 weight decay).
    /// The stored equilibrium is kept (it stays one when `extra` vanishes there).
    public func addingToDiscriminator(_ extra: @escaping @Sendable (_ phi: [Double], _ theta: [Double]) -> [Double]) -> GameField {
        let base = evaluate, m = discriminatorCount
        return GameField(discriminatorCount: m, generatorCount: generatorCount, equilibrium: equilibrium) { y, dy in
            base(y, dy)
            let add = extra(Array(y[0..<m]), Array(y[m...]))
            precondition(add.count == m, "GameField.addingToDiscriminator: extra term has \(add.count) values, expected \(m)")
            for i in 0..<m { dy[i] += add[i] }
        }
    }
}
