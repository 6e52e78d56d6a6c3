// Internal stepping machinery shared by all methods: raw buffers, the error norm, and the
// protocol a method implements so that one driver (ODESolve.swift) handles step control,
// events, saving and dense output for all of them.

#if canImport(Glibc)
import Glibc
#endif

/// A fixed-size, zero-initialised buffer of doubles owned by a stepper (no per-step
/// allocation; freed with the stepper).
final class DoubleBuffer {
    let p: UnsafeMutablePointer<Double>
    let count: Int
    init(_ count: Int) {
        self.count = Swift.max(count, 1)
        p = UnsafeMutablePointer<Double>.allocate(capacity: self.count)
        p.initialize(repeating: 0, count: self.count)
    }
    deinit { p.deallocate() }
}

/// The vector field and the error norm of one integration, with work counters.
final class ODEContext {
    let n: Int
    let f: ODEProblem.InPlaceField
    let jacobian: ODEProblem.InPlaceJacobian?
    let atol: DoubleBuffer
    let rtol: DoubleBuffer
    var stats = ODEStats()

    init(problem: ODEProblem, options: ODEOptions) {
        n = problem.dimension
        f = problem.f
        jacobian = problem.jacobian
        atol = DoubleBuffer(n)
        rtol = DoubleBuffer(n)
        if let a = options.atolPerComponent {
            precondition(a.count == n, "ODEOptions: atolPerComponent has \(a.count) entries, the state has \(n)")
            for i in 0..<n { atol.p[i] = a[i] }
        } else {
            for i in 0..<n { atol.p[i] = options.atol }
        }
        if let r = options.rtolPerComponent {
            precondition(r.count == n, "ODEOptions: rtolPerComponent has \(r.count) entries, the state has \(n)")
            for i in 0..<n { rtol.p[i] = r[i] }
        } else {
            for i in 0..<n { rtol.p[i] = options.rtol }
        }
    }

    /// `dy = f(t, y)`; counts one evaluation.
    @inline(__always)
    func eval(_ t: Double, _ y: UnsafeMutablePointer<Double>, _ dy: UnsafeMutablePointer<Double>) {
        stats.nfev += 1
        f(t, UnsafeBufferPointer(start: y, count: n), UnsafeMutableBufferPointer(start: dy, count: n))
    }

    /// Scale `sc_i = atol_i + rtol_i · max(|y_i|, |yNew_i|)`.
    @inline(__always)
    func scale(_ i: Int, _ y: UnsafeMutablePointer<Double>, _ yNew: UnsafeMutablePointer<Double>) -> Double {
        atol.p[i] + rtol.p[i] * Swift.max(abs(y[i]), abs(yNew[i]))
    }

    /// RMS norm `sqrt(mean((e_i / sc_i)²))` (scipy's `norm(err / scale)`, Hairer's `ERR`).
    @inline(__always)
    func errorNorm(_ e: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>,
                   _ yNew: UnsafeMutablePointer<Double>) -> Double {
        var s = 0.0
        for i in 0..<n {
            let r = e[i] / scale(i, y, yNew)
            s += r * r
        }
        return (s / Double(n)).squareRoot()
    }
}

/// What a method provides to the driver. All pointers have length `n` and stay valid for
/// the stepper's lifetime.
protocol ODEStepper: AnyObject {
    var context: ODEContext { get }
    /// Current state (at the start of the next step).
    var y: UnsafeMutablePointer<Double> { get }
    /// Trial state after `attempt`.
    var yNew: UnsafeMutablePointer<Double> { get }
    /// `f(t, y)` at the current state (valid after `start`, used by the initial step guess).
    var f0: UnsafeMutablePointer<Double> { get }
    /// Order `q` of the embedded error estimate (step-size exponent `1/(q+1)`); 0 for
    /// fixed-step methods.
    var errorOrder: Int { get }
    /// Kind of dense interpolant this method produces.
    var denseKind: DenseKind { get }
    /// Evaluates `f0 = f(t, y)` for the initial state. Returns false if it is not finite.
    func start(t: Double) -> Bool
    /// Attempts a step of size `h` (signed) from `(t, y)`; writes `yNew` and returns the
    /// error norm (≤ 1: acceptable; NaN/∞: failure), 0 for fixed-step methods.
    func attempt(t: Double, h: Double) -> Double
    /// Writes the dense-output coefficients (`denseKind.vectors × n`) of the last attempted
    /// step into `c` (may evaluate `f`, e.g. DOP853's extra stages).
    func buildDense(into c: UnsafeMutablePointer<Double>)
    /// Accepts the last attempted step: `y ← yNew` (and method state such as FSAL).
    func accept()
}

@inline(__always)
func allFinite(_ p: UnsafeMutablePointer<Double>, _ n: Int) -> Bool {
    for i in 0..<n where !p[i].isFinite { return false }
    return true
}
