// Discrete GAN training: simultaneous, alternating, extragradient and optimistic gradient
// steps on a `GameField`, with an exponential moving average of the parameters.

#if canImport(Glibc)
import Glibc
#endif

/// How one training iteration moves the state along the game field v = (v_φ, v_θ), with the
/// step sizes H = diag(h_D·I_m, h_G·I_n) (x = (φ, θ)):
///
/// - `simultaneous`: x ← x + H v(x) (explicit Euler on the flow).
/// - `alternating`: `discriminatorSteps` times φ ← φ + h_D v_φ(φ, θ); then θ ← θ + h_G v_θ(φ, θ)
///   with the new φ (Gauss–Seidel; the usual GAN training loop).
/// - `extragradient`: x̃ = x + H v(x); x ← x + H v(x̃) (Korpelevich 1976; two field
///   evaluations per iteration).
/// - `optimistic`: x ← x + 2H v(x_k) − H v(x_{k−1}) (optimistic gradient descent–ascent,
///   Daskalakis, Ilyas, Syrgkanis & Zeng, ICLR 2018); the first iteration uses
///   v(x₋₁) = v(x₀), i.e. it is a simultaneous step.
public enum UpdateScheme: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    case simultaneous
    case alternating
    case extragradient
    case optimistic

    /// The case name.
    public var description: String { rawValue }
}

/// How a training run ended.
public enum TrainingOutcome: Sendable, Equatable {
    /// All requested iterations were taken.
    case completed
    /// At `iteration` the state became non-finite or left the box max|yᵢ| ≤ bound; the run
    /// stopped there and its last saved state is the last one inside the bound.
    case diverged(iteration: Int)

    /// Whether the run took all its iterations.
    public var isCompleted: Bool { self == .completed }
}

/// Exponential moving average with bias correction (Adam's, Kingma & Ba, ICLR 2015, §3):
///
///     m₀ = 0,  mₙ = β mₙ₋₁ + (1 − β) xₙ,  value = mₙ / (1 − βⁿ)
///
/// after n updates. The corrected value is a weighted mean of x₁…xₙ with weights ∝ β^{n−i}
/// (exactly x₁ after one update), so no warm-up bias towards 0. An "EMA of the generator"
/// (Yazıcı et al., ICLR 2019) is this average of θ, typically with β = 0.999.
public struct ExponentialMovingAverage: Sendable, Equatable {
    /// Decay β ∈ [0, 1).
    public let decay: Double
    /// mₙ, the uncorrected average.
    public private(set) var raw: [Double]
    /// n, the number of updates so far.
    public private(set) var count: Int
    /// βⁿ, kept as a running product.
    private var decayPower: Double

    /// An empty average of vectors of length `dimension`.
    /// - Precondition: 0 ≤ decay < 1, dimension ≥ 1.
    public init(decay: Double, dimension: Int) {
        precondition(decay >= 0 && decay < 1, "ExponentialMovingAverage: decay must be in [0, 1), got \(decay)")
        precondition(dimension >= 1, "ExponentialMovingAverage: dimension must be ≥ 1")
        self.decay = decay
        self.raw = [Double](repeating: 0, count: dimension)
        self.count = 0
        self.decayPower = 1
    }

    /// mₙ ← β mₙ₋₁ + (1 − β) x. O(dimension).
    public mutating func update(_ x: [Double]) {
        precondition(x.count == raw.count, "ExponentialMovingAverage.update: \(x.count) values, expected \(raw.count)")
        for i in 0..<raw.count { raw[i] = decay * raw[i] + (1 - decay) * x[i] }
        count += 1
        decayPower *= decay
    }

    /// The bias-corrected average mₙ/(1 − βⁿ).
    /// - Precondition: at least one update.
    public var value: [Double] {
        precondition(count > 0, "ExponentialMovingAverage.value: no update yet")
        let c = 1 - decayPower
        return raw.map { $0 / c }
    }

    /// The bias-corrected EMA of each prefix of `sequence`: element n is the average of
    /// sequence[0…n]. O(N·dimension).
    public static func series(_ sequence: [[Double]], decay: Double) -> [[Double]] {
        guard let first = sequence.first else { return [] }
        var ema = ExponentialMovingAverage(decay: decay, dimension: first.count)
        return sequence.map { ema.update($0); return ema.value }
    }
}

/// The result of `GANTraining.run`: saved iterates (iteration 0 is the start), optionally
/// the bias-corrected EMA of the whole state at the same iterations, and the outcome.
public struct TrainingRun: Sendable {
    /// Iteration numbers of the saved states (0, every `saveEvery`-th, and the last).
    public let iterations: [Int]
    /// Saved states (φ, θ).
    public let states: [[Double]]
    /// Bias-corrected EMA of the state (over all iterates 0…n, not only the saved ones);
    /// empty when no EMA was requested.
    public let averages: [[Double]]
    /// `.completed` or `.diverged(iteration:)`.
    public let outcome: TrainingOutcome
    /// The discriminator step size h_D (the time unit: iteration n ↔ flow time n·h_D).
    public let stepSize: Double

    /// Flow-time equivalents n·h_D of the saved iterations.
    public var times: [Double] { iterations.map { Double($0) * stepSize } }
    /// The last saved state.
    public var finalState: [Double] { states[states.count - 1] }
    /// The last saved EMA (`nil` without EMA).
    public var finalAverage: [Double]? { averages.last }
}

/// Discrete gradient training of a two-player game (a stepper you can drive by hand, and
/// `run` for long runs). Per iteration: 1 field evaluation (simultaneous, optimistic),
/// 2 (extragradient), `discriminatorSteps + 1` (alternating); no allocation per step.
///
/// ```swift
/// let gan = DiracGAN(.vanilla)
/// var t = GANTraining(gan.field, scheme: .simultaneous, stepSize: 0.1, start: [0.1, 0.2, 0.2, 0.1])
/// let run = t.run(iterations: 10_000, saveEvery: 10, emaDecay: 0.999)
/// ```
///
/// Linearised at an equilibrium with Jacobian J, one iteration is the linear map
/// `GANTraining.updateMatrix(...)`; its spectral radius predicts convergence (ρ < 1) or
/// divergence (ρ > 1) of small perturbations (Mescheder et al. 2017, §3; Gidel et al.,
/// "A Variational Inequality Perspective on GANs", ICLR 2019).
public struct GANTraining: Sendable {
    /// The game.
    public let field: GameField
    /// The update scheme.
    public let scheme: UpdateScheme
    /// h_D, the discriminator's step size.
    public let stepSize: Double
    /// h_G, the generator's step size (= h_D unless given).
    public let generatorStepSize: Double
    /// Discriminator steps per generator step (`.alternating` only).
    public let discriminatorSteps: Int
    /// The current state (φ, θ).
    public private(set) var state: [Double]
    /// Iterations taken so far.
    public private(set) var iteration: Int = 0

    private var velocity: [Double]
    private var previous: [Double]     // optimistic: v(x_{k−1}); extragradient: scratch x̃
    private var hasPrevious = false

    /// A trainer at `start`.
    /// - Precondition: step sizes > 0 and finite; discriminatorSteps ≥ 1; start has m + n entries.
    public init(_ field: GameField, scheme: UpdateScheme, stepSize: Double, generatorStepSize: Double? = nil,
                discriminatorSteps: Int = 1, start: [Double]) {
        precondition(stepSize > 0 && stepSize.isFinite, "GANTraining: stepSize must be positive, got \(stepSize)")
        let hg = generatorStepSize ?? stepSize
        precondition(hg > 0 && hg.isFinite, "GANTraining: generatorStepSize must be positive, got \(hg)")
        precondition(discriminatorSteps >= 1, "GANTraining: discriminatorSteps must be ≥ 1")
        precondition(start.count == field.dimension, "GANTraining: start has \(start.count) entries, expected \(field.dimension)")
        self.field = field
        self.scheme = scheme
        self.stepSize = stepSize
        self.generatorStepSize = hg
        self.discriminatorSteps = discriminatorSteps
        self.state = start
        self.velocity = [Double](repeating: 0, count: field.dimension)
        self.previous = velocity
    }

    /// Takes one iteration of the scheme.
    public mutating func step() {
        let m = field.discriminatorCount, n = field.dimension
        let hd = stepSize, hg = generatorStepSize
        let f = field.evaluate
        @inline(__always) func h(_ i: Int) -> Double { i < m ? hd : hg }
        switch scheme {
        case .simultaneous:
            eval(f, state, &velocity)
            for i in 0..<n { state[i] += h(i) * velocity[i] }
        case .alternating:
            for _ in 0..<discriminatorSteps {
                eval(f, state, &velocity)
                for i in 0..<m { state[i] += hd * velocity[i] }
            }
            eval(f, state, &velocity)
            for i in m..<n { state[i] += hg * velocity[i] }
        case .extragradient:
            eval(f, state, &velocity)
            for i in 0..<n { previous[i] = state[i] + h(i) * velocity[i] }
            eval(f, previous, &velocity)
            for i in 0..<n { state[i] += h(i) * velocity[i] }
        case .optimistic:
            eval(f, state, &velocity)
            if !hasPrevious { previous = velocity; hasPrevious = true }
            for i in 0..<n {
                state[i] += h(i) * (2 * velocity[i] - previous[i])
                previous[i] = velocity[i]
            }
        }
        iteration += 1
    }

    /// Runs `iterations` more iterations, saving the start, every `saveEvery`-th iterate and
    /// the last; with `emaDecay` also the bias-corrected EMA of every iterate (start
    /// included). Stops early with `.diverged` when a component becomes non-finite or exceeds
    /// `divergenceBound` in absolute value (`.infinity`: stop only on non-finite values).
    /// O(iterations·cost of a step).
    /// - Precondition: iterations ≥ 0, saveEvery ≥ 1, divergenceBound > 0.
    public mutating func run(iterations: Int, saveEvery: Int = 1, emaDecay: Double? = nil,
                             divergenceBound: Double = 1e10) -> TrainingRun {
        precondition(iterations >= 0, "GANTraining.run: iterations must be ≥ 0")
        precondition(saveEvery >= 1, "GANTraining.run: saveEvery must be ≥ 1")
        precondition(divergenceBound > 0, "GANTraining.run: divergenceBound must be positive")
        var ema = emaDecay.map { ExponentialMovingAverage(decay: $0, dimension: field.dimension) }
        ema?.update(state)
        var its = [iteration], states = [state], avgs: [[Double]] = ema.map { [$0.value] } ?? []
        var outcome = TrainingOutcome.completed
        let startIteration = iteration
        var lastGood = state
        var k = 0
        while k < iterations {
            k += 1
            step()
            if !state.allSatisfy({ $0.isFinite && abs($0) <= divergenceBound }) {
                outcome = .diverged(iteration: iteration)
                // end on the last state inside the bound
                if its.last != iteration - 1 {
                    its.append(iteration - 1); states.append(lastGood)
                    if let e = ema { avgs.append(e.value) }
                }
                break
            }
            ema?.update(state)
            if k % saveEvery == 0 || k == iterations {
                its.append(startIteration + k); states.append(state)
                if let e = ema { avgs.append(e.value) }
            }
            for i in 0..<lastGood.count { lastGood[i] = state[i] }
        }
        return TrainingRun(iterations: its, states: states, averages: avgs, outcome: outcome, stepSize: stepSize)
    }

    /// The matrix of one iteration of `scheme` for the linear field v(x) = J(x − x*), acting on
    /// x − x* (for `.optimistic` on the stacked (x_k − x*, x_{k−1} − x*), size 2(m + n)):
    ///
    /// - simultaneous: I + HJ
    /// - alternating: G·Dᵖ with D = [[I + h_D J_φφ, h_D J_φθ], [0, I]],
    ///   G = [[I, 0], [h_G J_θφ, I + h_G J_θθ]], p = `discriminatorSteps`
    /// - extragradient: I + HJ + (HJ)²
    /// - optimistic: [[I + 2HJ, −HJ], [I, 0]]
    ///
    /// with H = diag(h_D I_m, h_G I_n). O((m + n)³).
    /// - Precondition: J is (m + n)×(m + n) with 1 ≤ m < m + n; step sizes > 0.
    public static func updateMatrix(jacobian j: Matrix<Double>, discriminatorCount m: Int, scheme: UpdateScheme,
                                    stepSize hd: Double, generatorStepSize: Double? = nil,
                                    discriminatorSteps: Int = 1) -> Matrix<Double> {
        let n = j.rows
        precondition(j.cols == n && m >= 1 && m < n, "GANTraining.updateMatrix: need a square J with 1 ≤ m < size")
        let hg = generatorStepSize ?? hd
        precondition(hd > 0 && hg > 0, "GANTraining.updateMatrix: step sizes must be positive")
        precondition(discriminatorSteps >= 1, "GANTraining.updateMatrix: discriminatorSteps must be ≥ 1")
        let eye = Matrix<Double>.identity(n)
        let hj = Matrix<Double>(rows: n, cols: n) { r, c in (r < m ? hd : hg) * j[r, c] }
        switch scheme {
        case .simultaneous:
            return eye + hj
        case .extragradient:
            return eye + hj + hj * hj
        case .alternating:
            let d = Matrix<Double>(rows: n, cols: n) { r, c in r < m ? (r == c ? 1 : 0) + hj[r, c] : (r == c ? 1 : 0) }
            let g = Matrix<Double>(rows: n, cols: n) { r, c in r >= m ? (r == c ? 1 : 0) + hj[r, c] : (r == c ? 1 : 0) }
            var dp = d
            for _ in 1..<discriminatorSteps { dp = d * dp }
            return g * dp
        case .optimistic:
            return Matrix<Double>(rows: 2 * n, cols: 2 * n) { r, c in
                switch (r < n, c < n) {
                case (true, true): return (r == c ? 1 : 0) + 2 * hj[r, c]
                case (true, false): return -hj[r, c - n]
                case (false, true): return r - n == c ? 1 : 0
                case (false, false): return 0
                }
            }
        }
    }

    /// The spectral radius of `updateMatrix(...)`: small perturbations of the equilibrium
    /// shrink (ρ < 1) or grow (ρ > 1) by about ρ per iteration.
    public static func spectralRadius(jacobian j: Matrix<Double>, discriminatorCount m: Int, scheme: UpdateScheme,
                                      stepSize hd: Double, generatorStepSize: Double? = nil,
                                      discriminatorSteps: Int = 1) -> Double {
        Spectrum.radius(updateMatrix(jacobian: j, discriminatorCount: m, scheme: scheme, stepSize: hd,
                                     generatorStepSize: generatorStepSize, discriminatorSteps: discriminatorSteps))
    }

    /// The largest step size h for which simultaneous steps (h_D = h_G = h) are stable,
    /// in closed form: |1 + hμ| ≤ 1 for every eigenvalue μ = a + ib ≠ 0 of J iff
    /// h ≤ −2a/|μ|² (1 + 2ha + h²|μ|² ≤ 1). Returns 0 when some μ ≠ 0 has a ≥ 0 (unstable
    /// for every h > 0, e.g. the unregularised Dirac GAN with μ = ±i/2), +∞ when all μ = 0.
    /// O(n³).
    public static func simultaneousStabilityLimit(jacobian j: Matrix<Double>) -> Double {
        guard let eig = Spectrum.eigenvalues(j) else { return .nan }
        var limit = Double.infinity
        for mu in eig {
            let m2 = mu.re * mu.re + mu.im * mu.im
            if m2 == 0 { continue }
            if mu.re >= 0 { return 0 }
            limit = min(limit, -2 * mu.re / m2)
        }
        return limit
    }

    /// The smallest step size h ∈ (0, hMax] at which `scheme` becomes unstable at the
    /// equilibrium (ρ(updateMatrix) > 1 + tolerance), for h_G = ratio·h_D = ratio·h, or `nil`
    /// if it stays stable on the whole interval. Scans `samples` equally spaced h, then
    /// bisects to relative precision 1e-12. Marginal spectra (ρ = 1 exactly, e.g.
    /// alternating steps on a rotation) count as stable; a growth below `tolerance` per step
    /// is not detected (for simultaneous steps use the exact `simultaneousStabilityLimit`).
    /// Cost: (samples + ~40) eigenvalue problems.
    /// - Precondition: hMax > 0, samples ≥ 1, tolerance ≥ 0, ratio > 0.
    public static func stabilityLimit(jacobian j: Matrix<Double>, discriminatorCount m: Int, scheme: UpdateScheme,
                                      upTo hMax: Double, generatorStepRatio ratio: Double = 1,
                                      discriminatorSteps: Int = 1, samples: Int = 400,
                                      tolerance: Double = 1e-10) -> Double? {
        precondition(hMax > 0 && samples >= 1 && tolerance >= 0 && ratio > 0, "GANTraining.stabilityLimit: bad arguments")
        func unstable(_ h: Double) -> Bool {
            spectralRadius(jacobian: j, discriminatorCount: m, scheme: scheme, stepSize: h,
                           generatorStepSize: ratio * h, discriminatorSteps: discriminatorSteps) > 1 + tolerance
        }
        var lo = 0.0
        for i in 1...samples {
            let h = hMax * Double(i) / Double(samples)
            if unstable(h) {
                var hi = h
                while hi - lo > 1e-12 * hi {
                    let mid = (lo + hi) / 2
                    if unstable(mid) { hi = mid } else { lo = mid }
                }
                return (lo + hi) / 2
            }
            lo = h
        }
        return nil
    }
}

@inline(__always) private func eval(_ f: GameField.InPlace, _ x: [Double], _ v: inout [Double]) {
    x.withUnsafeBufferPointer { xp in v.withUnsafeMutableBufferPointer { f(xp, $0) } }
}
