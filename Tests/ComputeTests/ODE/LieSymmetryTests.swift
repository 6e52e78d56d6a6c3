import Testing
@testable import Compute
#if canImport(Glibc)
import Glibc
#endif

// Article 4: Lie point symmetries, canonical coordinates, integrating factors, y'' = 0.

private let grid: [[Double]] = [[0.5, 0.3], [1.2, -0.4], [2.0, 0.7], [0.8, 1.9], [1.5, 1.1]]

@Test func linearizedSymmetryConditionSelectsTheRightGenerators() {
    let hom = LieExamples.homogeneous
    #expect(hom.maxSymmetryResidual(.scaling, over: grid) < 1e-9)
    #expect(hom.maxSymmetryResidual(.rotation, over: grid) > 1e-2)
    #expect(hom.maxSymmetryResidual(.translationX, over: grid) > 1e-2)

    let rot = LieExamples.rotation
    // Away from the zero set of the denominator x y² + x³ + y − x.
    let pts: [[Double]] = [[0.3, -0.2], [0.5, -0.6], [-0.4, 0.3], [1.3, 0.4], [0.2, 1.5]]
    #expect(rot.maxSymmetryResidual(.rotation, over: pts) < 1e-8)
    #expect(rot.maxSymmetryResidual(.scaling, over: pts) > 1e-2)

    // Quadratures: y' = F(x) admits ∂y but not ∂x.
    let fx = FirstOrderODE { x, _ in sin(x) }
    #expect(fx.maxSymmetryResidual(.translationY, over: grid) < 1e-10)
    #expect(fx.maxSymmetryResidual(.translationX, over: grid) > 1e-2)
}

@Test func canonicalCoordinatesStraightenTheGenerators() {
    for (x, y) in [(0.7, 0.2), (1.5, -0.8), (2.2, 1.3)] {
        let s = CanonicalCoordinates.scaling.check(.scaling, x: x, y: y)
        #expect(abs(s.xr) < 1e-10 && abs(s.xs - 1) < 1e-10)
        let p = CanonicalCoordinates.polar.check(.rotation, x: x, y: y)
        #expect(abs(p.xr) < 1e-10 && abs(p.xs - 1) < 1e-10)
        // Inverse maps.
        let c = CanonicalCoordinates.polar
        let back = c.inverse(c.r(x, y), c.s(x, y))
        #expect(abs(back[0] - x) < 1e-14 && abs(back[1] - y) < 1e-14)
    }
}

@Test func reductionToQuadratureForTheScalingExample() {
    let ode = LieExamples.homogeneous
    let c = CanonicalCoordinates.scaling
    // ds/dr = 1/(r² + r) at every point, independent of s.
    for (r, s) in [(0.5, 0.0), (0.5, 1.3), (2.0, -0.7), (0.2, 0.4)] {
        #expect(abs(ode.reducedSlope(c, r: r, s: s) - LieExamples.homogeneousReducedSlope(r: r)) < 1e-9)
    }
    // Quadrature vs closed form vs direct integration, from (1, 0.5): C = 1 + 1/0.5 = 3.
    let x0 = 1.0, y0 = 0.5
    let C = LieExamples.homogeneousConstant(x: x0, y: y0)
    #expect(C == 3)
    let x1 = 2.0, y1 = LieExamples.homogeneousSolution(x: x1, C: C)   // 4
    let direct = solve(ode.odeProblem(x0: x0, y0: y0, xEnd: x1), .dop853, options: ODEOptions(rtol: 1e-12, atol: 1e-14))
    #expect(abs(direct.yFinal[0] - y1) < 1e-10)
    let s1 = ode.quadratureSolution(c, x0: x0, y0: y0, r1: y1 / x1)
    #expect(abs(s1 - log(x1)) < 1e-9)
    let back = c.inverse(y1 / x1, s1)
    #expect(abs(back[0] - x1) < 1e-8 && abs(back[1] - y1) < 1e-8)
}

@Test func reductionForTheRotationExample() {
    let ode = LieExamples.rotation
    let c = CanonicalCoordinates.polar
    // dθ/dr = 1/(r(1 − r²)), whatever θ.
    for (r, s) in [(0.5, 0.3), (0.5, 2.0), (0.8, -1.0), (1.6, 0.5)] {
        #expect(abs(ode.reducedSlope(c, r: r, s: s) - LieExamples.rotationReducedSlope(r: r)) < 1e-8)
    }
    // Direct integration in x from (0.5, −0.6) vs the closed form r² = 1/(1 + K e^{−2θ}).
    let x0 = 0.5, y0 = -0.6
    let K = LieExamples.rotationConstant(r: c.r(x0, y0), theta: c.s(x0, y0))
    let sol = solve(ode.odeProblem(x0: x0, y0: y0, xEnd: 0.9), .dop853, options: ODEOptions(rtol: 1e-12, atol: 1e-14))
    #expect(sol.retcode == .success)
    for (i, x) in sol.t.enumerated() {
        let y = sol.y[i, 0]
        let r = c.r(x, y), th = c.s(x, y)
        #expect(abs(r - LieExamples.rotationRadius(theta: th, K: K)) < 1e-10)
    }
    // The polar ODE dr/dθ = r(1 − r²) reproduces the same closed form over several turns.
    let polar = solve(LieExamples.rotationPolarProblem(r0: 0.3, theta0: 0, thetaEnd: 10), .dop853,
                      options: ODEOptions(rtol: 1e-12, atol: 1e-14))
    let K2 = LieExamples.rotationConstant(r: 0.3, theta: 0)
    #expect(abs(polar.yFinal[0] - LieExamples.rotationRadius(theta: 10, K: K2)) < 1e-10)
    // Quadrature in canonical coordinates from (0.5, −0.6) to r = 0.9.
    let th = ode.quadratureSolution(c, x0: x0, y0: y0, r1: 0.9)
    #expect(abs(LieExamples.rotationRadius(theta: th, K: K) - 0.9) < 1e-9)
}

@Test func liesIntegratingFactorMakesTheFormExact() {
    let rot = LieExamples.rotation
    for (x, y) in [(0.3, -0.2), (0.5, -0.6), (1.3, 0.4)] {
        #expect(abs(rot.exactnessResidual(.rotation, x: x, y: y)) < 1e-7)
        // μ = 1/(η − ξF) = 1/(x + yF)
        #expect(abs(rot.integratingFactor(.rotation, x: x, y: y) - 1 / (x + y * rot.F(x, y))) < 1e-15)
    }
    let hom = LieExamples.homogeneous
    for p in grid {
        #expect(abs(hom.exactnessResidual(.scaling, x: p[0], y: p[1])) < 1e-7)
        // A generator that is not a symmetry gives a non-exact form.
        #expect(abs(hom.exactnessResidual(.rotation, x: p[0], y: p[1])) > 1e-3)
    }
}

@Test func potentialOfTheExactFormIsAFirstIntegral() {
    // Φ from Lie's integrating factor: its differences match the closed forms, and it is
    // constant along a numerical solution.
    let rot = LieExamples.rotation
    let a = [0.5, -0.6], b = [0.2, 0.3]
    let dPhi = rot.potentialDifference(.rotation, from: a, to: b)
    let exact = LieExamples.rotationFirstIntegral(x: b[0], y: b[1]) - LieExamples.rotationFirstIntegral(x: a[0], y: a[1])
    #expect(abs(dPhi - exact) < 1e-9)
    let sol = solve(rot.odeProblem(x0: 0.5, y0: -0.6, xEnd: 0.9), .dop853, options: ODEOptions(rtol: 1e-12, atol: 1e-14))
    let end = [sol.tFinal, sol.yFinal[0]]
    #expect(abs(rot.potentialDifference(.rotation, from: a, to: end)) < 1e-9)
    let hom = LieExamples.homogeneous
    let p = [1.0, 0.5], q = [1.7, 2.0]
    let exactH = LieExamples.homogeneousFirstIntegral(x: q[0], y: q[1]) - LieExamples.homogeneousFirstIntegral(x: p[0], y: p[1])
    #expect(abs(hom.potentialDifference(.scaling, from: p, to: q) - exactH) < 1e-9)
    // Two points on y = x²/(3 − x): no change.
    #expect(abs(hom.potentialDifference(.scaling, from: p, to: [2, 4])) < 1e-9)
}

@Test func eightPointSymmetriesOfFreeParticle() {
    let ode = SecondOrderODE.freeParticle
    let gens = SecondOrderODE.freeParticleSymmetries
    #expect(gens.count == 8)
    let pts: [(Double, Double, Double)] = [(0.3, -0.7, 1.2), (1.5, 0.4, -0.3), (-2.0, 1.1, 2.5), (0.9, 2.2, 0.0)]
    for g in gens {
        for (x, y, p) in pts {
            #expect(abs(ode.symmetryResidual(g, x: x, y: y, p: p)) < 1e-8, "\(g.name) at \((x, y, p))")
        }
    }
    // Not symmetries: x²∂y (η_xx = 2) and y²∂x (ξ_yy = 2 → −2p³).
    let notSym = [PointSymmetry(name: "x²∂y", xi: { _, _ in 0 }, eta: { x, _ in x * x }),
                  PointSymmetry(name: "y²∂x", xi: { _, y in y * y }, eta: { _, _ in 0 })]
    #expect(abs(ode.symmetryResidual(notSym[0], x: 0.3, y: 0.2, p: 0.5) - 2) < 1e-6)
    #expect(abs(ode.symmetryResidual(notSym[1], x: 0.3, y: 0.2, p: 0.5) + 2 * 0.125) < 1e-6)
    // A nonlinear check: y'' = y'²/y admits the scaling y∂y (y ↦ λy).
    let quot = SecondOrderODE { _, y, p in p * p / y }
    #expect(abs(quot.symmetryResidual(PointSymmetry(name: "y∂y", xi: { _, _ in 0 }, eta: { _, y in y }), x: 0.5, y: 1.3, p: 0.7)) < 1e-7)
    #expect(abs(quot.symmetryResidual(PointSymmetry(name: "∂y", xi: { _, _ in 0 }, eta: { _, _ in 1 }), x: 0.5, y: 1.3, p: 0.7)) > 1e-2)
}
