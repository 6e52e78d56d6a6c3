import Testing
@testable import Compute
#if canImport(Glibc)
import Glibc
#endif

// Article 2: probability-flow ODEs built by characteristics.

private func gaussianPDF(_ x: Double, mean: Double, sd: Double) -> Double {
    exp(-0.5 * (x - mean) * (x - mean) / (sd * sd)) / (sd * (2 * Double.pi).squareRoot())
}

@Test func straightLineConditionalFieldAndDensity() {
    let flow = CharacteristicFlow(path: .straightLine, prior: .standardNormal, data: [[0.7], [-1.1]])
    let x0 = [0.7]
    for (t, x) in [(0.3, 0.2), (0.9, -1.4), (0.05, 0.66)] {
        // f_t(x|x0) = (x − x0)/t
        #expect(abs(flow.conditionalField(t: t, x: [x], x0: x0)[0] - (x - 0.7) / t) < 1e-15)
        // p_t(x|x0) = N((1−t)x0, t²)
        let p = flow.conditionalDensity(t: t, x: [x], x0: x0)
        #expect(abs(p - gaussianPDF(x, mean: (1 - t) * 0.7, sd: t)) < 1e-14 * max(1, p))
    }
    // Characteristic x_t = (x1 − x0)t + x0
    #expect(ProbabilityPath.straightLine.characteristic(t: 0.25, x0: [2], x1: [-2]) == [1])
    // Stated derivatives of the built-in paths agree with finite differences.
    for path in [ProbabilityPath.straightLine, .cosine] {
        #expect(path.derivativeDefect(t: 0.4, x0: [1.3, -0.2]) < 1e-10)
    }
    // Exact divergence d σ'/σ = 1/t for d = 1.
    #expect(abs(flow.conditionalDivergence(t: 0.25) - 4) < 1e-15)
    #expect(abs(flow.divergence(t: 0.25, x: [0.3], conditionalOn: x0) - 4) < 1e-9)
}

@Test func conditionalFlowTransportsAlongCharacteristics() {
    // Integrating the conditional field from x1 at t = 1 reproduces μ_t(x0) + σ_t x1.
    let flow = CharacteristicFlow(path: .cosine, prior: .standardNormal, data: [[1.5, -0.5]])
    let x0 = [1.5, -0.5], x1 = [0.3, 0.8]
    let sol = solve(flow.odeProblem(x1: x1, from: 1, to: 0.05, conditionalOn: x0), .dop853,
                    options: ODEOptions(rtol: 1e-12, atol: 1e-14, saveat: [0.7, 0.3, 0.05]))
    #expect(sol.retcode == .success)
    for (i, t) in sol.t.enumerated() {
        let exact = flow.path.characteristic(t: t, x0: x0, x1: x1)
        #expect(abs(sol.y[i, 0] - exact[0]) < 1e-10 && abs(sol.y[i, 1] - exact[1]) < 1e-10)
    }
}

@Test func continuityEquationHoldsForConditionalAndMarginalPairs() {
    let data: [[Double]] = [[-1.0, 0.5], [0.8, 0.2], [0.1, -1.3]]
    for path in [ProbabilityPath.straightLine, .cosine] {
        let flow = CharacteristicFlow(path: path, prior: .standardNormal, data: data, weights: [1, 2, 1])
        for (t, x) in [(0.6, [0.2, 0.1]), (0.35, [-0.7, 0.4]), (0.8, [1.0, -1.0])] {
            let m = flow.continuityResidual(t: t, x: x)
            #expect(m.relative < 1e-7, "\(path.name) marginal at t=\(t): \(m)")
            let c = flow.continuityResidual(t: t, x: x, conditionalOn: data[1])
            #expect(c.relative < 1e-7, "\(path.name) conditional at t=\(t): \(c)")
        }
    }
    // A wrong field violates it: the marginal density with a single component's field.
    let flow = CharacteristicFlow(path: .straightLine, prior: .standardNormal, data: data)
    let x = [0.2, 0.1], t = 0.5
    let dpdt = FiniteDifference.first({ flow.marginalDensity(t: $0, x: x) }, at: t, h: 1e-3)
    var div = 0.0
    for k in 0..<2 {
        div += FiniteDifference.first({ v in
            var xx = x; xx[k] = v
            return flow.conditionalField(t: t, x: xx, x0: data[0])[k] * flow.marginalDensity(t: t, x: xx)
        }, at: x[k], h: 1e-3)
    }
    #expect(abs(dpdt + div) / max(abs(dpdt), abs(div)) > 1e-2)
}

@Test func marginalFieldIsThePosteriorAverage() {
    let flow = CharacteristicFlow(path: .straightLine, prior: .standardNormal, data: [[0.0], [2.0]])
    let t = 0.5, x = [0.5]
    // Midway between the means (1−t)·0 = 0 and (1−t)·2 = 1: equal posteriors, and the field
    // is the average of (x − 0)/t = 1 and (x − 2)/t = −3.
    let post = flow.posterior(t: t, x: x)
    #expect(abs(post[0] - 0.5) < 1e-15)
    #expect(abs(flow.marginalField(t: t, x: x)[0] - -1) < 1e-14)
    // Marginal density = average of two Gaussians N((1−t)x0, t²).
    let p = flow.marginalDensity(t: t, x: [0.3])
    let exact = 0.5 * gaussianPDF(0.3, mean: 0, sd: 0.5) + 0.5 * gaussianPDF(0.3, mean: 1, sd: 0.5)
    #expect(abs(p - exact) < 1e-15)
    // No underflow far in the tail at small t (log-sum-exp).
    let tail = flow.marginalField(t: 1e-3, x: [0.9])
    #expect(tail[0].isFinite && abs(tail[0] - (0.9 - 0) / 1e-3) < 1e-9)
}

@Test func densityAlongCharacteristics() {
    // d log p/dt = −∇·f along trajectories reproduces the closed-form marginal log-density.
    let flow = CharacteristicFlow(path: .straightLine, prior: .standardNormal,
                                  data: [[-0.5], [0.4], [1.1]], weights: [0.5, 0.3, 0.2])
    let sol = solve(flow.densityODEProblem(x1: [0.8], from: 1, to: 0.2), .dop853,
                    options: ODEOptions(rtol: 1e-10, atol: 1e-12))
    #expect(sol.retcode == .success)
    let xEnd = [sol.yFinal[0]], lEnd = sol.yFinal[1]
    #expect(abs(lEnd - flow.marginalLogDensity(t: 0.2, x: xEnd)) < 1e-6)
    // Conditional version with the exact divergence.
    let c = solve(flow.densityODEProblem(x1: [0.8], from: 1, to: 0.2, conditionalOn: [0.4]), .dop853,
                  options: ODEOptions(rtol: 1e-12, atol: 1e-14))
    #expect(abs(c.yFinal[1] - flow.conditionalLogDensity(t: 0.2, x: [c.yFinal[0]], x0: [0.4])) < 1e-10)
}

@Test func uniformPriorDemoSplitsMassByDataWeights() {
    // Article demo: uniform prior on [0, 2], data {0.5, 0.5, 1.2, 1.7}: integrating from
    // t = 1 to t → 0 sends x1 ∈ [0, 1) to 0.5 (mass 1/2), [1, 1.5) to 1.2, [1.5, 2] to 1.7,
    // because a 1-D flow preserves the CDF: F_t(x_t) = F_1(x_1) = x_1/2.
    let flow = CharacteristicFlow(path: .straightLine, prior: .uniform(lower: 0, upper: 2),
                                  data: [[0.5], [0.5], [1.2], [1.7]])
    #expect(flow.weights == [0.25, 0.25, 0.25, 0.25])
    let tEnd = 1e-3
    var ends: [Double] = []
    var cdfDefect = 0.0
    for k in 0..<20 {
        let x1 = 0.05 + 0.1 * Double(k)
        let sol = solve(flow.odeProblem(x1: [x1], from: 1, to: tEnd), .dop853,
                        options: ODEOptions(rtol: 1e-10, atol: 1e-12, saveat: [0.5, 0.2, tEnd]))
        #expect(sol.retcode == .success)
        ends.append(sol.yFinal[0])
        for (i, t) in sol.t.enumerated() {
            cdfDefect = max(cdfDefect, abs(flow.marginalCDF(t: t, x: sol.y[i, 0]) - x1 / 2))
        }
    }
    #expect(cdfDefect < 1e-6)
    let near = { (c: Double) in ends.filter { abs($0 - c) < 3 * tEnd }.count }
    #expect(near(0.5) == 10 && near(1.2) == 5 && near(1.7) == 5)
    // Trajectories curve: the marginal velocity is not constant along a path.
    let v1 = flow.marginalField(t: 0.9, x: [1.05])[0], v2 = flow.marginalField(t: 0.3, x: [1.15])[0]
    #expect(abs(v1 - v2) > 0.1)
    // The continuity equation holds inside the supports (piecewise constant densities).
    let r = flow.continuityResidual(t: 0.5, x: [0.4], dt: 1e-4, dx: 1e-4)   // inside the 0.5-support only
    #expect(abs(r.residual) < 1e-8 * max(1, abs(r.dpdt)))
}
