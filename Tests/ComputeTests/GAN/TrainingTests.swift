import Testing
@testable import Compute

#if canImport(Glibc)
import Glibc
#endif

private func maxDiff(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
private func norm2(_ a: ArraySlice<Double>) -> Double { a.reduce(0) { $0 + $1 * $1 }.squareRoot() }

@Suite struct TrainingTests {
    // Reference values: python3 Tests/ComputeTests/GAN/reference/gan_refs.py (numpy; vanilla
    // GAN from the article's start, h = 0.1, 1000 iterations; the schemes written there from
    // their definitions).
    static let numpyFinal: [(UpdateScheme, [Double])] = [
        (.simultaneous, [0.19012408720881124, 0.5788253953615193, 0.573649615547396, -0.16869291438552847]),
        (.alternating, [0.08358766749778312, 0.1821482317628135, 0.16541010544624252, 0.0015451827596083823]),
        (.extragradient, [0.029814761062267797, 0.05675124224788914, 0.0488372547934193, 0.010099312868658738]),
        (.optimistic, [0.02971530909842273, 0.05655246031593985, 0.048663532038343914, 0.010099485115159828]),
    ]

    @Test func schemesMatchNumpy() {
        let gan = DiracGAN(.vanilla)
        for (scheme, ref) in Self.numpyFinal {
            var t = GANTraining(gan.field, scheme: scheme, stepSize: 0.1, start: articleStart)
            let run = t.run(iterations: 1000, saveEvery: 100)
            #expect(run.outcome == .completed)
            #expect(run.iterations == Array(stride(from: 0, through: 1000, by: 100)))
            #expect(maxDiff(run.finalState, ref) < 1e-11, "\(scheme)")
            #expect(t.iteration == 1000)
        }
        // Who converges: on the vanilla GAN simultaneous steps spiral out, alternating steps
        // stay bounded, extragradient and optimistic steps spiral in (slowly).
        let d = Self.numpyFinal.map { DiracGAN(.vanilla).distanceToEquilibrium($0.1) }
        let d0 = DiracGAN(.vanilla).distanceToEquilibrium(articleStart)
        #expect(d[0] > 2 * d0 && abs(d[1] - d0) < 0.1 && d[2] < 0.3 * d0 && d[3] < 0.3 * d0)
    }

    @Test func emaSitsNearTheEquilibriumWhileTheParametersCircle() {
        // numpy: alternating steps, h = 0.1, 20000 iterations, bias-corrected EMA (β = 0.999)
        // over iterates 0…20000.
        let refState = [-0.17199268143998606, 0.020685856853001953, 0.016378006469765897, 0.1724562153127369]
        let refEMA = [0.0002585195339530839, 0.003454724665260048, 0.003460109743925521, -0.00017203714553434775]
        let gan = DiracGAN(.vanilla)
        var t = GANTraining(gan.field, scheme: .alternating, stepSize: 0.1, start: articleStart)
        let run = t.run(iterations: 20_000, saveEvery: 10, emaDecay: 0.999)
        #expect(maxDiff(run.finalState, refState) < 1e-10)
        #expect(maxDiff(run.finalAverage!, refEMA) < 1e-10)
        // Over the last 5000 iterations θ keeps circling at radius ≈ √0.03 (the flow's limit
        // cycle), while the generator's EMA stays within 0.005 of the real point 0.
        for (it, (s, a)) in zip(run.iterations, zip(run.states, run.averages)) where it >= 15_000 {
            #expect(abs(norm2(s[2...]) - 0.03.squareRoot()) < 1e-3)
            #expect(norm2(a[2...]) < 0.005)
        }
    }

    @Test func emaBiasCorrection() {
        var e = ExponentialMovingAverage(decay: 0.9, dimension: 2)
        e.update([3, -1])
        #expect(e.value == [3, -1])                     // exactly the first value
        let xs: [[Double]] = [[1, 0], [2, 5], [-4, 1], [0.5, 0.5]]
        var f = ExponentialMovingAverage(decay: 0.9, dimension: 2)
        for x in xs { f.update(x) }
        // weighted mean with weights β^{n−i}
        let w = (0..<4).map { pow(0.9, Double(3 - $0)) }, ws = w.reduce(0, +)
        let expected = (0..<2).map { c in zip(w, xs).map { $0 * $1[c] }.reduce(0, +) / ws }
        #expect(maxDiff(f.value, expected) < 1e-15)
        #expect(f.count == 4)
        let constant = ExponentialMovingAverage.series(Array(repeating: [2.0, 7.0], count: 50), decay: 0.999)
        #expect(constant.allSatisfy { maxDiff($0, [2, 7]) < 1e-12 })
    }

    @Test func updateMatricesMatchTheLinearisedStep() throws {
        // The Jacobian (finite differences) of one iteration of each scheme of the nonlinear
        // vanilla + R1 field, at the equilibrium, equals updateMatrix(J) with separate step sizes.
        let gan = DiracGAN(.vanilla, realPoint: [0.3, -0.2], regularizers: [.r1(gamma: 0.4)])
        let j = try #require(gan.jacobianAtEquilibrium())
        let eq = gan.equilibrium
        for scheme in [UpdateScheme.simultaneous, .alternating, .extragradient] {
            for dSteps in [1, 3] where scheme == .alternating || dSteps == 1 {
                let stepMap = GameField(discriminatorCount: 2, generatorCount: 2, field: { x in
                    var t = GANTraining(gan.field, scheme: scheme, stepSize: 0.3, generatorStepSize: 0.2,
                                        discriminatorSteps: dSteps, start: x)
                    t.step()
                    return t.state
                })
                let fd = stepMap.jacobian(at: eq)
                let m = GANTraining.updateMatrix(jacobian: j, discriminatorCount: 2, scheme: scheme, stepSize: 0.3,
                                                 generatorStepSize: 0.2, discriminatorSteps: dSteps)
                #expect(m.maxAbsDifference(fd) < 1e-8, "\(scheme) \(dSteps)")
            }
        }
    }

    @Test func linearFieldIteratesAreMatrixPowers() throws {
        // WGAN-GP with c = 0 is linear: every scheme is exactly x_N = M^N x_0 (optimistic on the
        // stacked (x_k, x_{k−1}) with x_{−1} = x_0).
        let gan = DiracGAN(.wganGP(lambda: 0.1, center: 0))
        let j = try #require(gan.jacobianAtEquilibrium())
        for scheme in UpdateScheme.allCases {
            let m = GANTraining.updateMatrix(jacobian: j, discriminatorCount: 2, scheme: scheme, stepSize: 0.3)
            var x = scheme == .optimistic ? articleStart + articleStart : articleStart
            for _ in 0..<200 { x = matvec(m, x) }
            var t = GANTraining(gan.field, scheme: scheme, stepSize: 0.3, start: articleStart)
            let run = t.run(iterations: 200, saveEvery: 200)
            #expect(maxDiff(run.finalState, Array(x[0..<4])) < 1e-12, "\(scheme)")
        }
    }

    @Test func simultaneousStepsDivergeAtTheSpectralRate() throws {
        // Vanilla: ρ(I + hJ) = |1 + ih/2| = √(1 + h²/4) > 1 for every h; J is normal, so the
        // distance grows by exactly ρ per step in the linear regime (start 10⁴× smaller, run
        // until the distance has grown by e⁴).
        let gan = DiracGAN(.vanilla)
        let j = try #require(gan.jacobianAtEquilibrium())
        for h in [0.05, 0.1, 0.3] {
            let rho = GANTraining.spectralRadius(jacobian: j, discriminatorCount: 2, scheme: .simultaneous, stepSize: h)
            #expect(abs(rho - (1 + h * h / 4).squareRoot()) < 1e-15)
            var t = GANTraining(gan.field, scheme: .simultaneous, stepSize: h, start: articleStart.map { $0 * 1e-4 })
            let run = t.run(iterations: Int(4 / log(rho)), saveEvery: 10)
            let d = run.states.map(gan.distanceToEquilibrium)
            let measured = TrajectoryMetrics.growthFactorPerStep(iterations: run.iterations, distances: d)
            #expect(abs((measured - 1) / (rho - 1) - 1) < 2e-3, "h = \(h): measured \(measured), ρ = \(rho)")
        }
        // WGAN-GP (c = 0, λ = 0.1): |1 + hμ|² = 1 − 0.2h + h², so ρ < 1 iff h < 0.2.
        let gp = DiracGAN(.wganGP(lambda: 0.1, center: 0))
        let jg = try #require(gp.jacobianAtEquilibrium())
        for h in [0.1, 0.19, 0.21, 0.3] {
            let rho = GANTraining.spectralRadius(jacobian: jg, discriminatorCount: 2, scheme: .simultaneous, stepSize: h)
            #expect(abs(rho - (1 - 0.2 * h + h * h).squareRoot()) < 1e-15)
            var t = GANTraining(gp.field, scheme: .simultaneous, stepSize: h, start: articleStart)
            let run = t.run(iterations: 3000, saveEvery: 5)
            let d = run.states.map(gp.distanceToEquilibrium)
            let measured = TrajectoryMetrics.growthFactorPerStep(iterations: run.iterations, distances: d)
            #expect(abs(measured - rho) < 2e-5, "h = \(h)")
            #expect((d.last! < d[0]) == (h < 0.2))
        }
    }

    @Test func stabilityLimits() throws {
        let vanilla = try #require(DiracGAN(.vanilla).jacobianAtEquilibrium())
        let gp = try #require(DiracGAN(.wganGP(lambda: 0.1, center: 0)).jacobianAtEquilibrium())
        let r1 = try #require(DiracGAN(.vanilla, regularizers: [.r1(gamma: 0.3)]).jacobianAtEquilibrium())
        let rot = try #require(DiracGAN(.wganLinear).jacobianAtEquilibrium())
        // Simultaneous: h* = min −2Re μ/|μ|² (0 if some Re μ ≥ 0).
        #expect(GANTraining.simultaneousStabilityLimit(jacobian: vanilla) == 0)
        #expect(abs(GANTraining.simultaneousStabilityLimit(jacobian: gp) - 0.2) < 1e-14)
        // R1 γ = 0.3: μ = −0.15 ± i√(0.25 − 0.0225), |μ|² = ¼ → h* = 0.3/0.25 = 1.2.
        #expect(abs(GANTraining.simultaneousStabilityLimit(jacobian: r1) - 1.2) < 1e-13)
        // and R1 really stabilises simultaneous steps below 1.2 on the nonlinear field
        for (h, converges) in [(1.0, true), (1.4, false)] {
            let gan = DiracGAN(.vanilla, regularizers: [.r1(gamma: 0.3)])
            var t = GANTraining(gan.field, scheme: .simultaneous, stepSize: h, start: articleStart.map { $0 * 0.01 })
            let run = t.run(iterations: 2000, saveEvery: 2000)
            #expect((gan.distanceToEquilibrium(run.finalState) < gan.distanceToEquilibrium(run.states[0])) == converges)
        }
        // The scan agrees where the crossing is transversal.
        let scanGP = try #require(GANTraining.stabilityLimit(jacobian: gp, discriminatorCount: 2, scheme: .simultaneous, upTo: 1))
        #expect(abs(scanGP - 0.2) < 1e-9)
        // Rotation ±iω (ω = 1 for the linear critic, ½ for vanilla):
        // alternating is marginally stable up to h = 2/ω (det M = 1, trace 2 − h²ω²);
        let alt = try #require(GANTraining.stabilityLimit(jacobian: rot, discriminatorCount: 2, scheme: .alternating, upTo: 5))
        #expect(abs(alt - 2) < 1e-6)
        let altV = try #require(GANTraining.stabilityLimit(jacobian: vanilla, discriminatorCount: 2, scheme: .alternating, upTo: 10))
        #expect(abs(altV - 4) < 1e-6)
        // extragradient: |1 + ihω − h²ω²|² = 1 − h²ω² + h⁴ω⁴ ≤ 1 iff hω ≤ 1;
        let eg = try #require(GANTraining.stabilityLimit(jacobian: rot, discriminatorCount: 2, scheme: .extragradient, upTo: 5))
        #expect(abs(eg - 1) < 1e-6)
        // optimistic: root of z² − (1 + 2ih)z + ih on the unit circle at h = 0.5773502692281158
        // (numpy.roots + bisection in gan_refs.py; = 1/√3).
        let og = try #require(GANTraining.stabilityLimit(jacobian: rot, discriminatorCount: 2, scheme: .optimistic, upTo: 2))
        #expect(abs(og - 0.5773502692281158) < 1e-6)
        // simultaneous on a rotation: unstable at once (the scan reports the first sample
        // where the growth exceeds the tolerance, far below any other limit).
        let sim = try #require(GANTraining.stabilityLimit(jacobian: rot, discriminatorCount: 2, scheme: .simultaneous, upTo: 1))
        #expect(sim < 1e-4)
        // Stable schemes really converge / diverge accordingly on the nonlinear vanilla field.
        for (scheme, h, converges) in [(UpdateScheme.extragradient, 1.5, true), (.extragradient, 2.5, false),
                                       (.optimistic, 1.0, true), (.optimistic, 1.3, false)] {
            var t = GANTraining(DiracGAN(.vanilla).field, scheme: scheme, stepSize: h, start: articleStart.map { $0 * 0.01 })
            let run = t.run(iterations: 4000, saveEvery: 4000)
            let d0 = DiracGAN(.vanilla).distanceToEquilibrium(run.states[0])
            let d1 = DiracGAN(.vanilla).distanceToEquilibrium(run.finalState)
            #expect((d1 < d0) == converges, "\(scheme) h = \(h)")
        }
    }

    @Test func divergenceIsAnOutcome() {
        var t = GANTraining(DiracGAN(.wganGP(lambda: 0.1, center: 0)).field, scheme: .simultaneous, stepSize: 1.5,
                            start: articleStart)
        let run = t.run(iterations: 10_000, saveEvery: 1000, emaDecay: 0.99, divergenceBound: 1e3)
        guard case let .diverged(at) = run.outcome else { Issue.record("expected divergence"); return }
        #expect(at < 10_000)
        #expect(run.iterations.last == at - 1)
        #expect(run.finalState.allSatisfy { abs($0) <= 1e3 })
        #expect(run.averages.count == run.states.count)
    }
}
