import Testing
@testable import Compute
#if canImport(Glibc)
import Glibc
#endif

// Reference values from scipy.integrate.solve_ivp (scipy 1.17.1), produced by
//   python3 Tests/ComputeTests/ODE/reference/solve_ivp_refs.py
// (output pasted below, block by block).

private let lorenz = ODEProblem(inPlace: { _, y, dy in
    dy[0] = 10 * (y[1] - y[0])
    dy[1] = y[0] * (28 - y[2]) - y[1]
    dy[2] = y[0] * y[1] - 8.0 / 3.0 * y[2]
}, y0: [1, 1, 1], tspan: (0, 2))

/// Pursuit in the benchmark's frame: target (0, t), pursuer from (1, 0) at speed 2.
private let chase = ODEProblem(f: { t, y in
    let dx = 0 - y[0], dy = t - y[1]
    let d = (dx * dx + dy * dy).squareRoot()
    return [2 * dx / d, 2 * dy / d]
}, y0: [1, 0], tspan: (0, 1))
private let capture = ODEEvent(terminal: true) { t, y in
    let dx = 0 - y[0], dy = t - y[1]
    return (dx * dx + dy * dy).squareRoot() - 1e-6
}

private func relErr(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).map { abs($0 - $1) / max(abs($1), 1e-300) }.max()!
}

@Test func rk45StepSequenceMatchesScipyOnLorenz() {
    // scipy RK45, rtol 1e-6, atol 1e-9, t in [0, 2]:
    //   nfev 488 accepted 78 y(2) [-8.1735269300705848, -9.5620294393318606, 24.620767724689124]
    //   dense(1.2345) [-7.1087416755740822, -7.1244027264622503, 25.324568994226173]
    let sol = solve(lorenz, .dormandPrince5(controller: .integral), options: ODEOptions(rtol: 1e-6, atol: 1e-9))
    #expect(sol.stats.nfev == 488)
    #expect(sol.stats.accepted == 78)
    #expect(relErr(sol.yFinal, [-8.1735269300705848, -9.5620294393318606, 24.620767724689124]) < 1e-11)
    // scipy's RK45 interpolant (Shampine's P matrix) is the same quartic as Hairer's CONTD5.
    #expect(relErr(sol(1.2345), [-7.1087416755740822, -7.1244027264622503, 25.324568994226173]) < 1e-11)
}

@Test func dop853StepSequenceMatchesScipyOnLorenz() {
    // scipy DOP853, rtol 1e-6, atol 1e-9, t in [0, 2]:
    //   nfev 491 accepted 27 y(2) [-8.1734960685999614, -9.5620245342245482, 24.620688186047452]
    //   dense(1.2345) [-7.1087174066496033, -7.1243735545172404, 25.324543341098366]
    // (scipy's nfev includes 3 evaluations per step for the dense output: 491 = 410 + 3·27.)
    let sol = solve(lorenz, .dop853, options: ODEOptions(rtol: 1e-6, atol: 1e-9, dense: false))
    #expect(sol.stats.nfev == 410)
    #expect(sol.stats.accepted == 27)
    #expect(relErr(sol.yFinal, [-8.1734960685999614, -9.5620245342245482, 24.620688186047452]) < 1e-11)
    let dense = solve(lorenz, .dop853, options: ODEOptions(rtol: 1e-6, atol: 1e-9))
    #expect(relErr(dense(1.2345), [-7.1087174066496033, -7.1243735545172404, 25.324543341098366]) < 1e-11)
    // Building the dense output costs 3 extra evaluations per step.
    #expect(dense.stats.nfev == 491)
}

@Test func pursuitEventMatchesScipy() {
    // scipy, rtol 1e-8, atol 1e-10, terminal capture event:
    //   RK45   nfev 698 accepted 97 t_event 0.6666656660694843  y_event [2.8936004494741284e-12, 0.66666466606948438]
    //   DOP853 nfev 713 accepted 31 t_event 0.66666566666519433 y_event [3.9973700910707497e-12, 0.66666466666519431]
    let opts = ODEOptions(rtol: 1e-8, atol: 1e-10, dense: false, events: [capture])
    let rk = solve(chase, .dormandPrince5(controller: .integral), options: opts)
    #expect(rk.retcode == .terminated)
    #expect(rk.stats.nfev == 698)
    #expect(rk.stats.accepted == 97)
    #expect(abs(rk.tFinal - 0.6666656660694843) < 1e-13)
    #expect(abs(rk.yFinal[1] - 0.66666466606948438) < 1e-13)
    let d8 = solve(chase, .dop853, options: opts)
    #expect(d8.stats.nfev == 713)   // 2 + 12·(31 + 28) + 3 for the dense output at the event
    #expect(d8.stats.accepted == 31)
    #expect(d8.stats.rejected == 28)
    #expect(abs(d8.tFinal - 0.66666566666519433) < 1e-13)
    // Our default PI controller: about as many evaluations (±15 %).
    let pi = solve(chase, .dormandPrince5, options: opts)
    #expect(abs(Double(pi.stats.nfev) / 698 - 1) < 0.15)
    #expect(abs(pi.tFinal - (2.0 / 3.0 - 1e-6)) < 1e-8)
}

@Test func lorenzAtTwentyAgainstTightReference() {
    // scipy DOP853 rtol = atol = 1e-13: y(20) = [13.793199599260614, 12.95180394224456, 34.901608685095312]
    // (differs from the rtol 1e-12 run by 9.3e-8: the reference is good to ~1e-7).
    let ref = [13.793199599260614, 12.95180394224456, 34.901608685095312]
    let p = lorenz.remake(tspan: (0, 20))
    let sol = solve(p, .dop853, options: ODEOptions(rtol: 1e-13, atol: 1e-13, dense: false))
    let err = (0..<3).map { abs(sol.yFinal[$0] - ref[$0]) }.max()!
    #expect(err < 1e-6, "err \(err)")
    // PERF-ANCHORS: at rtol 1e-8 scipy's DOP853 has max|err| = 2.29e-3 with nfev 7058.
    let loose = solve(p, .dop853, options: ODEOptions(rtol: 1e-8, atol: 1e-10, dense: false))
    #expect(loose.stats.nfev == 7058)
    let errLoose = (0..<3).map { abs(loose.yFinal[$0] - ref[$0]) }.max()!
    #expect(abs(errLoose - 2.29e-3) < 0.01e-3)
}

private let mu = 1000.0
private let vanDerPol = ODEProblem(inPlace: { _, y, dy in
    dy[0] = y[1]
    dy[1] = mu * (1 - y[0] * y[0]) * y[1] - y[0]
}, y0: [2, 0], tspan: (0, 3000))

@Test func stiffVanDerPolRodas4VersusDormandPrince() {
    // scipy Radau rtol = atol = 1e-10: y(3000) = [-1.5106069367840294, 0.0011783800006491254]
    // (LSODA agrees to 5.2e-8). Radau at rtol 1e-6 takes 919 steps (nfev 7702).
    let sol = solve(vanDerPol, .rodas4, options: ODEOptions(rtol: 1e-6, atol: 1e-6, dense: false))
    #expect(sol.retcode == .success)
    #expect(sol.stats.accepted < 1000, "\(sol.stats)")
    #expect(abs(sol.yFinal[0] - -1.5106069367840294) < 1e-4)
    #expect(abs(sol.yFinal[1] - 0.0011783800006491254) < 1e-6)
    #expect(sol.stats.njev == sol.stats.accepted)   // one Jacobian per accepted step (reused after rejections)
    // A few hundred steps at a looser tolerance.
    let loose = solve(vanDerPol, .rodas4, options: ODEOptions(rtol: 1e-4, atol: 1e-4, dense: false))
    #expect(loose.stats.accepted < 400)
    // Dormand–Prince is stability-limited (h ≲ 3/μ on the slow branches): 20 000 steps
    // get nowhere near t = 3000.
    let dp = solve(vanDerPol, .dormandPrince5, options: ODEOptions(rtol: 1e-6, atol: 1e-6, dense: false, maxSteps: 20_000))
    #expect(dp.retcode == .maxSteps)
    #expect(dp.tFinal < 100)
}

@Test func stiffRodas4WithAnalyticJacobian() {
    let withJac = ODEProblem(inPlace: vanDerPol.f, y0: [2, 0], tspan: (0, 3000), jacobian: { _, y, J in
        J[0] = 0
        J[1] = 1
        J[2] = -2 * mu * y[0] * y[1] - 1
        J[3] = mu * (1 - y[0] * y[0])
    })
    let a = solve(withJac, .rodas4, options: ODEOptions(rtol: 1e-6, atol: 1e-6, dense: false))
    let b = solve(vanDerPol, .rodas4, options: ODEOptions(rtol: 1e-6, atol: 1e-6, dense: false))
    #expect(a.retcode == .success)
    // Analytic Jacobian: no evaluations of f for J (7 per step: 6 stages + ∂f/∂t).
    #expect(a.stats.nfev < b.stats.nfev)
    #expect(abs(a.yFinal[0] - -1.5106069367840294) < 1e-4)
}

@Test func robertsonKinetics() {
    // scipy Radau rtol 1e-10, atol 1e-14 (LSODA agrees to 1.8e-10 and 4.5e-11):
    //   y(40)  = [0.71582706871941226, 9.1855347645589874e-06, 0.28416374574582465]
    //   y(1e5) = [0.017865921142253313, 7.274751468500074e-08, 0.98213400611023394]
    //   Radau rtol 1e-6: 78 steps to t = 40, 188 steps to t = 1e5.
    let rober = ODEProblem(f: { _, y in
        [-0.04 * y[0] + 1e4 * y[1] * y[2],
         0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] * y[1],
         3e7 * y[1] * y[1]]
    }, y0: [1, 0, 0], tspan: (0, 1e5))
    let sol = solve(rober, .rodas4, options: ODEOptions(rtol: 1e-8, atol: 1e-14, saveat: [40, 1e5]))
    #expect(sol.retcode == .success)
    let r40 = [0.71582706871941226, 9.1855347645589874e-06, 0.28416374574582465]
    let r1e5 = [0.017865921142253313, 7.274751468500074e-08, 0.98213400611023394]
    #expect(relErr(sol.y[0], r40) < 1e-6)
    #expect(relErr(sol.y[1], r1e5) < 1e-6)
    // Mass conservation y1 + y2 + y3 = 1.
    #expect(abs(sol.yFinal.reduce(0, +) - 1) < 1e-10)
    let coarse = solve(rober, .rodas4, options: ODEOptions(rtol: 1e-6, atol: 1e-10, dense: false))
    #expect(coarse.stats.accepted < 400)
}

@Test func scipyOneLinersReproduceScipysCounts() {
    // The same scipy 1.17.1 runs as above (solve_ivp_refs.py blocks 1(a), 1(b)), through the
    // named settings: RK45 on Lorenz nfev 488; DOP853 dense_output=True nfev 491 (410 without);
    // pursuit with the capture event: RK45 698, DOP853 713.
    let rk = solve(lorenz, .scipyRK45, options: .scipy(rtol: 1e-6, atol: 1e-9, denseOutput: true))
    #expect(rk.stats.nfev == 488 && rk.stats.accepted == 78)
    let dense = solve(lorenz, .scipyDOP853, options: .scipy(rtol: 1e-6, atol: 1e-9, denseOutput: true))
    #expect(dense.stats.nfev == 491 && dense.hasDenseOutput)
    let plain = solve(lorenz, .scipyDOP853, options: .scipy(rtol: 1e-6, atol: 1e-9))
    #expect(plain.stats.nfev == 410 && !plain.hasDenseOutput)
    let ev = ODEOptions.scipy(rtol: 1e-8, atol: 1e-10, events: [capture])
    #expect(solve(chase, .scipyRK45, options: ev).stats.nfev == 698)
    #expect(solve(chase, .scipyDOP853, options: ev).stats.nfev == 713)
    // The library's own default differs: Hairer's PI controller, not scipy's.
    #expect(ODEMethod.dormandPrince5 != ODEMethod.scipyRK45)
}
