import Testing
@testable import Compute

#if canImport(Glibc)
import Glibc
#endif

private func maxDiff(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
private func n2(_ a: ArraySlice<Double>) -> Double { a.reduce(0) { $0 + $1 * $1 }.squareRoot() }
private func phiNorm(_ y: [Double]) -> Double { n2(y[0..<2]) }
private func thetaNorm(_ y: [Double]) -> Double { n2(y[2..<4]) }

@Suite struct GradientFlowTests {
    // Reference trajectories: python3 Tests/ComputeTests/GAN/reference/gan_refs.py
    // (scipy.integrate.solve_ivp, DOP853, rtol = atol = 1e-13; fields typed from the article's
    // formulas; start (0.1, 0.2, 0.2, 0.1)).
    static let scipy: [(String, DiracGAN, [(Double, [Double])])] = [
        ("vanilla", DiracGAN(.vanilla), [
            (10, [0.2130959478550561, 0.14204721516883595, -0.031012732372493388, -0.1614543712099351]),
            (50, [0.08736589500800479, 0.19136384036474963, 0.1743609371790147, 0.03853195286182165])]),
        ("wgan", DiracGAN(.wgan), [
            (5, [-0.20727943847373712, 0.08387630407924657, 0.1702629595166537, 0.05156924665238811]),
            (10, [-0.22345190591944364, -0.008321402579682436, -0.07190635087523803, 0.39010043638716513])]),
        ("wganGP0", DiracGAN(.wganGP(lambda: 0.1, center: 0)), [
            (10, [0.007090887477444392, -0.041421937140320816, -0.08590490681648846, -0.070754309455849]),
            (40, [-0.004261389496315681, -0.003756890474280753, 5.582034039973069e-05, 0.0024108544293751726])]),
        ("wganGP1", DiracGAN(.wganGP(lambda: 0.1, center: 1)), [
            (10, [0.1803260061910975, -0.6277165784472156, -0.6584489430992606, -0.3624049234375712]),
            (40, [-0.8462750164471402, -0.5355081826212738, -0.49653420614937344, 0.8329800486237394])]),
        ("ganQPTheta", DiracGAN(.ganQP(lambda: 1)), [
            (10, [0.06299297039345886, -0.12729076753963797, -0.17153376525064354, -0.12962296128107334]),
            (40, [-0.13395745672089784, -0.11437876967701875, -0.10973425126519981, 0.1302557675846939])]),
        ("ganQPPhi", DiracGAN(.ganQPPhiNorm(lambda: 1)), [
            (10, [0.06236408656710038, -0.1289141666445387, -0.17074259377157572, -0.1281003419255934]),
            (40, [-0.13488297407825697, -0.11310758619096009, -0.10846510940513152, 0.1314604264203298])]),
        ("ganQPThetaL2", DiracGAN(.ganQP(lambda: 1), regularizers: [.weightDecay(0.1)]), [
            (10, [0.030057949999221945, -0.0780451761431402, -0.11097789173110774, -0.079017169403045]),
            (70, [-0.002989102467524483, 0.0036436154332853826, 0.004485976799643947, 0.0036838097008215125])]),
    ]

    @Test func trajectoriesMatchScipy() {
        for (name, gan, refs) in Self.scipy {
            let tEnd = refs.map(\.0).max()!
            let p = gan.flowProblem(from: articleStart, tspan: (0, tEnd))
            let sol = solve(p, .dop853, options: ODEOptions(rtol: 1e-12, atol: 1e-13, saveat: refs.map(\.0)))
            #expect(sol.retcode == .success)
            for (i, (_, y)) in refs.enumerated() {
                #expect(maxDiff(sol.y[i], y) < 1e-9, "\(name) t = \(sol.t[i])")
            }
        }
    }

    @Test func wganConservesTheNormOfPhi() {
        // ‖φ‖ and ‖φ∧θ‖/‖φ‖·exp(−‖θ‖²/(2‖φ‖²)) stay constant to the integrator's tolerance, and
        // the drift shrinks with the tolerance.
        let gan = DiracGAN(.wgan)
        let q0 = gan.conservedQuantities(at: articleStart).map(\.value)
        #expect(abs(q0[0] - 0.05.squareRoot()) < 1e-16)
        var drift: [Double] = []
        for rtol in [1e-6, 1e-10] {
            let tr = gan.integrateFlow(from: articleStart, duration: 30, sampleInterval: 0.05, rtol: rtol, atol: rtol * 1e-2)
            #expect(tr.isSuccessful)
            let d = tr.states.map { s in zip(gan.conservedQuantities(at: s).map(\.value), q0).map { abs($0 - $1) }.max()! }.max()!
            drift.append(d)
        }
        #expect(drift[1] < 1e-9)
        #expect(drift[0] < 1e-4 && drift[1] < drift[0] / 100)
        // no convergence: the distance never drops below ‖φ‖
        let tr = gan.integrateFlow(from: articleStart, duration: 30, sampleInterval: 0.05)
        #expect(tr.states.allSatisfy { gan.distanceToEquilibrium($0) >= 0.05.squareRoot() - 1e-9 })
    }

    @Test func vanillaCirclesForeverOnTheLimitCycle() throws {
        // The non-saturating vanilla flow conserves φ∧θ (= −0.03 from the start), so it never
        // reaches 0: ‖y‖² ≥ 2|φ∧θ| = 0.06. It settles on the circle ‖φ‖ = ‖θ‖ = √0.03, φ ⊥ θ,
        // with period 4π (the linearisation's ±i/2).
        let gan = DiracGAN(.vanilla)
        let cycle = try #require(gan.limitCycle(from: articleStart))
        let tr = gan.integrateFlow(from: articleStart, duration: 1000, sampleInterval: 0.1)
        #expect(tr.isSuccessful)
        let w0 = DiracGAN.wedgeNorm([0.1, 0.2], [0.2, 0.1])
        var energy = Double.infinity
        for s in tr.states {
            #expect(abs(DiracGAN.wedgeNorm(Array(s[0..<2]), Array(s[2...])) - w0) < 1e-9)
            #expect(gan.distanceToEquilibrium(s) >= (2 * w0).squareRoot() - 1e-9)
            let e = s.reduce(0) { $0 + $1 * $1 }
            #expect(e <= energy + 1e-10)     // E' = −2s·tanh(s/2) ≤ 0 (up to the tolerance)
            energy = e
        }
        let last = tr.states.last!
        #expect(abs(phiNorm(last) - cycle.radius) < 1e-3 && abs(thetaNorm(last) - cycle.radius) < 1e-3)
        let tail = tr.times.indices.filter { tr.times[$0] >= 800 }
        let period = try #require(TrajectoryMetrics.oscillationPeriod(times: tail.map { tr.times[$0] },
                                                                      values: tail.map { tr.states[$0][2] }))
        #expect(abs(period - 4 * Double.pi) < 1e-3)
        #expect(abs(cycle.period - 4 * Double.pi) < 1e-15)
        // 1-D comparison: there φ∧θ ≡ 0 and the flow does converge, slowly: E' ≈ −E²/8 gives
        // ‖y‖ ≈ √(8/(t + 8/E₀)).
        let one = DiracGAN(.vanilla, dimension: 1)
        let t1 = one.integrateFlow(from: [0.1, 0.2], duration: 1000, sampleInterval: 0.05)
        let window = t1.states.suffix(400).map(one.distanceToEquilibrium)
        #expect(abs(window.max()! * (1000 + 8 / 0.05).squareRoot() - 8.0.squareRoot()) < 0.05)
    }

    @Test func wganGPAtZeroConvergesAtRateLambda() throws {
        let gan = DiracGAN(.wganGP(lambda: 0.1, center: 0))
        let tr = gan.integrateFlow(from: articleStart, duration: 200, sampleInterval: 0.05)
        let d = tr.states.map(gan.distanceToEquilibrium)
        #expect(d.last! < 1e-8)
        // Here ‖y‖² is a Lyapunov function ((‖y‖²)' = −4λ‖φ‖² ≤ 0): the distance decreases
        // monotonically, so take the envelope of the oscillating θ₁ instead, over t ≤ 150
        // (values ≳ 1e-7, well above the integration error).
        #expect(zip(d, d.dropFirst()).allSatisfy { $1 <= $0 + 1e-12 })
        let env = TrajectoryMetrics.envelope(times: tr.times, values: tr.component(2))
        let keep = env.times.indices.filter { env.times[$0] <= 150 }
        let fit = TrajectoryMetrics.exponentialFit(times: keep.map { env.times[$0] }, values: keep.map { env.values[$0] })
        #expect(abs(fit.rate + 0.1) < 1e-4)         // Re μ = −λ
        let period = try #require(TrajectoryMetrics.oscillationPeriod(times: tr.times, values: tr.component(2)))
        #expect(abs(period - 2 * Double.pi / 0.99.squareRoot()) < 1e-3)    // Im μ = √(1 − λ²)
    }

    @Test func wganGPAtOneSettlesOnTheUnitCircle() throws {
        let gan = DiracGAN(.wganGP(lambda: 0.1, center: 1))
        let tr = gan.integrateFlow(from: articleStart, duration: 400, sampleInterval: 0.05)
        #expect(tr.isSuccessful)
        let last = tr.states.last!
        #expect(abs(phiNorm(last) - 1) < 1e-6 && abs(thetaNorm(last) - 1) < 1e-6)
        #expect(abs(last[0] * last[2] + last[1] * last[3]) < 1e-6)   // φ ⊥ θ
        // on the circle the field is the rotation φ' = −θ, θ' = φ: period 2π
        let tail = tr.times.indices.filter { tr.times[$0] >= 300 }
        let w = TrajectoryMetrics.angularFrequency(times: tail.map { tr.times[$0] }, x: tail.map { tr.states[$0][2] },
                                                   y: tail.map { tr.states[$0][3] })
        #expect(abs(abs(w) - 1) < 1e-6)
        #expect(tr.states.map(gan.distanceToEquilibrium).last! > 1.4)   // far from the equilibrium
    }

    @Test func ganQPOscillatesAndL2MakesItConverge() throws {
        for loss in [DiracGANLoss.ganQP(lambda: 1), .ganQPPhiNorm(lambda: 1)] {
            let gan = DiracGAN(loss)
            let cycle = try #require(gan.limitCycle(from: articleStart))
            let tr = gan.integrateFlow(from: articleStart, duration: 400, sampleInterval: 0.05)
            let last = tr.states.last!
            #expect(abs(phiNorm(last) - cycle.radius) < 1e-6 && abs(thetaNorm(last) - cycle.radius) < 1e-6, "\(loss)")
            let tail = tr.times.indices.filter { tr.times[$0] >= 300 }
            let p = try #require(TrajectoryMetrics.oscillationPeriod(times: tail.map { tr.times[$0] },
                                                                     values: tail.map { tr.states[$0][2] }))
            #expect(abs(p - cycle.period) < 1e-4)
            // with L2 weight decay 0.1 on D it converges, at the rate Re μ = −0.05
            let damped = DiracGAN(loss, regularizers: [.weightDecay(0.1)])
            let td = damped.integrateFlow(from: articleStart, duration: 400, sampleInterval: 0.05)
            let d = td.states.map(damped.distanceToEquilibrium)
            #expect(d.last! < 1e-7)
            let env = TrajectoryMetrics.envelope(times: td.times, values: td.component(2))
            let late = env.times.indices.filter { env.times[$0] > 100 && env.times[$0] < 250 }
            let fit = TrajectoryMetrics.exponentialFit(times: late.map { env.times[$0] }, values: late.map { env.values[$0] })
            #expect(abs(fit.rate + 0.05) < 1e-3, "\(loss)")
        }
    }

    @Test func r1MakesTheVanillaFlowConverge() throws {
        // R1 with γ = 0.5: eigenvalues −0.25 ± i√(0.25 − 0.0625); the flow from the article's
        // start converges, θ₁'s envelope decaying at the rate Re μ = −γ/2.
        let gan = DiracGAN(.vanilla, regularizers: [.r1(gamma: 0.5)])
        let tr = gan.integrateFlow(from: articleStart, duration: 120, sampleInterval: 0.05)
        #expect(gan.distanceToEquilibrium(tr.states.last!) < 1e-10)
        let env = TrajectoryMetrics.envelope(times: tr.times, values: tr.component(2))
        let keep = env.times.indices.filter { env.times[$0] > 20 && env.times[$0] < 80 }
        let fit = TrajectoryMetrics.exponentialFit(times: keep.map { env.times[$0] }, values: keep.map { env.values[$0] })
        #expect(abs(fit.rate + 0.25) < 1e-3)
        // period from t ∈ [10, 60] (later the values sink towards the integration error)
        let mid = tr.times.indices.filter { tr.times[$0] >= 10 && tr.times[$0] <= 60 }
        let p = try #require(TrajectoryMetrics.oscillationPeriod(times: mid.map { tr.times[$0] },
                                                                 values: mid.map { tr.states[$0][2] }))
        #expect(abs(p - 2 * Double.pi / (0.25 - 0.0625).squareRoot()) < 1e-3)
    }

    @Test func saturatingVanillaRotatesEachCoordinatePlane() {
        // A variant the article does not analyse: with the saturating generator loss,
        // z_j = φ_j + iθ_j obeys z_j' = iσ(φ·θ) z_j, so every |z_j|² is conserved: exact circles.
        let gan = DiracGAN(.vanillaSaturating)
        let tr = gan.integrateFlow(from: articleStart, duration: 200, sampleInterval: 0.1)
        let r0 = [0.1 * 0.1 + 0.2 * 0.2, 0.2 * 0.2 + 0.1 * 0.1]
        for s in tr.states {
            #expect(abs(s[0] * s[0] + s[2] * s[2] - r0[0]) < 1e-10)
            #expect(abs(s[1] * s[1] + s[3] * s[3] - r0[1]) < 1e-10)
        }
    }

    @Test func emaOfTheFlowSitsNearTheEquilibrium() {
        // EMA (β = 0.999) of flow samples every 0.1 time units (one "step" = 0.1): the
        // generator's average stays near 0 while θ keeps circling at radius √0.03.
        let gan = DiracGAN(.vanilla)
        let tr = gan.integrateFlow(from: articleStart, duration: 2000, sampleInterval: 0.1)
        let ema = ExponentialMovingAverage.series(tr.states, decay: 0.999)
        let lateIdx = tr.times.indices.filter { tr.times[$0] >= 1500 }
        #expect(lateIdx.allSatisfy { thetaNorm(tr.states[$0]) > 0.17 })
        #expect(lateIdx.allSatisfy { thetaNorm(ema[$0]) < 0.01 })
    }

    @Test func flowProblemIsTheField() {
        let gan = DiracGAN(.wganGP(lambda: 0.1, center: 1))
        let p = gan.flowProblem(from: articleStart, tspan: (0, 1))
        for y in testStates(count: 5, dimension: 2, seed: 11) {
            #expect(p.derivative(at: 0.3, y) == gan.vectorField(y))
        }
        // a fixed-step RK4 run agrees with DOP853 to O(dt⁴)
        let a = solve(p.remake(tspan: (0, 5)), .rk4(dt: 0.01)).yFinal
        let b = solve(p.remake(tspan: (0, 5)), .dop853, options: ODEOptions(rtol: 1e-12, atol: 1e-13)).yFinal
        #expect(maxDiff(a, b) < 1e-8)
        // the normalised WGAN is undefined at φ = 0: the solver reports it, no trap
        let bad = DiracGAN(.wgan).integrateFlow(from: [0, 0, 1, 0], duration: 1, sampleInterval: 0.5)
        #expect(!bad.isSuccessful)
    }
}
