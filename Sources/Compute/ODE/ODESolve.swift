// `solve`: one driver for all methods — step-size control, events, saving, dense output.

#if canImport(Glibc)
import Glibc
#endif

/// Integrates `problem` with `method` and `options` and returns the solution with a return
/// code and statistics (DifferentialEquations.jl's `solve(prob, alg; kwargs…)`, scipy's
/// `solve_ivp`).
///
/// Adaptive methods choose the first step with Hairer's/scipy's `select_initial_step`
/// (unless `options.dt0`), accept a step when the RMS error norm is ≤ 1, and adapt `h` with
/// the method's `StepSizeController`. Fixed-step methods take `⌈|Δt|/dt⌉` steps (the last one
/// shortened to end exactly at `tspan.1`).
///
/// Failures are return codes: `.maxSteps`, `.stepSizeTooSmall` (e.g. finite-time blow-up),
/// `.nonFinite` (NaN/∞ in the state or `f`). Misuse (wrong sizes, `saveat` outside `tspan`,
/// bad tolerances) is a precondition failure.
///
/// Complexity: per step, the method's evaluations of `f` plus O(stages·n) arithmetic (and for
/// `.rodas4` one Jacobian, one O(n³) LU and six O(n²) solves); no allocation per step unless
/// events are present (one small array per step for the event functions).
///
/// - Parameters:
///   - problem: vector field, initial state and interval.
///   - method: `.dormandPrince5` (default), `.dop853`, `.rodas4`, `.rk4(dt:)`, `.euler(dt:)`.
///   - options: tolerances, `saveat`, `dense`, `events`, `maxSteps`, step limits.
public func solve(_ problem: ODEProblem, _ method: ODEMethod = .dormandPrince5,
                  options: ODEOptions = ODEOptions()) -> ODESolution {
    let context = ODEContext(problem: problem, options: options)
    switch method.kind {
    case .euler:
        return integrate(FixedStepper(context: context, y0: problem.y0, rk4: false), problem, method, options)
    case .rk4:
        return integrate(FixedStepper(context: context, y0: problem.y0, rk4: true), problem, method, options)
    case .dormandPrince5:
        return integrate(DormandPrince5Stepper(context: context, y0: problem.y0), problem, method, options)
    case .dop853:
        return integrate(DOP853Stepper(context: context, y0: problem.y0), problem, method, options)
    case .rodas4:
        return integrate(Rodas4Stepper(context: context, y0: problem.y0), problem, method, options)
    }
}

extension ODEProblem {
    /// Same as `solve(self, method, options:)`.
    public func solve(_ method: ODEMethod = .dormandPrince5, options: ODEOptions = ODEOptions()) -> ODESolution {
        Compute.solve(self, method, options: options)
    }
}

/// scipy's `select_initial_step` (Hairer, Nørsett & Wanner I, §II.4, "automatic step size
/// selection"): `h0 = 0.01·‖y0‖/‖f0‖`, one explicit Euler probe for the second derivative,
/// `h1 = (0.01 / max(‖f0‖, ‖f'‖))^(1/(q+1))`, result `min(100·h0, h1, |Δt|, dtMax)`.
private func initialStep<S: ODEStepper>(_ s: S, t0: Double, tEnd: Double, dtMax: Double) -> Double {
    let ctx = s.context
    let n = ctx.n
    let interval = abs(tEnd - t0)
    if interval == 0 { return 0 }
    let dir: Double = tEnd >= t0 ? 1 : -1
    var d0 = 0.0, d1 = 0.0
    for i in 0..<n {
        let sc = ctx.atol.p[i] + abs(s.y[i]) * ctx.rtol.p[i]
        d0 += (s.y[i] / sc) * (s.y[i] / sc)
        d1 += (s.f0[i] / sc) * (s.f0[i] / sc)
    }
    d0 = (d0 / Double(n)).squareRoot()
    d1 = (d1 / Double(n)).squareRoot()
    var h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1
    h0 = Swift.min(h0, interval)
    let y1 = DoubleBuffer(n), f1 = DoubleBuffer(n)
    for i in 0..<n { y1.p[i] = s.y[i] + h0 * dir * s.f0[i] }
    ctx.eval(t0 + h0 * dir, y1.p, f1.p)
    var d2 = 0.0
    for i in 0..<n {
        let sc = ctx.atol.p[i] + abs(s.y[i]) * ctx.rtol.p[i]
        let r = (f1.p[i] - s.f0[i]) / sc
        d2 += r * r
    }
    d2 = (d2 / Double(n)).squareRoot() / h0
    let q = Double(Swift.max(s.errorOrder, 1))
    let h1: Double
    if d1 <= 1e-15 && d2 <= 1e-15 {
        h1 = Swift.max(1e-6, h0 * 1e-3)
    } else {
        h1 = pow(0.01 / Swift.max(d1, d2), 1 / (q + 1))
    }
    let h = Swift.min(100 * h0, h1, interval, dtMax)
    return h.isFinite && h > 0 ? h : Swift.min(h0, dtMax)
}

private func integrate<S: ODEStepper>(_ s: S, _ problem: ODEProblem, _ method: ODEMethod,
                                      _ options: ODEOptions) -> ODESolution {
    let ctx = s.context
    let n = ctx.n
    let t0 = problem.tspan.0, tEnd = problem.tspan.1
    let dir: Double = tEnd >= t0 ? 1 : -1
    let lo = Swift.min(t0, tEnd), hi = Swift.max(t0, tEnd)

    // Output configuration.
    var saveat = options.saveat.sorted()
    if dir < 0 { saveat.reverse() }
    for ts in saveat {
        precondition(ts >= lo && ts <= hi, "solve: saveat time \(ts) lies outside tspan [\(lo), \(hi)]")
    }
    let useSaveat = !saveat.isEmpty
    let saveSteps = !useSaveat && options.saveEveryStep
    let storeDense = options.dense ?? !useSaveat
    let kind = s.denseKind
    let m = kind.vectors * n

    var ts: [Double] = []
    var ys: [Double] = []
    var denseStart: [Double] = [], denseStep: [Double] = [], denseCoef: [Double] = []
    var records: [ODEEventRecord] = []
    let coef = DoubleBuffer(m)
    let yInterp = DoubleBuffer(n)

    var t = t0
    var h = 0.0
    var retcode = ODEReturnCode.success
    var tFinal = t0
    var yFinal = problem.y0

    func finish() -> ODESolution {
        ODESolution(t: ts, y: ODEStates(storage: ys, dimension: n), retcode: retcode, stats: ctx.stats,
                    events: records, method: method, tStart: t0, tFinal: tFinal, yFinal: yFinal,
                    denseKind: storeDense ? kind : nil, denseStart: denseStart, denseStep: denseStep,
                    denseCoefficients: denseCoef)
    }
    func snapshot(_ p: UnsafeMutablePointer<Double>) -> [Double] {
        Array(UnsafeBufferPointer(start: p, count: n))
    }
    /// Dense output of the current (accepted, not yet committed) step at time `tau`.
    func interpolate(_ tau: Double) {
        let theta = h == 0 ? 0 : (tau - t) / h
        kind.evaluate(coef.p, n: n, theta: theta, into: yInterp.p)
    }

    // Initial state.
    let events = options.events
    guard problem.y0.allSatisfy({ $0.isFinite }), s.start(t: t0) else {
        retcode = .nonFinite
        return finish()
    }
    var gOld = events.map { $0.condition(t0, problem.y0) }
    var gNew = gOld
    ctx.stats.nevents += events.count
    if saveSteps {
        ts.append(t0)
        ys.append(contentsOf: problem.y0)
    }
    var nextSave = 0
    while nextSave < saveat.count && saveat[nextSave] == t0 {
        ts.append(t0)
        ys.append(contentsOf: problem.y0)
        nextSave += 1
    }
    if t0 == tEnd { return finish() }

    // Step-size state.
    let adaptive = method.isAdaptive
    let ctrl = method.controller
    let q = Double(s.errorOrder)
    let beta1 = ctrl.beta1 ?? (1 / (q + 1) - 0.75 * ctrl.beta2)
    let beta2 = ctrl.beta2
    var hAbs: Double
    var fixedCount = 0, fixedIndex = 0
    let fixedDt = method.dt ?? 0
    if adaptive {
        hAbs = options.dt0 ?? initialStep(s, t0: t0, tEnd: tEnd, dtMax: options.dtMax)
    } else {
        hAbs = fixedDt
        fixedCount = Swift.max(1, Int((abs(tEnd - t0) / fixedDt - 1e-9).rounded(.up)))
    }
    var errPrev = 1e-4
    var attempts = 0

    stepping: while t != tEnd {
        var tNew: Double
        var hNextAbs = hAbs
        if adaptive {
            var rejectedThisStep = false
            var lastWasNonFinite = false
            while true {
                let minStep = Swift.max(options.dtMin, 10 * t.ulp)
                if hAbs > options.dtMax { hAbs = options.dtMax }
                if hAbs < minStep {
                    if rejectedThisStep {
                        retcode = lastWasNonFinite ? .nonFinite : .stepSizeTooSmall
                        break stepping
                    }
                    hAbs = minStep
                }
                if attempts >= options.maxSteps {
                    retcode = .maxSteps
                    break stepping
                }
                tNew = t + dir * hAbs
                if dir * (tNew - tEnd) > 0 { tNew = tEnd }
                h = tNew - t
                hAbs = abs(h)
                let err = s.attempt(t: t, h: h)
                attempts += 1
                if err.isFinite && err <= 1 && allFinite(s.yNew, n) {
                    var factor: Double
                    if err == 0 {
                        factor = ctrl.maxFactor
                    } else {
                        factor = ctrl.safety * pow(err, -beta1) * (beta2 == 0 ? 1 : pow(errPrev, beta2))
                        factor = Swift.min(ctrl.maxFactor, Swift.max(ctrl.minFactor, factor))
                    }
                    if rejectedThisStep { factor = Swift.min(1, factor) }
                    errPrev = Swift.max(err, 1e-4)
                    hNextAbs = hAbs * factor
                    ctx.stats.accepted += 1
                    break
                }
                lastWasNonFinite = !(err.isFinite && allFinite(s.yNew, n))
                let factor = lastWasNonFinite ? ctrl.minFactor : Swift.max(ctrl.minFactor, ctrl.safety * pow(err, -beta1))
                hAbs *= factor
                ctx.stats.rejected += 1
                rejectedThisStep = true
            }
        } else {
            if attempts >= options.maxSteps {
                retcode = .maxSteps
                break stepping
            }
            fixedIndex += 1
            tNew = fixedIndex >= fixedCount ? tEnd : t0 + dir * Double(fixedIndex) * fixedDt
            h = tNew - t
            let err = s.attempt(t: t, h: h)
            attempts += 1
            if err != 0 {
                retcode = .nonFinite
                break stepping
            }
            ctx.stats.accepted += 1
        }

        // The step [t, tNew] is accepted; the stepper still holds y (start) and yNew.
        var denseBuilt = false
        func ensureDense() {
            if !denseBuilt {
                s.buildDense(into: coef.p)
                denseBuilt = true
            }
        }
        var tStop = tNew
        var terminalHit = false
        var yStop: [Double] = []

        if !events.isEmpty {
            let yNewArray = snapshot(s.yNew)
            var found: [(t: Double, index: Int)] = []
            for (i, ev) in events.enumerated() {
                let g1 = ev.condition(tNew, yNewArray)
                ctx.stats.nevents += 1
                gNew[i] = g1
                let g0 = gOld[i]
                let rising = g0 < 0 && g1 >= 0
                let falling = g0 > 0 && g1 <= 0
                let hit: Bool
                switch ev.direction {
                case .any: hit = rising || falling
                case .rising: hit = rising
                case .falling: hit = falling
                }
                guard hit else { continue }
                ensureDense()
                let tStart = t
                let root = brentRoot({ tau in
                    interpolate(tau)
                    ctx.stats.nevents += 1
                    return ev.condition(tau, snapshot(yInterp.p))
                }, tStart, tNew, fa: g0, fb: g1, xtol: 4 * Double.ulpOfOne)
                found.append((root, i))
            }
            found.sort { dir * $0.t < dir * $1.t }
            for (root, i) in found {
                let yr: [Double]
                if root == tNew {
                    yr = yNewArray
                } else {
                    interpolate(root)
                    yr = snapshot(yInterp.p)
                }
                records.append(ODEEventRecord(index: i, name: events[i].name, t: root, y: yr,
                                              terminal: events[i].terminal))
                if events[i].terminal {
                    tStop = root
                    yStop = yr
                    terminalHit = true
                    break
                }
            }
            swap(&gOld, &gNew)
        }

        while nextSave < saveat.count && dir * (saveat[nextSave] - tStop) <= 0 {
            let tau = saveat[nextSave]
            ts.append(tau)
            if tau == tNew {
                ys.append(contentsOf: UnsafeBufferPointer(start: s.yNew, count: n))
            } else {
                ensureDense()
                interpolate(tau)
                ys.append(contentsOf: UnsafeBufferPointer(start: yInterp.p, count: n))
            }
            nextSave += 1
        }
        if saveSteps {
            ts.append(tStop)
            if terminalHit {
                ys.append(contentsOf: yStop)
            } else {
                ys.append(contentsOf: UnsafeBufferPointer(start: s.yNew, count: n))
            }
        }
        if storeDense {
            ensureDense()
            denseStart.append(t)
            denseStep.append(h)
            denseCoef.append(contentsOf: UnsafeBufferPointer(start: coef.p, count: m))
        }
        if terminalHit {
            retcode = .terminated
            tFinal = tStop
            yFinal = yStop
            return finish()
        }
        s.accept()
        t = tNew
        hAbs = hNextAbs
    }
    tFinal = t
    yFinal = snapshot(s.y)
    return finish()
}
