import Testing
@testable import Compute
#if canImport(Glibc)
import Glibc
#endif

// Convergence orders, tableau order conditions, and accuracy against closed forms.

/// y' = y·cos t, y(0) = 1  ⇒  y = exp(sin t).
private let expSin = ODEProblem(f: { t, y in [y[0] * cos(t)] }, y0: [1], tspan: (0, 2))

/// Harmonic oscillator y'' = −ω²y, y(0) = 1, y'(0) = 0  ⇒  y = cos ωt, y' = −ω sin ωt.
private func oscillator(omega: Double, tEnd: Double) -> ODEProblem {
    ODEProblem(inPlace: { _, y, dy in
        dy[0] = y[1]
        dy[1] = -omega * omega * y[0]
    }, y0: [1, 0], tspan: (0, tEnd))
}

/// Kepler problem, eccentricity e, period 2π: q0 = (1−e, 0), p0 = (0, sqrt((1+e)/(1−e))).
private func kepler(e: Double) -> ODEProblem {
    ODEProblem(inPlace: { _, u, du in
        let r2 = u[0] * u[0] + u[1] * u[1]
        let r3 = r2 * r2.squareRoot()
        du[0] = u[2]
        du[1] = u[3]
        du[2] = -u[0] / r3
        du[3] = -u[1] / r3
    }, y0: [1 - e, 0, 0, ((1 + e) / (1 - e)).squareRoot()], tspan: (0, 2 * Double.pi))
}

private func fixedStepError(_ method: (Double) -> ODEMethod, dt: Double) -> Double {
    let sol = solve(expSin, method(dt))
    #expect(sol.retcode == .success)
    return abs(sol.yFinal[0] - exp(sin(2.0)))
}

@Test func eulerConvergesWithOrderOne() {
    // Halving the step halves the error: ratios → 2.
    let dts = [0.02, 0.01, 0.005, 0.0025]
    let errs = dts.map { fixedStepError({ .euler(dt: $0) }, dt: $0) }
    for i in 1..<errs.count {
        let ratio = errs[i - 1] / errs[i]
        #expect(ratio > 1.9 && ratio < 2.1, "Euler error ratio \(ratio) at dt = \(dts[i])")
    }
}

@Test func rk4ConvergesWithOrderFour() {
    // Halving the step divides the error by 16.
    let dts = [0.2, 0.1, 0.05, 0.025]
    let errs = dts.map { fixedStepError({ .rk4(dt: $0) }, dt: $0) }
    for i in 1..<errs.count {
        let ratio = errs[i - 1] / errs[i]
        #expect(ratio > 15 && ratio < 17.5, "RK4 error ratio \(ratio) at dt = \(dts[i])")
    }
    // Step counts: ⌈2/dt⌉ steps, 4 evaluations each plus the initial one.
    let sol = solve(expSin, .rk4(dt: 0.1))
    #expect(sol.stats.accepted == 20)
    #expect(sol.stats.nfev == 4 * 20 + 1)
    #expect(sol.t.count == 21)
}

@Test func fixedStepLastStepIsShortened() {
    // 2 / 0.3 is not an integer: 7 steps, the last one ends exactly at t = 2.
    let sol = solve(expSin, .rk4(dt: 0.3))
    #expect(sol.stats.accepted == 7)
    #expect(sol.t.last == 2)
    #expect(abs(sol.t[6] - 1.8) < 1e-15)
}

/// Checks Σ bᵢ cᵢ^(k−1) = 1/k (k ≤ p), Σ bᵢ aᵢⱼ cⱼ^(k−1) = 1/(k(k+1)) (k ≤ p−1) and the
/// row sums cᵢ = Σⱼ aᵢⱼ; returns the largest defect.
private func orderDefect(c: [Double], a: [[Double]], b: [Double], order p: Int) -> Double {
    var worst = 0.0
    let s = b.count
    func aij(_ i: Int, _ j: Int) -> Double { j < a[i].count ? a[i][j] : 0 }
    for i in 0..<s {
        let rowSum = (0..<s).reduce(0.0) { $0 + aij(i, $1) }
        if i > 0 { worst = max(worst, abs(rowSum - c[i])) }
    }
    for k in 1...p {
        let v = (0..<s).reduce(0.0) { $0 + b[$1] * pow(c[$1], Double(k - 1)) }
        worst = max(worst, abs(v - 1 / Double(k)))
    }
    for k in 1..<p {
        var v = 0.0
        for i in 0..<s { for j in 0..<s { v += b[i] * aij(i, j) * pow(c[j], Double(k - 1)) } }
        worst = max(worst, abs(v - 1 / Double(k * (k + 1))))
    }
    return worst
}

@Test func dormandPrinceTableauSatisfiesOrderConditions() {
    let t = DOPRI5.tableau
    let a = t.rows.map { row -> [Double] in
        var r = [Double](repeating: 0, count: 7)
        for (j, v) in row { r[j] = v }
        return r
    }
    #expect(orderDefect(c: t.c, a: a, b: DOPRI5.b, order: 5) < 1e-14)
    #expect(orderDefect(c: t.c, a: a, b: DOPRI5.bHat, order: 4) < 1e-14)
    // The error weights are b − b̂.
    for i in 0..<7 { #expect(abs(DOPRI5.e[i] - (DOPRI5.b[i] - DOPRI5.bHat[i])) < 1e-16) }
}

@Test func dop853TableauSatisfiesOrderConditions() {
    let c = Array(DOP853C.c[0..<12])
    let a = (0..<12).map { Array(DOP853C.a[$0][0..<12]) }
    #expect(orderDefect(c: c, a: a, b: DOP853C.b, order: 8) < 1e-13)
    // The 3rd-order error estimator b − b̂₃ annihilates polynomials up to degree 2:
    // Σ eᵢ cᵢ^(k−1) = 0 for k = 1, 2, 3.
    for k in 1...3 {
        let v = (0..<12).reduce(0.0) { $0 + DOP853C.e3[$1] * pow(c[$1], Double(k - 1)) }
        #expect(abs(v) < 1e-14)
    }
}

@Test func dormandPrinceMatchesClosedForms() {
    // Exponential growth and decay over [0, 5].
    for lambda in [1.0, -0.5] {
        let p = ODEProblem(f: { _, y in [lambda * y[0]] }, y0: [1], tspan: (0, 5))
        let sol = solve(p, .dormandPrince5, options: ODEOptions(rtol: 1e-10, atol: 1e-12))
        #expect(sol.retcode == .success)
        let exact = exp(5 * lambda)
        #expect(abs(sol.yFinal[0] - exact) / exact < 1e-8)
        for (i, t) in sol.t.enumerated() {
            #expect(abs(sol.y[i, 0] - exp(lambda * t)) <= 1e-8 * exp(lambda * t))
        }
    }
    // Harmonic oscillator, ω = 2, ten periods.
    let omega = 2.0, tEnd = 10 * Double.pi
    let sol = solve(oscillator(omega: omega, tEnd: tEnd), .dormandPrince5,
                    options: ODEOptions(rtol: 1e-10, atol: 1e-12))
    #expect(abs(sol.yFinal[0] - cos(omega * tEnd)) < 1e-8)
    #expect(abs(sol.yFinal[1] + omega * sin(omega * tEnd)) < 2e-8)
}

@Test func dormandPrinceErrorFollowsTolerance() {
    // Tolerance proportionality: the global error shrinks roughly like rtol.
    let tEnd = 4 * Double.pi
    var errors: [Double] = []
    for rtol in [1e-4, 1e-6, 1e-8, 1e-10] {
        let sol = solve(oscillator(omega: 1, tEnd: tEnd), .dormandPrince5,
                        options: ODEOptions(rtol: rtol, atol: rtol * 1e-2))
        errors.append(abs(sol.yFinal[0] - 1))
    }
    for i in 1..<errors.count {
        #expect(errors[i] < errors[i - 1] / 20, "errors \(errors)")
    }
}

@Test func dop853ReachesTwelveDigits() {
    let osc = solve(oscillator(omega: 1, tEnd: 6 * Double.pi), .dop853,
                    options: ODEOptions(rtol: 1e-14, atol: 1e-16))
    #expect(osc.retcode == .success)
    #expect(abs(osc.yFinal[0] - 1) < 1e-12)
    #expect(abs(osc.yFinal[1]) < 1e-12)
    // Kepler orbit (e = 0.5): back to the start after one period.
    let kp = kepler(e: 0.5)
    let sol = solve(kp, .dop853, options: ODEOptions(rtol: 1e-14, atol: 1e-16))
    #expect(sol.retcode == .success)
    let err = (0..<4).map { abs(sol.yFinal[$0] - kp.y0[$0]) }.max()!
    #expect(err < 1e-12, "Kepler return error \(err)")
    // DOP853 needs far fewer steps than Dormand–Prince for the same tight tolerance.
    let dp5 = solve(kp, .dormandPrince5, options: ODEOptions(rtol: 1e-12, atol: 1e-14))
    let d8 = solve(kp, .dop853, options: ODEOptions(rtol: 1e-12, atol: 1e-14))
    #expect(d8.stats.accepted * 4 < dp5.stats.accepted)
    #expect(d8.stats.nfev < dp5.stats.nfev)
}

@Test func rodas4IsFourthOrderOnASmoothProblem() {
    // Tolerance proportionality for the Rosenbrock method on y' = y cos t.
    let e1 = abs(solve(expSin, .rodas4, options: ODEOptions(rtol: 1e-6, atol: 1e-8)).yFinal[0] - exp(sin(2.0)))
    let e2 = abs(solve(expSin, .rodas4, options: ODEOptions(rtol: 1e-9, atol: 1e-11)).yFinal[0] - exp(sin(2.0)))
    #expect(e1 < 1e-5)
    #expect(e2 < 1e-8)
    #expect(e2 < e1 / 50)
}

@Test func backwardIntegration() {
    // y' = −2y from t = 3 back to t = 0: y(0) = y(3)·e^6.
    let p = ODEProblem(f: { _, y in [-2 * y[0]] }, y0: [1], tspan: (3, 0))
    for m in [ODEMethod.dormandPrince5, .dop853, .rodas4, .rk4(dt: 0.01)] {
        let sol = solve(p, m, options: ODEOptions(rtol: 1e-10, atol: 1e-12))
        #expect(sol.retcode == .success)
        #expect(sol.tFinal == 0)
        #expect(abs(sol.yFinal[0] / exp(6.0) - 1) < 1e-7, "\(m.kind)")
        // Dense output works backwards too.
        #expect(abs(sol(1.5)[0] / exp(3.0) - 1) < 1e-7, "\(m.kind)")
    }
}
