// The continuous gradient flow of a game, y' = v(y), as an ODE problem for the ODE solvers.

/// A sampled gradient-flow trajectory: the ODE solution plus the uniform samples taken from
/// it, ready for `TrajectoryMetrics` and `ExponentialMovingAverage.series`.
public struct FlowTrajectory: Sendable {
    /// The solver's result (dense output when requested, `retcode`, `stats`).
    public let solution: ODESolution
    /// Sample times (the `saveat` grid that was reached).
    public var times: [Double] { solution.t }
    /// States at `times` (copied out of the solution once).
    public let states: [[Double]]

    /// Wraps a solution (copies its saved states into `states`).
    public init(solution: ODESolution) {
        self.solution = solution
        self.states = Array(solution.y)
    }
    /// Component `k` at `times`.
    public func component(_ k: Int) -> [Double] { solution.y.component(k) }
    /// Whether the integration reached the end (`retcode` success).
    public var isSuccessful: Bool { solution.isSuccessful }
}

extension GameField {
    /// The gradient flow y' = v(y), y(tspan.0) = `start`, as an `ODEProblem` (autonomous; the
    /// in-place field is passed through without copies). Solve it with any method of
    /// `solve(_:_:options:)`.
    /// - Precondition: `start` has m + n entries.
    public func flowProblem(from start: [Double], tspan: (Double, Double)) -> ODEProblem {
        precondition(start.count == dimension, "GameField.flowProblem: start has \(start.count) entries, expected \(dimension)")
        let f = evaluate
        return ODEProblem(inPlace: { _, y, dy in f(y, dy) }, y0: start, tspan: tspan)
    }

    /// Integrates the flow from t = 0 to `duration` and samples it every `sampleInterval`
    /// (t = 0, Δ, 2Δ, … ≤ duration, plus `duration`). Defaults: DOP853 with rtol = 1e-10,
    /// atol = 1e-12 (tight enough that conserved quantities hold to ~1e-10 over hundreds of
    /// periods). A failure (e.g. `.nonFinite` where the field is undefined) is reported by the
    /// solution's `retcode`, with the samples reached so far.
    /// - Precondition: duration > 0, sampleInterval > 0.
    public func integrateFlow(from start: [Double], duration: Double, sampleInterval: Double,
                              method: ODEMethod = .dop853, rtol: Double = 1e-10, atol: Double = 1e-12,
                              dense: Bool = false, maxSteps: Int = 1_000_000) -> FlowTrajectory {
        precondition(duration > 0 && duration.isFinite, "GameField.integrateFlow: duration must be positive")
        precondition(sampleInterval > 0 && sampleInterval.isFinite, "GameField.integrateFlow: sampleInterval must be positive")
        let count = Int((duration / sampleInterval).rounded(.down))
        var grid = (0...count).map { Double($0) * sampleInterval }.filter { $0 <= duration }
        if grid.last! < duration * (1 - 1e-14) { grid.append(duration) }
        let problem = flowProblem(from: start, tspan: (0, duration))
        let sol = solve(problem, method, options: ODEOptions(rtol: rtol, atol: atol, saveat: grid, dense: dense,
                                                            maxSteps: maxSteps))
        return FlowTrajectory(solution: sol)
    }
}

extension DiracGAN {
    /// The gradient flow of this GAN as an `ODEProblem` (see `GameField.flowProblem`).
    public func flowProblem(from start: [Double], tspan: (Double, Double)) -> ODEProblem {
        field.flowProblem(from: start, tspan: tspan)
    }

    /// Integrates and samples the flow (see `GameField.integrateFlow`).
    public func integrateFlow(from start: [Double], duration: Double, sampleInterval: Double,
                              method: ODEMethod = .dop853, rtol: Double = 1e-10, atol: Double = 1e-12,
                              dense: Bool = false, maxSteps: Int = 1_000_000) -> FlowTrajectory {
        field.integrateFlow(from: start, duration: duration, sampleInterval: sampleInterval, method: method,
                            rtol: rtol, atol: atol, dense: dense, maxSteps: maxSteps)
    }
}
