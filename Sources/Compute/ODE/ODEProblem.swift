// ODE problem, method and options: the inputs of `solve` (see ODESolve.swift).
//
// The shape follows DifferentialEquations.jl (`ODEProblem` + algorithm + keyword options →
// solution with `retcode` and `stats`) and scipy.integrate.solve_ivp (`rtol`, `atol`,
// `t_eval` ≈ `saveat`, `dense_output`, `events` with `direction`/`terminal`).

#if canImport(Glibc)
import Glibc
#endif

// MARK: - Problem

/// An initial value problem `y'(t) = f(t, y)`, `y(t₀) = y₀`, for `t` from `tspan.0` to
/// `tspan.1` (either direction: `tspan.1 < tspan.0` integrates backwards in time).
///
/// The state is a `[Double]` of any length `n ≥ 1`. The vector field is stored in the fast
/// in-place form `f(t, y, dy)` that writes `dy` (length `n`) without allocating; the
/// convenience initialiser `init(f:y0:tspan:)` wraps a `(t, y) -> [Double]` closure (two
/// small allocations per evaluation, still far below a microsecond).
///
/// Closures must be `@Sendable`: capture constants (`let`) or use a capture list
/// (`{ [rho] t, y in … }`) for a value held in a `var`.
///
/// ```swift
/// let lorenz = ODEProblem(f: { t, y in
///     [10 * (y[1] - y[0]), y[0] * (28 - y[2]) - y[1], y[0] * y[1] - 8.0 / 3.0 * y[2]]
/// }, y0: [1, 1, 1], tspan: (0, 20))
/// let sol = solve(lorenz, .dormandPrince5, options: ODEOptions(rtol: 1e-8, atol: 1e-10))
/// sol.retcode   // .success
/// sol(12.5)     // dense output: state at t = 12.5
/// ```
///
/// An optional Jacobian `∂f/∂y` (row-major, `J[i*n + j] = ∂fᵢ/∂yⱼ`) is used by the stiff
/// method (`.rodas4`); without it the Jacobian is approximated by forward differences
/// (`n` extra evaluations of `f` per Jacobian).
public struct ODEProblem: Sendable {
    /// In-place vector field: write `f(t, y)` into `dy`. `y` and `dy` have length `n` and
    /// never alias. Must not keep the pointers after returning.
    public typealias InPlaceField = @Sendable (
        _ t: Double, _ y: UnsafeBufferPointer<Double>, _ dy: UnsafeMutableBufferPointer<Double>
    ) -> Void
    /// In-place Jacobian: write `∂fᵢ/∂yⱼ(t, y)` into `J[i*n + j]` (`J` has `n*n` entries).
    public typealias InPlaceJacobian = @Sendable (
        _ t: Double, _ y: UnsafeBufferPointer<Double>, _ J: UnsafeMutableBufferPointer<Double>
    ) -> Void

    /// The vector field in in-place form.
    public var f: InPlaceField
    /// Initial state `y(tspan.0)`.
    public var y0: [Double]
    /// Start and end of the integration interval; `tspan.1 < tspan.0` integrates backwards.
    public var tspan: (Double, Double)
    /// Optional analytic Jacobian (used by `.rodas4`; `nil` = forward differences).
    public var jacobian: InPlaceJacobian?

    /// Problem with an in-place vector field (the fast form; no allocation per call).
    ///
    /// - Precondition: `y0` is non-empty and `tspan` holds finite values.
    public init(inPlace f: @escaping InPlaceField, y0: [Double], tspan: (Double, Double),
                jacobian: InPlaceJacobian? = nil) {
        precondition(!y0.isEmpty, "ODEProblem: y0 must have at least one component")
        precondition(tspan.0.isFinite && tspan.1.isFinite,
                     "ODEProblem: tspan must be finite, got \(tspan)")
        self.f = f
        self.y0 = y0
        self.tspan = tspan
        self.jacobian = jacobian
    }

    /// Problem with a convenient `(t, y) -> dy` vector field. `f` must return exactly
    /// `y0.count` values (checked at every call with a precondition).
    ///
    /// - Parameter jacobian: optional `(t, y) -> J` with `J[i][j] = ∂fᵢ/∂yⱼ`.
    public init(f: @escaping @Sendable (_ t: Double, _ y: [Double]) -> [Double],
                y0: [Double], tspan: (Double, Double),
                jacobian: (@Sendable (_ t: Double, _ y: [Double]) -> [[Double]])? = nil) {
        let n = y0.count
        let field: InPlaceField = { t, y, dy in
            let r = f(t, Array(y))
            precondition(r.count == n, "ODEProblem: f returned \(r.count) values, expected \(n)")
            for i in 0..<n { dy[i] = r[i] }
        }
        var jac: InPlaceJacobian? = nil
        if let jacobian {
            jac = { t, y, J in
                let m = jacobian(t, Array(y))
                precondition(m.count == n && m.allSatisfy { $0.count == n },
                             "ODEProblem: jacobian must return an \(n)×\(n) matrix")
                for i in 0..<n { for j in 0..<n { J[i * n + j] = m[i][j] } }
            }
        }
        self.init(inPlace: field, y0: y0, tspan: tspan, jacobian: jac)
    }

    /// Number of state components `n`.
    public var dimension: Int { y0.count }

    /// Evaluates the vector field once (convenience for checks; allocates).
    public func derivative(at t: Double, _ y: [Double]) -> [Double] {
        precondition(y.count == dimension, "ODEProblem.derivative: state has \(y.count) components, expected \(dimension)")
        var dy = [Double](repeating: 0, count: dimension)
        y.withUnsafeBufferPointer { yp in
            dy.withUnsafeMutableBufferPointer { dp in f(t, yp, dp) }
        }
        return dy
    }

    /// The same problem on another interval or from another initial state.
    public func remake(y0: [Double]? = nil, tspan: (Double, Double)? = nil) -> ODEProblem {
        var p = self
        if let y0 {
            precondition(y0.count == dimension, "ODEProblem.remake: y0 must keep \(dimension) components")
            p.y0 = y0
        }
        if let tspan {
            precondition(tspan.0.isFinite && tspan.1.isFinite, "ODEProblem.remake: tspan must be finite")
            p.tspan = tspan
        }
        return p
    }
}

// MARK: - Step-size control

/// Step-size controller of the adaptive methods (PI control, Hairer–Wanner II.4 and
/// Gustafsson 1991; with `beta2 = 0` it is the classical "I" controller of scipy's RK45).
///
/// After a step with error norm `err` (RMS of `errᵢ / (atolᵢ + rtolᵢ·max(|yᵢ|, |yᵢ_new|))`):
/// `h_new = h · clamp(safety · err^(−beta1) · errPrev^(beta2), minFactor, maxFactor)`,
/// where `errPrev = max(err of the last accepted step, 1e-4)`. A step with `err ≤ 1` is
/// accepted; after a rejection the next step may not grow (`factor ≤ 1`), and a rejected
/// step is retried with `max(minFactor, safety · err^(−beta1))`.
public struct StepSizeController: Sendable, Equatable {
    /// Safety factor (0.9 in Hairer's codes and scipy).
    public var safety: Double
    /// Smallest allowed `h_new / h` (0.2).
    public var minFactor: Double
    /// Largest allowed `h_new / h` (10).
    public var maxFactor: Double
    /// Exponent of the current error; `nil` = `1/(q+1) − 0.75·beta2` for a method whose
    /// error estimate has order `q` (Hairer's DOPRI5 choice).
    public var beta1: Double?
    /// Exponent of the previous accepted error (0 = no PI memory).
    public var beta2: Double

    /// Creates a controller; defaults are Hairer's DOPRI5 values.
    ///
    /// - Precondition: `0 < minFactor ≤ 1 ≤ maxFactor`, `0 < safety ≤ 1`, `beta2 ≥ 0`.
    public init(safety: Double = 0.9, minFactor: Double = 0.2, maxFactor: Double = 10,
                beta1: Double? = nil, beta2: Double = 0.04) {
        precondition(safety > 0 && safety <= 1, "StepSizeController: safety must be in (0, 1]")
        precondition(minFactor > 0 && minFactor <= 1 && maxFactor >= 1,
                     "StepSizeController: need 0 < minFactor ≤ 1 ≤ maxFactor")
        precondition(beta2 >= 0, "StepSizeController: beta2 must be ≥ 0")
        if let beta1 { precondition(beta1 > 0, "StepSizeController: beta1 must be > 0") }
        self.safety = safety
        self.minFactor = minFactor
        self.maxFactor = maxFactor
        self.beta1 = beta1
        self.beta2 = beta2
    }

    /// PI controller with memory `beta2` (Hairer's DOPRI5 uses 0.04).
    public static func pi(beta2: Double = 0.04) -> StepSizeController {
        StepSizeController(beta2: beta2)
    }
    /// Classical controller without memory (`beta2 = 0`): scipy's RK45/DOP853 rule.
    public static let integral = StepSizeController(beta2: 0)
}

// MARK: - Method

/// The integration method (algorithm) passed to `solve`.
///
/// | method | order | steps | dense output | cost per step |
/// |---|---|---|---|---|
/// | `.euler(dt:)` | 1 | fixed | cubic Hermite | 1 f |
/// | `.rk4(dt:)` | 4 | fixed | cubic Hermite | 4 f |
/// | `.dormandPrince5` | 5(4) | adaptive, PI | 4th-order continuous extension | 6 f (FSAL) |
/// | `.dop853` | 8(5,3) | adaptive | 7th-order continuous extension | 12 f (+3 when dense) |
/// | `.rodas4` | 4(3), stiff | adaptive | 3rd-order (stiffly accurate) | 6 f + 1 f (∂f/∂t) + Jacobian + 1 LU + 6 solves |
///
/// References: Dormand & Prince, J. Comput. Appl. Math. 6 (1980); Hairer, Nørsett & Wanner,
/// *Solving ODEs I* (DOPRI5, DOP853, §II.4–II.6); Hairer & Wanner, *Solving ODEs II*
/// (RODAS, §IV.7); scipy.integrate._ivp.rk.
public struct ODEMethod: Sendable, Equatable {
    /// Which scheme.
    public enum Kind: String, Sendable, Equatable {
        case euler, rk4, dormandPrince5, dop853, rodas4
    }
    /// The scheme.
    public var kind: Kind
    /// Fixed step size (fixed-step methods only).
    public var dt: Double?
    /// Step-size controller (adaptive methods only).
    public var controller: StepSizeController

    /// Explicit Euler with fixed step `dt` (the last step is shortened to hit `tspan.1`).
    public static func euler(dt: Double) -> ODEMethod {
        precondition(dt > 0 && dt.isFinite, "ODEMethod.euler: dt must be positive and finite")
        return ODEMethod(kind: .euler, dt: dt, controller: .integral)
    }
    /// Classical 4th-order Runge–Kutta with fixed step `dt`.
    public static func rk4(dt: Double) -> ODEMethod {
        precondition(dt > 0 && dt.isFinite, "ODEMethod.rk4: dt must be positive and finite")
        return ODEMethod(kind: .rk4, dt: dt, controller: .integral)
    }
    /// Dormand–Prince 5(4) with Hairer's PI controller (`beta2 = 0.04`).
    public static var dormandPrince5: ODEMethod { dormandPrince5(controller: .pi()) }
    /// Dormand–Prince 5(4) with a chosen controller (`.integral` reproduces scipy's RK45).
    public static func dormandPrince5(controller: StepSizeController) -> ODEMethod {
        ODEMethod(kind: .dormandPrince5, dt: nil, controller: controller)
    }
    /// Hairer's DOP853 (order 8, error estimator 5(3)) with the classical controller
    /// (`beta2 = 0`, as in Hairer's code and scipy).
    public static var dop853: ODEMethod { dop853(controller: .integral) }
    /// DOP853 with a chosen controller.
    public static func dop853(controller: StepSizeController) -> ODEMethod {
        ODEMethod(kind: .dop853, dt: nil, controller: controller)
    }
    /// RODAS4 Rosenbrock method for stiff problems (L-stable, stiffly accurate), classical
    /// controller with `maxFactor = 6`.
    public static var rodas4: ODEMethod {
        rodas4(controller: StepSizeController(minFactor: 0.2, maxFactor: 6, beta2: 0))
    }
    /// RODAS4 with a chosen controller.
    public static func rodas4(controller: StepSizeController) -> ODEMethod {
        ODEMethod(kind: .rodas4, dt: nil, controller: controller)
    }

    /// `true` for the adaptive methods.
    public var isAdaptive: Bool { dt == nil }
}

// MARK: - Events

/// An event function `g(t, y)` whose sign changes are located during integration (scipy's
/// `events`, DifferentialEquations.jl's `ContinuousCallback`).
///
/// After every accepted step the solver compares the signs of `g` at both ends of the step;
/// on a change in the allowed `direction` it finds the root of `g(t, y(t))` on the step's
/// dense output with Brent's method (to `4·ε·|t|`). A `terminal` event stops the
/// integration at the root (return code `.terminated`); otherwise it is recorded and the
/// integration goes on. A root at the very initial point is not reported.
public struct ODEEvent: Sendable {
    /// Which sign changes count.
    public enum Direction: Sendable, Equatable {
        /// Both directions.
        case any
        /// `g` goes from negative to positive.
        case rising
        /// `g` goes from positive to negative.
        case falling
    }
    /// The event function.
    public var condition: @Sendable (_ t: Double, _ y: [Double]) -> Double
    /// Which sign changes are events.
    public var direction: Direction
    /// Whether the event stops the integration.
    public var terminal: Bool
    /// Optional label, copied into the records.
    public var name: String

    /// Creates an event.
    public init(name: String = "", direction: Direction = .any, terminal: Bool = false,
                _ condition: @escaping @Sendable (_ t: Double, _ y: [Double]) -> Double) {
        self.condition = condition
        self.direction = direction
        self.terminal = terminal
        self.name = name
    }
}

// MARK: - Options

/// Options of `solve` (tolerances, output, events, limits).
///
/// Error control (adaptive methods): a step is accepted when
/// `sqrt(mean_i (errᵢ / (atolᵢ + rtolᵢ · max(|yᵢ|, |yᵢ,new|)))²) ≤ 1` (scipy/Hairer norm).
///
/// Output: by default every accepted step is saved (`saveEveryStep`) and the dense output
/// is kept (`dense == nil` means "dense unless `saveat` is given"). With `saveat`, exactly
/// the requested times that the integration reaches are saved (values from the dense
/// output, as accurate as the steps).
public struct ODEOptions: Sendable {
    /// Relative tolerance (default 1e-3, as scipy and DifferentialEquations.jl).
    public var rtol: Double
    /// Absolute tolerance (default 1e-6).
    public var atol: Double
    /// Per-component relative tolerances (overrides `rtol` when set; length `n`).
    public var rtolPerComponent: [Double]?
    /// Per-component absolute tolerances (overrides `atol` when set; length `n`).
    public var atolPerComponent: [Double]?
    /// Times at which to save the solution (inside `tspan`, any order; sorted internally).
    public var saveat: [Double]
    /// Save every accepted step when `saveat` is empty (default true).
    public var saveEveryStep: Bool
    /// Keep the dense output (`sol(t)`); `nil` = yes unless `saveat` is given.
    public var dense: Bool?
    /// Event functions.
    public var events: [ODEEvent]
    /// Maximum number of step attempts (accepted + rejected) before `.maxSteps`.
    public var maxSteps: Int
    /// Initial step (adaptive methods); `nil` = automatic (Hairer's/scipy's `select_initial_step`).
    public var dt0: Double?
    /// Largest allowed step size (adaptive methods; fixed-step methods use their `dt`).
    public var dtMax: Double
    /// Smallest allowed step size; below it (or below 10 ulps of `t`) → `.stepSizeTooSmall`.
    public var dtMin: Double

    /// Creates options.
    ///
    /// - Precondition: `rtol > 0`, `atol ≥ 0`, `maxSteps > 0`, `dtMax > 0`, `dtMin ≥ 0`,
    ///   `dt0 > 0` when given, all `saveat` finite.
    public init(rtol: Double = 1e-3, atol: Double = 1e-6,
                rtolPerComponent: [Double]? = nil, atolPerComponent: [Double]? = nil,
                saveat: [Double] = [], saveEveryStep: Bool = true, dense: Bool? = nil,
                events: [ODEEvent] = [], maxSteps: Int = 100_000, dt0: Double? = nil,
                dtMax: Double = .infinity, dtMin: Double = 0) {
        precondition(rtol > 0 && rtol.isFinite, "ODEOptions: rtol must be positive, got \(rtol)")
        precondition(atol >= 0 && atol.isFinite, "ODEOptions: atol must be ≥ 0, got \(atol)")
        if let r = rtolPerComponent {
            precondition(r.allSatisfy { $0 > 0 && $0.isFinite }, "ODEOptions: every rtolPerComponent entry must be positive")
        }
        if let a = atolPerComponent {
            precondition(a.allSatisfy { $0 >= 0 && $0.isFinite }, "ODEOptions: every atolPerComponent entry must be ≥ 0")
        }
        precondition(maxSteps > 0, "ODEOptions: maxSteps must be positive")
        precondition(dtMax > 0, "ODEOptions: dtMax must be positive")
        precondition(dtMin >= 0 && dtMin.isFinite, "ODEOptions: dtMin must be ≥ 0")
        if let dt0 { precondition(dt0 > 0 && dt0.isFinite, "ODEOptions: dt0 must be positive, got \(dt0)") }
        precondition(saveat.allSatisfy { $0.isFinite }, "ODEOptions: saveat times must be finite")
        self.rtol = rtol
        self.atol = atol
        self.rtolPerComponent = rtolPerComponent
        self.atolPerComponent = atolPerComponent
        self.saveat = saveat
        self.saveEveryStep = saveEveryStep
        self.dense = dense
        self.events = events
        self.maxSteps = maxSteps
        self.dt0 = dt0
        self.dtMax = dtMax
        self.dtMin = dtMin
    }
}
