import Testing
@testable import Compute

#if canImport(Glibc)
import Glibc
#endif

/// x'' = −x as y = (x, v), x(0) = A, v(0) = 0: x(t) = A cos t, v(t) = −A sin t (closed form).
private let amplitude = 2.0
private func oscillator(tspan: (Double, Double), options: ODEOptions) -> ODESolution {
    solve(ODEProblem(f: { _, y in [y[1], -y[0]] }, y0: [amplitude, 0], tspan: tspan), .dop853, options: options)
}

@Suite struct WindowQueryTests {
    @Test func valuesInWindowAreTheSavedPointsThere() {
        let grid = (0...200).map { Double($0) / 2 }  // 0, 0.5, …, 100
        let sol = oscillator(tspan: (0, 100), options: ODEOptions(rtol: 1e-10, atol: 1e-12, saveat: grid))
        let w = sol.values(in: 75...100)
        #expect(w.t == (150...200).map { Double($0) / 2 })
        #expect(w.y.count == 51)
        for (t, y) in zip(w.t, w.y) {
            #expect(abs(y[0] - amplitude * cos(t)) < 1e-7)
            #expect(abs(y[1] + amplitude * sin(t)) < 1e-7)
        }
        #expect(sol.values(in: 75.1...75.4).t.isEmpty)
        #expect(sol.values(in: 75.25...75.5).t == [75.5])
        #expect(sol.values(in: 200...300).t.isEmpty)
        // Backward integration keeps the order of integration.
        let back = oscillator(tspan: (10, 0), options: ODEOptions(rtol: 1e-10, atol: 1e-12, saveat: [10, 7, 5, 3, 1, 0]))
        #expect(back.values(in: 2...7).t == [7, 5, 3])
    }

    @Test func extremaOfXAreTheAmplitudeAtKnownTimes() {
        let sol = oscillator(tspan: (0, 100), options: ODEOptions(rtol: 1e-10, atol: 1e-12))
        // In [79, 85]: x = A cos t peaks at 26π ≈ 81.681 and bottoms at 27π ≈ 84.823.
        let top = sol.maximum(component: 0, in: 79...85)
        #expect(abs(top.value - amplitude) < 1e-7)
        #expect(abs(top.t - 26 * Double.pi) < 1e-5)
        #expect(abs(top.y[1]) < 1e-5)  // v = 0 at the turning point
        let bottom = sol.minimum(of: { $0[0] }, in: 79...85)
        #expect(abs(bottom.value + amplitude) < 1e-7)
        #expect(abs(bottom.t - 27 * Double.pi) < 1e-5)
        // A window without an interior extreme: x decreases on [82, 83], so the ends win.
        let m = sol.maximum(component: 0, in: 82...83), n = sol.minimum(component: 0, in: 82...83)
        #expect(m.t == 82 && abs(m.value - amplitude * cos(82)) < 1e-7)
        #expect(n.t == 83 && abs(n.value - amplitude * cos(83)) < 1e-7)
        // Over [75, 100] the maximum is A (attained at 2πk; any of them).
        let all = sol.maximum(component: 0, in: 75...100)
        #expect(abs(all.value - amplitude) < 1e-7)
        let k = (all.t / (2 * Double.pi)).rounded()
        #expect(abs(all.t - 2 * Double.pi * k) < 1e-5 && (12...15).contains(k))
    }

    @Test func extremaOfAFunctionOfTheState() {
        // x·v = −(A²/2) sin 2t: maximum A²/2 where sin 2t = −1, i.e. t = 3π/4 + kπ.
        let sol = oscillator(tspan: (0, 100), options: ODEOptions(rtol: 1e-10, atol: 1e-12))
        let best = sol.maximum(of: { $0[0] * $0[1] }, in: 90...92)
        #expect(abs(best.value - amplitude * amplitude / 2) < 1e-7)
        #expect(abs(best.t - (0.75 * Double.pi + 28 * Double.pi)) < 1e-5)  // 90.32
        // Energy x² + v² = A² is constant: max and min agree to the solver's accuracy.
        let e1 = sol.maximum(of: { $0[0] * $0[0] + $0[1] * $0[1] }, in: 0...100)
        let e0 = sol.minimum(of: { $0[0] * $0[0] + $0[1] * $0[1] }, in: 0...100)
        #expect(abs(e1.value - 4) < 1e-7 && abs(e0.value - 4) < 1e-7)
        // A coarse solve (few steps per period) still finds the peak between its steps.
        let coarse = oscillator(tspan: (0, 100), options: ODEOptions(rtol: 1e-6, atol: 1e-8))
        let peak = coarse.maximum(component: 0, in: 79...85)
        #expect(abs(peak.value - amplitude) < 1e-4 && abs(peak.t - 26 * Double.pi) < 1e-2)
    }
}
