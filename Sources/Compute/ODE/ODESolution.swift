// The output of `solve`: saved points, dense output, events, return code, statistics.

#if canImport(Glibc)
import Glibc
#endif

/// How an integration ended. A failed integration is a result, never a trap.
public enum ODEReturnCode: String, Sendable, Equatable, CustomStringConvertible {
    /// Reached `tspan.1`.
    case success
    /// Stopped by a terminal event (see `ODESolution.events`).
    case terminated
    /// Used `maxSteps` step attempts before reaching `tspan.1`.
    case maxSteps
    /// The step size fell below `dtMin` or 10 ulps of `t` (e.g. a singularity or blow-up).
    case stepSizeTooSmall
    /// The state or the vector field became NaN or infinite.
    case nonFinite

    /// `true` for `.success` and `.terminated`.
    public var isSuccessful: Bool { self == .success || self == .terminated }
    /// The case name (`"success"`, `"terminated"`, …).
    public var description: String { rawValue }
}

/// Work counters of one integration (as scipy's `nfev`/`njev`/`nlu` and
/// DifferentialEquations.jl's `destats`).
public struct ODEStats: Sendable, Equatable, CustomStringConvertible {
    /// Evaluations of the vector field `f`, including those spent on the initial step
    /// guess, finite-difference Jacobians, `∂f/∂t`, and DOP853's extra dense stages.
    public var nfev: Int = 0
    /// Jacobian evaluations (analytic or finite-difference).
    public var njev: Int = 0
    /// LU decompositions.
    public var nlu: Int = 0
    /// Linear solves with an LU factorisation.
    public var nsolve: Int = 0
    /// Accepted steps.
    public var accepted: Int = 0
    /// Rejected steps (error too large or non-finite trial state).
    public var rejected: Int = 0
    /// Event-function evaluations (sign checks and root finding).
    public var nevents: Int = 0

    /// All counters zero.
    public init() {}

    /// Step attempts: `accepted + rejected`.
    public var steps: Int { accepted + rejected }
    /// One-line summary, e.g. `nfev=704 njev=0 nlu=0 accepted=100 rejected=17`.
    public var description: String {
        "nfev=\(nfev) njev=\(njev) nlu=\(nlu) accepted=\(accepted) rejected=\(rejected)"
    }
}

/// One located event.
public struct ODEEventRecord: Sendable {
    /// Index of the event in `ODEOptions.events`.
    public var index: Int
    /// The event's name.
    public var name: String
    /// Located time (root of `g(t, y(t))` on the dense output).
    public var t: Double
    /// State at `t` (dense output).
    public var y: [Double]
    /// Whether this event stopped the integration.
    public var terminal: Bool
}

/// The saved states of a solution: a random-access collection of `[Double]` (one state per
/// saved time), stored flat (row-major, `count × dimension`). `sol.y[i][k]` is component
/// `k` at time `sol.t[i]`.
public struct ODEStates: RandomAccessCollection, Sendable {
    /// Flat storage, `count × dimension` row-major.
    public let storage: [Double]
    /// Components per state.
    public let dimension: Int

    /// 0.
    public var startIndex: Int { 0 }
    /// Number of saved states.
    public var endIndex: Int { storage.count / dimension }
    /// State `i` (allocates a small array).
    public subscript(i: Int) -> [Double] {
        precondition(i >= 0 && i < endIndex, "ODEStates: index \(i) out of range 0..<\(endIndex)")
        return Array(storage[(i * dimension)..<((i + 1) * dimension)])
    }
    /// Component `k` of state `i` (no allocation).
    public subscript(i: Int, k: Int) -> Double {
        precondition(i >= 0 && i < endIndex && k >= 0 && k < dimension,
                     "ODEStates: index (\(i), \(k)) out of range")
        return storage[i * dimension + k]
    }
    /// Component `k` of every saved state (like scipy's `sol.y[k]`).
    public func component(_ k: Int) -> [Double] {
        precondition(k >= 0 && k < dimension, "ODEStates: component \(k) out of range 0..<\(dimension)")
        return (0..<endIndex).map { storage[$0 * dimension + k] }
    }
}

/// Kind of piecewise polynomial stored per step for the dense output.
enum DenseKind: Sendable {
    /// `[y0, y1, h f0, h f1]`: cubic Hermite (fixed-step methods).
    case hermite
    /// `[r1..r5]`: Dormand–Prince 4th-order continuous extension (Hairer's CONTD5).
    case dopri5
    /// `[y0, F0..F6]`: DOP853 7th-order continuous extension (Hairer's CONTD8 / scipy).
    case dop853
    /// `[y0, y1, k1, k2]`: RODAS4 3rd-order interpolant.
    case rodas4

    /// Number of length-`n` coefficient vectors per step.
    var vectors: Int {
        switch self {
        case .hermite: return 4
        case .dopri5: return 5
        case .dop853: return 8
        case .rodas4: return 4
        }
    }

    /// Evaluates the interpolant at `θ = (t − t_start)/h ∈ [0, 1]` into `out`.
    @inline(__always)
    func evaluate(_ c: UnsafePointer<Double>, n: Int, theta s: Double, into out: UnsafeMutablePointer<Double>) {
        let s1 = 1 - s
        switch self {
        case .hermite:
            let h00 = (1 + 2 * s) * s1 * s1, h01 = s * s * (3 - 2 * s)
            let h10 = s * s1 * s1, h11 = -s * s * s1
            for i in 0..<n {
                out[i] = h00 * c[i] + h01 * c[n + i] + h10 * c[2 * n + i] + h11 * c[3 * n + i]
            }
        case .dopri5:
            for i in 0..<n {
                out[i] = c[i] + s * (c[n + i] + s1 * (c[2 * n + i] + s * (c[3 * n + i] + s1 * c[4 * n + i])))
            }
        case .dop853:
            for i in 0..<n {
                // y0 + s(F0 + (1−s)(F1 + s(F2 + (1−s)(F3 + s(F4 + (1−s)(F5 + s F6))))))
                var v = c[7 * n + i]
                v = c[6 * n + i] + s * v
                v = c[5 * n + i] + s1 * v
                v = c[4 * n + i] + s * v
                v = c[3 * n + i] + s1 * v
                v = c[2 * n + i] + s * v
                v = c[n + i] + s1 * v
                out[i] = c[i] + s * v
            }
        case .rodas4:
            for i in 0..<n {
                out[i] = s1 * c[i] + s * (c[n + i] + s1 * (c[2 * n + i] + s * c[3 * n + i]))
            }
        }
    }
}

/// Result of `solve`: saved times and states, dense output, located events, return code
/// and work statistics.
///
/// - `t`, `y`: saved points (every accepted step, or the `saveat` times). `y[i]` is the
///   state at `t[i]`; `y.component(k)` is one component over all saved times.
/// - `sol(t)`: dense output (the method's own continuous extension) anywhere in the
///   integrated interval, when `hasDenseOutput`.
/// - `tFinal`, `yFinal`: where the integration stopped (end of `tspan`, a terminal event,
///   or the last accepted step before a failure).
/// - `retcode`, `stats`, `events`.
public struct ODESolution: Sendable {
    /// Saved times (monotone in the direction of integration).
    public let t: [Double]
    /// Saved states (`y[i]` at `t[i]`).
    public let y: ODEStates
    /// How the integration ended.
    public let retcode: ODEReturnCode
    /// Work counters.
    public let stats: ODEStats
    /// Located events in time order (non-terminal ones, then at most one terminal one).
    public let events: [ODEEventRecord]
    /// Method used.
    public let method: ODEMethod
    /// Time where the integration stopped.
    public let tFinal: Double
    /// State at `tFinal`.
    public let yFinal: [Double]
    /// Start time `tspan.0`.
    public let tStart: Double

    // Dense output: segment k covers [denseStart[k], denseStart[k] + denseStep[k]]
    // (restricted to the integrated interval), coefficients denseCoefficients[k*m*n ..].
    let denseKind: DenseKind?
    let denseStart: [Double]
    let denseStep: [Double]
    let denseCoefficients: [Double]

    init(t: [Double], y: ODEStates, retcode: ODEReturnCode, stats: ODEStats,
         events: [ODEEventRecord], method: ODEMethod, tStart: Double, tFinal: Double,
         yFinal: [Double], denseKind: DenseKind?, denseStart: [Double], denseStep: [Double],
         denseCoefficients: [Double]) {
        self.t = t
        self.y = y
        self.retcode = retcode
        self.stats = stats
        self.events = events
        self.method = method
        self.tStart = tStart
        self.tFinal = tFinal
        self.yFinal = yFinal
        self.denseKind = denseKind
        self.denseStart = denseStart
        self.denseStep = denseStep
        self.denseCoefficients = denseCoefficients
    }

    /// Number of state components.
    public var dimension: Int { y.dimension }
    /// `retcode.isSuccessful` (`.success` or `.terminated`).
    public var isSuccessful: Bool { retcode.isSuccessful }
    /// Whether `sol(t)` is available (option `dense`).
    public var hasDenseOutput: Bool { denseKind != nil }
    /// Times of the located events with index `index` (in time order).
    public func eventTimes(_ index: Int) -> [Double] {
        events.filter { $0.index == index }.map(\.t)
    }

    /// Dense output: the state at time `t` from the method's continuous extension on the
    /// step containing `t` (O(log steps) search). At `tStart` returns `y0` exactly.
    ///
    /// - Precondition: `hasDenseOutput`, and `t` lies in the integrated interval
    ///   `[tStart, tFinal]` (either orientation; a relative slack of 1e-12 is allowed).
    public func callAsFunction(_ t: Double) -> [Double] {
        var out = [Double](repeating: 0, count: dimension)
        out.withUnsafeMutableBufferPointer { evaluateDense(at: t, into: $0.baseAddress!) }
        return out
    }

    /// Dense output of one component.
    public func callAsFunction(_ t: Double, component k: Int) -> Double {
        precondition(k >= 0 && k < dimension, "ODESolution: component \(k) out of range 0..<\(dimension)")
        return self(t)[k]
    }

    /// Dense output at several times (`result[i]` is the state at `ts[i]`).
    public func callAsFunction(_ ts: [Double]) -> [[Double]] {
        ts.map { self($0) }
    }

    func evaluateDense(at t: Double, into out: UnsafeMutablePointer<Double>) {
        guard let kind = denseKind else {
            preconditionFailure("ODESolution: no dense output (solve with ODEOptions(dense: true))")
        }
        let lo = Swift.min(tStart, tFinal), hi = Swift.max(tStart, tFinal)
        let slack = 1e-12 * Swift.max(hi - lo, Swift.max(abs(lo), abs(hi)), 1e-300)
        precondition(t >= lo - slack && t <= hi + slack,
                     "ODESolution: t = \(t) outside the integrated interval [\(lo), \(hi)]")
        let n = dimension
        guard !denseStart.isEmpty else {
            // No step was taken: constant initial state.
            for i in 0..<n { out[i] = yFinal[i] }
            return
        }
        let dir: Double = tFinal >= tStart ? 1 : -1
        // Last segment whose start is ≤ t (in the direction of integration).
        var a = 0, b = denseStart.count - 1
        while a < b {
            let mid = (a + b + 1) / 2
            if dir * (denseStart[mid] - t) <= 0 { a = mid } else { b = mid - 1 }
        }
        let theta = (t - denseStart[a]) / denseStep[a]
        let m = kind.vectors * n
        denseCoefficients.withUnsafeBufferPointer { c in
            kind.evaluate(c.baseAddress! + a * m, n: n, theta: theta, into: out)
        }
    }
}
