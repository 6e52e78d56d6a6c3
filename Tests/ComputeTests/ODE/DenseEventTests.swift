import Testing
@testable import Compute
#if canImport(Glibc)
import Glibc
#endif

// Dense output between steps, saveat, and event location.

private let oscillatorProblem = ODEProblem(inPlace: { _, y, dy in
    dy[0] = y[1]
    dy[1] = -y[0]
}, y0: [0, 1], tspan: (0, 20))   // y = sin t, y' = cos t

@Test(arguments: [ODEMethod.dormandPrince5, .dop853, .rodas4])
func denseOutputIsAccurateBetweenSteps(method: ODEMethod) {
    let sol = solve(oscillatorProblem, method, options: ODEOptions(rtol: 1e-9, atol: 1e-11))
    #expect(sol.hasDenseOutput)
    // Error at the step nodes.
    var nodeErr = 0.0
    for (i, t) in sol.t.enumerated() { nodeErr = max(nodeErr, abs(sol.y[i, 0] - sin(t))) }
    // Error at the midpoints and quarter points of every step (never a node).
    var denseErr = 0.0
    for i in 1..<sol.t.count {
        for f in [0.25, 0.5, 0.75] {
            let t = sol.t[i - 1] + f * (sol.t[i] - sol.t[i - 1])
            let y = sol(t)
            denseErr = max(denseErr, abs(y[0] - sin(t)), abs(y[1] - cos(t)))
        }
    }
    #expect(nodeErr < 1e-7)
    // The continuous extension is as accurate as the steps (within a small factor).
    #expect(denseErr < max(5 * nodeErr, 1e-9), "\(method.kind): dense \(denseErr), nodes \(nodeErr)")
    // Endpoints: exact initial value, last state.
    #expect(sol(0) == [0, 1])
    #expect(sol(20) == sol.yFinal)
}

@Test func hermiteDenseOutputOfFixedStepMethods() {
    // RK4 + cubic Hermite: the interpolation error O(h⁴) dominates, still small.
    let sol = solve(oscillatorProblem, .rk4(dt: 0.01))
    var worst = 0.0
    for k in 0..<2000 {
        let t = 0.005 + 0.01 * Double(k)   // midpoints of the steps
        worst = max(worst, abs(sol(t)[0] - sin(t)))
    }
    #expect(worst < 5e-9)   // RK4's global error at dt = 0.01 dominates
}

@Test func saveatSavesExactlyTheRequestedTimes() {
    let times = [10.0, 0.5, 3.25, 20.0, 7.0]   // any order
    let sol = solve(oscillatorProblem, .dormandPrince5,
                    options: ODEOptions(rtol: 1e-10, atol: 1e-12, saveat: times))
    #expect(sol.t == times.sorted())
    for (i, t) in sol.t.enumerated() {
        #expect(abs(sol.y[i, 0] - sin(t)) < 1e-8)
        #expect(abs(sol.y[i, 1] - cos(t)) < 1e-8)
    }
    #expect(!sol.hasDenseOutput)   // saveat turns the dense output off unless asked
    let both = solve(oscillatorProblem, .dop853, options: ODEOptions(saveat: [1, 2], dense: true))
    #expect(both.hasDenseOutput && both.t == [1, 2])
    // component view
    #expect(sol.y.component(0).count == 5)
    #expect(sol.y[2] == [sol.y[2, 0], sol.y[2, 1]])
}

@Test func saveatWithoutStepsAndNoDense() {
    let sol = solve(oscillatorProblem, .dormandPrince5, options: ODEOptions(saveEveryStep: false, dense: false))
    #expect(sol.t.isEmpty)
    #expect(abs(sol.yFinal[0] - sin(20.0)) < 1e-2)   // default rtol 1e-3
}

@Test func zeroCrossingsOfSineWithDirections() {
    // y = sin t on [0, 20]: zeros at kπ; rising at 2kπ (k ≥ 1), falling at (2k+1)π.
    let rising = ODEEvent(name: "up", direction: .rising) { _, y in y[0] }
    let falling = ODEEvent(name: "down", direction: .falling) { _, y in y[0] }
    let any = ODEEvent(name: "any") { _, y in y[0] }
    for m in [ODEMethod.dormandPrince5, .dop853, .rodas4] {
        let sol = solve(oscillatorProblem, m, options: ODEOptions(rtol: 1e-10, atol: 1e-12, events: [rising, falling, any]))
        #expect(sol.retcode == .success)
        let up = sol.eventTimes(0), down = sol.eventTimes(1), all = sol.eventTimes(2)
        #expect(up.count == 3)      // 2π, 4π, 6π
        #expect(down.count == 3)    // π, 3π, 5π
        #expect(all.count == 6)     // t = 0 is the initial point: not reported
        for (k, t) in up.enumerated() { #expect(abs(t - 2 * Double.pi * Double(k + 1)) < 1e-8, "\(m.kind)") }
        for (k, t) in down.enumerated() { #expect(abs(t - Double.pi * Double(2 * k + 1)) < 1e-8, "\(m.kind)") }
        // Records come in time order with the dense state.
        let ts = sol.events.map(\.t)
        #expect(ts == ts.sorted())
        for r in sol.events { #expect(abs(r.y[0]) < 1e-8 && !r.terminal) }
    }
}

@Test func terminalEventStopsTheIntegration() {
    // Falling ball: h = 10 − g t²/2 hits the ground at t = sqrt(20/g).
    let g = 9.81
    let ball = ODEProblem(f: { _, y in [y[1], -g] }, y0: [10, 0], tspan: (0, 100))
    let ground = ODEEvent(name: "ground", direction: .falling, terminal: true) { _, y in y[0] }
    for m in [ODEMethod.dormandPrince5, .dop853, .rodas4, .rk4(dt: 0.1), .euler(dt: 0.001)] {
        let sol = solve(ball, m, options: ODEOptions(rtol: 1e-10, atol: 1e-12, events: [ground]))
        #expect(sol.retcode == .terminated)
        let tHit = (20 / g).squareRoot()
        // Exact for the polynomial solution (all methods but Euler integrate it exactly
        // up to rounding; Euler's error is O(dt)).
        let tol = m.kind == .euler ? 1e-2 : 1e-10
        #expect(abs(sol.tFinal - tHit) < tol, "\(m.kind): \(sol.tFinal) vs \(tHit)")
        #expect(sol.events.count == 1 && sol.events[0].terminal && sol.events[0].name == "ground")
        #expect(sol.t.last == sol.tFinal)
        #expect(sol.y.last! == sol.yFinal)
        #expect(abs(sol.yFinal[0]) < 1e-9)
        // The dense output ends at the event.
        #expect(sol(sol.tFinal) .count == 2)
    }
}

@Test func eventLocationIsAccurateToTheDenseOutput() {
    // y' = y, y(0) = 1: y = 2 at t = ln 2. Event located to ~ the integration tolerance.
    let p = ODEProblem(f: { _, y in [y[0]] }, y0: [1], tspan: (0, 3))
    let ev = ODEEvent(terminal: true) { _, y in y[0] - 2 }
    for (rtol, tol) in [(1e-6, 1e-6), (1e-10, 1e-10), (1e-13, 1e-13)] {
        let sol = solve(p, .dop853, options: ODEOptions(rtol: rtol, atol: rtol * 1e-2, events: [ev]))
        #expect(abs(sol.tFinal - log(2.0)) < tol, "rtol \(rtol): \(sol.tFinal - log(2.0))")
    }
}

@Test func nonTerminalEventsBeforeATerminalOne() {
    // Counts zeros of sin before t reaches 10 (terminal on t − 10 = 0 as a state event).
    let p = ODEProblem(inPlace: { _, y, dy in
        dy[0] = y[1]; dy[1] = -y[0]; dy[2] = 1
    }, y0: [0, 1, 0], tspan: (0, 100))
    let zero = ODEEvent(name: "zero") { _, y in y[0] }
    let stop = ODEEvent(name: "stop", terminal: true) { _, y in y[2] - 10 }
    let sol = solve(p, .dormandPrince5, options: ODEOptions(rtol: 1e-9, atol: 1e-12, events: [zero, stop]))
    #expect(sol.retcode == .terminated)
    #expect(abs(sol.tFinal - 10) < 1e-9)
    #expect(sol.eventTimes(0).count == 3)   // π, 2π, 3π < 10
    #expect(sol.events.last!.name == "stop")
}
