import Testing
@testable import Compute
#if canImport(Glibc)
import Glibc
#endif

// Return codes, statistics, options, and the small dense LU.

@Test func blowUpEndsWithStepSizeTooSmall() {
    // y' = y², y(0) = 1: y = 1/(1 − t) blows up at t = 1.
    let p = ODEProblem(f: { _, y in [y[0] * y[0]] }, y0: [1], tspan: (0, 2))
    let sol = solve(p, .dormandPrince5, options: ODEOptions(rtol: 1e-8, atol: 1e-10))
    #expect(sol.retcode == .stepSizeTooSmall || sol.retcode == .nonFinite)
    #expect(!sol.isSuccessful)
    // It stops at the pole (the numerical pole is off by ~1e-9: global error).
    #expect(abs(sol.tFinal - 1) < 1e-6)
    #expect(sol.yFinal[0] > 1e10)
    #expect(sol.t.last == sol.tFinal)
    // Away from the pole the solution is right.
    for (i, t) in sol.t.enumerated() where t < 0.99 {
        #expect(abs(sol.y[i, 0] * (1 - t) - 1) < 1e-6)
    }
}

@Test func fixedStepBlowUpIsNonFinite() {
    let p = ODEProblem(f: { _, y in [y[0] * y[0]] }, y0: [1], tspan: (0, 2))
    let sol = solve(p, .rk4(dt: 0.1))
    #expect(sol.retcode == .nonFinite)
    #expect(sol.tFinal < 1.2)
    #expect(sol.yFinal[0].isFinite)
}

@Test func nonFiniteVectorFieldAtTheStart() {
    let p = ODEProblem(f: { _, y in [log(y[0])] }, y0: [-1], tspan: (0, 1))
    let sol = solve(p, .dop853)
    #expect(sol.retcode == .nonFinite)
    #expect(sol.stats.accepted == 0)
    #expect(sol.yFinal == [-1])
}

@Test func maxStepsIsAReturnCode() {
    let p = ODEProblem(f: { t, _ in [cos(t)] }, y0: [0], tspan: (0, 1000))
    let sol = solve(p, .dormandPrince5, options: ODEOptions(rtol: 1e-10, atol: 1e-12, maxSteps: 50))
    #expect(sol.retcode == .maxSteps)
    #expect(sol.stats.steps == 50)
    #expect(sol.tFinal > 0 && sol.tFinal < 1000)
    // The partial solution is still correct where it got.
    #expect(abs(sol.yFinal[0] - sin(sol.tFinal)) < 1e-8)
    let fixed = solve(p, .euler(dt: 0.1), options: ODEOptions(maxSteps: 10))
    #expect(fixed.retcode == .maxSteps)
    #expect(abs(fixed.tFinal - 1) < 1e-12)
}

@Test func dormandPrinceStatistics() {
    // nfev = 2 (initial f and the initial-step probe) + 6 per step attempt (FSAL).
    let p = ODEProblem(f: { t, y in [-y[0] + sin(t)] }, y0: [1], tspan: (0, 10))
    let sol = solve(p, .dormandPrince5, options: ODEOptions(rtol: 1e-6, atol: 1e-9))
    #expect(sol.stats.nfev == 2 + 6 * sol.stats.steps)
    #expect(sol.stats.njev == 0 && sol.stats.nlu == 0)
    #expect(sol.t.count == sol.stats.accepted + 1)
    // With dt0, no probe evaluation.
    let given = solve(p, .dormandPrince5, options: ODEOptions(rtol: 1e-6, atol: 1e-9, dt0: 0.01))
    #expect(given.stats.nfev == 1 + 6 * given.stats.steps)
    // DOP853: 12 per attempt.
    let d8 = solve(p, .dop853, options: ODEOptions(rtol: 1e-6, atol: 1e-9, dense: false))
    #expect(d8.stats.nfev == 2 + 12 * d8.stats.steps)
    // RODAS4 with a finite-difference Jacobian: per accepted step 6 stages + 1 (∂f/∂t) + n
    // (Jacobian) + 1 (f at the new step start, except the first step which reuses f0);
    // 5 per rejected step (f0, J and ∂f/∂t are reused).
    let r = solve(p, .rodas4, options: ODEOptions(rtol: 1e-6, atol: 1e-9))
    let n = 1
    #expect(r.stats.nfev == 2 + r.stats.accepted * (6 + 1 + n) - 1 + r.stats.rejected * 5)
    #expect(r.stats.nlu == r.stats.steps)
    #expect(r.stats.nsolve == 6 * r.stats.steps)
}

@Test func perComponentTolerancesAndDtMax() {
    let p = ODEProblem(f: { _, y in [y[1], -y[0]] }, y0: [1, 0], tspan: (0, 10))
    let loose = solve(p, .dormandPrince5, options: ODEOptions(rtolPerComponent: [1e-3, 1e-3], atolPerComponent: [1e-6, 1e-6]))
    let tight = solve(p, .dormandPrince5, options: ODEOptions(rtolPerComponent: [1e-3, 1e-9], atolPerComponent: [1e-6, 1e-12]))
    #expect(tight.stats.accepted > 2 * loose.stats.accepted)
    #expect(abs(tight.yFinal[0] - cos(10.0)) < 1e-7)
    let capped = solve(p, .dormandPrince5, options: ODEOptions(dtMax: 0.05))
    for i in 1..<capped.t.count { #expect(capped.t[i] - capped.t[i - 1] <= 0.05 + 1e-15) }
}

@Test func zeroLengthInterval() {
    let p = ODEProblem(f: { _, y in y }, y0: [3], tspan: (1, 1))
    let sol = solve(p)
    #expect(sol.retcode == .success)
    #expect(sol.t == [1] && sol.yFinal == [3])
    #expect(sol(1) == [3])
}

@Test func problemHelpers() {
    let p = ODEProblem(f: { t, y in [t * y[0], -y[1]] }, y0: [1, 2], tspan: (0, 1))
    #expect(p.dimension == 2)
    #expect(p.derivative(at: 2, [3, 4]) == [6, -4])
    let q = p.remake(y0: [5, 6], tspan: (0, 3))
    #expect(q.y0 == [5, 6] && q.tspan.1 == 3)
    #expect(p.solve(.rk4(dt: 0.5)).t == [0, 0.5, 1])
    #expect(ODEReturnCode.terminated.isSuccessful && !ODEReturnCode.maxSteps.isSuccessful)
}

@Test func denseLUSolvesWithPivoting() {
    // a11 = 0 forces a row swap.
    let A: [[Double]] = [[0, 2, 1], [1, 1, 1], [2, 1, 3]]
    let xTrue = [1.0, -2.0, 3.0]
    let b = A.map { row in zip(row, xTrue).reduce(0) { $0 + $1.0 * $1.1 } }
    let x = DenseLU.solve(A, b)!
    for i in 0..<3 { #expect(abs(x[i] - xTrue[i]) < 1e-14) }
    // Hilbert 6×6 with x = 1: residual small, error bounded by cond(H6) ≈ 1.5e7 · ε.
    let n = 6
    let H = (0..<n).map { i in (0..<n).map { j in 1 / Double(i + j + 1) } }
    let hb = H.map { $0.reduce(0, +) }
    let hx = DenseLU.solve(H, hb)!
    for v in hx { #expect(abs(v - 1) < 1e-8) }
    #expect(DenseLU.solve([[1, 2], [2, 4]], [1, 2]) == nil)
}

@Test func brentFindsRoots() {
    let r = brentRoot({ $0 * $0 - 2 }, 0, 2, fa: -2, fb: 2, xtol: 0)
    #expect(abs(r - 2.0.squareRoot()) < 1e-15)
    let c = brentRoot({ cos($0) - $0 }, 0, 1, fa: 1, fb: cos(1) - 1)
    #expect(abs(cos(c) - c) < 1e-15)
}
