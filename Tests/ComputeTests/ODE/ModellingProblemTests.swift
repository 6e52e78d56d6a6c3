import Testing
@testable import Compute
#if canImport(Glibc)
import Glibc
#endif

// Article 3: the pursuit curve and the solar-furnace mirror against their closed forms.

@Test func pursuitClosedFormIdentities() {
    let p = PursuitProblem(a: 1, targetSpeed: 1, pursuerSpeed: 2)   // k = 1/2
    #expect(p.k == 0.5 && p.catches)
    #expect(abs(p.curveY(x: 0)) < 1e-15)
    #expect(abs(p.curveY(x: 1) - 2.0 / 3.0) < 1e-15)             // capture height a k/(1−k²)
    #expect(abs(p.captureTime! - 2.0 / 3.0) < 1e-15)              // a/(w(1−k²))
    #expect(p.capturePoint! == [1, 0.5 / 0.75])
    // The slope is the derivative of the path (finite differences).
    for x in [0.1, 0.5, 0.9] {
        let fd = (p.curveY(x: x + 1e-6) - p.curveY(x: x - 1e-6)) / 2e-6
        #expect(abs(fd - p.curveSlope(x: x)) < 1e-8)
    }
    // Arc length = w·t: d(arc)/dx = sqrt(1 + y'²) = w·dt/dx.
    for x in [0.2, 0.6] {
        let dtdx = (p.time(atX: x + 1e-6) - p.time(atX: x - 1e-6)) / 2e-6
        let s = p.curveSlope(x: x)
        #expect(abs(2 * dtdx - (1 + s * s).squareRoot()) < 1e-7)
    }
    // The closed-form event time for a capture radius r is t* − r/(w − v) to first order.
    let tr = p.closedFormEventTime(radius: 1e-6)!
    #expect(abs(tr - (2.0 / 3.0 - 1e-6)) < 1e-15)
}

@Test func pursuitIntegrationMatchesClosedForm() {
    for (v, w) in [(1.0, 2.0), (1.0, 1.25), (0.3, 1.0)] {
        let p = PursuitProblem(a: 1.5, targetSpeed: v, pursuerSpeed: w)
        let radius = 1e-6
        let sol = solve(p.odeProblem(tEnd: 10), .dormandPrince5,
                        options: ODEOptions(rtol: 1e-11, atol: 1e-13, events: [p.captureEvent(radius: radius)]))
        #expect(sol.retcode == .terminated)
        // Capture time to 1e-8 relative (the event fires at distance r, ≈ r/(w−v) early).
        let tStar = p.captureTime!
        #expect(abs(sol.tFinal - tStar) / tStar < 1e-6 / (w - v) / tStar + 1e-8)
        #expect(abs(sol.tFinal - p.closedFormEventTime(radius: radius)!) / tStar < 1e-8,
                "v=\(v) w=\(w): \(sol.tFinal) vs \(p.closedFormEventTime(radius: radius)!)")
        // The numerical path lies on the closed-form curve y(x): distance to the curve
        // |y − y(x)| / sqrt(1 + y'(x)²) (the slope blows up at capture).
        for i in 1..<(sol.t.count - 1) {
            let x = sol.y[i, 0], y = sol.y[i, 1]
            let slope = p.curveSlope(x: x)
            #expect(abs(y - p.curveY(x: x)) / (1 + slope * slope).squareRoot() < 1e-10)
            // Time along the curve (ill-conditioned as x → a: dt/dx → ∞).
            if x < 0.9 * p.a { #expect(abs(sol.t[i] - p.time(atX: x)) < 1e-10) }
        }
        // At the event the pursuer trails the target by r: it sits at height
        // y* − r·w/(w − v) (the target is r/(w − v)·v below y*, the pursuer r below it).
        #expect(abs(sol.yFinal[1] - (p.capturePoint![1] - 1e-6 * w / (w - v))) < 1e-9)
        #expect(abs(sol.yFinal[0] - p.a) < 1e-6)   // a·e with D(e) = r: 6e-9 for k = 0.3
    }
}

@Test func pursuitWithEqualSpeedsNeverCatches() {
    // k = 1: the distance decreases to a/2 and the pursuer trails behind forever.
    let p = PursuitProblem(a: 2, targetSpeed: 1, pursuerSpeed: 1)
    #expect(p.captureTime == nil && p.limitingDistance == 1)
    #expect(p.closedFormEventTime(radius: 0.5) == nil)
    let sol = solve(p.odeProblem(tEnd: 40), .dop853,
                    options: ODEOptions(rtol: 1e-12, atol: 1e-14, events: [p.captureEvent(radius: 0.9)]))
    #expect(sol.retcode == .success)   // never within 0.9 < a/2 = 1
    let d = p.distance(t: 40, pursuer: sol.yFinal)
    #expect(abs(d - 1) < 1e-9, "distance \(d)")
    // Distances decrease monotonically toward a/2.
    let ds = sol.t.indices.map { p.distance(t: sol.t[$0], pursuer: sol.y[$0]) }
    for i in 1..<ds.count { #expect(ds[i] <= ds[i - 1] + 1e-12) }
    // Closed form for k = 1: distance (a/2)(1 + e²) at e = 1 − x/a.
    let x = 1.0
    #expect(abs(p.distance(atX: x) - 1 * (1 + 0.25)) < 1e-14)
    // The event time for a radius above a/2 exists: D = (a/2)(1 + e²) = 1.25 at e = 1/2.
    #expect(abs(p.closedFormEventTime(radius: 1.25)! - p.time(atX: 1)) < 1e-12)
}

@Test func solarFurnaceMirrorIsAParabola() {
    let x0 = 0.0, y0 = 1.0
    let C = SolarFurnaceMirror.parabolaConstant(x: x0, y: y0)
    #expect(C == 1)
    let sol = solve(SolarFurnaceMirror.odeProblem(x0: x0, y0: y0, xEnd: 5), .dop853,
                    options: ODEOptions(rtol: 1e-12, atol: 1e-14))
    #expect(sol.retcode == .success)
    for (i, x) in sol.t.enumerated() {
        #expect(abs(sol.y[i, 0] - SolarFurnaceMirror.parabolaY(x: x, C: C)) < 1e-10)
        #expect(abs(SolarFurnaceMirror.parabolaConstant(x: x, y: sol.y[i, 0]) - C) < 1e-10)
    }
    // Backwards toward the vertex (−C/2, 0).
    let back = solve(SolarFurnaceMirror.odeProblem(x0: 0, y0: 1, xEnd: -0.45), .dop853,
                     options: ODEOptions(rtol: 1e-12, atol: 1e-14))
    #expect(abs(back.yFinal[0] - SolarFurnaceMirror.parabolaY(x: -0.45, C: 1)) < 1e-9)
    // Every ray from the focus leaves parallel to the axis.
    for (x, y) in [(0.0, 1.0), (3.0, 2.5), (-0.3, 0.4)] {
        let d = SolarFurnaceMirror.reflectedDirection(x: x, y: y, slope: SolarFurnaceMirror.slope(x: x, y: y))
        #expect(abs(d[0] - 1) < 1e-14 && abs(d[1]) < 1e-14)
    }
    // A wrong slope does not focus.
    let bad = SolarFurnaceMirror.reflectedDirection(x: 1, y: 1, slope: 1)
    #expect(abs(bad[1]) > 0.1)
}
