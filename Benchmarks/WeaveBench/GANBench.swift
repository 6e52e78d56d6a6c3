#if canImport(Glibc)
import Glibc
#endif
import Compute

// weave-bench gan train SCHEME N REPS
//   Vanilla (non-saturating) Dirac GAN, k = 2, from (0.1, 0.2, 0.2, 0.1), step 0.1,
//   N iterations of SCHEME (simultaneous | alternating | extragradient | optimistic) with a
//   bias-corrected EMA (β = 0.999) of every iterate, saving every 1000th state, no
//   divergence stop (simultaneous steps spiral out; numpy does not stop either).
//   Prints: train SCHEME N median_ms min_ms ns_per_iteration y0 y1 y2 y3 ema2 ema3
// weave-bench gan flow T REPS
//   The same GAN's gradient flow on [0, T], DOP853, rtol = 1e-10, atol = 1e-12, sampled every
//   0.1 (saveat), no dense output.
//   Prints: flow T median_ms min_ms nfev y0 y1 y2 y3
// (the formats of Benchmarks/gan/gan_bench.py, the numpy/scipy side).

private let start: [Double] = [0.1, 0.2, 0.2, 0.1]

private func nowMs() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) * 1e3 + Double(ts.tv_nsec) * 1e-6
}

private func fmt(_ x: Double) -> String {
    var buf = [CChar](repeating: 0, count: 64)
    _ = withVaList([x]) { vsnprintf(&buf, 64, "%.15e", $0) }
    return String(cString: buf)
}

private func fmtMs(_ x: Double) -> String {
    var buf = [CChar](repeating: 0, count: 64)
    _ = withVaList([x]) { vsnprintf(&buf, 64, "%.4f", $0) }
    return String(cString: buf)
}

private func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func ganBench(_ args: [String]) {
    guard args.count == 4 || args.count == 3 else {
        print("usage: weave-bench gan train SCHEME N REPS | weave-bench gan flow T REPS")
        exit(2)
    }
    let gan = DiracGAN(.vanilla)
    switch args[0] {
    case "train":
        guard args.count == 4, let scheme = UpdateScheme(rawValue: args[1]), let n = Int(args[2]), let reps = Int(args[3]),
              n > 0, reps > 0 else {
            print("weave-bench gan train: SCHEME N REPS (scheme: simultaneous|alternating|extragradient|optimistic)")
            exit(2)
        }
        var times: [Double] = []
        var last: TrainingRun? = nil
        for _ in 0..<(reps + 1) {   // one warm-up
            let t0 = nowMs()
            var t = GANTraining(gan.field, scheme: scheme, stepSize: 0.1, start: start)
            let run = t.run(iterations: n, saveEvery: 1000, emaDecay: 0.999, divergenceBound: .infinity)
            let dt = nowMs() - t0
            if last != nil { times.append(dt) }
            last = run
        }
        let run = last!
        let med = median(times)
        let y = run.finalState, e = run.finalAverage!
        print("train \(scheme) \(n) \(fmtMs(med)) \(fmtMs(times.min()!)) \(fmtMs(med * 1e6 / Double(n))) "
              + ([y[0], y[1], y[2], y[3], e[2], e[3]].map(fmt).joined(separator: " ")))
    case "flow":
        guard args.count == 3, let tEnd = Double(args[1]), let reps = Int(args[2]), tEnd > 0, reps > 0 else {
            print("weave-bench gan flow: T REPS")
            exit(2)
        }
        let grid = stride(from: 0.0, through: tEnd, by: 0.1).map { $0 }
        var times: [Double] = []
        var last: ODESolution? = nil
        for _ in 0..<(reps + 1) {
            let t0 = nowMs()
            let sol = solve(gan.flowProblem(from: start, tspan: (0, tEnd)), .dop853,
                            options: ODEOptions(rtol: 1e-10, atol: 1e-12, saveat: grid, dense: false, maxSteps: 10_000_000))
            let dt = nowMs() - t0
            if last != nil { times.append(dt) }
            last = sol
        }
        let sol = last!
        print("flow \(args[1]) \(fmtMs(median(times))) \(fmtMs(times.min()!)) \(sol.stats.nfev) "
              + sol.yFinal.map(fmt).joined(separator: " "))
    default:
        print("weave-bench gan: unknown mode '\(args[0])'; expected train or flow")
        exit(2)
    }
}
