#if canImport(Glibc)
import Glibc
#endif
import Compute

// weave-bench ode run PROBLEM METHOD REPS
//   PROBLEM: pursuit | lorenz | lorenz20          (see Benchmarks/ode/ode_bench.py)
//   METHOD:  dp5 | dp5-array | dp5-i | dop853 | dop853-array
//     dp5        Dormand–Prince 5(4), PI controller (beta2 = 0.04), in-place vector field
//     dp5-array  the same with a `(t, y) -> [Double]` vector field (allocates per call)
//     dp5-i      Dormand–Prince 5(4) with scipy's controller (no PI memory)
//     dop853     DOP853, in-place vector field
//     dop853-array  DOP853 with a `(t, y) -> [Double]` vector field
//   Any method name + "-nosave" (e.g. dp5-nosave): the same without saving every step.
// Prints: problem method median_ms min_ms nfev accepted rejected result
// (the format of ode_bench.py). rtol = 1e-8, atol = 1e-10, no dense output (like
// solve_ivp's default), every step saved (like solve_ivp).
//
// weave-bench ode stiff: Van der Pol (mu = 1000) and Robertson with RODAS4 vs DOPRI5
// (step counts only; not timed against scipy).

private let lorenz20Reference = [13.793199599, 12.951803941, 34.901608685]

private func monotonicMs() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) * 1e3 + Double(ts.tv_nsec) * 1e-6
}

private func pursuitProblem(array: Bool) -> ODEProblem {
    if array {
        return ODEProblem(f: { t, y in
            let dx = 0 - y[0], dy = t - y[1]
            let d = (dx * dx + dy * dy).squareRoot()
            return [2 * dx / d, 2 * dy / d]
        }, y0: [1, 0], tspan: (0, 1))
    }
    return ODEProblem(inPlace: { t, y, dydt in
        let dx = 0 - y[0], dy = t - y[1]
        let d = (dx * dx + dy * dy).squareRoot()
        dydt[0] = 2 * dx / d
        dydt[1] = 2 * dy / d
    }, y0: [1, 0], tspan: (0, 1))
}

private func lorenzProblem(tEnd: Double, array: Bool) -> ODEProblem {
    if array {
        return ODEProblem(f: { _, y in
            [10 * (y[1] - y[0]), y[0] * (28 - y[2]) - y[1], y[0] * y[1] - 8.0 / 3.0 * y[2]]
        }, y0: [1, 1, 1], tspan: (0, tEnd))
    }
    return ODEProblem(inPlace: { _, y, dy in
        dy[0] = 10 * (y[1] - y[0])
        dy[1] = y[0] * (28 - y[2]) - y[1]
        dy[2] = y[0] * y[1] - 8.0 / 3.0 * y[2]
    }, y0: [1, 1, 1], tspan: (0, tEnd))
}

private func runOnce(problem: String, method: String) -> ODESolution {
    let array = method.hasSuffix("-array")
    let save = !method.hasSuffix("-nosave")
    let m: ODEMethod
    switch method.replacing("-nosave", with: "") {
    case "dp5", "dp5-array": m = .dormandPrince5
    case "dp5-i": m = .dormandPrince5(controller: .integral)
    case "dop853", "dop853-array": m = .dop853
    default:
        print("weave-bench ode: unknown method '\(method)'")
        exit(2)
    }
    switch problem {
    case "pursuit":
        let capture = ODEEvent(name: "capture", terminal: true) { t, y in
            let dx = 0 - y[0], dy = t - y[1]
            return (dx * dx + dy * dy).squareRoot() - 1e-6
        }
        return solve(pursuitProblem(array: array), m,
                     options: ODEOptions(rtol: 1e-8, atol: 1e-10, saveEveryStep: save, dense: false, events: [capture]))
    case "lorenz", "lorenz20":
        let tEnd = problem == "lorenz" ? 100.0 : 20.0
        return solve(lorenzProblem(tEnd: tEnd, array: array), m,
                     options: ODEOptions(rtol: 1e-8, atol: 1e-10, saveEveryStep: save, dense: false, maxSteps: 10_000_000))
    default:
        print("weave-bench ode: unknown problem '\(problem)'")
        exit(2)
    }
}

private func cString(_ buf: [CChar]) -> String {
    String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

private func fmt(_ x: Double, _ digits: Int) -> String {
    var buf = [CChar](repeating: 0, count: 64)
    _ = withVaList([x]) { vsnprintf(&buf, 64, "%.\(digits)f", $0) }
    return cString(buf)
}

private func fmtE(_ x: Double) -> String {
    var buf = [CChar](repeating: 0, count: 64)
    _ = withVaList([x]) { vsnprintf(&buf, 64, "%.2e", $0) }
    return cString(buf)
}

private func stiffReport() {
    let mu = 1000.0
    let vdp = ODEProblem(inPlace: { _, y, dy in
        dy[0] = y[1]
        dy[1] = mu * (1 - y[0] * y[0]) * y[1] - y[0]
    }, y0: [2, 0], tspan: (0, 3000))
    let opts = ODEOptions(rtol: 1e-6, atol: 1e-6, dense: false, maxSteps: 10_000_000)
    for (name, m) in [("rodas4", ODEMethod.rodas4), ("dp5", ODEMethod.dormandPrince5)] {
        let t0 = monotonicMs()
        let s = solve(vdp, m, options: opts)
        let ms = monotonicMs() - t0
        print("vdp1000 \(name) \(s.retcode) ms=\(fmt(ms, 1)) \(s.stats) y(3000)=\(s.yFinal)")
    }
    let rober = ODEProblem(inPlace: { _, y, dy in
        dy[0] = -0.04 * y[0] + 1e4 * y[1] * y[2]
        dy[1] = 0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] * y[1]
        dy[2] = 3e7 * y[1] * y[1]
    }, y0: [1, 0, 0], tspan: (0, 1e5))
    for (name, m) in [("rodas4", ODEMethod.rodas4), ("dp5", ODEMethod.dormandPrince5)] {
        // Dormand–Prince would need ~1e8 steps here: stop it after 1e6.
        let ropts = ODEOptions(rtol: 1e-6, atol: 1e-10, dense: false, maxSteps: 1_000_000)
        let t0 = monotonicMs()
        let s = solve(rober, m, options: ropts)
        let ms = monotonicMs() - t0
        print("robertson \(name) \(s.retcode) ms=\(fmt(ms, 1)) \(s.stats) y(1e5)=\(s.yFinal)")
    }
}

/// Entry point of `weave-bench ode`.
func odeBench(_ args: [String]) {
    if args.first == "stiff" {
        stiffReport()
        return
    }
    guard args.count == 4, args[0] == "run", let reps = Int(args[3]), reps > 0 else {
        print("usage: weave-bench ode run pursuit|lorenz|lorenz20 dp5|dp5-array|dp5-i|dop853|dop853-array REPS")
        print("       weave-bench ode stiff")
        exit(2)
    }
    let problem = args[1], method = args[2]
    var times: [Double] = []
    var sol: ODESolution? = nil
    for _ in 0..<reps {
        let t0 = monotonicMs()
        sol = runOnce(problem: problem, method: method)
        times.append(monotonicMs() - t0)
    }
    times.sort()
    let median = times.count % 2 == 1 ? times[times.count / 2]
        : 0.5 * (times[times.count / 2 - 1] + times[times.count / 2])
    let s = sol!
    let result: String
    switch problem {
    case "pursuit":
        result = "t_cap=" + fmt(s.events.last?.t ?? .nan, 12)
    case "lorenz":
        result = "y100=(\(fmt(s.yFinal[0], 6)),\(fmt(s.yFinal[1], 6)),\(fmt(s.yFinal[2], 6)))"
    default:
        let err = (0..<3).map { abs(s.yFinal[$0] - lorenz20Reference[$0]) }.max()!
        result = "err20=" + fmtE(err)
    }
    print("\(problem) \(method) \(fmt(median, 4)) \(fmt(times[0], 4)) \(s.stats.nfev) \(s.stats.accepted) \(s.stats.rejected) \(result)")
}
